//! Everything the fake remembers, per bot: chats and their messages, the update queue,
//! stored files, the webhook, armed rate limits and the call and sent logs.
//!
//! One mutex guards it all; it is only ever held for short synchronous sections. Waiters
//! (long polls, webhook workers) watch a change counter instead of holding the lock.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::types::{LogEntry, SentMessage};

/// Shared state of one fake server.
pub struct Hub {
    state: Mutex<State>,
    changes: watch::Sender<u64>,
    closed: AtomicBool,
}

/// The registered bots, by token.
#[derive(Default)]
pub struct State {
    /// Bots by their full token.
    pub bots: HashMap<String, Bot>,
}

impl Hub {
    /// An empty hub.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State::default()),
            changes: watch::channel(0).0,
            closed: AtomicBool::new(false),
        }
    }

    /// Locks the state; a panic elsewhere must not take the fake down with it.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the bot with `token`, if it is registered.
    pub fn with_bot<R>(&self, token: &str, f: impl FnOnce(&mut Bot) -> R) -> Option<R> {
        self.lock().bots.get_mut(token).map(f)
    }

    /// A receiver that wakes on the next change; subscribe *before* inspecting the state.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Wakes every waiter (long polls, webhook workers) to look at the state again.
    pub fn notify(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Marks the server as stopping and wakes every waiter so it can return.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.notify();
    }

    /// Whether the server is stopping.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

/// One chat the bot can talk in, with its messages (ids are per chat, as in private chats).
pub struct ChatState {
    /// The Chat object as Telegram serialises it.
    pub chat: Value,
    next_message_id: i64,
    /// Messages by id, both the users' and the bot's.
    pub messages: HashMap<i64, Value>,
}

/// Whether a stored file came as a photo or a document; decides its `file_path` folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Sent with `sendPhoto` or injected as a photo.
    Photo,
    /// Sent with `sendDocument` or injected as a document.
    Document,
}

/// A file the bot can reference by `file_id` and download by `file_path`.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The identifier clients send back to reuse or download the file.
    pub file_id: String,
    /// The identifier that is stable across bots (here: unique per file).
    pub file_unique_id: String,
    /// The download path under `/file/bot<token>/`.
    pub file_path: String,
    /// The original file name, if known.
    pub file_name: Option<String>,
    /// The MIME type, if known.
    pub mime_type: Option<String>,
    /// How the file was first sent.
    pub kind: FileKind,
    /// The content.
    pub bytes: std::sync::Arc<Vec<u8>>,
}

/// The webhook a bot has set.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Where updates are POSTed.
    pub url: String,
    /// Sent as `X-Telegram-Bot-Api-Secret-Token` when set.
    pub secret_token: Option<String>,
    /// Distinguishes this webhook from earlier ones so stale workers stop.
    pub generation: u64,
    /// Unix time of the last failed delivery.
    pub last_error_date: Option<i64>,
    /// Why the last delivery failed.
    pub last_error_message: Option<String>,
}

/// An armed rate limit: the next `remaining` calls of `method` (any if `None`) fail with 429.
#[derive(Debug, Clone)]
pub struct RateLimitRule {
    /// Lower-cased method name, or `None` for every method.
    pub method: Option<String>,
    /// Calls still to be refused.
    pub remaining: u32,
    /// Seconds sent as `retry_after`.
    pub retry_after: u64,
}

