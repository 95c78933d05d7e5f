//! Marking a chat read on the network when a rep reads it here, for channels that can: a job
//! queued in the transaction that marks it read here, run where the account's connection is.

use super::channel::{Recipient, SendError};
use super::health::{self, Health};
use crate::error::AppError;
use crate::server::db::Tx;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};

pub struct MarkRead;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadPayload {
    pub account_id: i64,
    pub peer_id: String,
    /// The network's id of the newest message read.
    pub max_id: i64,
    /// The account's connection lives on one instance, which runs the job.
    #[serde(default)]
    pub on_one_instance: bool,
}

impl JobKind for MarkRead {
    const KIND: &'static str = "conversation.read";
    const MAX_ATTEMPTS: i64 = 60;
    type Payload = ReadPayload;

    fn affinity(payload: &ReadPayload) -> Option<i64> {
        payload.on_one_instance.then_some(payload.account_id)
    }

    async fn run(state: &AppState, job: &Job, payload: ReadPayload) -> Result<(), AppError> {
        read(state, job, payload).await
    }
}

/// Queues "mark read up to `max_id`" when the channel of the account (of `kind`) has read
/// receipts.
pub async fn queue(
    state: &AppState,
    tx: &mut Tx,
    workspace_id: i64,
    (account_id, kind): (i64, &str),
    peer_id: &str,
    max_id: i64,
) -> Result<(), AppError> {
    let Some(caps) = state.channels().capabilities(kind) else {
        return Ok(());
    };
    if !caps.read_receipts {
        return Ok(());
    }
    let payload = ReadPayload {
        account_id,
        peer_id: peer_id.to_string(),
        max_id,
        on_one_instance: caps.connection_on_one_instance,
    };
    jobs::enqueue::<MarkRead>(tx, Some(workspace_id), &payload, now_ms()).await?;
    Ok(())
}

async fn read(state: &AppState, job: &Job, payload: ReadPayload) -> Result<(), AppError> {
    let account: Option<(String, String)> =
        sqlx::query_as("SELECT kind, secret FROM channel_accounts WHERE id = $1")
            .bind(payload.account_id)
            .fetch_optional(&state.db.pool)
            .await?;
    let channel = account
        .as_ref()
        .and_then(|(kind, _)| state.channels().get(kind));
    let (Some((_, secret)), Some(channel)) = (&account, channel) else {
        let why = "The account is gone".to_string();
        return Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Failed(why)).await?);
    };
    let to = Recipient {
        account_id: payload.account_id,
        secret,
        peer_id: &payload.peer_id,
    };
    let retry = job.attempts < job.max_attempts;
    let outcome = match channel.mark_read(state, &to, payload.max_id).await {
        Ok(()) => Outcome::Done,
        Err(SendError::NotHere(why)) if retry => Outcome::Later(now_ms() + 2000, why),
        Err(SendError::NotHere(_)) => Outcome::Failed("The account was not connected".into()),
        Err(SendError::FloodWait(secs)) => {
            let until = now_ms() + secs as i64 * 1000;
            health::set(state, payload.account_id, Health::FloodWait(until)).await?;
            Outcome::Later(until, format!("The network asked to wait {secs} s"))
        }
        Err(SendError::Unreachable(why)) if retry => {
            Outcome::Later(now_ms() + jobs::backoff_ms(job.attempts), why)
        }
        Err(
            SendError::Unreachable(why)
            | SendError::Unanswered(why)
            | SendError::Unauthorized(why)
            | SendError::Refused(why),
        ) => Outcome::Failed(why),
    };
    jobs::finish_alone(&state.db, job.id, &outcome).await?;
    Ok(())
}
