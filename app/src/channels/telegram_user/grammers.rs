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

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Cursor;
use std::sync::{Arc, Mutex as StdMutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use grammers_client::client::{PasswordToken, UpdateStream};
use grammers_client::media::Media;
use grammers_client::message::{InputMessage, Message};
use grammers_client::peer::Peer;
use grammers_client::sender::{
    ConnectionParams, SenderPool, SenderPoolHandle, UpdatesConfiguration,
};
use grammers_client::tl;
use grammers_client::update::Update;
use grammers_client::{Client, InvocationError, SignInError};
use grammers_session::types::{
    ChannelState, DcOption, PeerAuth, PeerId, PeerInfo, PeerKind, PeerRef, UpdateState,
    UpdatesState,
};
use grammers_session::updates::UpdatesLike;
use grammers_session::{BoxFuture, Session, SessionData};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Mutex as AsyncMutex};
use tokio::task::JoinHandle;

use super::boundary::{
    ApiCredentials, Connector, LoginStep, Me, MtError, RemoteChat, RemoteFile, RemoteFolder,
    RemoteMessage, RemoteUpdate, UserClient,
};

/// Files larger than this are not downloaded (the message keeps its text, `file` is `None`).
const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// At most this many dialogs are listed by [`UserClient::chats`].
const MAX_DIALOGS: usize = 500;
/// Mapped updates waiting for [`UserClient::next_update`].
const UPDATE_QUEUE: usize = 256;
/// Pause after a failed attempt to fetch updates, before trying again.
const UPDATE_RETRY_DELAY: Duration = Duration::from_secs(5);
/// Version of the serialised session format.
const SESSION_FORMAT: u32 = 1;

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

/// A login in progress.
#[derive(Default)]
struct LoginState {
    /// Set by `request_code`, used by `sign_in`.
    phone: Option<PhoneLogin>,
    /// Set when Telegram asks for the cloud password, used by `check_password`.
    password: Option<tl::types::account::Password>,
}

