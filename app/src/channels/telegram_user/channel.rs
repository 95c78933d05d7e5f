//! A rep's own Telegram account as an inbox channel: sending and marking read through the
//! account's live connection, which only the instance holding its lease has.

use super::boundary::{MtError, RemoteFile};
use crate::messaging::server::channel::{Capabilities, Channel, Outgoing, Recipient, SendError};
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
        let client = state
            .telegram()
            .client(to.account_id)
            .ok_or_else(|| SendError::NotHere("Waiting for the account's connection".into()))?;
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
        let client = state
            .telegram()
            .client(to.account_id)
            .ok_or_else(|| SendError::NotHere("Waiting for the account's connection".into()))?;
        client.mark_read(peer, max_id).await.map_err(|e| match e {
            // Marking read again is harmless: a lost connection is worth another try.
            MtError::Network(why) => SendError::Unreachable(why),
            other => mt_error(other),
        })
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
