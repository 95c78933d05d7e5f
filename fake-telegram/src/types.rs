//! Wire types of the control API (`/_control/...`), shared by the in-process methods of
//! [`FakeTelegram`](crate::FakeTelegram). None of these are part of the Bot API.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /_control/bots`: registers a bot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewBot {
    /// `"<id>:<secret>"`, the token the client puts in `/bot<token>/`.
    pub token: String,
    /// The bot's username, without `@`.
    pub username: String,
    /// Display name; defaults to the username.
    #[serde(default)]
    pub first_name: Option<String>,
}

impl NewBot {
    /// A bot named after its username.
    pub fn new(token: &str, username: &str) -> Self {
        Self {
            token: token.to_owned(),
            username: username.to_owned(),
            first_name: None,
        }
    }
}

/// The Telegram user who sends an injected message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FromUser {
    /// The user's id; also the id of their private chat with the bot.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Username without `@`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// IETF language tag, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
}

impl FromUser {
    /// A user with only an id and a first name.
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: None,
        }
    }
}

/// A file attached to an injected message, base64-encoded so it travels in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InjectFile {
    /// The content, standard base64.
    pub data: String,
    /// Original file name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// MIME type; guessed from the file name when absent.
    #[serde(default)]
    pub mime_type: Option<String>,
}

impl InjectFile {
    /// Wraps raw bytes.
    pub fn from_bytes(bytes: &[u8], file_name: Option<&str>, mime_type: Option<&str>) -> Self {
        Self {
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            file_name: file_name.map(str::to_owned),
            mime_type: mime_type.map(str::to_owned),
        }
    }
}

/// `POST /_control/inject`: a user sends the bot a message (or edits one).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inject {
    /// The receiving bot.
    pub token: String,
    /// The sender.
    pub from: FromUser,
    /// Message text, or the caption when a photo or document is attached.
    #[serde(default)]
    pub text: Option<String>,
    /// An attached photo.
    #[serde(default)]
    pub photo: Option<InjectFile>,
    /// An attached document.
    #[serde(default)]
    pub document: Option<InjectFile>,
    /// The message in the same chat this one replies to.
    #[serde(default)]
    pub reply_to_message_id: Option<i64>,
    /// A Chat object; defaults to the private chat with `from`.
    #[serde(default)]
    pub chat: Option<Value>,
    /// When set, an `edited_message` update for this message id with the new `text`.
    #[serde(default)]
    pub edit_of: Option<i64>,
    /// The message's `date` (Unix seconds); now when absent.
    #[serde(default)]
    pub date: Option<i64>,
}

impl Inject {
    /// A plain text message from `from` in their private chat.
    pub fn text(token: &str, from: FromUser, text: &str) -> Self {
        Self {
            token: token.to_owned(),
            from,
            text: Some(text.to_owned()),
            photo: None,
            document: None,
            reply_to_message_id: None,
            chat: None,
            edit_of: None,
            date: None,
        }
    }

    /// The same message, sent at `date` (Unix seconds).
    pub fn at(mut self, date: i64) -> Self {
        self.date = Some(date);
        self
    }
}

/// `POST /_control/rate-limit`: the next `count` calls answer 429.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimit {
    /// The bot whose calls are limited.
    pub token: String,
    /// The limited method (case-insensitive); absent means any method.
    #[serde(default)]
    pub method: Option<String>,
    /// How many calls to refuse.
    pub count: u32,
    /// Seconds announced in `parameters.retry_after`.
    pub retry_after: u64,
}

/// One Bot API call as recorded by `GET /_control/log`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    /// The method as the client spelled it.
    pub method: String,
    /// The parameters; uploaded files appear as `{file_name, size}`.
    pub params: Value,
    /// Arrival time, milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The HTTP status answered (0 while a long poll is still waiting).
    pub status: u16,
    #[serde(skip)]
    pub(crate) seq: u64,
}

/// One message the bot sent, as listed by `GET /_control/sent`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentMessage {
    /// The chat it went to.
    pub chat_id: i64,
    /// Its id in that chat.
    pub message_id: i64,
    /// `text`, `photo` or `document`.
    pub kind: String,
    /// The text of a text message (markup already parsed away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The caption of a photo or document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// When it was sent, milliseconds since the Unix epoch.
    pub at_ms: u64,
}
