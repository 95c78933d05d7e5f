//! A rep's own Telegram account as an inbox channel: sending and marking read through the
//! account's live connection, which only the instance holding its lease has.

use super::boundary::{MtError, RemoteFile, RemotePeer};
use crate::messaging::server::channel::{
    AccountRef, Capabilities, Channel, FoundPeer, Outgoing, PeerQuery, Reach, Recipient, SendError,
};
use crate::server::AppState;

pub struct UserChannel;

pub const KIND: &str = "telegram_user";

#[async_trait::async_trait]
impl Channel for UserChannel {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            media: true,
            read_receipts: true,
            typing: true,
            // Telegram rations lookups and flags accounts that write to many strangers; 50 a
            // day stays well under both for an account of any age.
            reach: Reach {
                by_username: true,
                by_phone: true,
                per_day: 50,
            },
            connection_on_one_instance: true,
        }
    }

    async fn send(
        &self,
        state: &AppState,
        to: &Recipient<'_>,
        message: Outgoing,
    ) -> Result<String, SendError> {
        let peer = peer(to)?;
        let client = client(state, to.account_id)?;
        let reply_to = message.reply_to.as_deref().and_then(|r| r.parse().ok());
        let file = message.file.map(|f| RemoteFile {
            bytes: f.bytes,
            file_name: f.file_name,
            mime_type: f.mime_type,
            kind: f.kind,
        });
        client
            .send(peer, &message.text, reply_to, file)
            .await
            .map(|id| id.to_string())
            .map_err(|e| match e {
                // MTProto requests are not repeated on a lost connection: the message may be out.
                MtError::Network(why) => SendError::Unanswered(why),
                other => mt_error(other),
            })
    }

    async fn mark_read(
        &self,
        state: &AppState,
        to: &Recipient<'_>,
        max_id: i64,
    ) -> Result<(), SendError> {
        let peer = peer(to)?;
        let client = client(state, to.account_id)?;
        client.mark_read(peer, max_id).await.map_err(|e| match e {
            // Marking read again is harmless: a lost connection is worth another try.
            MtError::Network(why) => SendError::Unreachable(why),
            other => mt_error(other),
        })
    }

    async fn resolve(
        &self,
        state: &AppState,
        account: &AccountRef<'_>,
        query: &PeerQuery,
    ) -> Result<Option<FoundPeer>, SendError> {
        let client = client(state, account.account_id)?;
        let found = match query {
            PeerQuery::Username(name) => client.resolve_username(name).await,
            PeerQuery::Phone(phone) => client.resolve_phone(phone).await,
        };
        match found {
            Ok(peer) => Ok(peer.map(found_peer)),
            Err(MtError::PhoneInvalid) => Ok(None),
            Err(e) => Err(mt_error(e)),
        }
    }

    async fn check(&self, state: &AppState, account: &AccountRef<'_>) -> Result<(), SendError> {
        client(state, account.account_id)?
            .me()
            .await
            .map(|_| ())
            .map_err(mt_error)
    }

    async fn typing(&self, state: &AppState, to: &Recipient<'_>) -> Result<(), SendError> {
        let peer = peer(to)?;
        client(state, to.account_id)?
            .typing(peer)
            .await
            .map_err(mt_error)
    }
}

fn client(
    state: &AppState,
    account_id: i64,
) -> Result<std::sync::Arc<dyn super::boundary::UserClient>, SendError> {
    state
        .telegram()
        .client(account_id)
        .ok_or_else(|| SendError::NotHere("Waiting for the account's connection".into()))
}

fn found_peer(peer: RemotePeer) -> FoundPeer {
    FoundPeer {
        peer_id: peer.peer_id.to_string(),
        kind: peer.kind,
        title: peer.title,
        username: peer.username,
    }
}

fn peer(to: &Recipient<'_>) -> Result<i64, SendError> {
    to.peer_id
        .parse()
        .map_err(|_| SendError::Refused(format!("Not a Telegram chat: {}", to.peer_id)))
}

fn mt_error(e: MtError) -> SendError {
    match e {
        MtError::FloodWait(secs) => SendError::FloodWait(secs),
        MtError::SessionRevoked => SendError::Unauthorized(e.to_string()),
        MtError::Network(why) => SendError::Unreachable(why),
        other => SendError::Refused(other.to_string()),
    }
}
