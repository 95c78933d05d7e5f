//! Live updates for the inbox: new and changed messages, conversations and accounts, as the
//! realtime stream delivers them; reading the open conversation while the tab is visible.

use super::state::Inbox;
use crate::i18n::use_strings;
use crate::messaging::{list_channel_accounts, mark_conversation_read, MessagingEvent};
use crate::providers::ToastKind;
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;
use std::time::Duration;

pub fn listen(inbox: Inbox) {
    let t = use_strings();
    let refresh = accounts_refresher(inbox);
    use_realtime().on_event(move |e| {
        let Some(event) = MessagingEvent::from_stream(e) else {
            return;
        };
        let inbound = matches!(event, MessagingEvent::MessageReceived { .. });
        match event {
            MessagingEvent::MessageReceived {
                message,
                conversation,
            }
            | MessagingEvent::MessageSent {
                message,
                conversation,
            } => {
                let sender = message.sender_name.clone();
                if inbox.typing.get_untracked() == Some(conversation.id) {
                    inbox.typing.set(None);
                }
                inbox.apply_conversation(conversation);
                let added = inbox.apply_message(message);
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
            MessagingEvent::MessageUpdated { message } => inbox.update_message(message),
            MessagingEvent::ConversationUpdated(c) => {
                inbox.apply_conversation(c);
                refresh();
            }
            MessagingEvent::Typing {
                conversation_id: id,
                ..
            } => {
                // Shown for a few seconds (Telegram repeats it while the person types).
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
            MessagingEvent::MessageRead { .. }
            | MessagingEvent::AccountConnected { .. }
            | MessagingEvent::AccountDisconnected { .. }
            | MessagingEvent::AccountUpdated { .. }
            | MessagingEvent::AccountNeedsRelogin { .. } => refresh(),
            MessagingEvent::FolderChanged { .. } | MessagingEvent::AccountSync { .. } => {}
        }
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