#[derive(Clone)]
struct PhoneLogin {
    phone: String,
    phone_code_hash: String,
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
        let request = tl::functions::auth::SendCode {
            phone_number: phone.to_string(),
            api_id: self.api_id,
            api_hash: self.api_hash.clone(),
            settings: tl::types::CodeSettings {
                allow_flashcall: false,
                current_number: false,
                allow_app_hash: false,
                allow_missed_call: false,
                allow_firebase: false,
                unknown_number: false,
                logout_tokens: None,
                token: None,
                app_sandbox: None,
            }
            .into(),
        };
        use tl::enums::auth::SentCode;
        match self.invoke_migrating(&request).await {
            Ok(SentCode::Code(sent)) => {
                let mut login = lock(&self.login);
                login.phone = Some(PhoneLogin {
                    phone: phone.to_string(),
                    phone_code_hash: sent.phone_code_hash,
                });
                login.password = None;
                Ok(LoginStep::CodeSent)
            }
            Ok(SentCode::Success(success)) => self.authorized(success.authorization).await,
            Ok(SentCode::PaymentRequired(_)) => Err(MtError::Other(
                "Telegram only sends a code to this number after a payment; log in with the QR code instead"
                    .to_string(),
            )),
            Err(e) => Err(map_invocation(&e)),
        }
    }

    async fn sign_in(&self, code: &str) -> Result<LoginStep, MtError> {
        let pending = lock(&self.login).phone.clone();
        let Some(pending) = pending else {
            return Err(MtError::OutOfOrder(
                "Ask for a login code first".to_string(),
            ));
        };
        let request = tl::functions::auth::SignIn {
            phone_number: pending.phone,
            phone_code_hash: pending.phone_code_hash,
            phone_code: Some(code.trim().to_string()),
            email_verification: None,
        };
        match self.shared.client.invoke(&request).await {
            Ok(authorization) => self.authorized(authorization).await,
            Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
            Err(e) => Err(map_invocation(&e)),
        }
    }

    async fn check_password(&self, password: &str) -> Result<LoginStep, MtError> {
        let info = lock(&self.login).password.clone();
        let Some(info) = info else {
            return Err(MtError::OutOfOrder(
                "Telegram has not asked for the password".to_string(),
            ));
        };
        // grammers unwraps these; without them there is nothing to check against.
        if info.current_algo.is_none() || info.srp_b.is_none() || info.srp_id.is_none() {
            return Err(MtError::Other(
                "Telegram sent incomplete password parameters".to_string(),
            ));
        }
        match self
            .shared
            .client
            .check_password(PasswordToken::new(info), password.as_bytes())
            .await
        {
            // grammers has already cached the user as "self" and stored the update state.
            Ok(user) => {
                let me = me_from_user(&user.raw);
                self.logged_in(&me);
                Ok(LoginStep::Done(me))
            }
            Err(SignInError::InvalidPassword(_)) => {
                // Fresh SRP parameters for the next attempt.
                self.refresh_password().await;
                Err(MtError::InvalidPassword)
            }
            Err(SignInError::Other(e)) => Err(map_invocation(&e)),
            Err(SignInError::SignUpRequired) => Err(MtError::SignUpRequired),
            Err(SignInError::InvalidCode) => Err(MtError::InvalidCode),
            Err(SignInError::PasswordRequired(_)) => {
                self.refresh_password().await;
                Err(MtError::InvalidPassword)
            }
        }
    }

    async fn qr_login(&self) -> Result<LoginStep, MtError> {
        let request = tl::functions::auth::ExportLoginToken {
            api_id: self.api_id,
            api_hash: self.api_hash.clone(),
            except_ids: Vec::new(),
        };
        use tl::enums::auth::LoginToken;
        match self.invoke_migrating(&request).await {
            Ok(LoginToken::Token(token)) => Ok(qr_step(&token)),
            Ok(LoginToken::Success(success)) => self.authorized(success.authorization).await,
            Ok(LoginToken::MigrateTo(migrate)) => {
                // The account lives in another data centre: make that one home first (so its
                // connection is the one that receives updates), then redeem the token there.
                self.move_home_dc(migrate.dc_id);
                let import = tl::functions::auth::ImportLoginToken {
                    token: migrate.token,
                };
                match self.shared.client.invoke(&import).await {
                    Ok(LoginToken::Success(success)) => {
                        self.authorized(success.authorization).await
                    }
                    Ok(LoginToken::Token(token)) => Ok(qr_step(&token)),
                    Ok(LoginToken::MigrateTo(_)) => Err(MtError::Other(
                        "Telegram redirected the login more than once".to_string(),
                    )),
                    Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
                    Err(e) => Err(map_invocation(&e)),
                }
            }
            Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
            Err(e) => Err(map_invocation(&e)),
        }
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
        let mut queue = self.updates.lock().await;
        let queue = match queue.as_mut() {
            Some(queue) => queue,
            None => {
                if self.shared.session.self_id().is_none() {
                    return Err(MtError::OutOfOrder(
                        "Sign in before listening for updates".to_string(),
                    ));
                }
                let Some(raw) = lock(&self.raw_updates).take() else {
                    return Err(MtError::Network("the update stream has ended".to_string()));
                };
                // Everything that awaits runs in the task, so this call stays cancel-safe.
                let (tx, rx) = mpsc::channel(UPDATE_QUEUE);
                let pump = tokio::spawn(pump_updates(Arc::clone(&self.shared), raw, tx));
                *lock(&self.pump) = Some(pump);
                queue.insert(rx)
            }
        };
        match queue.recv().await {
            Some(update) => update,
            None => Err(MtError::Network("the update stream has ended".to_string())),
        }
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

    fn session(&self) -> Vec<u8> {
        self.shared.session.to_bytes()
    }
}

impl GrammersClient {
    /// Invokes a request in the home data centre; if Telegram answers that the account (or phone
    /// number) lives in another one (`*_MIGRATE_n`, code 303), makes that one home and retries.
    async fn invoke_migrating<R>(&self, request: &R) -> Result<R::Return, InvocationError>
    where
        R: tl::RemoteCall + Sync,
    {
        match self.shared.client.invoke(request).await {
            Err(InvocationError::Rpc(err)) if err.code == 303 => {
                let Some(dc_id) = err.value.and_then(|value| i32::try_from(value).ok()) else {
                    return Err(InvocationError::Rpc(err));
                };
                self.move_home_dc(dc_id);
                self.shared.client.invoke(request).await
            }
            result => result,
        }
    }

    /// Makes `dc_id` the home data centre and drops the connection to the old one (as grammers
    /// does on migration: the old connection would otherwise keep receiving updates).
    fn move_home_dc(&self, dc_id: i32) {
        let old = self.shared.session.home_dc();
        if old != dc_id {
            self.pool.disconnect_from_dc(old);
            self.shared.session.set_home_dc(dc_id);
        }
    }

    /// Completes a login from Telegram's `auth.Authorization`.
    async fn authorized(
        &self,
        authorization: tl::enums::auth::Authorization,
    ) -> Result<LoginStep, MtError> {
        match authorization {
            tl::enums::auth::Authorization::Authorization(authorization) => {
                Ok(LoginStep::Done(self.finish_login(authorization).await))
            }
            tl::enums::auth::Authorization::SignUpRequired(_) => Err(MtError::SignUpRequired),
        }
    }

