//! The inbox's shared state: accounts, the chat list and the open conversation, kept in
//! signals that the panes render and that live events and server answers update.

use crate::ids::{ConversationId, MessageId};
use crate::messaging::{AccountView, ConversationView, MessageState, MessageView};
use crate::providers::Toasts;
use leptos::prelude::*;

/// Chats fetched per page of the list.
pub const CHAT_PAGE: i64 = 50;
/// Messages fetched per page of history.
pub const MESSAGE_PAGE: i64 = 50;

#[derive(Clone, Copy)]
pub struct Inbox {
    pub accounts: RwSignal<Vec<AccountView>>,
    /// The chat list as shown: pinned first, then newest activity.
    pub chats: RwSignal<Vec<ConversationView>>,
    /// The open conversation as last seen (header and CRM panel).
    pub current: RwSignal<Option<ConversationView>>,
    /// The open conversation's loaded messages, oldest first.
    pub messages: RwSignal<Vec<MessageView>>,
    /// Older history starts before this message id; `None` once the start is loaded.
    pub older: RwSignal<Option<MessageId>>,
    /// The message the composer replies to.
    pub reply_to: RwSignal<Option<MessageView>>,
    /// `all`, `unread`, `mine` or `unassigned`.
    pub filter: RwSignal<String>,
    pub search: RwSignal<String>,
    /// `?c=`: the open conversation.
    pub open: Memo<Option<ConversationId>>,
    /// `?account=`: the account the list is narrowed to.
    pub account: Memo<Option<i64>>,
    /// Text for the screen-reader announcer.
    pub announce: RwSignal<String>,
    /// The conversation someone is typing in right now (Telegram user accounts).
    pub typing: RwSignal<Option<ConversationId>>,
    pub me: i64,
    pub toasts: Toasts,
}

pub fn use_inbox() -> Inbox {
    expect_context::<Inbox>()
}

impl Inbox {
    pub fn new(
        open: Memo<Option<ConversationId>>,
        account: Memo<Option<i64>>,
        me: i64,
        toasts: Toasts,
    ) -> Self {
        Inbox {
            accounts: RwSignal::new(Vec::new()),
            chats: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            older: RwSignal::new(None),
            reply_to: RwSignal::new(None),
            filter: RwSignal::new("all".into()),
            search: RwSignal::new(String::new()),
            open,
            account,
            announce: RwSignal::new(String::new()),
            typing: RwSignal::new(None),
            me,
            toasts,
        }
    }

    /// The open conversation's id, once its data is loaded.
    pub fn current_id(&self) -> Option<ConversationId> {
        self.current.with_untracked(|c| c.as_ref().map(|c| c.id))
    }

    /// A conversation as it now is: replaces its row (or adds it when it belongs in the list)
    /// and re-sorts, and refreshes the open conversation when it is this one.
    pub fn apply_conversation(&self, conversation: ConversationView) {
        if self.current_id() == Some(conversation.id) {
            self.current.try_set(Some(conversation.clone()));
        }
        let belongs = self.belongs(&conversation);
        self.chats.try_update(|chats| {
            match chats.iter_mut().find(|c| c.id == conversation.id) {
                Some(row) => *row = conversation,
                None if belongs => chats.push(conversation),
                None => return,
            }
            sort_chats(chats);
        });
    }

    /// Appends `page` (a further page of the list) without repeating rows.
    pub fn extend_chats(&self, page: Vec<ConversationView>) {
        self.chats.try_update(|chats| {
            for c in page {
                if !chats.iter().any(|x| x.id == c.id) {
                    chats.push(c);
                }
            }
        });
    }

    /// Whether a conversation not yet listed matches the list's account, filter and search.
    fn belongs(&self, c: &ConversationView) -> bool {
        let account = self.account.try_get_untracked().flatten();
        let filter = self.filter.try_get_untracked().unwrap_or_default();
        let search = self
            .search
            .try_get_untracked()
            .unwrap_or_default()
            .to_lowercase();
        account.is_none_or(|a| a == c.account_id)
            && match filter.as_str() {
                "unread" => c.unread_count > 0,
                "mine" => c.assignee_id == Some(self.me),
                "unassigned" => c.assignee_id.is_none(),
                _ => true,
            }
            && (search.is_empty()
                || c.title.to_lowercase().contains(&search)
                || c.username.to_lowercase().contains(&search))
    }

    /// A message of the open conversation, new or changed; returns whether it was new.
    pub fn apply_message(&self, message: MessageView) -> bool {
        if self.current_id() != Some(message.conversation_id) {
            return false;
        }
        let mut added = false;
        self.messages
            .try_update(|list| match list.iter_mut().find(|m| m.id == message.id) {
                Some(old) => {
                    if supersedes(old.state, message.state) {
                        *old = message;
                    }
                }
                None => {
                    let at = list.partition_point(|m| m.id < message.id);
                    list.insert(at, message);
                    added = true;
                }
            });
        added
    }

    /// A change to a message already shown (delivery state, edit); others are ignored.
    pub fn update_message(&self, message: MessageView) {
        self.messages.try_update(|list| {
            if let Some(old) = list.iter_mut().find(|m| m.id == message.id) {
                if supersedes(old.state, message.state) {
                    *old = message;
                }
            }
        });
    }

    /// Older messages (newest first, as the server sends them) go before the loaded ones.
    pub fn prepend_messages(&self, page: Vec<MessageView>) {
        self.messages.try_update(|list| {
            for m in page {
                if !list.iter().any(|x| x.id == m.id) {
                    list.insert(0, m);
                }
            }
            list.sort_by_key(|m| m.id);
        });
    }
}

/// Pinned first, then by the last message, newest first — the server's order.
pub fn sort_chats(chats: &mut [ConversationView]) {
    chats.sort_by(|a, b| {
        (b.pinned, b.last_message_at, b.id).cmp(&(a.pinned, a.last_message_at, a.id))
    });
}

/// A server answer and a live event about the same message may arrive in either order: a
/// state never goes back (pending → sent → delivered → read), except a failed message retried.
fn supersedes(old: MessageState, new: MessageState) -> bool {
    fn rank(state: MessageState) -> u8 {
        match state {
            MessageState::Pending => 0,
            MessageState::Sent | MessageState::Failed => 1,
            MessageState::Delivered => 2,
            MessageState::Read => 3,
        }
    }
    old == MessageState::Failed || rank(new) >= rank(old)
}

/// The `/inbox` address for an open conversation and an account filter.
pub fn inbox_href(conversation: Option<ConversationId>, account: Option<i64>) -> String {
    let mut params = Vec::new();
    if let Some(c) = conversation {
        params.push(format!("c={c}"));
    }
    if let Some(a) = account {
        params.push(format!("account={a}"));
    }
    if params.is_empty() {
        "/inbox".into()
    } else {
        format!("/inbox?{}", params.join("&"))
    }
}
