//! Messaging: channel accounts, conversations and messages — the inbox's data, whatever the
//! channel (a Telegram bot today; Telegram user accounts plug into the same model).

mod api;
mod events;
mod kinds;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod upload;
mod user_accounts;

use crate::ids::{ContactId, ConversationId, DealId, EpochMs, MessageId};
pub use api::*;
pub use events::MessagingEvent;
#[cfg(feature = "ssr")]
pub(crate) use kinds::column;
pub use kinds::{AccountStatus, ConversationKind, Direction, MessageState};
pub use pages::InboxPage;
use serde::{Deserialize, Serialize};
pub use user_accounts::*;
use validator::Validate;

/// A connected channel account, as members see it (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: i64,
    /// `telegram_bot` or `telegram_user`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub username: String,
    pub owner_id: Option<i64>,
    pub time_zone: String,
    pub status: AccountStatus,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub flood_wait_until: Option<EpochMs>,
    pub last_error: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub last_sync_at: Option<EpochMs>,
    /// Inbound messages not yet read, over all of the account's conversations.
    pub unread: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
    /// Whether the account can write to someone who has not written first (`None`: it
    /// cannot, as a bot cannot).
    pub reach: Option<ReachView>,
}

/// What "check connection" found: the account as it now is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountCheck {
    pub account: AccountView,
    /// False when the check had not run within a few seconds (the account's connection is not
    /// up anywhere yet).
    pub checked: bool,
    /// Why the network did not answer, when it did not (empty otherwise); the account's health
    /// is left as its receivers see it.
    pub error: String,
}

/// How an account can write first, and how much of its daily allowance is left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReachView {
    pub by_username: bool,
    pub by_phone: bool,
    /// New people the account may look up in 24 hours.
    pub per_day: u32,
    /// Lookups in the last 24 hours.
    pub used: i64,
}

/// `POST /api/messaging/conversations`: write first to someone, found by username or by phone
/// number (one of the two).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartChat {
    pub account_id: i64,
    /// A Telegram username, with or without the `@`.
    #[serde(default)]
    #[validate(length(max = 64, code = "too_long", message = "At most 64 characters"))]
    pub username: Option<String>,
    /// A phone number in international form (`+` and the country code).
    #[serde(default)]
    #[validate(length(max = 32, code = "too_long", message = "At most 32 characters"))]
    pub phone: Option<String>,
}

/// `POST /api/messaging/accounts`: connect a bot by its token (checked with `getMe`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectAccount {
    /// `telegram_bot`.
    #[serde(rename = "type")]
    pub kind: String,
    #[validate(length(min = 1, max = 200, code = "invalid", message = "Enter the bot token"))]
    pub token: String,
}

/// A conversation in the chat list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: ConversationId,
    pub account_id: i64,
    pub kind: ConversationKind,
    pub title: String,
    pub username: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    pub contact_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub deal_id: Option<DealId>,
    pub deal_title: Option<String>,
    pub assignee_id: Option<i64>,
    pub unread_count: i64,
    pub last_message_text: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub last_message_at: Option<EpochMs>,
    pub pinned: bool,
    pub folder_ids: Vec<i64>,
}

/// `GET /api/messaging/chats` filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ChatQuery {
    pub page: Option<i64>,
    /// 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Title or username contains this (case-insensitive).
    pub search: Option<String>,
    /// `all` (default), `unread`, `mine` or `unassigned`.
    pub filter: Option<String>,
    pub account_id: Option<i64>,
    pub folder_id: Option<i64>,
}

/// A message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: MessageId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub conversation_id: ConversationId,
    pub direction: Direction,
    pub sender_name: String,
    pub author_id: Option<i64>,
    pub text: String,
    pub media: Option<MediaView>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub reply_to_id: Option<MessageId>,
    pub state: MessageState,
    /// Why a message failed.
    pub error: String,
    pub external_id: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub sent_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub edited_at: Option<EpochMs>,
    /// When the message was deleted in Telegram (it stays here, marked).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub deleted_at: Option<EpochMs>,
}

/// An attachment, downloaded from `/api/messaging/media/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MediaView {
    pub id: i64,
    /// `photo` or `document`.
    pub kind: String,
    pub file_name: String,
    pub mime_type: String,
    pub size: i64,
}

/// `GET /api/messaging/conversations/{id}/messages`: newest first, `before` a message id
/// for the next (older) page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct MessageQuery {
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub before: Option<MessageId>,
    /// 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// A page of messages, newest first; `nextBefore` fetches older ones when present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub items: Vec<MessageView>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub next_before: Option<MessageId>,
}

/// `POST /api/messaging/send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendInput {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub conversation_id: ConversationId,
    #[serde(default)]
    #[validate(length(
        max = 4096,
        code = "too_long",
        message = "Telegram takes at most 4096 characters"
    ))]
    pub text: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub reply_to_message_id: Option<MessageId>,
}

/// A message search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageHit {
    pub message: MessageView,
    pub conversation_title: String,
}

/// Create a contact (and optionally a deal) from a chat in one step; both are linked to the
/// conversation. A private chat's Telegram user id and username fill the contact's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatToCrm {
    pub contact: crate::contacts::ContactInput,
    #[serde(default)]
    pub deal: Option<crate::deals::DealInput>,
}

/// A custom folder of conversations, shared by the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FolderView {
    pub id: i64,
    pub name: String,
    pub position: i64,
    /// Unread inbound messages over the folder's conversations.
    pub unread: i64,
}

/// `POST /api/messaging/folders`, `PUT /api/messaging/folders/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FolderInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 60, code = "too_long", message = "This is too long")
    )]
    pub name: String,
}

/// `PUT /api/messaging/conversations/{id}/folders`: the folders the conversation is in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationFolders {
    pub folder_ids: Vec<i64>,
}
