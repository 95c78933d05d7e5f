//! "Check connection": a member asks whether an account works now. A job — pinned to the
//! instance holding the account's connection when it lives on one — asks the channel
//! ([`Channel::check`]) and records what is certain through the one health writer: a flood
//! wait, credentials no longer accepted, or that a wait which has ended is over. A network that
//! did not answer changes nothing (the receivers own "reconnecting"); the member is told why.
//! The request waits a few seconds for the job.
//!
//! [`Channel::check`]: super::channel::Channel::check

use super::accounts;
use super::channel::{AccountRef, SendError};
use super::health::{self, Health};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::{AccountCheck, AccountStatus};
use crate::realtime::server::UnitOfWork;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use std::time::Duration;

/// How long the request waits for the check.
const WAIT: Duration = Duration::from_secs(15);
/// When this instance does not hold the connection yet, the check is tried again this soon.
const NOT_HERE_RETRY_MS: i64 = 1_000;

/// The job that asks the network about one account.
pub struct CheckAccount;

/// `{"accountId": …, "pinned": true}`: pinned when the account's connection lives on one
/// instance, which then runs the job.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckPayload {
    pub account_id: i64,
    #[serde(default)]
    pub pinned: bool,
}

impl JobKind for CheckAccount {
    const KIND: &'static str = "messaging.check";
    /// A member is waiting: a check that cannot reach the account's connection within about
    /// 15 s is given up (the request stops waiting at the same time).
    const MAX_ATTEMPTS: i64 = 15;
    const TIMEOUT: Duration = Duration::from_secs(30);
    type Payload = CheckPayload;

    fn affinity(payload: &CheckPayload) -> Option<i64> {
        payload.pinned.then_some(payload.account_id)
    }

    async fn run(state: &AppState, job: &Job, payload: CheckPayload) -> Result<(), AppError> {
        run_check(state, job, payload.account_id).await
    }
}

/// Checks the account (with the right to connect it: everywhere, or on one's own accounts)
/// and answers it as it then is; `checked` is false when the check had not run within
/// [`WAIT`] (the account's connection is not up anywhere).
#[tracing::instrument(skip_all, fields(account = id))]
pub async fn check(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
) -> Result<AccountCheck, AppError> {
    auth.require(Action::ConnectChannels)?;
    let account = accounts::get(state, auth, id).await?;
    auth.require_on(Action::ConnectChannels, account.owner_id)?;
    if account.status == AccountStatus::Disconnected {
        return Err(AppError::conflict(
            "This account is disconnected; connect it again to use it",
        ));
    }
    if account.status == AccountStatus::NeedsRelogin {
        // Only a new login leaves this state: asking the network again cannot change it.
        return Ok(AccountCheck {
            account,
            checked: true,
            error: String::new(),
        });
    }
    let capabilities = state
        .channels()
        .capabilities(&account.kind)
        .ok_or_else(|| AppError::conflict("This account's network is not available here"))?;
    let payload = CheckPayload {
        account_id: id,
        pinned: capabilities.connection_on_one_instance,
    };
    let mut uow = UnitOfWork::begin(state).await?;
    let job_id =
        jobs::enqueue::<CheckAccount>(&mut uow, Some(auth.workspace_id.0), &payload, now_ms())
            .await?;
    uow.wake_jobs();
    uow.commit().await?;
    let outcome = wait_for(state, job_id).await?;
    let (checked, error) = match outcome {
        Some((job_state, _)) if job_state == "done" => (true, String::new()),
        Some((_, error)) => (true, error),
        None => (false, String::new()),
    };
    Ok(AccountCheck {
        account: accounts::get(state, auth, id).await?,
        checked,
        error,
    })
}

/// The job's final state and error, or `None` while it is still queued after [`WAIT`].
async fn wait_for(state: &AppState, job_id: i64) -> Result<Option<(String, String)>, AppError> {
    jobs::await_outcome(WAIT, || async {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT state, last_error FROM jobs WHERE id = $1")
                .bind(job_id)
                .fetch_optional(&state.db.pool)
                .await?;
        match row {
            None => Err(AppError::not_found("Check")),
            Some(outcome) => Ok((outcome.0 != "queued").then_some(outcome)),
        }
    })
    .await
}

async fn run_check(state: &AppState, job: &Job, id: i64) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT kind, secret, status, flood_wait_until FROM channel_accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else {
        // The account went away: nothing to check.
        return Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Done).await?);
    };
    let kind: String = row.try_get("kind")?;
    let secret: String = row.try_get("secret")?;
    let status: AccountStatus = crate::messaging::column(&row, "status")?;
    let flood_until: Option<i64> = row.try_get("flood_wait_until")?;
    let finish = |outcome: Outcome| async move {
        jobs::finish_alone(&state.db, job.id, &outcome).await?;
        Ok::<(), AppError>(())
    };
    if matches!(
        status,
        AccountStatus::Disconnected | AccountStatus::NeedsRelogin
    ) {
        // Disconnected or logged out since the check was asked for: nothing to ask.
        return finish(Outcome::Done).await;
    }
    let Some(channel) = state.channels().get(&kind) else {
        return finish(Outcome::Failed(format!("No channel serves {kind} here"))).await;
    };
    let account = AccountRef {
        account_id: id,
        secret: &secret,
    };
    let now = now_ms();
    let heard = channel.check(state, &account).await;
    let reason;
    let health = match heard {
        // It works: the only thing that is certain is that a wait which has ended is over
        // (whether messages arrive is the receivers' to say).
        Ok(()) if status == AccountStatus::FloodWait && flood_until.is_none_or(|u| u <= now) => {
            Health::Connected
        }
        Ok(()) => return finish(Outcome::Done).await,
        Err(SendError::FloodWait(secs)) => Health::FloodWait(now + secs as i64 * 1000),
        Err(SendError::Unauthorized(why)) => {
            reason = why;
            Health::NeedsRelogin {
                reason: &reason,
                tell_owner: channel.capabilities().connection_on_one_instance,
            }
        }
        Err(SendError::NotHere(why)) if job.attempts < job.max_attempts => {
            return finish(Outcome::Later(now + NOT_HERE_RETRY_MS, why)).await;
        }
        // Not answered now: the member is told, the account's health stays the receivers'.
        Err(
            SendError::NotHere(why)
            | SendError::Unreachable(why)
            | SendError::Unanswered(why)
            | SendError::Refused(why),
        ) => return finish(Outcome::Failed(why)).await,
    };
    let mut uow = UnitOfWork::begin(state).await?;
    health::set_in(&mut uow, id, health).await?;
    jobs::finish(&mut uow, job.id, &Outcome::Done).await?;
    uow.wake_jobs();
    uow.commit().await?;
    Ok(())
}
