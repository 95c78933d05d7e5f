//! What the control routes take and give: accounts to create (with chats, folders and
//! history), updates the other side causes, and what an account sent.

use serde::{Deserialize, Serialize};

/// An account to create in the world.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub phone: String,
    pub user_id: i64,
    pub name: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub chats: Vec<NewChat>,
    #[serde(default)]
    pub folders: Vec<NewFolder>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewChat {
    pub peer_id: i64,
    pub title: String,
    #[serde(default = "private")]
    pub kind: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub folder_ids: Vec<i32>,
    /// Oldest first.
    #[serde(default)]
    pub messages: Vec<NewMessage>,
}

fn private() -> String {
    "private".into()
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewFolder {
    pub id: i32,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub text: String,
    #[serde(default)]
    pub outgoing: bool,
    /// Epoch ms; absent: now.
    #[serde(default)]
    pub date_ms: Option<i64>,
}

/// A Telegram user outside Parley, whom accounts can look up.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPerson {
    pub user_id: i64,
    pub name: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub phone: String,
    /// Whether strangers can find them by phone number (Telegram's privacy setting).
    #[serde(default = "yes")]
    pub phone_findable: bool,
}

fn yes() -> bool {
    true
}

/// What an account sent, as the other side sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    pub peer_id: i64,
    pub id: i64,
    pub text: String,
    pub reply_to: Option<i64>,
    pub file_name: Option<String>,
}

/// An update the other side causes.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Poke {
    /// The peer writes to the account (`fromId`/`fromName` default to the chat's).
    #[serde(rename_all = "camelCase")]
    Message {
        peer_id: i64,
        text: String,
        #[serde(default)]
        from_id: Option<i64>,
        #[serde(default)]
        from_name: Option<String>,
        #[serde(default)]
        reply_to: Option<i64>,
    },
    #[serde(rename_all = "camelCase")]
    Edit { peer_id: i64, id: i64, text: String },
    #[serde(rename_all = "camelCase")]
    Delete { peer_id: i64, ids: Vec<i64> },
    /// The peer read the account's messages up to `maxId`.
    #[serde(rename_all = "camelCase")]
    ReadOutbox { peer_id: i64, max_id: i64 },
    /// The account read the chat on another device.
    #[serde(rename_all = "camelCase")]
    ReadInbox { peer_id: i64, max_id: i64 },
    #[serde(rename_all = "camelCase")]
    Typing { peer_id: i64 },
}