/// A registered bot and everything it has seen.
pub struct Bot {
    /// The numeric id, the part of the token before `:`.
    pub id: i64,
    /// The bot's username, without `@`.
    pub username: String,
    /// The bot's display name.
    pub first_name: String,
    /// Chats by id.
    pub chats: HashMap<i64, ChatState>,
    /// Unconfirmed updates, oldest first.
    pub updates: VecDeque<Value>,
    next_update_id: i64,
    /// Update types the bot asked for; empty means all the fake produces.
    pub allowed_updates: Vec<String>,
    /// Files by `file_id`.
    pub files: HashMap<String, StoredFile>,
    next_file_number: u64,
    /// The webhook, when one is set.
    pub webhook: Option<Webhook>,
    /// Bumped by every `setWebhook`/`deleteWebhook`.
    pub webhook_generation: u64,
    /// Bumped by every `getUpdates`, so an older long poll knows it was superseded.
    pub poll_generation: u64,
    /// Bumped by every new update (and a repeated `setWebhook`): what makes a stalled
    /// webhook worker try again.
    pub delivery_epoch: u64,
    /// Armed 429 answers.
    pub rate_limits: Vec<RateLimitRule>,
    /// The token was revoked (BotFather's /revoke): every call answers 401.
    pub revoked: bool,
    /// Every Bot API call, in arrival order.
    pub log: Vec<LogEntry>,
    /// Every message the bot sent.
    pub sent: Vec<SentMessage>,
}

impl Bot {
    /// A bot with no chats; update ids start at a random point, as Telegram's do.
    pub fn new(id: i64, username: String, first_name: String) -> Self {
        Self {
            id,
            username,
            first_name,
            chats: HashMap::new(),
            updates: VecDeque::new(),
            next_update_id: rand::thread_rng().gen_range(100_000_000..900_000_000),
            allowed_updates: Vec::new(),
            files: HashMap::new(),
            next_file_number: 0,
            webhook: None,
            webhook_generation: 0,
            poll_generation: 0,
            delivery_epoch: 0,
            rate_limits: Vec::new(),
            revoked: false,
            log: Vec::new(),
            sent: Vec::new(),
        }
    }

    /// The bot as the `from` of its own messages.
    pub fn user_json(&self) -> Value {
        json!({
            "id": self.id,
            "is_bot": true,
            "first_name": self.first_name,
            "username": self.username,
        })
    }

    /// The chat with `chat_id`, creating it from `chat` if it is new.
    pub fn ensure_chat(&mut self, chat_id: i64, chat: Value) -> &mut ChatState {
        self.chats.entry(chat_id).or_insert_with(|| ChatState {
            chat,
            next_message_id: 1,
            messages: HashMap::new(),
        })
    }

    /// Queues an update of `kind` carrying `payload`, unless the bot filtered that kind out.
    pub fn push_update(&mut self, kind: &str, payload: Value) -> Option<Value> {
        if !self.allowed_updates.is_empty() && !self.allowed_updates.iter().any(|k| k == kind) {
            return None;
        }
        let update = json!({ "update_id": self.next_update_id, kind: payload });
        self.next_update_id += 1;
        self.delivery_epoch += 1;
        self.updates.push_back(update.clone());
        Some(update)
    }

    /// Stores a file and returns its record.
    pub fn store_file(
        &mut self,
        kind: FileKind,
        bytes: Vec<u8>,
        name: Option<String>,
        mime: Option<String>,
    ) -> StoredFile {
        self.next_file_number += 1;
        let folder = match kind {
            FileKind::Photo => "photos",
            FileKind::Document => "documents",
        };
        let extension = name
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .filter(|ext| !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| {
                if kind == FileKind::Photo {
                    "jpg".into()
                } else {
                    "bin".into()
                }
            });
        let file = StoredFile {
            file_id: random_id(72),
            file_unique_id: random_id(16),
            file_path: format!("{folder}/file_{}.{extension}", self.next_file_number),
            file_name: name,
            mime_type: mime,
            kind,
            bytes: std::sync::Arc::new(bytes),
        };
        self.files.insert(file.file_id.clone(), file.clone());
        file
    }
}

impl ChatState {
    /// The id the next message in this chat gets.
    pub fn next_message_id(&mut self) -> i64 {
        let id = self.next_message_id;
        self.next_message_id += 1;
        id
    }
}

/// A random identifier of `len` alphanumeric characters.
pub fn random_id(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Seconds since the Unix epoch, the unit of Telegram's `date` fields.
pub fn now_unix() -> i64 {
    (now_ms() / 1000) as i64
}

/// Milliseconds since the Unix epoch, the unit of the call log's `at_ms`.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}
