//! The production implementation of the Telegram user-account boundary, on top of
//! [grammers](https://github.com/Lonami/grammers) 0.11 (a native MTProto client).
//!
//! What it maps, in the terms of `boundary.rs`:
//!
//! * **Sessions.** grammers keeps its state (data-centre addresses and authorisation keys, the
//!   cached peers with their access hashes, the update state) behind its `Session` trait.
//!   [`StoredSession`] implements that trait in memory and can write the whole state out as JSON
//!   at any time, which is what [`UserClient::session`] hands back to be sealed and stored. (The
//!   stock `MemorySession` cannot be read back, and the SQLite storage would link a second SQLite.)
//! * **Login.** By phone (`auth.sendCode` / `auth.signIn`), by QR code (`auth.exportLoginToken`,
//!   following data-centre migrations) and the cloud password (grammers' SRP check). After a
//!   successful login the same bookkeeping as grammers' own sign-in is done: the signed-in user is
//!   cached as "self" and the update state is fetched, so that updates start from now.
//! * **Chats and messages.** Ids are Telegram's "marked" (Bot API) ids everywhere: users
//!   positive, basic groups `-id`, channels and supergroups `-100…`. A chat can only be addressed
//!   once its access hash is cached in the session, which listing the chats does.
//! * **Updates.** A background task drives grammers' update stream (catching up on what was
//!   missed while offline), maps the updates the product cares about and queues them;
//!   [`UserClient::next_update`] only reads that queue, so it is cancel-safe.
//! * **Errors.** RPC errors become [`MtError`] by name; transport failures become
//!   [`MtError::Network`].

mod convert;
mod errors;
mod login;
mod session;
mod updates;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard};

use async_trait::async_trait;
use grammers_client::message::InputMessage;
use grammers_client::sender::{ConnectionParams, SenderPool, SenderPoolHandle};
use grammers_client::tl;
use grammers_client::Client;
use grammers_session::types::{PeerId, PeerInfo, PeerKind, PeerRef};
use grammers_session::updates::UpdatesLike;
use tokio::sync::{mpsc, Mutex as AsyncMutex};
use tokio::task::JoinHandle;

use super::boundary::{
    ApiCredentials, Connector, LoginStep, Me, MtError, RemoteChat, RemoteFile, RemoteFolder,
    RemoteMessage, RemotePeer, RemoteUpdate, UserClient,
};
use convert::{
    chat_kind, filter_parts, input_peer_id, me_from_user, message_date, peer_title, seconds_to_ms,
};
use errors::{map_invocation, map_io};
use login::LoginState;
use session::StoredSession;

/// At most this many dialogs are listed by [`UserClient::chats`].
const MAX_DIALOGS: usize = 500;

// ---------------------------------------------------------------------------------------------
// Connector
// ---------------------------------------------------------------------------------------------

/// Opens grammers-backed clients.
pub struct GrammersConnector;

#[async_trait]
impl Connector for GrammersConnector {
    async fn open(
        &self,
        api: &ApiCredentials,
        session: Option<&[u8]>,
    ) -> Result<Box<dyn UserClient>, MtError> {
        let session = match session {
            Some(bytes) => StoredSession::from_bytes(bytes).map_err(|e| {
                tracing::warn!(error = %e, "stored Telegram session is unreadable");
                MtError::SessionRevoked
            })?,
            None => StoredSession::default(),
        };
        let session = Arc::new(session);

        // Connections are made on demand, so nothing here touches the network yet.
        let SenderPool {
            runner,
            handle,
            updates,
        } = SenderPool::with_configuration(Arc::clone(&session), api.api_id, connection_params());
        let pool = handle.thin.clone();
        tokio::spawn(runner.run());
        let client = Client::new(handle);

        Ok(Box::new(GrammersClient {
            shared: Arc::new(Shared {
                client,
                session,
                me: StdMutex::new(None),
            }),
            api_id: api.api_id,
            api_hash: api.api_hash.clone(),
            pool,
            login: StdMutex::new(LoginState::default()),
            raw_updates: StdMutex::new(Some(updates)),
            updates: AsyncMutex::new(None),
            pump: StdMutex::new(None),
        }))
    }
}