    /// The bookkeeping grammers' own sign-in does (`complete_login`): cache the user as "self"
    /// and start the update state from now.
    async fn finish_login(&self, authorization: tl::types::auth::Authorization) -> Me {
        // If this fails the update machinery recovers the state from the first updates.
        let state = self
            .shared
            .client
            .invoke(&tl::functions::updates::GetState {})
            .await
            .ok();
        if let tl::enums::User::User(user) = &authorization.user {
            self.shared.session.store_peer(PeerInfo::User {
                id: user.id,
                auth: user.access_hash.map(PeerAuth::from_hash),
                bot: Some(user.bot),
                is_self: Some(true),
            });
        }
        if let Some(tl::enums::updates::State::State(state)) = state {
            self.shared
                .session
                .store_update_state(UpdateState::All(UpdatesState {
                    pts: state.pts,
                    qts: state.qts,
                    date: state.date,
                    seq: state.seq,
                    channels: Vec::new(),
                }));
        }
        let me = me_from_user(&authorization.user);
        self.logged_in(&me);
        me
    }

    fn logged_in(&self, me: &Me) {
        *lock(&self.shared.me) = Some(me.clone());
        *lock(&self.login) = LoginState::default();
    }

    /// Telegram wants the cloud password: fetch its parameters and keep them for
    /// `check_password`.
    async fn password_needed(&self) -> Result<LoginStep, MtError> {
        let password = self.fetch_password().await?;
        let hint = password.hint.clone().unwrap_or_default();
        lock(&self.login).password = Some(password);
        Ok(LoginStep::PasswordNeeded { hint })
    }

    async fn refresh_password(&self) {
        match self.fetch_password().await {
            Ok(password) => lock(&self.login).password = Some(password),
            Err(e) => tracing::warn!(error = %e, "could not refresh the password parameters"),
        }
    }

    async fn fetch_password(&self) -> Result<tl::types::account::Password, MtError> {
        let tl::enums::account::Password::Password(password) = self
            .shared
            .client
            .invoke(&tl::functions::account::GetPassword {})
            .await
            .map_err(|e| map_invocation(&e))?;
        Ok(password)
    }

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

// ---------------------------------------------------------------------------------------------
// Updates
// ---------------------------------------------------------------------------------------------

/// Drives grammers' update stream and queues the mapped updates, until the queue's reader goes
/// away, the connection pool stops, or the session is revoked.
async fn pump_updates(
    shared: Arc<Shared>,
    raw: mpsc::Receiver<UpdatesLike>,
    tx: mpsc::Sender<Result<RemoteUpdate, MtError>>,
) {
    let configuration = UpdatesConfiguration { catch_up: true };
    let mut stream: UpdateStream = match shared.client.stream_updates(raw, configuration).await {
        Ok(stream) => stream,
        Err(e) => {
            let _ = tx
                .send(Err(MtError::Other(format!(
                    "could not follow updates: {e}"
                ))))
                .await;
            return;
        }
    };
    loop {
        let next = tokio::select! {
            _ = tx.closed() => return,
            next = stream.next() => next,
        };
        match next {
            Ok(update) => {
                if let Some(update) = shared.map_update(update).await {
                    if tx.send(Ok(update)).await.is_err() {
                        return;
                    }
                }
                // Keep the stored update state current, so a new connection catches up from
                // here (grammers does not do this by itself).
                if let Err(e) = stream.sync_update_state().await {
                    tracing::warn!(error = %e, "could not store the Telegram update state");
                }
            }
            Err(e) => {
                let fatal = matches!(e, InvocationError::Dropped(_));
                let error = map_invocation(&e);
                let fatal = fatal || error == MtError::SessionRevoked;
                if tx.send(Err(error)).await.is_err() || fatal {
                    return;
                }
                tokio::time::sleep(UPDATE_RETRY_DELAY).await;
            }
        }
    }
}

impl Shared {
    /// The product's view of an update, or `None` for updates it does not follow.
    async fn map_update(&self, update: Update) -> Option<RemoteUpdate> {
        match update {
            Update::NewMessage(message) => self
                .remote_message(&message)
                .await
                .map(RemoteUpdate::NewMessage),
            Update::MessageEdited(message) => self
                .remote_message(&message)
                .await
                .map(RemoteUpdate::Edited),
            Update::MessageDeleted(deletion) => Some(RemoteUpdate::Deleted {
                peer_id: deletion.channel_id().and_then(channel_marked),
                ids: deletion
                    .messages()
                    .iter()
                    .map(|&id| i64::from(id))
                    .collect(),
            }),
            Update::Raw(raw) => map_raw_update(&raw.raw),
            _ => None,
        }
    }

