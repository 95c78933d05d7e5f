//! Wire types of Telegram user accounts (a rep's own Telegram, over MTProto): the login steps,
//! the account's chats and which of them are synced, the workspace's Telegram application.

use crate::ids::EpochMs;
use serde::{Deserialize, Serialize};
use validator::Validate;

/// `POST /api/messaging/telegram/logins`: start connecting an account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartLogin {
    /// `phone` (a login code follows) or `qr` (scan with the Telegram app).
    pub method: String,
    /// With `phone`: international format, `+` and digits.
    #[serde(default)]
    #[validate(length(max = 32, code = "too_long", message = "Too long"))]
    pub phone: String,
}

/// A login code or a cloud password, for the step a login is at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginAnswer {
    #[validate(length(min = 1, max = 256, code = "required", message = "Enter it"))]
    pub value: String,
}

/// Where a login stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginView {
    pub id: String,
    /// `phone` or `qr`.
    pub method: String,
    /// `code`, `qr`, `password` or `done`.
    pub step: String,
    /// With `qr`: the `tg://login?token=…` URL, drawn as an SVG QR code.
    pub qr_url: Option<String>,
    pub qr_svg: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub qr_expires_at: Option<EpochMs>,
    /// With `password`: the hint the account's owner set.
    pub password_hint: Option<String>,
    /// With `done`: the connected account.
    pub account_id: Option<i64>,
}

/// A chat of a connected account, and whether it is synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountChatView {
    pub peer_id: String,
    /// `private`, `group` or `channel`.
    pub kind: String,
    pub title: String,
    pub username: String,
    pub unread: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub last_message_at: Option<EpochMs>,
    /// Telegram folder ids the chat is in.
    pub folder_ids: Vec<String>,
    pub picked: bool,
    /// `none`, `queued`, `importing`, `done` or `failed`.
    pub history_state: String,
    pub history_imported: i64,
    pub history_error: String,
}

/// A Telegram folder of the account (mirrored into the inbox's folders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelegramFolderView {
    /// Telegram's id of the folder.
    pub id: String,
    pub name: String,
}

/// `GET /api/messaging/accounts/:id/chats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountChats {
    pub chats: Vec<AccountChatView>,
    pub folders: Vec<TelegramFolderView>,
    /// Whether the chat list was loaded from Telegram yet.
    pub listed: bool,
}

/// `PUT /api/messaging/accounts/:id/chats`: the chats to sync (all others are not).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PickChats {
    #[validate(length(max = 2000, code = "too_long", message = "Too many chats"))]
    pub peer_ids: Vec<String>,
}

/// `GET/PUT /api/workspace/telegram`: the workspace's Telegram application (my.telegram.org).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelegramAppInput {
    #[validate(range(
        min = 1,
        code = "invalid",
        message = "Enter the api_id from my.telegram.org"
    ))]
    pub api_id: i64,
    #[validate(length(
        min = 32,
        max = 32,
        code = "invalid",
        message = "The api_hash has 32 characters"
    ))]
    pub api_hash: String,
}

/// Whether the workspace's Telegram application is set (the hash is never shown again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelegramAppView {
    pub api_id: Option<i64>,
    pub configured: bool,
}
