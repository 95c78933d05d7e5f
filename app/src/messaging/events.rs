//! The inbox's events, as the server records them and the browser reads them.

use super::{ConversationView, MessageView};
use crate::ids::ConversationId;
use crate::realtime::DomainEvent;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum MessagingEvent {
    /// A message arrived from a channel.
    #[serde(rename = "message.received")]
    MessageReceived {
        message: MessageView,
        conversation: ConversationView,
    },
    /// A member's message was queued for sending.
    #[serde(rename = "message.sent")]
    MessageSent {
        message: MessageView,
        conversation: ConversationView,
    },
    /// A stored message changed: edited, deleted, delivered, read or failed.
    #[serde(rename = "message.updated")]
    MessageUpdated { message: MessageView },
    /// A conversation was read (by a member, or on the network when `read_by` is `None`).
    #[serde(rename = "message.read", rename_all = "camelCase")]
    MessageRead {
        conversation_id: ConversationId,
        account_id: i64,
        read_by: Option<i64>,
    },
    #[serde(rename = "conversation.updated")]
    ConversationUpdated(ConversationView),
    /// Someone types in a conversation (announced, never stored as a message).
    #[serde(rename = "conversation.typing", rename_all = "camelCase")]
    Typing {
        conversation_id: ConversationId,
        user_id: i64,
    },
    #[serde(rename = "folder.changed")]
    FolderChanged {
        id: i64,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deleted: bool,
    },
    #[serde(rename = "account.connected")]
    AccountConnected {
        id: i64,
        /// The channel's kind.
        #[serde(rename = "type")]
        kind: String,
        name: String,
    },
    #[serde(rename = "account.disconnected")]
    AccountDisconnected { id: i64 },
    /// The account's health, name or chats changed.
    #[serde(rename = "account.updated")]
    AccountUpdated {
        id: i64,
        /// How many chats the network listed, when they were reloaded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chats: Option<usize>,
    },
    /// The network no longer accepts the account's credentials.
    #[serde(rename = "account.needs_relogin", rename_all = "camelCase")]
    AccountNeedsRelogin {
        id: i64,
        owner_id: Option<i64>,
        /// Whether the owner is emailed a link to connect again.
        tell_owner: bool,
    },
    /// A picked chat's history import moved on.
    #[serde(rename = "account.sync", rename_all = "camelCase")]
    AccountSync {
        account_id: i64,
        peer_id: String,
        state: String,
    },
}

impl DomainEvent for MessagingEvent {}

#[cfg(test)]
mod tests {
    use super::MessagingEvent;
    use crate::ids::ConversationId;
    use crate::realtime::{DomainEvent, RealtimeEvent};
    use serde_json::json;

    #[test]
    fn the_wire_form_is_the_streams_type_and_data() {
        let event = MessagingEvent::MessageRead {
            conversation_id: ConversationId(4),
            account_id: 2,
            read_by: None,
        };
        let (kind, data) = event.to_stream().unwrap();
        assert_eq!(kind, "message.read");
        assert_eq!(
            data,
            json!({"conversationId": 4, "accountId": 2, "readBy": null})
        );
        let streamed = RealtimeEvent {
            seq: 1,
            kind,
            data,
            at: 0,
        };
        assert_eq!(MessagingEvent::from_stream(&streamed), Some(event));
        let (_, folder) = MessagingEvent::FolderChanged {
            id: 3,
            deleted: false,
        }
        .to_stream()
        .unwrap();
        assert_eq!(folder, json!({"id": 3}));
    }

    #[test]
    fn another_domains_event_is_not_read_as_this_ones() {
        let other = RealtimeEvent {
            seq: 1,
            kind: "deal.updated".into(),
            data: json!({"id": 1}),
            at: 0,
        };
        assert_eq!(MessagingEvent::from_stream(&other), None);
    }
}
