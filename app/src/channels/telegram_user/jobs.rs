//! The durable jobs of user accounts. Sending shares the messaging send job (`deliver.rs`
//! calls [`send`] with the account's live client); marking a chat read in Telegram when a rep
//! reads it here is its own job, queued in the transaction that marks it read.

use super::boundary::{MtError, RemoteFile, UserClient};
use crate::error::AppError;
use crate::messaging::server::deliver::{OutgoingFile, SendError};
use crate::server::db::Tx;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};

/// The job that marks a chat read in Telegram, run by the instance holding the account.
pub struct MarkRead;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadPayload {
    pub account_id: i64,
    pub peer_id: String,
    pub max_id: i64,
}

impl JobKind for MarkRead {
    const KIND: &'static str = "telegram.read";
    const MAX_ATTEMPTS: i64 = 60;
    type Payload = ReadPayload;

    fn affinity(payload: &ReadPayload) -> Option<i64> {
        Some(payload.account_id)
    }

    async fn run(state: &AppState, job: &Job, payload: ReadPayload) -> Result<(), AppError> {
        read(state, job, payload).await
    }
}

/// Sends through the account's connection; answers Telegram's message id.
pub async fn send(
    client: &dyn UserClient,
    peer_id: &str,
    text: &str,
    reply_to: Option<i64>,
    file: Option<OutgoingFile>,
) -> Result<String, SendError> {
    let peer: i64 = peer_id
        .parse()
        .map_err(|_| SendError::Refused(format!("Not a Telegram chat: {peer_id}")))?;
    let file = file.map(|f| RemoteFile {
        bytes: f.bytes,
        file_name: f.file_name,
        mime_type: f.mime_type,
        kind: f.kind,
    });
    client
        .send(peer, text, reply_to, file)
        .await
        .map(|id| id.to_string())
        .map_err(|e| match e {
            MtError::FloodWait(secs) => SendError::FloodWait(secs),
            MtError::SessionRevoked => SendError::Unauthorized(e.to_string()),
            // MTProto requests are not repeated on a lost connection: the message may be out.
            MtError::Network(why) => SendError::Unanswered(why),
            other => SendError::Refused(other.to_string()),
        })
}

/// Queues "mark read up to `max_id`" for a chat of a user account.
pub async fn queue_read(
    tx: &mut Tx,
    workspace_id: i64,
    account_id: i64,
    peer_id: &str,
    max_id: i64,
) -> Result<(), sqlx::Error> {
    let payload = ReadPayload {
        account_id,
        peer_id: peer_id.to_string(),
        max_id,
    };
    jobs::enqueue::<MarkRead>(tx, Some(workspace_id), &payload, now_ms()).await?;
    Ok(())
}

/// Runs a read job. It is claimed by the instance holding the account's lease; when nobody
/// holds it, whoever claimed it waits a moment for a connection.
async fn read(state: &AppState, job: &Job, payload: ReadPayload) -> Result<(), AppError> {
    let ReadPayload {
        account_id,
        peer_id,
        max_id,
    } = payload;
    let Ok(peer) = peer_id.parse::<i64>() else {
        let why = format!("Not a Telegram chat: {peer_id}");
        return Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Failed(why)).await?);
    };
    let outcome = match state.telegram.client(account_id) {
        None if job.attempts >= job.max_attempts => {
            Outcome::Failed("The account was not connected".into())
        }
        None => Outcome::Later(
            now_ms() + 2000,
            "Waiting for the account's connection".into(),
        ),
        Some(client) => match client.mark_read(peer, max_id).await {
            Ok(()) => Outcome::Done,
            Err(MtError::FloodWait(secs)) => {
                let until = now_ms() + secs as i64 * 1000;
                let wait = crate::messaging::server::health::Health::FloodWait(until);
                crate::messaging::server::health::set(state, account_id, wait).await?;
                Outcome::Later(until, format!("Telegram asked to wait {secs} s"))
            }
            Err(e @ MtError::Network(_)) if job.attempts < job.max_attempts => {
                Outcome::Later(now_ms() + jobs::backoff_ms(job.attempts), e.to_string())
            }
            Err(e) => Outcome::Failed(e.to_string()),
        },
    };
    jobs::finish_alone(&state.db, job.id, &outcome).await?;
    Ok(())
}
