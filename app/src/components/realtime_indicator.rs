use crate::i18n::use_strings;
use crate::realtime::{use_realtime, ConnectionState};
use leptos::prelude::*;

/// The header's live-connection badge: connected, reconnecting or offline.
#[component]
pub fn RealtimeIndicator() -> impl IntoView {
    let t = use_strings();
    let state = use_realtime().state;
    let label = move || match state.get() {
        ConnectionState::Connected => t.get().realtime_connected,
        ConnectionState::Connecting | ConnectionState::Reconnecting => {
            t.get().realtime_reconnecting
        }
        ConnectionState::Offline => t.get().realtime_offline,
    };
    let code = move || match state.get() {
        ConnectionState::Connected => "connected",
        ConnectionState::Connecting => "connecting",
        ConnectionState::Reconnecting => "reconnecting",
        ConnectionState::Offline => "offline",
    };
    view! {
        <span class="realtime" data-state=code role="status" aria-live="polite" data-testid="realtime">
            <span class="realtime__dot" aria-hidden="true"></span>
            <span class="realtime__label">{label}</span>
        </span>
    }
}
