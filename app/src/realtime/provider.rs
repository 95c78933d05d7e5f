//! The realtime context: connection state for the header and event listeners for pages.

use super::RealtimeEvent;
use leptos::prelude::*;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    Connecting,
    Connected,
    Reconnecting,
    Offline,
}

type Listener = Arc<dyn Fn(&RealtimeEvent) + Send + Sync>;

#[derive(Clone)]
pub struct Realtime {
    pub state: RwSignal<ConnectionState>,
    /// The newest sequence number received; the stream resumes after it.
    pub last_seq: RwSignal<i64>,
    listeners: Arc<Mutex<Vec<(u64, Listener)>>>,
    next_id: Arc<Mutex<u64>>,
}

impl Realtime {
    /// Calls `f` for every event until the calling component is cleaned up.
    pub fn on_event(&self, f: impl Fn(&RealtimeEvent) + Send + Sync + 'static) {
        let id = {
            let mut next = self.next_id.lock().unwrap_or_else(|e| e.into_inner());
            *next += 1;
            *next
        };
        self.lock().push((id, Arc::new(f)));
        let listeners = self.listeners.clone();
        on_cleanup(move || {
            listeners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(i, _)| *i != id);
        });
    }

    pub fn dispatch(&self, event: &RealtimeEvent) {
        let listeners: Vec<Listener> = self.lock().iter().map(|(_, l)| l.clone()).collect();
        for l in listeners {
            l(event);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Listener)>> {
        self.listeners.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Provides the context and, in the browser, opens the stream from `after_seq`.
pub fn provide_realtime(after_seq: i64) -> Realtime {
    let realtime = Realtime {
        state: RwSignal::new(ConnectionState::Connecting),
        last_seq: RwSignal::new(after_seq),
        listeners: Arc::new(Mutex::new(Vec::new())),
        next_id: Arc::new(Mutex::new(0)),
    };
    provide_context(realtime.clone());
    #[cfg(feature = "hydrate")]
    {
        let rt = realtime.clone();
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                super::client::start(rt.clone());
            }
        });
    }
    realtime
}

pub fn use_realtime() -> Realtime {
    expect_context::<Realtime>()
}
