//! The boundary between Parley and a Telegram user account (MTProto). Everything the product
//! does with a personal Telegram account goes through these two traits: `grammers/` is the
//! implementation that runs in production, `simulated.rs` an in-process world that the tests
//! (and the Playwright suite, with `telegram_user_backend = "simulated"`) drive.

use async_trait::async_trait;

/// The workspace's Telegram application (from my.telegram.org).
#[derive(Clone, Debug)]
pub struct ApiCredentials {
    pub api_id: i32,
    pub api_hash: String,
}

/// What can go wrong talking to Telegram, in the terms the product acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MtError {
    /// Telegram asks to wait this many seconds before the next call of this kind.
    #[error("Telegram asked to wait {0} s")]
    FloodWait(u64),
    #[error("The phone number is not valid")]
    PhoneInvalid,
    #[error("The code is not valid")]
    InvalidCode,
    #[error("The code has expired; ask for a new one")]
    CodeExpired,
    #[error("The password is not valid")]
    InvalidPassword,
    /// The phone number has no Telegram account (third-party apps cannot sign up).
    #[error("This phone number has no Telegram account; create one in the Telegram app first")]
    SignUpRequired,
    /// The session was ended (logged out elsewhere, revoked, or never authorised).
    #[error("Telegram ended this session; connect the account again")]
    SessionRevoked,
    /// A step was taken out of order (a code before asking for one, say).
    #[error("{0}")]
    OutOfOrder(String),
    /// The connection failed or was lost; worth trying again later.
    #[error("Telegram could not be reached: {0}")]
    Network(String),
    #[error("Telegram refused: {0}")]
    Other(String),
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub user_id: i64,
    pub name: String,
    pub username: String,
    pub phone: String,
}

/// Where a login stands after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginStep {
    /// A code was sent (to the Telegram app, or by SMS).
    CodeSent,
    /// Show this QR code (a `tg://login?token=…` URL) until it expires.
    Qr {
        url: String,
        expires_at_ms: i64,
    },
    /// The account has a cloud password.
    PasswordNeeded {
        hint: String,
    },
    Done(Me),
}

/// A chat of the account, as its dialog list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteChat {
    /// The chat id (Telegram's "marked" id: users positive, groups and channels negative).
    pub peer_id: i64,
    /// 'private' | 'group' | 'channel'
    pub kind: String,
    pub title: String,
    pub username: String,
    pub unread: i64,
    pub last_message_at_ms: Option<i64>,
    /// Telegram folders (dialog filters) the chat is in.
    pub folder_ids: Vec<i32>,
}

/// A person (or public chat) found by username or phone number, to write to first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePeer {
    /// The marked chat id (see [`RemoteChat::peer_id`]).
    pub peer_id: i64,
    /// 'private' | 'group' | 'channel'
    pub kind: String,
    pub title: String,
    pub username: String,
}

/// A Telegram folder (dialog filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    pub id: i32,
    pub title: String,
}

/// A file on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub mime_type: String,
    /// 'photo' | 'document'
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMessage {
    pub peer_id: i64,
    pub id: i64,
    pub outgoing: bool,
    /// The author: a user id and their name, username (private chats: the peer).
    pub sender_id: i64,
    pub sender_name: String,
    pub sender_username: String,
    pub text: String,
    pub date_ms: i64,
    pub edit_date_ms: Option<i64>,
    pub reply_to: Option<i64>,
    pub file: Option<RemoteFile>,
}

/// What the account hears from Telegram while it is connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteUpdate {
    NewMessage(RemoteMessage),
    Edited(RemoteMessage),
    /// Messages deleted; `peer_id` is `None` when Telegram does not say which private chat.
    Deleted {
        peer_id: Option<i64>,
        ids: Vec<i64>,
    },
    /// The account read the chat up to `max_id` (on another device).
    ReadInbox {
        peer_id: i64,
        max_id: i64,
    },
    /// The other side read our messages up to `max_id`.
    ReadOutbox {
        peer_id: i64,
        max_id: i64,
    },
    Typing {
        peer_id: i64,
        user_id: i64,
    },
}

/// Opens clients. One per deployment, chosen by configuration.
#[async_trait]
pub trait Connector: Send + Sync + 'static {
    /// A client for `session` (the bytes `UserClient::session` gave earlier), or a fresh one
    /// to log in with when `None`.
    async fn open(
        &self,
        api: &ApiCredentials,
        session: Option<&[u8]>,
    ) -> Result<Box<dyn UserClient>, MtError>;
}

/// One connection to one Telegram account.
#[async_trait]
pub trait UserClient: Send + Sync {
    /// Login by phone: asks Telegram to send a code.
    async fn request_code(&self, phone: &str) -> Result<LoginStep, MtError>;
    async fn sign_in(&self, code: &str) -> Result<LoginStep, MtError>;
    async fn check_password(&self, password: &str) -> Result<LoginStep, MtError>;
    /// Login by QR code: a new token (call again before it expires), or the outcome once the
    /// code was scanned.
    async fn qr_login(&self) -> Result<LoginStep, MtError>;

    async fn me(&self) -> Result<Me, MtError>;
    async fn chats(&self) -> Result<Vec<RemoteChat>, MtError>;
    async fn folders(&self) -> Result<Vec<RemoteFolder>, MtError>;
    /// The newest `limit` messages of a chat, newest first.
    async fn history(&self, peer_id: i64, limit: usize) -> Result<Vec<RemoteMessage>, MtError>;
    /// The next update; waits until there is one. Cancel-safe.
    async fn next_update(&self) -> Result<RemoteUpdate, MtError>;
    /// Sends text (or a file with the text as caption); answers Telegram's message id.
    async fn send(
        &self,
        peer_id: i64,
        text: &str,
        reply_to: Option<i64>,
        file: Option<RemoteFile>,
    ) -> Result<i64, MtError>;
    async fn mark_read(&self, peer_id: i64, max_id: i64) -> Result<(), MtError>;
    /// Finds a person or public chat by username (without the `@`); `None` when nobody has it.
    /// Telegram rations these lookups per account (a flood wait answers too many).
    async fn resolve_username(&self, username: &str) -> Result<Option<RemotePeer>, MtError>;
    /// Finds a person by phone number (`+` and digits); `None` when the number has no account
    /// or its owner hides it from strangers.
    async fn resolve_phone(&self, phone: &str) -> Result<Option<RemotePeer>, MtError>;
    /// Shows "typing…" in the chat for a few seconds.
    async fn typing(&self, peer_id: i64) -> Result<(), MtError>;
    /// The session as it now is, to be sealed and stored.
    fn session(&self) -> Vec<u8>;
}
