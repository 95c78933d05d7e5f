//! The lookup job of writing first (see `reach.rs`): it runs on the instance holding the
//! account's connection, asks the channel to find the person, and records the outcome in the
//! lookup's `reaches` row — opening the conversation through the ingest path when someone is
//! found — in the transaction that finishes the job.

use super::channel::{AccountRef, FoundPeer, PeerQuery, SendError};
use super::conversation_in;
use super::ingest::{self, Account};
use crate::error::AppError;
use crate::ids::{UserId, WorkspaceId};
use crate::messaging::MessagingEvent;
use crate::realtime::server::UnitOfWork;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use std::time::Duration;

/// The job that looks someone up on the account's connection and opens the conversation.
pub struct ReachPeer;

/// `{"reachId": …, "accountId": …}`: the account only when its connection lives on one
/// instance, which then runs the job.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachPayload {
    pub reach_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
}

impl JobKind for ReachPeer {
    const KIND: &'static str = "messaging.reach";
    /// The member waits for the answer: a lookup that cannot run soon is given up.
    const MAX_ATTEMPTS: i64 = 4;
    const TIMEOUT: Duration = Duration::from_secs(30);
    type Payload = ReachPayload;

    fn affinity(payload: &ReachPayload) -> Option<i64> {
        payload.account_id
    }

    async fn run(state: &AppState, job: &Job, payload: ReachPayload) -> Result<(), AppError> {
        look_up(state, job, payload.reach_id).await
    }
}

/// A lookup to run, as stored.
struct Lookup {
    workspace_id: i64,
    account_id: i64,
    user_id: Option<i64>,
    kind: String,
    secret: String,
    query: String,
    state: String,
}

async fn look_up(state: &AppState, job: &Job, reach_id: i64) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT r.workspace_id, r.account_id, r.user_id, r.query, r.state, a.kind, a.secret \
         FROM reaches r JOIN channel_accounts a ON a.id = r.account_id WHERE r.id = $1",
    )
    .bind(reach_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else {
        // The account (and its lookups) went away.
        return Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Done).await?);
    };
    let lookup = Lookup {
        workspace_id: row.try_get("workspace_id")?,
        account_id: row.try_get("account_id")?,
        user_id: row.try_get("user_id")?,
        kind: row.try_get("kind")?,
        secret: row.try_get("secret")?,
        query: row.try_get("query")?,
        state: row.try_get("state")?,
    };
    if lookup.state != "pending" {
        return Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Done).await?);
    }
    let query: PeerQuery = match serde_json::from_str(&lookup.query) {
        Ok(query) => query,
        Err(e) => {
            let why = format!("The lookup does not parse: {e}");
            return failed(state, job.id, reach_id, why).await;
        }
    };
    let Some(channel) = state.channels().get(&lookup.kind) else {
        let why = "No channel serves this account any more".to_string();
        return failed(state, job.id, reach_id, why).await;
    };
    let account = AccountRef {
        account_id: lookup.account_id,
        secret: &lookup.secret,
    };
    match channel.resolve(state, &account, &query).await {
        Ok(Some(peer)) => opened(state, job, reach_id, &lookup, channel.kind(), &peer).await,
        Ok(None) => end(state, job.id, reach_id, "not_found", "", Outcome::Done).await,
        Err(SendError::NotHere(why) | SendError::Unreachable(why))
            if job.attempts < job.max_attempts =>
        {
            // The connection is coming up (or moving here): soon, not after a long backoff.
            let at = now_ms() + 2_000;
            Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Later(at, why)).await?)
        }
        Err(e) => {
            let why = match e {
                SendError::FloodWait(secs) => {
                    format!("The network asks this account to wait {secs} s before the next lookup")
                }
                SendError::NotHere(why)
                | SendError::Unreachable(why)
                | SendError::Unanswered(why)
                | SendError::Unauthorized(why)
                | SendError::Refused(why) => why,
            };
            failed(state, job.id, reach_id, why).await
        }
    }
}

/// Ends a lookup that could not run, failing its job with the same reason.
async fn failed(state: &AppState, job_id: i64, reach_id: i64, why: String) -> Result<(), AppError> {
    end(
        state,
        job_id,
        reach_id,
        "failed",
        &why,
        Outcome::Failed(why.clone()),
    )
    .await
}

/// Records a lookup's end (and the job's) when no conversation was opened.
async fn end(
    state: &AppState,
    job_id: i64,
    reach_id: i64,
    outcome: &str,
    error: &str,
    job_outcome: Outcome,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE reaches SET state = $1, error = $2, updated_at = $3 WHERE id = $4")
        .bind(outcome)
        .bind(error)
        .bind(now_ms())
        .bind(reach_id)
        .execute(&mut *tx)
        .await?;
    jobs::finish(&mut tx, job_id, &job_outcome).await?;
    tx.commit().await?;
    Ok(())
}

/// Opens the conversation with the person found (through the ingest path, so it is matched to
/// a contact like any other) and assigns it to the member who asked when nobody has it.
async fn opened(
    state: &AppState,
    job: &Job,
    reach_id: i64,
    lookup: &Lookup,
    kind: &'static str,
    peer: &FoundPeer,
) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    let account = Account {
        id: lookup.account_id,
        workspace_id: lookup.workspace_id,
        kind,
    };
    let id = ingest::open_conversation(&mut uow, account, &peer.as_peer()).await?;
    if let Some(user) = lookup.user_id {
        sqlx::query(
            "UPDATE conversations SET assignee_id = $1 WHERE id = $2 AND assignee_id IS NULL",
        )
        .bind(user)
        .bind(id)
        .execute(uow.conn())
        .await?;
    }
    sqlx::query(
        "UPDATE reaches SET state = 'found', conversation_id = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(id)
    .bind(now_ms())
    .bind(reach_id)
    .execute(uow.conn())
    .await?;
    let view = conversation_in(&mut uow, lookup.workspace_id, id).await?;
    uow.record(
        WorkspaceId(lookup.workspace_id),
        lookup.user_id.map(UserId),
        &MessagingEvent::ConversationUpdated(view),
    )
    .await?;
    jobs::finish(&mut uow, job.id, &Outcome::Done).await?;
    uow.commit().await
}