    /// Maps a message; service messages (joins, pins, calls…) and empty ones are skipped.
    async fn remote_message(&self, message: &Message) -> Option<RemoteMessage> {
        let tl::enums::Message::Message(raw) = &message.raw else {
            return None;
        };
        let chat = peer_id_of(&raw.peer_id)?;
        let peer_id = chat.bot_api_dialog_id()?;
        let self_id = self.session.self_id();

        // Private chats carry no author: it is us when outgoing, the other side otherwise.
        // Channel posts carry none either: the channel is the author.
        let sender_id = match &raw.from_id {
            Some(from) => peer_id_of(from).and_then(PeerId::bot_api_dialog_id),
            None if chat.kind() == PeerKind::User && raw.out => self_id,
            None => Some(peer_id),
        }
        .unwrap_or_default();
        let (sender_name, sender_username) = self.describe_sender(message, sender_id, self_id);

        let file = match message.media() {
            Some(media) => self.download(&media).await,
            None => None,
        };

        Some(RemoteMessage {
            peer_id,
            id: i64::from(raw.id),
            outgoing: raw.out,
            sender_id,
            sender_name,
            sender_username,
            text: raw.message.clone(),
            date_ms: seconds_to_ms(raw.date),
            edit_date_ms: raw.edit_date.map(seconds_to_ms),
            reply_to: message.reply_to_message_id().map(i64::from),
            file,
        })
    }

