//! The browser's WebSocket client: connects, resumes from the last sequence number, and
//! reconnects with capped exponential backoff and jitter.

use super::{ClientMessage, ConnectionState, Realtime, RealtimeEvent, ServerControl};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// After this many failed attempts in a row the header says "offline" (retries go on).
const OFFLINE_AFTER: u32 = 3;
const MAX_BACKOFF_MS: f64 = 8_000.0;

pub fn start(rt: Realtime) {
    connect(rt, 0);
}

fn url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

fn connect(rt: Realtime, attempt: u32) {
    let Some(ws) = url().and_then(|u| WebSocket::new(&u).ok()) else {
        schedule_reconnect(rt, attempt + 1);
        return;
    };
    let opened = std::rc::Rc::new(std::cell::Cell::new(false));

    let on_open = {
        let (rt, ws2, opened) = (rt.clone(), ws.clone(), opened.clone());
        Closure::<dyn FnMut()>::new(move || {
            opened.set(true);
            rt.state.set(ConnectionState::Connected);
            let resume = ClientMessage::Resume {
                after: Some(rt.last_seq.get_untracked()),
            };
            if let Ok(text) = serde_json::to_string(&resume) {
                let _ = ws2.send_with_str(&text);
            }
        })
    };
    let on_message = {
        let rt = rt.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                on_text(&rt, &text);
            }
        })
    };
    let on_close = {
        let (rt, opened) = (rt.clone(), opened.clone());
        Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
            let next = if opened.get() { 1 } else { attempt + 1 };
            schedule_reconnect(rt.clone(), next);
        })
    };
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket owns its handlers for its whole life; each connection leaks three small closures.
    on_open.forget();
    on_message.forget();
    on_close.forget();
}

fn on_text(rt: &Realtime, text: &str) {
    if let Ok(event) = serde_json::from_str::<RealtimeEvent>(text) {
        if event.seq > rt.last_seq.get_untracked() {
            rt.last_seq.set(event.seq);
            rt.dispatch(&event);
        }
        return;
    }
    if let Ok(ServerControl::Reload) = serde_json::from_str::<ServerControl>(text) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }
}

fn schedule_reconnect(rt: Realtime, attempt: u32) {
    rt.state.set(if attempt >= OFFLINE_AFTER {
        ConnectionState::Offline
    } else {
        ConnectionState::Reconnecting
    });
    let base = (250.0 * 2f64.powi(attempt as i32)).min(MAX_BACKOFF_MS);
    let delay = base * (0.5 + js_sys::Math::random() * 0.5);
    set_timeout(
        move || connect(rt, attempt),
        Duration::from_millis(delay as u64),
    );
}
