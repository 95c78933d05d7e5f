//! A simulated Telegram: the boundary's test implementation, in process. It keeps a small world
//! of accounts (phone, cloud password, chats, folders, history) and behaves like Telegram at the
//! boundary: codes are issued per login and checked, QR tokens expire, sessions can be revoked,
//! flood waits can be imposed, and every connected client hears its account's updates.
//!
//! It runs only with `telegram_user_backend = "simulated"`; its control routes
//! (`/api/simulated-telegram/…`, see `routes.rs`); `client.rs` is the boundary's side are how tests and demos play the
//! other side (a lead writes, the rep scans the QR code). Nothing here touches real accounts.

mod client;
mod inputs;
pub mod routes;

pub use inputs::{NewAccount, NewChat, NewFolder, NewMessage, NewPerson, Poke, SentMessage};

use super::boundary::{Me, RemoteChat, RemoteFolder, RemoteMessage, RemotePeer, RemoteUpdate};
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
    /// Telegram users who are not Parley accounts, found by username or phone.
    people: Vec<NewPerson>,
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
    /// Chats the account showed "typing…" in, in order.
    typing: Vec<i64>,
    /// People the account looked up (Telegram's access hashes): it may write to them.
    known: Vec<RemotePeer>,
    /// A flood wait (seconds) the next lookup answers with.
    flood_next_resolve: Option<u64>,
    /// Updates waiting for each live session (Telegram keeps them until the session fetches
    /// them, so a client that connects late still gets them).
    queues: HashMap<String, VecDeque<RemoteUpdate>>,
    news: Arc<Notify>,
    /// Clients currently receiving this account's updates.
    listening: Arc<AtomicUsize>,
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

impl World {
    /// Everyone the directory knows: the people added, and the accounts themselves. A phone
    /// is found only when its owner lets strangers find it.
    fn find(&self, matches: impl Fn(&str, &str, bool) -> bool) -> Option<RemotePeer> {
        let person = self
            .people
            .iter()
            .find(|p| matches(&p.username, &p.phone, p.phone_findable))
            .map(|p| RemotePeer {
                peer_id: p.user_id,
                kind: "private".into(),
                title: p.name.clone(),
                username: p.username.clone(),
            });
        person.or_else(|| {
            self.accounts
                .values()
                .find(|a| matches(&a.me.username, &a.me.phone, true))
                .map(|a| RemotePeer {
                    peer_id: a.me.user_id,
                    kind: "private".into(),
                    title: a.me.name.clone(),
                    username: a.me.username.clone(),
                })
        })
    }
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
            typing: Vec::new(),
            known: Vec::new(),
            flood_next_resolve: None,
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

    /// Adds a Telegram user who is not connected to Parley (replacing one with the same id),
    /// so accounts can find them by username or phone.
    pub fn add_person(&self, person: NewPerson) -> Result<(), String> {
        if person.user_id <= 0 {
            return Err("userId must be positive".into());
        }
        let mut world = self.world();
        world.people.retain(|p| p.user_id != person.user_id);
        world.people.push(NewPerson {
            phone: normal_phone(&person.phone),
            ..person
        });
        Ok(())
    }

    /// The account's next lookup by username or phone answers "wait `seconds`".
    pub fn flood_next_resolve(&self, phone: &str, seconds: u64) -> Result<(), String> {
        let mut world = self.world();
        let account = world
            .accounts
            .get_mut(&normal_phone(phone))
            .ok_or_else(|| "no such account".to_string())?;
        account.flood_next_resolve = Some(seconds);
        Ok(())
    }

    /// The chats the account showed "typing…" in, in order.
    pub fn typing(&self, phone: &str) -> Vec<i64> {
        self.world()
            .accounts
            .get(&normal_phone(phone))
            .map(|a| a.typing.clone())
            .unwrap_or_default()
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