    /// The author's name and username, from the peers that came with the message (or our own).
    fn describe_sender(
        &self,
        message: &Message,
        sender_id: i64,
        self_id: Option<i64>,
    ) -> (String, String) {
        if self_id == Some(sender_id) {
            if let Some(me) = lock(&self.me).as_ref() {
                return (me.name.clone(), me.username.clone());
            }
        }
        let is_sender = |peer: &&Peer| peer.id().bot_api_dialog_id() == Some(sender_id);
        message
            .sender()
            .filter(is_sender)
            .or_else(|| message.peer().filter(is_sender))
            .map(|peer| {
                (
                    peer_title(peer),
                    peer.username().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_default()
    }

    /// Downloads a photo, document or sticker into memory, unless it is over the size cap.
    async fn download(&self, media: &Media) -> Option<RemoteFile> {
        let (file_name, mime_type, kind) = match media {
            Media::Photo(photo) => match photo.raw.photo.as_ref()? {
                tl::enums::Photo::Photo(photo) => (
                    format!("photo_{}.jpg", photo.id),
                    "image/jpeg".to_string(),
                    "photo",
                ),
                tl::enums::Photo::Empty(_) => return None,
            },
            Media::Document(document) => describe_document(&document.raw, "file")?,
            Media::Sticker(sticker) => describe_document(&sticker.document.raw, "sticker")?,
            _ => return None,
        };
        if media.size().is_some_and(|size| size > MAX_FILE_BYTES) {
            tracing::debug!(file_name, "not downloading a file over the size cap");
            return None;
        }

        let mut download = self.client.iter_download(media);
        let mut bytes = Vec::new();
        loop {
            match download.next().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        tracing::debug!(file_name, "not downloading a file over the size cap");
                        return None;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, file_name, "could not download a Telegram file");
                    return None;
                }
            }
        }
        Some(RemoteFile {
            bytes,
            file_name,
            mime_type,
            kind: kind.to_string(),
        })
    }
}

/// Read receipts and typing, which grammers passes on as raw updates.
fn map_raw_update(update: &tl::enums::Update) -> Option<RemoteUpdate> {
    use tl::enums::Update as U;
    match update {
        U::ReadHistoryInbox(read) => Some(RemoteUpdate::ReadInbox {
            peer_id: peer_id_of(&read.peer)?.bot_api_dialog_id()?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadHistoryOutbox(read) => Some(RemoteUpdate::ReadOutbox {
            peer_id: peer_id_of(&read.peer)?.bot_api_dialog_id()?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadChannelInbox(read) => Some(RemoteUpdate::ReadInbox {
            peer_id: channel_marked(read.channel_id)?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadChannelOutbox(read) => Some(RemoteUpdate::ReadOutbox {
            peer_id: channel_marked(read.channel_id)?,
            max_id: i64::from(read.max_id),
        }),
        U::UserTyping(typing) if is_composing(&typing.action) => Some(RemoteUpdate::Typing {
            peer_id: PeerId::user(typing.user_id)?.bot_api_dialog_id()?,
            user_id: typing.user_id,
        }),
        U::ChatUserTyping(typing) if is_composing(&typing.action) => Some(RemoteUpdate::Typing {
            peer_id: PeerId::chat(typing.chat_id)?.bot_api_dialog_id()?,
            user_id: user_of(&typing.from_id)?,
        }),
        U::ChannelUserTyping(typing) if is_composing(&typing.action) => {
            Some(RemoteUpdate::Typing {
                peer_id: channel_marked(typing.channel_id)?,
                user_id: user_of(&typing.from_id)?,
            })
        }
        _ => None,
    }
}

/// Whether a chat action means someone is writing something (typing, recording, uploading…).
fn is_composing(action: &tl::enums::SendMessageAction) -> bool {
    use tl::enums::SendMessageAction as A;
    matches!(
        action,
        A::SendMessageTypingAction
            | A::SendMessageRecordVideoAction
            | A::SendMessageUploadVideoAction(_)
            | A::SendMessageRecordAudioAction
            | A::SendMessageUploadAudioAction(_)
            | A::SendMessageUploadPhotoAction(_)
            | A::SendMessageUploadDocumentAction(_)
            | A::SendMessageGeoLocationAction
            | A::SendMessageChooseContactAction
            | A::SendMessageRecordRoundAction
            | A::SendMessageUploadRoundAction(_)
            | A::SendMessageChooseStickerAction
            | A::SendMessageTextDraftAction(_)
    )
}

// ---------------------------------------------------------------------------------------------
// Mapping helpers
// ---------------------------------------------------------------------------------------------

fn qr_step(token: &tl::types::auth::LoginToken) -> LoginStep {
    LoginStep::Qr {
        url: format!(
            "tg://login?token={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&token.token)
        ),
        expires_at_ms: seconds_to_ms(token.expires),
    }
}

fn me_from_user(user: &tl::enums::User) -> Me {
    match user {
        tl::enums::User::User(user) => Me {
            user_id: user.id,
            name: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
            username: user.username.clone().unwrap_or_default(),
            phone: user.phone.clone().unwrap_or_default(),
        },
        tl::enums::User::Empty(user) => Me {
            user_id: user.id,
            name: String::new(),
            username: String::new(),
            phone: String::new(),
        },
    }
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 'private' | 'group' | 'channel': broadcast channels are channels; basic groups,
/// supergroups and communities are groups.
fn chat_kind(peer: &Peer) -> &'static str {
    match peer {
        Peer::User(_) => "private",
        Peer::Channel(_) => "channel",
        _ => "group",
    }
}

fn peer_title(peer: &Peer) -> String {
    match peer {
        Peer::User(user) => user.full_name(),
        other => other.name().unwrap_or_default().to_string(),
    }
}

/// A folder's id, title and explicitly listed chats (pinned ones included); `None` for the
/// built-in "All chats". Rule-based inclusion (contacts, groups…) is not expanded.
fn filter_parts(
    filter: &tl::enums::DialogFilter,
) -> Option<(i32, &str, impl Iterator<Item = &tl::enums::InputPeer>)> {
    match filter {
        tl::enums::DialogFilter::Filter(filter) => Some((
            filter.id,
            text_of(&filter.title),
            filter
                .pinned_peers
                .iter()
                .chain(filter.include_peers.iter()),
        )),
        tl::enums::DialogFilter::Chatlist(list) => Some((
            list.id,
            text_of(&list.title),
            list.pinned_peers.iter().chain(list.include_peers.iter()),
        )),
        tl::enums::DialogFilter::Default => None,
    }
}

fn text_of(text: &tl::enums::TextWithEntities) -> &str {
    match text {
        tl::enums::TextWithEntities::Entities(text) => &text.text,
    }
}

fn describe_document(
    media: &tl::types::MessageMediaDocument,
    prefix: &str,
) -> Option<(String, String, &'static str)> {
    let tl::enums::Document::Document(document) = media.document.as_ref()? else {
        return None;
    };
    let file_name = document
        .attributes
        .iter()
        .find_map(|attribute| match attribute {
            tl::enums::DocumentAttribute::Filename(name) => Some(name.file_name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| format!("{prefix}_{}", document.id));
    let mime_type = if document.mime_type.is_empty() {
        "application/octet-stream".to_string()
    } else {
        document.mime_type.clone()
    };
    Some((file_name, mime_type, "document"))
}

fn message_date(message: &tl::enums::Message) -> Option<i32> {
    match message {
        tl::enums::Message::Message(message) => Some(message.date),
        tl::enums::Message::Service(message) => Some(message.date),
        tl::enums::Message::Empty(_) => None,
    }
}

fn seconds_to_ms(seconds: i32) -> i64 {
    i64::from(seconds) * 1000
}

/// The peer id of a TL peer, range-checked (grammers' own conversion only debug-asserts).
fn peer_id_of(peer: &tl::enums::Peer) -> Option<PeerId> {
    match peer {
        tl::enums::Peer::User(user) => PeerId::user(user.user_id),
        tl::enums::Peer::Chat(chat) => PeerId::chat(chat.chat_id),
        tl::enums::Peer::Channel(channel) => PeerId::channel(channel.channel_id),
    }
}

fn channel_marked(channel_id: i64) -> Option<i64> {
    PeerId::channel(channel_id)?.bot_api_dialog_id()
}

/// The user id behind a peer, if it is a user (typing "as a channel" is not a person).
fn user_of(peer: &tl::enums::Peer) -> Option<i64> {
    match peer {
        tl::enums::Peer::User(user) => Some(user.user_id),
        _ => None,
    }
}

fn input_peer_id(peer: &tl::enums::InputPeer, self_id: Option<i64>) -> Option<i64> {
    use tl::enums::InputPeer as P;
    let id = match peer {
        P::Empty => None,
        P::PeerSelf => return self_id,
        P::User(user) => PeerId::user(user.user_id),
        P::UserFromMessage(user) => PeerId::user(user.user_id),
        P::Chat(chat) => PeerId::chat(chat.chat_id),
        P::Channel(channel) => PeerId::channel(channel.channel_id),
        P::ChannelFromMessage(channel) => PeerId::channel(channel.channel_id),
    };
    id?.bot_api_dialog_id()
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

fn map_invocation(error: &InvocationError) -> MtError {
    match error {
        InvocationError::Rpc(rpc) => {
            let name = rpc.name.as_str();
            match name {
                "FLOOD_WAIT" | "FLOOD_PREMIUM_WAIT" | "SLOWMODE_WAIT" => {
                    MtError::FloodWait(u64::from(rpc.value.unwrap_or(1)))
                }
                "PHONE_NUMBER_INVALID" => MtError::PhoneInvalid,
                "PHONE_CODE_INVALID" | "PHONE_CODE_EMPTY" => MtError::InvalidCode,
                "PHONE_CODE_EXPIRED" => MtError::CodeExpired,
                "PASSWORD_HASH_INVALID" => MtError::InvalidPassword,
                "AUTH_KEY_UNREGISTERED"
                | "AUTH_KEY_INVALID"
                | "AUTH_KEY_PERM_EMPTY"
                | "AUTH_KEY_DUPLICATED"
                | "SESSION_REVOKED"
                | "SESSION_EXPIRED"
                | "USER_DEACTIVATED"
                | "USER_DEACTIVATED_BAN" => MtError::SessionRevoked,
                // 401 but not a dead session: the login is only half done.
                "SESSION_PASSWORD_NEEDED" => MtError::Other(name.to_string()),
                _ if rpc.code == 401 => MtError::SessionRevoked,
                _ => MtError::Other(name.to_string()),
            }
        }
        InvocationError::Io(e) => MtError::Network(e.to_string()),
        InvocationError::Transport(e) => MtError::Network(e.to_string()),
        InvocationError::Dropped(reason) => {
            MtError::Network(format!("connection closed: {reason}"))
        }
        InvocationError::Authentication(e) => MtError::Network(e.to_string()),
        InvocationError::Deserialize(e) => MtError::Other(format!("unreadable answer: {e}")),
        InvocationError::InvalidDc => MtError::Other("unknown Telegram data centre".to_string()),
        InvocationError::Session(e) => MtError::Other(format!("session storage: {e}")),
    }
}

/// Uploads report failures as I/O errors that may wrap an [`InvocationError`].
fn map_io(error: &std::io::Error) -> MtError {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<InvocationError>())
    {
        Some(inner) => map_invocation(inner),
        None => MtError::Network(error.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Session storage
// ---------------------------------------------------------------------------------------------

/// The serialised form of a session (what [`UserClient::session`] returns).
#[derive(Serialize, Deserialize)]
struct SessionSnapshot {
    format: u32,
    home_dc: i32,
    /// Data-centre addresses, with the authorisation key for each one connected to.
    dc_options: Vec<DcOption>,
    /// Cached peers (access hashes); the signed-in user is the one with `is_self`.
    peers: Vec<PeerInfo>,
    updates_state: UpdatesState,
}

/// A grammers session kept in memory that can be written out whole at any time.
///
/// Behaves like grammers' `MemorySession`, except that it also answers
/// `peer(PeerId::self_user())` with the signed-in user (as the SQLite storage does; grammers
/// relies on it to know whether the session is signed in).
#[derive(Default)]
struct StoredSession(StdMutex<StoredState>);

#[derive(Default)]
struct StoredState {
    data: SessionData,
    self_id: Option<PeerId>,
}

impl StoredSession {
    fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let snapshot: SessionSnapshot = serde_json::from_slice(bytes)?;
        // Start from the statically known data centres, then overlay what was stored.
        let mut state = StoredState::default();
        state.data.home_dc = snapshot.home_dc;
        for dc_option in snapshot.dc_options {
            state.data.dc_options.insert(dc_option.id, dc_option);
        }
        for peer in snapshot.peers {
            state.insert_peer(peer);
        }
        state.data.updates_state = snapshot.updates_state;
        Ok(Self(StdMutex::new(state)))
    }

    fn to_bytes(&self) -> Vec<u8> {
        let snapshot = {
            let state = self.lock();
            SessionSnapshot {
                format: SESSION_FORMAT,
                home_dc: state.data.home_dc,
                dc_options: state.data.dc_options.values().cloned().collect(),
                peers: state.data.peer_infos.values().cloned().collect(),
                updates_state: state.data.updates_state.clone(),
            }
        };
        serde_json::to_vec(&snapshot).unwrap_or_else(|e| {
            // Plain structs and vectors: serialising them cannot fail.
            tracing::error!(error = %e, "could not serialise the Telegram session");
            Vec::new()
        })
    }

    fn lock(&self) -> MutexGuard<'_, StoredState> {
        lock(&self.0)
    }

    fn home_dc(&self) -> i32 {
        self.lock().data.home_dc
    }

    fn set_home_dc(&self, dc_id: i32) {
        self.lock().data.home_dc = dc_id;
    }

    /// The signed-in user's id, once signed in.
    fn self_id(&self) -> Option<i64> {
        self.lock().self_id.and_then(PeerId::bot_api_dialog_id)
    }

    fn peer_info(&self, peer: PeerId) -> Option<PeerInfo> {
        let state = self.lock();
        let id = if peer == PeerId::self_user() {
            state.self_id?
        } else {
            peer
        };
        state.data.peer_infos.get(&id).cloned()
    }

    fn peer_ref_of(&self, peer: PeerId) -> Option<PeerRef> {
        let info = self.peer_info(peer)?;
        Some(PeerRef {
            id: info_id(&info)?,
            auth: info.auth()?,
        })
    }

    fn store_peer(&self, peer: PeerInfo) {
        self.lock().insert_peer(peer);
    }

    fn store_update_state(&self, update: UpdateState) {
        let state = &mut self.lock().data.updates_state;
        match update {
            UpdateState::All(all) => *state = all,
            UpdateState::Primary { pts, date, seq } => {
                state.pts = pts;
                state.date = date;
                state.seq = seq;
            }
            UpdateState::Secondary { qts } => state.qts = qts,
            UpdateState::Channel { id, pts } => {
                state.channels.retain(|channel| channel.id != id);
                state.channels.push(ChannelState { id, pts });
            }
        }
    }
}

impl StoredState {
    /// Caches a peer, merging what is new into what was known (like `MemorySession`).
    fn insert_peer(&mut self, peer: PeerInfo) {
        let Some(id) = info_id(&peer) else {
            return;
        };
        if let PeerInfo::User {
            is_self: Some(true),
            ..
        } = peer
        {
            self.self_id = Some(id);
        }
        self.data
            .peer_infos
            .entry(id)
            .or_insert_with(|| peer.clone())
            .extend_info(&peer);
    }
}

/// The id of a cached peer, range-checked (`PeerInfo::id` only debug-asserts).
fn info_id(info: &PeerInfo) -> Option<PeerId> {
    match info {
        PeerInfo::User { id, .. } => PeerId::user(*id),
        PeerInfo::Chat { id } => PeerId::chat(*id),
        PeerInfo::Channel { id, .. } => PeerId::channel(*id),
    }
}

impl Session for StoredSession {
    type Error = Infallible;

    fn home_dc_id(&self) -> Result<i32, Infallible> {
        Ok(self.home_dc())
    }

    fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.set_home_dc(dc_id);
            Ok(())
        })
    }

    fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, Infallible> {
        Ok(self.lock().data.dc_options.get(&dc_id).cloned())
    }

    fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), Infallible>> {
        let dc_option = dc_option.clone();
        Box::pin(async move {
            self.lock().data.dc_options.insert(dc_option.id, dc_option);
            Ok(())
        })
    }

    fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, Infallible>> {
        Box::pin(async move { Ok(self.peer_info(peer)) })
    }

    fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.store_peer(peer);
            Ok(())
        })
    }

    fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, Infallible>> {
        Box::pin(async move { Ok(self.lock().data.updates_state.clone()) })
    }

    fn set_update_state(&self, update: UpdateState) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.store_update_state(update);
            Ok(())
        })
    }
}

