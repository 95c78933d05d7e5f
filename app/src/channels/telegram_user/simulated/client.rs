//! The simulated Telegram as the product sees it: the `Connector` and `UserClient`
//! implementations over the world in `mod.rs`.

use super::{normal_phone, now_ms, random_hex, valid_phone, QrTicket, SentMessage, SimAccount};
use super::{SimulatedTelegram, World, QR_REFRESH_MS, QR_TTL_MS};
use crate::channels::telegram_user::boundary::{
    ApiCredentials, Connector, LoginStep, Me, MtError, RemoteChat, RemoteFile, RemoteFolder,
    RemoteMessage, RemotePeer, RemoteUpdate, UserClient,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

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
    /// Looks someone up in the directory; the account remembers whom it found (so it may
    /// write to them), as Telegram hands out an access hash.
    fn resolve(
        &self,
        matches: impl Fn(&str, &str, bool) -> bool,
    ) -> Result<Option<RemotePeer>, MtError> {
        let mut world = self.sim.world();
        let phone = self.phone(&world)?;
        let found = world.find(matches);
        let account = world
            .accounts
            .get_mut(&phone)
            .ok_or(MtError::SessionRevoked)?;
        if let Some(secs) = account.flood_next_resolve.take() {
            return Err(MtError::FloodWait(secs));
        }
        if let Some(peer) = &found {
            account.known.retain(|p| p.peer_id != peer.peer_id);
            account.known.push(peer.clone());
        }
        Ok(found)
    }

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
                // Writing first to someone looked up opens the chat, as in Telegram.
                let known = a.known.iter().find(|p| p.peer_id == peer_id).cloned();
                let Some(peer) = known else {
                    return Err(MtError::Other("PEER_ID_INVALID".into()));
                };
                a.chats.push(RemoteChat {
                    peer_id,
                    kind: peer.kind,
                    title: peer.title,
                    username: peer.username,
                    unread: 0,
                    last_message_at_ms: Some(now_ms()),
                    folder_ids: Vec::new(),
                });
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

    async fn resolve_username(&self, username: &str) -> Result<Option<RemotePeer>, MtError> {
        let wanted = username.trim_start_matches('@').to_lowercase();
        self.resolve(|name, _, _| !name.is_empty() && name.to_lowercase() == wanted)
    }

    async fn resolve_phone(&self, phone: &str) -> Result<Option<RemotePeer>, MtError> {
        let wanted = normal_phone(phone);
        if !valid_phone(&wanted) {
            return Err(MtError::PhoneInvalid);
        }
        self.resolve(|_, number, findable| findable && number == wanted)
    }

    async fn typing(&self, peer_id: i64) -> Result<(), MtError> {
        self.with_account(|a, _| {
            let reachable = a.chats.iter().any(|c| c.peer_id == peer_id)
                || a.known.iter().any(|p| p.peer_id == peer_id);
            if !reachable {
                return Err(MtError::Other("PEER_ID_INVALID".into()));
            }
            a.typing.push(peer_id);
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
