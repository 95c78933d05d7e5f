//! The durable jobs of user accounts. Sending shares the messaging send job (`deliver.rs`
//! calls [`send`] with the account's live client); marking a chat read in Telegram when a rep
//! reads it here is its own job, queued in the transaction that marks it read.

use super::boundary::{MtError, RemoteFile, UserClient};
use crate::error::AppError;
use crate::messaging::server::deliver::{OutgoingFile, SendError};
use crate::server::db::Tx;
use crate::server::jobs::{self, Job, Outcome};
use crate::server::{now_ms, AppState};

pub const READ_JOB_KIND: &str = "telegram.read";

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
    jobs::enqueue(
        tx,
        Some(workspace_id),
        READ_JOB_KIND,
        serde_json::json!({ "accountId": account_id, "peerId": peer_id, "maxId": max_id }),
        now_ms(),
    )
    .await?;
    Ok(())
}

/// Runs a read job on the instance holding the account; others put it back for a moment.
pub async fn read(state: &AppState, job: &Job) -> Result<(), AppError> {
    let account_id = job.payload["accountId"].as_i64().unwrap_or(0);
    let peer: i64 = job.payload["peerId"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let max_id = job.payload["maxId"].as_i64().unwrap_or(0);
    let outcome = match state.telegram.client(account_id) {
        None if job.attempts >= 60 => Outcome::Failed("The account was not connected".into()),
        None => Outcome::Later(
            now_ms() + 2000,
            "Waiting for the account's connection".into(),
        ),
        Some(client) => match client.mark_read(peer, max_id).await {
            Ok(()) => Outcome::Done,
            Err(MtError::FloodWait(secs)) => {
                let until = now_ms() + secs as i64 * 1000;
                super::health::flood_wait(state, account_id, until).await?;
                Outcome::Later(until, format!("Telegram asked to wait {secs} s"))
            }
            Err(e @ MtError::Network(_)) if job.attempts < job.max_attempts => {
                Outcome::Later(now_ms() + jobs::backoff_ms(job.attempts), e.to_string())
            }
            Err(e) => Outcome::Failed(e.to_string()),
        },
    };
    let mut tx = state.db.begin().await?;
    jobs::finish(&mut tx, job.id, &outcome).await?;
    tx.commit().await?;
    Ok(())
}
