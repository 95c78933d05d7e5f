//! Live updates for the inbox: new and changed messages, conversations and accounts, as the
//! realtime stream delivers them; reading the open conversation while the tab is visible.

use super::state::Inbox;
use crate::i18n::use_strings;
use crate::messaging::{
    list_channel_accounts, mark_conversation_read, ConversationView, MessageView,
};
use crate::providers::ToastKind;
use crate::realtime::use_realtime;
use leptos::prelude::*;
use serde::Deserialize;
use std::time::Duration;

/// `message.received` and `message.sent`.
#[derive(Deserialize)]
struct MessageEvent {
    message: MessageView,
    conversation: ConversationView,
}

/// `message.updated`.
#[derive(Deserialize)]
struct MessageUpdate {
    message: MessageView,
}

pub fn listen(inbox: Inbox) {
    let t = use_strings();
    let refresh = accounts_refresher(inbox);
    use_realtime().on_event(move |e| match e.kind.as_str() {
        "message.received" | "message.sent" => {
            let Ok(ev) = serde_json::from_value::<MessageEvent>(e.data.clone()) else {
                return;
            };
            let inbound = e.kind == "message.received";
            let sender = ev.message.sender_name.clone();
            if inbox.typing.get_untracked() == Some(ev.conversation.id) {
                inbox.typing.set(None);
            }
            inbox.apply_conversation(ev.conversation);
            let added = inbox.apply_message(ev.message);
            if inbound {
                if added {
                    let tt = t.get_untracked().inbox;
                    inbox
                        .announce
                        .try_set(format!("{} {sender}", tt.new_message_from));
                    if tab_visible() {
                        mark_read(inbox);
                    }
                }
                refresh();
            }
        }
        "message.updated" => {
            if let Ok(ev) = serde_json::from_value::<MessageUpdate>(e.data.clone()) {
                inbox.update_message(ev.message);
            }
        }
        "conversation.updated" => {
            if let Ok(c) = serde_json::from_value::<ConversationView>(e.data.clone()) {
                inbox.apply_conversation(c);
            }
            refresh();
        }
        "conversation.typing" => {
            // Shown for a few seconds (Telegram repeats it while the person types).
            let Some(id) = e.data.get("conversationId").and_then(|v| v.as_i64()) else {
                return;
            };
            if super::format::now_ms() - e.at > 6_000 {
                return;
            }
            inbox.typing.set(Some(id));
            set_timeout(
                move || {
                    if inbox.typing.get_untracked() == Some(id) {
                        inbox.typing.try_set(None);
                    }
                },
                Duration::from_secs(6),
            );
        }
        "message.read"
        | "account.connected"
        | "account.disconnected"
        | "account.updated"
        | "account.needs_relogin" => refresh(),
        _ => {}
    });
    read_when_visible(inbox);
}

/// Marks the open conversation read and shows the answer.
pub fn mark_read(inbox: Inbox) {
    let Some(id) = inbox.current_id() else {
        return;
    };
    leptos::task::spawn_local(async move {
        match mark_conversation_read(id).await {
            Ok(c) => inbox.apply_conversation(c),
            Err(e) => inbox.toasts.push(ToastKind::Error, e),
        }
    });
}

/// Reloads the accounts (their unread totals and health) a moment after the last of a burst
/// of events, so the totals are the server's and agree with the sidebar.
fn accounts_refresher(inbox: Inbox) -> impl Fn() + Copy + Send + Sync + 'static {
    let generation = StoredValue::new(0u64);
    move || {
        let Some(mine) = generation.try_get_value().map(|g| g + 1) else {
            return;
        };
        generation.set_value(mine);
        set_timeout(
            move || {
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(list) = list_channel_accounts().await {
                        if generation.try_get_value() == Some(mine) {
                            inbox.accounts.try_set(list);
                        }
                    }
                });
            },
            Duration::from_millis(250),
        );
    }
}

fn tab_visible() -> bool {
    #[cfg(feature = "hydrate")]
    {
        !document().hidden()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Messages that arrived while the tab was hidden are read when the user comes back.
fn read_when_visible(inbox: Inbox) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener_untyped("visibilitychange", move |_| {
            let unread = inbox
                .current
                .with_untracked(|c| c.as_ref().is_some_and(|c| c.unread_count > 0));
            if tab_visible() && unread {
                mark_read(inbox);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = inbox;
}
