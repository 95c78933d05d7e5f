use crate::i18n::use_strings;
use crate::messaging::MessagingEvent;
use crate::providers::{client_fetch, use_session};
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;
use leptos_router::components::A;
use std::time::Duration;

/// The left navigation: only areas that exist.
#[component]
pub fn Sidebar() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let unread = inbox_unread();
    let inbox_label = move || {
        let n = unread.get();
        let tt = t.get().inbox;
        if n > 0 {
            format!("{}, {n} {}", tt.nav_inbox, tt.unread)
        } else {
            tt.nav_inbox.to_string()
        }
    };
    view! {
        <aside class="sidebar">
            <div class="sidebar__brand">
                <span class="sidebar__logo" aria-hidden="true">"P"</span>
                <span class="sidebar__name">{move || t.get().app_name}</span>
            </div>
            <nav class="sidebar__nav" aria-label=move || t.get().nav_label>
                <A href="/" exact=true attr:class="sidebar__link">{move || t.get().nav_home}</A>
                <A href="/inbox" attr:class="sidebar__link sidebar__link--badged" attr:aria-label=inbox_label>
                    <span>{move || t.get().inbox.nav_inbox}</span>
                    // Always present (tests read it); hidden while nothing is unread.
                    <span class="sidebar__badge" class:sidebar__badge--zero=move || unread.get() == 0
                        data-testid="nav-inbox-unread" aria-hidden="true">{move || unread.get()}</span>
                </A>
                <A href="/contacts" attr:class="sidebar__link">{move || t.get().nav_contacts}</A>
                <A href="/companies" attr:class="sidebar__link">{move || t.get().nav_companies}</A>
                <A href="/deals" attr:class="sidebar__link">{move || t.get().nav_deals}</A>
                <A href="/board" attr:class="sidebar__link">{move || t.get().board.nav_board}</A>
                <A href="/team" attr:class="sidebar__link">{move || t.get().team.nav_team}</A>
                <A href="/settings" attr:class="sidebar__link">{move || t.get().nav_settings}</A>
            </nav>
            <div class="sidebar__footer">{move || session.me.get().workspace.name}</div>
        </aside>
    }
}

/// Unread inbound messages over all channel accounts — the same totals the inbox's accounts
/// pane shows — reloaded a moment after the events that change them.
fn inbox_unread() -> Signal<i64> {
    let version = RwSignal::new(0u64);
    let accounts = client_fetch(move || {
        version.track();
        crate::messaging::list_channel_accounts()
    });
    let generation = StoredValue::new(0u64);
    use_realtime().on_event(move |e| {
        let relevant = matches!(
            MessagingEvent::from_stream(e),
            Some(
                MessagingEvent::MessageReceived { .. }
                    | MessagingEvent::MessageRead { .. }
                    | MessagingEvent::ConversationUpdated(_)
                    | MessagingEvent::AccountConnected { .. }
                    | MessagingEvent::AccountDisconnected { .. }
            )
        );
        if !relevant {
            return;
        }
        let Some(mine) = generation.try_get_value().map(|g| g + 1) else {
            return;
        };
        generation.set_value(mine);
        set_timeout(
            move || {
                if generation.try_get_value() == Some(mine) {
                    version.try_update(|v| *v += 1);
                }
            },
            Duration::from_millis(250),
        );
    });
    Signal::derive(move || {
        accounts.with(|a| match a {
            Some(Ok(list)) => list.iter().map(|a| a.unread).sum(),
            _ => 0,
        })
    })
}
