//! A simulated Telegram: the boundary's test implementation, in process. It keeps a small world
//! of accounts (phone, cloud password, chats, folders, history) and behaves like Telegram at the
//! boundary: codes are issued per login and checked, QR tokens expire, sessions can be revoked,
//! flood waits can be imposed, and every connected client hears its account's updates.
//!
//! It runs only with `telegram_user_backend = "simulated"`; its control routes
//! (`/api/simulated-telegram/…`, see `simulated_routes.rs`) are how tests and demos play the
//! other side (a lead writes, the rep scans the QR code). Nothing here touches real accounts.

use super::boundary::{
    ApiCredentials, Connector, LoginStep, Me, MtError, RemoteChat, RemoteFile, RemoteFolder,
    RemoteMessage, RemoteUpdate, UserClient,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

/// How long a QR login token lives (Telegram's are about 30 s).
pub const QR_TTL_MS: i64 = 30_000;
/// A new token is handed out when the current one has less than this left.
const QR_REFRESH_MS: i64 = 5_000;

#[derive(Clone, Default)]
pub struct SimulatedTelegram {
    world: Arc<Mutex<World>>,
}

#[derive(Default)]
struct World {
    accounts: HashMap<String, SimAccount>,
    /// Session keys handed out at login → the account's phone.
    sessions: HashMap<String, String>,
    /// The last login code sent to each phone.
    codes: HashMap<String, String>,
    qr_tokens: HashMap<String, QrTicket>,
    /// A flood wait the next login request of a phone answers with.
    login_flood: HashMap<String, u64>,
    next_message_id: i64,
    qr_ttl_ms: Option<i64>,
}

struct QrTicket {
    expires_at_ms: i64,
    scanned_by: Option<String>,
}

struct SimAccount {
    me: Me,
    password: Option<String>,
    chats: Vec<RemoteChat>,
    folders: Vec<RemoteFolder>,
    history: HashMap<i64, Vec<RemoteMessage>>,
    /// A flood wait (seconds) the next send answers with.
    flood_next_send: Option<u64>,
    sent: Vec<SentMessage>,
    reads: Vec<(i64, i64)>,
    /// Updates waiting for each live session (Telegram keeps them until the session fetches
    /// them, so a client that connects late still gets them).
    queues: HashMap<String, VecDeque<RemoteUpdate>>,
    news: Arc<Notify>,
    /// Clients currently receiving this account's updates.
    listening: Arc<AtomicUsize>,
}

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

fn now_ms() -> i64 {
    crate::server::now_ms()
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn valid_phone(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn normal_phone(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

impl SimulatedTelegram {
    /// The one simulated Telegram of this process: like the real one, every server instance
    /// (tests start several in one process) talks to the same world.
    pub fn shared() -> SimulatedTelegram {
        static WORLD: std::sync::OnceLock<SimulatedTelegram> = std::sync::OnceLock::new();
        WORLD.get_or_init(SimulatedTelegram::default).clone()
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets how long QR tokens live (tests of expiry use a short one).
    pub fn set_qr_ttl_ms(&self, ttl: i64) {
        self.world().qr_ttl_ms = Some(ttl);
    }

    /// Creates (or replaces) an account with its chats and history.
    pub fn add_account(&self, new: NewAccount) -> Result<(), String> {
        let phone = normal_phone(&new.phone);
        if !valid_phone(&phone) {
            return Err("phone must be 7 to 15 digits".into());
        }
        let mut world = self.world();
        let mut history = HashMap::new();
        let mut chats = Vec::new();
        for chat in &new.chats {
            let mut messages = Vec::new();
            for (i, m) in chat.messages.iter().enumerate() {
                world.next_message_id += 1;
                let date = m
                    .date_ms
                    .unwrap_or_else(|| now_ms() - (chat.messages.len() - i) as i64 * 60_000);
                messages.push(RemoteMessage {
                    peer_id: chat.peer_id,
                    id: world.next_message_id,
                    outgoing: m.outgoing,
                    sender_id: if m.outgoing {
                        new.user_id
                    } else {
                        chat.peer_id
                    },
                    sender_name: if m.outgoing {
                        new.name.clone()
                    } else {
                        chat.title.clone()
                    },
                    sender_username: if m.outgoing {
                        new.username.clone()
                    } else {
                        chat.username.clone()
                    },
                    text: m.text.clone(),
                    date_ms: date,
                    edit_date_ms: None,
                    reply_to: None,
                    file: None,
                });
            }
            chats.push(RemoteChat {
                peer_id: chat.peer_id,
                kind: chat.kind.clone(),
                title: chat.title.clone(),
                username: chat.username.clone(),
                unread: 0,
                last_message_at_ms: messages.last().map(|m| m.date_ms),
                folder_ids: chat.folder_ids.clone(),
            });
            history.insert(chat.peer_id, messages);
        }
        let account = SimAccount {
            me: Me {
                user_id: new.user_id,
                name: new.name,
                username: new.username,
                phone: phone.clone(),
            },
            password: new.password,
            chats,
            folders: new
                .folders
                .into_iter()
                .map(|f| RemoteFolder {
                    id: f.id,
                    title: f.title,
                })
                .collect(),
            history,
            flood_next_send: None,
            sent: Vec::new(),
            reads: Vec::new(),
            queues: HashMap::new(),
            news: Arc::new(Notify::new()),
            listening: Arc::new(AtomicUsize::new(0)),
        };
        world.accounts.insert(phone, account);
        Ok(())
    }

    /// The code "sent to the Telegram app" of this phone by the last login request.
    pub fn code_for(&self, phone: &str) -> Option<String> {
        self.world().codes.get(&normal_phone(phone)).cloned()
    }

    /// Scans a QR token with the app of this phone. `Err` when it expired or is unknown.
    pub fn scan_qr(&self, token: &str, phone: &str) -> Result<(), String> {
        let mut world = self.world();
        let phone = normal_phone(phone);
        if !world.accounts.contains_key(&phone) {
            return Err("no such account".into());
        }
        let ticket = world
            .qr_tokens
            .get_mut(token)
            .ok_or_else(|| "unknown token".to_string())?;
        if ticket.expires_at_ms <= now_ms() {
            return Err("the token has expired".into());
        }
        ticket.scanned_by = Some(phone);
        Ok(())
    }

    /// The phone's next login request answers "wait `seconds`".
    pub fn flood_next_login(&self, phone: &str, seconds: u64) {
        self.world()
            .login_flood
            .insert(normal_phone(phone), seconds);
    }

    /// How many connections listen to the account's updates right now.
    pub fn listeners(&self, phone: &str) -> usize {
        self.world()
            .accounts
            .get(&normal_phone(phone))
            .map(|a| a.listening.load(Ordering::SeqCst))
            .unwrap_or(0)
    }

    /// The account's live session keys (what a stored session must never show in clear).
    pub fn session_keys(&self, phone: &str) -> Vec<String> {
        let phone = normal_phone(phone);
        self.world()
            .sessions
            .iter()
            .filter(|(_, p)| **p == phone)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The account's next send answers "wait `seconds`".
    pub fn flood_next_send(&self, phone: &str, seconds: u64) -> Result<(), String> {
        let mut world = self.world();
        let account = world
            .accounts
            .get_mut(&normal_phone(phone))
            .ok_or_else(|| "no such account".to_string())?;
        account.flood_next_send = Some(seconds);
        Ok(())
    }

    /// Ends every session of the account (as "Terminate all other sessions" would).
    pub fn revoke_sessions(&self, phone: &str) {
        let phone = normal_phone(phone);
        let mut world = self.world();
        world.sessions.retain(|_, p| *p != phone);
        if let Some(account) = world.accounts.get_mut(&phone) {
            account.queues.clear();
            // Connected clients hear it at once.
            account.news.notify_waiters();
        }
    }

    pub fn sent(&self, phone: &str) -> Vec<SentMessage> {
        self.world()
            .accounts
            .get(&normal_phone(phone))
            .map(|a| a.sent.clone())
            .unwrap_or_default()
    }

    pub fn reads(&self, phone: &str) -> Vec<(i64, i64)> {
        self.world()
            .accounts
            .get(&normal_phone(phone))
            .map(|a| a.reads.clone())
            .unwrap_or_default()
    }

    /// Plays one update from the other side; answers the new message's id for `Message`.
    pub fn poke(&self, phone: &str, poke: Poke) -> Result<Option<i64>, String> {
        let mut world = self.world();
        world.next_message_id += 1;
        let next_id = world.next_message_id;
        let account = world
            .accounts
            .get_mut(&normal_phone(phone))
            .ok_or_else(|| "no such account".to_string())?;
        let (update, new_id) = match poke {
            Poke::Message {
                peer_id,
                text,
                from_id,
                from_name,
                reply_to,
            } => {
                let chat = account
                    .chats
                    .iter_mut()
                    .find(|c| c.peer_id == peer_id)
                    .ok_or_else(|| "no such chat".to_string())?;
                chat.unread += 1;
                chat.last_message_at_ms = Some(now_ms());
                let message = RemoteMessage {
                    peer_id,
                    id: next_id,
                    outgoing: false,
                    sender_id: from_id.unwrap_or(peer_id),
                    sender_name: from_name.unwrap_or_else(|| chat.title.clone()),
                    sender_username: chat.username.clone(),
                    text,
                    date_ms: now_ms(),
                    edit_date_ms: None,
                    reply_to,
                    file: None,
                };
                account
                    .history
                    .entry(peer_id)
                    .or_default()
                    .push(message.clone());
                (RemoteUpdate::NewMessage(message), Some(next_id))
            }
            Poke::Edit { peer_id, id, text } => {
                let message = account
                    .history
                    .get_mut(&peer_id)
                    .and_then(|h| h.iter_mut().find(|m| m.id == id))
                    .ok_or_else(|| "no such message".to_string())?;
                message.text = text;
                message.edit_date_ms = Some(now_ms());
                (RemoteUpdate::Edited(message.clone()), None)
            }
            Poke::Delete { peer_id, ids } => {
                if let Some(h) = account.history.get_mut(&peer_id) {
                    h.retain(|m| !ids.contains(&m.id));
                }
                (
                    RemoteUpdate::Deleted {
                        peer_id: Some(peer_id),
                        ids,
                    },
                    None,
                )
            }
            Poke::ReadOutbox { peer_id, max_id } => {
                (RemoteUpdate::ReadOutbox { peer_id, max_id }, None)
            }
            Poke::ReadInbox { peer_id, max_id } => {
                (RemoteUpdate::ReadInbox { peer_id, max_id }, None)
            }
            Poke::Typing { peer_id } => (
                RemoteUpdate::Typing {
                    peer_id,
                    user_id: peer_id,
                },
                None,
            ),
        };
        for queue in account.queues.values_mut() {
            queue.push_back(update.clone());
        }
        account.news.notify_waiters();
        Ok(new_id)
    }
}

#[async_trait]
impl Connector for SimulatedTelegram {
    async fn open(
        &self,
        _api: &ApiCredentials,
        session: Option<&[u8]>,
    ) -> Result<Box<dyn UserClient>, MtError> {
        let key = match session {
            Some(bytes) => {
                let stored: StoredSession = serde_json::from_slice(bytes)
                    .map_err(|_| MtError::Other("the stored session is unreadable".into()))?;
                Some(stored.key)
            }
            None => None,
        };
        Ok(Box::new(SimClient {
            sim: self.clone(),
            key: Mutex::new(key),
            login: Mutex::new(Login::default()),
            listening: Mutex::new(None),
        }))
    }
}

#[derive(Serialize, Deserialize)]
struct StoredSession {
    key: String,
}

#[derive(Default)]
struct Login {
    phone: Option<String>,
    code: Option<String>,
    /// The phone whose password is asked for.
    password_for: Option<String>,
    qr_token: Option<String>,
}

struct SimClient {
    sim: SimulatedTelegram,
    key: Mutex<Option<String>>,
    login: Mutex<Login>,
    /// The account's listener count, once this client receives updates.
    listening: Mutex<Option<Arc<AtomicUsize>>>,
}

impl Drop for SimClient {
    fn drop(&mut self) {
        if let Some(count) = self
            .listening
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            count.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl SimClient {
    fn login(&self) -> MutexGuard<'_, Login> {
        self.login.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The phone of the signed-in account, or `SessionRevoked`.
    fn phone(&self, world: &World) -> Result<String, MtError> {
        let key = self.key.lock().unwrap_or_else(|p| p.into_inner()).clone();
        key.and_then(|k| world.sessions.get(&k).cloned())
            .ok_or(MtError::SessionRevoked)
    }

    fn authorise(&self, world: &mut World, phone: &str) -> LoginStep {
        let key = random_hex(16);
        world.sessions.insert(key.clone(), phone.to_string());
        if let Some(account) = world.accounts.get_mut(phone) {
            account.queues.insert(key.clone(), VecDeque::new());
        }
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
        *self.login() = Login::default();
        LoginStep::Done(world.accounts[phone].me.clone())
    }

    fn with_account<T>(
        &self,
        f: impl FnOnce(&mut SimAccount, &mut i64) -> Result<T, MtError>,
    ) -> Result<T, MtError> {
        let mut world = self.sim.world();
        let phone = self.phone(&world)?;
        let World {
            accounts,
            next_message_id,
            ..
        } = &mut *world;
        let account = accounts.get_mut(&phone).ok_or(MtError::SessionRevoked)?;
        f(account, next_message_id)
    }
}

#[async_trait]
impl UserClient for SimClient {
    async fn request_code(&self, phone: &str) -> Result<LoginStep, MtError> {
        let phone = normal_phone(phone);
        if !valid_phone(&phone) {
            return Err(MtError::PhoneInvalid);
        }
        let mut world = self.sim.world();
        if let Some(secs) = world.login_flood.remove(&phone) {
            return Err(MtError::FloodWait(secs));
        }
        if !world.accounts.contains_key(&phone) {
            return Err(MtError::SignUpRequired);
        }
        let code = format!("{:05}", rand::random::<u32>() % 100_000);
        world.codes.insert(phone.clone(), code.clone());
        let mut login = self.login();
        login.phone = Some(phone);
        login.code = Some(code);
        Ok(LoginStep::CodeSent)
    }

    async fn sign_in(&self, code: &str) -> Result<LoginStep, MtError> {
        let mut world = self.sim.world();
        let (phone, expected) = {
            let login = self.login();
            match (&login.phone, &login.code) {
                (Some(p), Some(c)) => (p.clone(), c.clone()),
                _ => return Err(MtError::OutOfOrder("Ask for a code first".into())),
            }
        };
        if code.trim() != expected {
            return Err(MtError::InvalidCode);
        }
        let account = world.accounts.get(&phone).ok_or(MtError::SignUpRequired)?;
        if let Some(_password) = &account.password {
            let mut login = self.login();
            login.password_for = Some(phone);
            login.code = None;
            return Ok(LoginStep::PasswordNeeded {
                hint: "the usual one".into(),
            });
        }
        Ok(self.authorise(&mut world, &phone))
    }

    async fn check_password(&self, password: &str) -> Result<LoginStep, MtError> {
        let mut world = self.sim.world();
        let phone = self
            .login()
            .password_for
            .clone()
            .ok_or_else(|| MtError::OutOfOrder("No password was asked for".into()))?;
        let expected = world
            .accounts
            .get(&phone)
            .and_then(|a| a.password.clone())
            .unwrap_or_default();
        if password != expected {
            return Err(MtError::InvalidPassword);
        }
        Ok(self.authorise(&mut world, &phone))
    }

    async fn qr_login(&self) -> Result<LoginStep, MtError> {
        let mut world = self.sim.world();
        let now = now_ms();
        let current = self.login().qr_token.clone();
        if let Some(token) = current {
            if let Some(ticket) = world.qr_tokens.get(&token) {
                if let Some(phone) = ticket.scanned_by.clone() {
                    world.qr_tokens.remove(&token);
                    if world.accounts[&phone].password.is_some() {
                        self.login().password_for = Some(phone);
                        return Ok(LoginStep::PasswordNeeded {
                            hint: "the usual one".into(),
                        });
                    }
                    return Ok(self.authorise(&mut world, &phone));
                }
                if ticket.expires_at_ms - now > QR_REFRESH_MS {
                    return Ok(LoginStep::Qr {
                        url: format!("tg://login?token={token}"),
                        expires_at_ms: ticket.expires_at_ms,
                    });
                }
            }
        }
        let token = random_hex(12);
        let expires_at_ms = now + world.qr_ttl_ms.unwrap_or(QR_TTL_MS);
        world.qr_tokens.insert(
            token.clone(),
            QrTicket {
                expires_at_ms,
                scanned_by: None,
            },
        );
        self.login().qr_token = Some(token.clone());
        Ok(LoginStep::Qr {
            url: format!("tg://login?token={token}"),
            expires_at_ms,
        })
    }

    async fn me(&self) -> Result<Me, MtError> {
        self.with_account(|a, _| Ok(a.me.clone()))
    }

    async fn chats(&self) -> Result<Vec<RemoteChat>, MtError> {
        self.with_account(|a, _| Ok(a.chats.clone()))
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MtError> {
        self.with_account(|a, _| Ok(a.folders.clone()))
    }

    async fn history(&self, peer_id: i64, limit: usize) -> Result<Vec<RemoteMessage>, MtError> {
        self.with_account(|a, _| {
            let history = a
                .history
                .get(&peer_id)
                .ok_or_else(|| MtError::Other("PEER_ID_INVALID".into()))?;
            Ok(history.iter().rev().take(limit).cloned().collect())
        })
    }

    async fn next_update(&self) -> Result<RemoteUpdate, MtError> {
        loop {
            let news = {
                let mut world = self.sim.world();
                let phone = self.phone(&world)?;
                let key = self
                    .key
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
                    .unwrap_or_default();
                let account = world
                    .accounts
                    .get_mut(&phone)
                    .ok_or(MtError::SessionRevoked)?;
                {
                    let mut listening = self.listening.lock().unwrap_or_else(|p| p.into_inner());
                    if listening.is_none() {
                        account.listening.fetch_add(1, Ordering::SeqCst);
                        *listening = Some(account.listening.clone());
                    }
                }
                if let Some(update) = account.queues.get_mut(&key).and_then(VecDeque::pop_front) {
                    return Ok(update);
                }
                account.news.clone()
            };
            // Registered before looking again, so news between the look and the wait is kept.
            let notified = news.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let world = self.sim.world();
                let phone = self.phone(&world)?;
                let key = self.key.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let waiting = key
                    .and_then(|k| {
                        world
                            .accounts
                            .get(&phone)?
                            .queues
                            .get(&k)
                            .map(|q| !q.is_empty())
                    })
                    .unwrap_or(false);
                if waiting {
                    continue;
                }
            }
            notified.await;
        }
    }

    async fn send(
        &self,
        peer_id: i64,
        text: &str,
        reply_to: Option<i64>,
        file: Option<RemoteFile>,
    ) -> Result<i64, MtError> {
        self.with_account(|a, next_id| {
            if let Some(secs) = a.flood_next_send.take() {
                return Err(MtError::FloodWait(secs));
            }
            if !a.chats.iter().any(|c| c.peer_id == peer_id) {
                return Err(MtError::Other("PEER_ID_INVALID".into()));
            }
            *next_id += 1;
            let id = *next_id;
            a.sent.push(SentMessage {
                peer_id,
                id,
                text: text.to_string(),
                reply_to,
                file_name: file.as_ref().map(|f| f.file_name.clone()),
            });
            a.history.entry(peer_id).or_default().push(RemoteMessage {
                peer_id,
                id,
                outgoing: true,
                sender_id: a.me.user_id,
                sender_name: a.me.name.clone(),
                sender_username: a.me.username.clone(),
                text: text.to_string(),
                date_ms: now_ms(),
                edit_date_ms: None,
                reply_to,
                file,
            });
            Ok(id)
        })
    }

    async fn mark_read(&self, peer_id: i64, max_id: i64) -> Result<(), MtError> {
        self.with_account(|a, _| {
            a.reads.push((peer_id, max_id));
            if let Some(chat) = a.chats.iter_mut().find(|c| c.peer_id == peer_id) {
                chat.unread = 0;
            }
            Ok(())
        })
    }

    fn session(&self) -> Vec<u8> {
        let key = self
            .key
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default();
        serde_json::to_vec(&StoredSession { key }).unwrap_or_default()
    }
}