/// How the connection introduces itself; the device model is what the account's list of active
/// sessions shows.
fn connection_params() -> ConnectionParams {
    ConnectionParams {
        device_model: "Parley".to_string(),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        ..ConnectionParams::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/// What the client and its update task share.
struct Shared {
    client: Client,
    session: Arc<StoredSession>,
    /// The signed-in user, once known (names the author of our own messages).
    me: StdMutex<Option<Me>>,
}

struct GrammersClient {
    shared: Arc<Shared>,
    api_id: i32,
    api_hash: String,
    /// Handle on the connection pool (to leave a data centre after a migration, and to quit).
    pool: SenderPoolHandle,
    login: StdMutex<LoginState>,
    /// Raw updates from the connection pool, until the update task takes them over.
    raw_updates: StdMutex<Option<mpsc::Receiver<UpdatesLike>>>,
    /// Mapped updates from the update task, started on the first `next_update`.
    updates: AsyncMutex<Option<mpsc::Receiver<Result<RemoteUpdate, MtError>>>>,
    pump: StdMutex<Option<JoinHandle<()>>>,
}

impl Drop for GrammersClient {
    fn drop(&mut self) {
        if let Some(pump) = lock(&self.pump).take() {
            pump.abort();
        }
        // Stops the pool's runner task and closes every connection.
        self.pool.quit();
    }
}

#[async_trait]
impl UserClient for GrammersClient {
    async fn request_code(&self, phone: &str) -> Result<LoginStep, MtError> {
        self.login_request_code(phone).await
    }

    async fn sign_in(&self, code: &str) -> Result<LoginStep, MtError> {
        self.login_sign_in(code).await
    }

    async fn check_password(&self, password: &str) -> Result<LoginStep, MtError> {
        self.login_check_password(password).await
    }

    async fn qr_login(&self) -> Result<LoginStep, MtError> {
        self.login_qr().await
    }

    async fn me(&self) -> Result<Me, MtError> {
        let users = self
            .shared
            .client
            .invoke(&tl::functions::users::GetUsers {
                id: vec![tl::enums::InputUser::UserSelf],
            })
            .await
            .map_err(|e| map_invocation(&e))?;
        let me = users
            .first()
            .map(me_from_user)
            .ok_or(MtError::SessionRevoked)?;
        *lock(&self.shared.me) = Some(me.clone());
        Ok(me)
    }

    async fn chats(&self) -> Result<Vec<RemoteChat>, MtError> {
        let self_id = self.shared.session.self_id();
        let mut folders_of: HashMap<i64, Vec<i32>> = HashMap::new();
        for filter in self.dialog_filters().await? {
            let Some((id, _, peers)) = filter_parts(&filter) else {
                continue;
            };
            for peer in peers {
                if let Some(peer_id) = input_peer_id(peer, self_id) {
                    let ids = folders_of.entry(peer_id).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }

        let mut dialogs = self.shared.client.iter_dialogs().limit(MAX_DIALOGS);
        let mut chats = Vec::new();
        while let Some(dialog) = dialogs.next().await.map_err(|e| map_invocation(&e))? {
            // Archive-folder entries are not chats.
            let tl::enums::Dialog::Dialog(raw) = &dialog.raw else {
                continue;
            };
            let peer = dialog.peer();
            let Some(peer_id) = peer.id().bot_api_dialog_id() else {
                continue;
            };
            chats.push(RemoteChat {
                peer_id,
                kind: chat_kind(peer).to_string(),
                title: peer_title(peer),
                username: peer.username().unwrap_or_default().to_string(),
                unread: i64::from(raw.unread_count),
                last_message_at_ms: dialog
                    .last_message
                    .as_ref()
                    .and_then(|message| message_date(&message.raw))
                    .map(seconds_to_ms),
                folder_ids: folders_of.remove(&peer_id).unwrap_or_default(),
            });
        }
        Ok(chats)
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MtError> {
        Ok(self
            .dialog_filters()
            .await?
            .iter()
            .filter_map(filter_parts)
            .map(|(id, title, _)| RemoteFolder {
                id,
                title: title.to_string(),
            })
            .collect())
    }

    async fn history(&self, peer_id: i64, limit: usize) -> Result<Vec<RemoteMessage>, MtError> {
        let peer = self.peer_ref(peer_id)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Newest first, which is the order Telegram returns history in.
        let mut messages = self.shared.client.iter_messages(peer).limit(limit);
        let mut out = Vec::new();
        while let Some(message) = messages.next().await.map_err(|e| map_invocation(&e))? {
            if let Some(message) = self.shared.remote_message(&message).await {
                out.push(message);
            }
        }
        Ok(out)
    }

    async fn next_update(&self) -> Result<RemoteUpdate, MtError> {
        self.next_queued_update().await
    }

    async fn send(
        &self,
        peer_id: i64,
        text: &str,
        reply_to: Option<i64>,
        file: Option<RemoteFile>,
    ) -> Result<i64, MtError> {
        let peer = self.peer_ref(peer_id)?;
        let reply_to = reply_to
            .map(i32::try_from)
            .transpose()
            .map_err(|_| MtError::Other("reply_to is not a Telegram message id".to_string()))?;
        let mut message = InputMessage::new().text(text).reply_to(reply_to);

        if let Some(file) = file {
            let size = file.bytes.len();
            let mut stream = Cursor::new(file.bytes);
            let uploaded = self
                .shared
                .client
                .upload_stream(&mut stream, size, file.file_name)
                .await
                .map_err(|e| map_io(&e))?;
            message = if file.kind == "photo" {
                message.photo(uploaded)
            } else {
                // The MIME type has to be set before the media; without one grammers guesses it
                // from the file name.
                if !file.mime_type.is_empty() {
                    message = message.mime_type(&file.mime_type);
                }
                message.document(uploaded)
            };
        }

        let sent = self
            .shared
            .client
            .send_message(peer, message)
            .await
            .map_err(|e| map_invocation(&e))?;
        if sent.id() == 0 {
            // grammers could not find the new message in Telegram's answer; it was sent all the
            // same and will arrive as an update.
            tracing::warn!(peer_id, "Telegram did not report the id of a sent message");
        }
        Ok(i64::from(sent.id()))
    }

    async fn mark_read(&self, peer_id: i64, max_id: i64) -> Result<(), MtError> {
        let peer = self.peer_ref(peer_id)?;
        let max_id = i32::try_from(max_id)
            .map_err(|_| MtError::Other("max_id is not a Telegram message id".to_string()))?;
        let result = if peer.id.kind() == PeerKind::Channel {
            self.shared
                .client
                .invoke(&tl::functions::channels::ReadHistory {
                    channel: peer.into(),
                    max_id,
                })
                .await
                .map(drop)
        } else {
            self.shared
                .client
                .invoke(&tl::functions::messages::ReadHistory {
                    peer: peer.into(),
                    max_id,
                })
                .await
                .map(drop)
        };
        result.map_err(|e| map_invocation(&e))
    }

    async fn resolve_username(&self, username: &str) -> Result<Option<RemotePeer>, MtError> {
        let found = self
            .shared
            .client
            .resolve_username(username.trim_start_matches('@'))
            .await
            .map_err(|e| map_invocation(&e))?;
        let Some(peer) = found else {
            return Ok(None);
        };
        let Some(peer_id) = peer.id().bot_api_dialog_id() else {
            return Ok(None);
        };
        // Remember the access hash, so the chat can be written to (and survives a restart).
        self.shared.session.store_peer(PeerInfo::from(&peer));
        Ok(Some(RemotePeer {
            peer_id,
            kind: chat_kind(&peer).to_string(),
            title: peer_title(&peer),
            username: peer.username().unwrap_or_default().to_string(),
        }))
    }

    async fn resolve_phone(&self, phone: &str) -> Result<Option<RemotePeer>, MtError> {
        let answer = self
            .shared
            .client
            .invoke(&tl::functions::contacts::ResolvePhone {
                phone: phone.trim_start_matches('+').to_string(),
            })
            .await;
        let tl::enums::contacts::ResolvedPeer::Peer(resolved) = match answer {
            Ok(resolved) => resolved,
            Err(e) if e.is("PHONE_NOT_OCCUPIED") => return Ok(None),
            Err(e) => return Err(map_invocation(&e)),
        };
        let tl::enums::Peer::User(wanted) = resolved.peer else {
            return Ok(None);
        };
        let user = resolved.users.into_iter().find_map(|user| match user {
            tl::enums::User::User(user) if user.id == wanted.user_id => Some(user),
            _ => None,
        });
        let Some(user) = user else {
            return Ok(None);
        };
        self.shared.session.store_peer(PeerInfo::from(&user));
        let title = [user.first_name.as_deref(), user.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Some(RemotePeer {
            peer_id: user.id,
            kind: "private".to_string(),
            title,
            username: user.username.unwrap_or_default(),
        }))
    }

    async fn typing(&self, peer_id: i64) -> Result<(), MtError> {
        let peer = self.peer_ref(peer_id)?;
        self.shared
            .client
            .action(peer)
            .oneshot(tl::enums::SendMessageAction::SendMessageTypingAction)
            .await
            .map_err(|e| map_invocation(&e))
    }

    fn session(&self) -> Vec<u8> {
        self.shared.session.to_bytes()
    }
}

impl GrammersClient {
    /// The account's folders (dialog filters), without the built-in "All chats".
    async fn dialog_filters(&self) -> Result<Vec<tl::enums::DialogFilter>, MtError> {
        let tl::enums::messages::DialogFilters::Filters(filters) = self
            .shared
            .client
            .invoke(&tl::functions::messages::GetDialogFilters {})
            .await
            .map_err(|e| map_invocation(&e))?;
        Ok(filters.filters)
    }

    /// The session's reference (id and access hash) for a marked chat id.
    fn peer_ref(&self, peer_id: i64) -> Result<PeerRef, MtError> {
        PeerId::from_bot_api_dialog_id(peer_id)
            .and_then(|id| self.shared.session.peer_ref_of(id))
            .ok_or_else(|| MtError::Other("unknown chat".to_string()))
    }
}

/// Locks a std mutex, recovering the data if a panic poisoned it (every critical section here
/// leaves the data consistent).
fn lock<T>(mutex: &StdMutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
