//! The inbox's port to the networks. A channel (a folder under `channels/`) implements
//! [`Channel`] and is registered at start-up (`app::platform`); the inbox sends, marks read,
//! shows typing, finds people to write to first, checks an account when a member asks and
//! asks about capabilities through the registry, and never names a network. A channel reports its accounts' health through the one
//! health writer (`health::set`), and stores what it hears through `ingest`.

use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::server::AppState;
use std::collections::HashMap;
use std::sync::Arc;

/// What a channel can do, so the inbox and the job worker can decide without naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Photos and documents can be sent.
    pub media: bool,
    /// Reading a chat here can mark it read on the network.
    pub read_receipts: bool,
    /// The person on the other side can be shown "typing…" while a member writes.
    pub typing: bool,
    /// Whether (and how much) an account may write to someone who has not written first.
    pub reach: Reach,
    /// An account's connection lives on one instance (the lease holder): its sends and reads
    /// run there (the job's affinity).
    pub connection_on_one_instance: bool,
}

/// Writing first: how a person is found, and how many new people an account may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub by_username: bool,
    pub by_phone: bool,
    /// New people one account may look up in 24 hours. Parley's own cap, kept under what the
    /// network tolerates, so that an account is not restricted as a spammer.
    pub per_day: u32,
}

impl Reach {
    /// The channel cannot write first (a bot, say: people must start it).
    pub const NONE: Reach = Reach {
        by_username: false,
        by_phone: false,
        per_day: 0,
    };

    /// Whether a person can be looked up this way.
    pub fn allows(&self, query: &PeerQuery) -> bool {
        self.per_day > 0
            && match query {
                PeerQuery::Username(_) => self.by_username,
                PeerQuery::Phone(_) => self.by_phone,
            }
    }
}

/// How to find someone to write to first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PeerQuery {
    /// Without the `@`.
    Username(String),
    /// `+` and digits.
    Phone(String),
}

/// A chat found on the network, to open a conversation with (see `ingest::open_conversation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPeer {
    pub peer_id: String,
    /// `private`, `group` or `channel`.
    pub kind: String,
    pub title: String,
    pub username: String,
}

impl FoundPeer {
    pub fn as_peer(&self) -> super::ingest::Peer<'_> {
        super::ingest::Peer {
            peer_id: &self.peer_id,
            kind: &self.kind,
            title: &self.title,
            username: &self.username,
        }
    }
}

/// An account, with its sealed credentials.
pub struct AccountRef<'a> {
    pub account_id: i64,
    pub secret: &'a str,
}

/// Where a message goes: the account (with its sealed credentials) and the chat.
pub struct Recipient<'a> {
    pub account_id: i64,
    pub secret: &'a str,
    pub peer_id: &'a str,
}

/// A message to send.
pub struct Outgoing {
    pub text: String,
    /// The network's id of the message this one answers.
    pub reply_to: Option<String>,
    pub file: Option<OutgoingFile>,
}

/// A file to send with a message.
pub struct OutgoingFile {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub mime_type: String,
    /// `photo` or `document`.
    pub kind: String,
}

/// Why a send (or a read) did not go through, whatever the channel.
#[derive(Debug)]
pub enum SendError {
    /// This instance cannot reach the account now (its connection is elsewhere or not up
    /// yet): nothing was sent, try again shortly.
    NotHere(String),
    /// The network asks to wait this many seconds.
    FloodWait(u64),
    /// Not reached: worth trying again.
    Unreachable(String),
    /// Sent but not answered: it may have been delivered.
    Unanswered(String),
    /// The token or session is no longer valid.
    Unauthorized(String),
    Refused(String),
}

/// One network, as the inbox sees it.
#[async_trait::async_trait]
pub trait Channel: Send + Sync + 'static {
    /// The account kind this channel serves (`channel_accounts.kind`).
    fn kind(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;
    /// Sends one message; answers the network's id of it. The inbox records that the
    /// irreversible step began before calling, so an interrupted send is never repeated.
    async fn send(
        &self,
        state: &AppState,
        to: &Recipient<'_>,
        message: Outgoing,
    ) -> Result<String, SendError>;
    /// Marks the chat read up to the network's message `max_id` (only called when
    /// [`Capabilities::read_receipts`]).
    async fn mark_read(
        &self,
        state: &AppState,
        to: &Recipient<'_>,
        max_id: i64,
    ) -> Result<(), SendError>;

    /// Finds someone to write to first (only called when [`Capabilities::reach`] allows the
    /// query); `None` when nobody on the network matches. Runs on the account's instance.
    async fn resolve(
        &self,
        _state: &AppState,
        _account: &AccountRef<'_>,
        _query: &PeerQuery,
    ) -> Result<Option<FoundPeer>, SendError> {
        Err(SendError::Refused(
            "This network cannot write to people first".into(),
        ))
    }

    /// Shows "typing…" in the chat for a few seconds (only called when
    /// [`Capabilities::typing`]). Runs on the account's instance.
    async fn typing(&self, _state: &AppState, _to: &Recipient<'_>) -> Result<(), SendError> {
        Ok(())
    }

    /// Asks the network whether the account works now (a bot's `getMe`, a user account's own
    /// profile through its live connection). Runs on the account's instance when its connection
    /// lives on one; what is certain in the answer becomes the account's health (`check.rs`).
    async fn check(&self, state: &AppState, account: &AccountRef<'_>) -> Result<(), SendError>;

    /// Connects an account by token (checked with the network, stored through
    /// `accounts::upsert`); answers its id. Channels whose accounts log in another way refuse.
    async fn connect_by_token(
        &self,
        _state: &AppState,
        _auth: &AuthContext,
        _token: &str,
    ) -> Result<i64, AppError> {
        Err(AppError::field(
            "type",
            "invalid",
            "Accounts of this type are not connected by token",
        ))
    }
}

/// The registered channels, by account kind.
#[derive(Default, Clone)]
pub struct ChannelRegistry {
    channels: HashMap<&'static str, Arc<dyn Channel>>,
}

impl ChannelRegistry {
    pub fn new() -> ChannelRegistry {
        ChannelRegistry::default()
    }

    /// Adds a channel; a kind registered twice is a programming error.
    pub fn register(&mut self, channel: impl Channel) -> &mut Self {
        let kind = channel.kind();
        let previous = self.channels.insert(kind, Arc::new(channel));
        assert!(previous.is_none(), "channel {kind} registered twice");
        self
    }

    /// The channel of an account kind (`None` for a kind no channel serves any more).
    pub fn get(&self, kind: &str) -> Option<Arc<dyn Channel>> {
        self.channels.get(kind).cloned()
    }

    /// What the channel of an account kind can do (`None`: no channel serves it).
    pub fn capabilities(&self, kind: &str) -> Option<Capabilities> {
        self.channels.get(kind).map(|c| c.capabilities())
    }

    /// The registered kinds, sorted.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.channels.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}

impl crate::server::AppState {
    /// The networks the inbox talks through.
    pub fn channels(&self) -> &ChannelRegistry {
        self.part()
    }
}