/// Locks a std mutex, recovering the data if a panic poisoned it (every critical section here
/// leaves the data consistent).
fn lock<T>(mutex: &StdMutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use grammers_client::sender::RpcError;

    use super::*;

    fn rpc(code: i32, name: &str, value: Option<u32>) -> InvocationError {
        InvocationError::Rpc(RpcError {
            code,
            name: name.to_string(),
            value,
            caused_by: None,
        })
    }

    #[test]
    fn session_survives_a_round_trip() {
        let session = StoredSession::default();
        session.set_home_dc(4);
        session.store_peer(PeerInfo::User {
            id: 777,
            auth: Some(PeerAuth::from_hash(1)),
            bot: Some(false),
            is_self: Some(true),
        });
        session.store_peer(PeerInfo::Channel {
            id: 1234,
            auth: Some(PeerAuth::from_hash(99)),
            kind: None,
        });
        session.store_update_state(UpdateState::Channel { id: 1234, pts: 5 });

        let restored = StoredSession::from_bytes(&session.to_bytes()).expect("readable");
        assert_eq!(restored.home_dc(), 4);
        assert_eq!(restored.self_id(), Some(777));
        assert!(restored.peer_info(PeerId::self_user()).is_some());
        let channel = PeerId::from_bot_api_dialog_id(-1_000_000_001_234).expect("channel id");
        assert_eq!(
            restored.peer_ref_of(channel).map(|peer| peer.auth.hash()),
            Some(99)
        );
        assert_eq!(restored.lock().data.updates_state.channels.len(), 1);
        assert!(restored.lock().data.dc_options.contains_key(&1));
    }

    #[test]
    fn unreadable_session_is_an_error() {
        assert!(StoredSession::from_bytes(b"not json").is_err());
    }

    #[test]
    fn rpc_errors_map_by_name() {
        assert_eq!(
            map_invocation(&rpc(420, "FLOOD_WAIT", Some(31))),
            MtError::FloodWait(31)
        );
        assert_eq!(
            map_invocation(&rpc(400, "PHONE_CODE_EXPIRED", None)),
            MtError::CodeExpired
        );
        assert_eq!(
            map_invocation(&rpc(400, "PHONE_CODE_EMPTY", None)),
            MtError::InvalidCode
        );
        assert_eq!(
            map_invocation(&rpc(401, "AUTH_KEY_UNREGISTERED", None)),
            MtError::SessionRevoked
        );
        assert_eq!(
            map_invocation(&rpc(401, "SOMETHING_ELSE", None)),
            MtError::SessionRevoked
        );
        assert_eq!(
            map_invocation(&rpc(401, "SESSION_PASSWORD_NEEDED", None)),
            MtError::Other("SESSION_PASSWORD_NEEDED".to_string())
        );
        assert_eq!(
            map_invocation(&InvocationError::Dropped("gone")),
            MtError::Network("connection closed: gone".to_string())
        );
    }

    #[test]
    fn qr_url_is_base64url_without_padding() {
        let step = qr_step(&tl::types::auth::LoginToken {
            expires: 10,
            token: vec![0xfb, 0xff],
        });
        assert_eq!(
            step,
            LoginStep::Qr {
                url: "tg://login?token=-_8".to_string(),
                expires_at_ms: 10_000
            }
        );
    }

    #[test]
    fn read_receipts_use_marked_ids() {
        let update = tl::enums::Update::ReadChannelInbox(tl::types::UpdateReadChannelInbox {
            folder_id: None,
            channel_id: 1234,
            max_id: 42,
            still_unread_count: 0,
            pts: 1,
        });
        assert_eq!(
            map_raw_update(&update),
            Some(RemoteUpdate::ReadInbox {
                peer_id: -1_000_000_001_234,
                max_id: 42
            })
        );
    }

    #[test]
    fn folders_list_their_explicit_chats() {
        let title = tl::enums::TextWithEntities::Entities(tl::types::TextWithEntities {
            text: "Clients".to_string(),
            entities: Vec::new(),
        });
        let filter = tl::enums::DialogFilter::Chatlist(tl::types::DialogFilterChatlist {
            has_my_invites: false,
            title_noanimate: false,
            id: 3,
            title,
            emoticon: None,
            color: None,
            pinned_peers: vec![tl::enums::InputPeer::PeerSelf],
            include_peers: vec![tl::types::InputPeerChannel {
                channel_id: 1234,
                access_hash: 1,
            }
            .into()],
        });
        let (id, title, peers) = filter_parts(&filter).expect("a folder");
        let ids: Vec<_> = peers
            .filter_map(|peer| input_peer_id(peer, Some(777)))
            .collect();
        assert_eq!((id, title), (3, "Clients"));
        assert_eq!(ids, vec![777, -1_000_000_001_234]);
        assert!(filter_parts(&tl::enums::DialogFilter::Default).is_none());
    }
}
