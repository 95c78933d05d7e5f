//! The one writer of a channel account's health, for every channel: `connected`,
//! `reconnecting` (with the error), `flood_wait` until a time (sends wait, the account page
//! counts down), `needs_relogin` (the channel no longer accepts the credentials). Transitions
//! are guarded — nothing here overwrites `disconnected` (only connecting again does), and only
//! a new login leaves `needs_relogin`, and a flood wait Telegram set stays until it ends (only
//! a new wait or `needs_relogin` replace it: a call of another kind that went through says
//! nothing about sending) — and every change that happened is announced as an event, so open
//! inboxes see it live.

use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::MessagingEvent;
use crate::realtime::server::UnitOfWork;
use crate::server::{now_ms, AppState};

/// What happened to an account's connection.
pub enum Health<'a> {
    Connected,
    Reconnecting(&'a str),
    /// The network asks to wait until this time (ms).
    FloodWait(i64),
    /// The credentials no longer work; `tell_owner` emails the owner a link to connect again.
    NeedsRelogin {
        reason: &'a str,
        tell_owner: bool,
    },
}

impl Health<'_> {
    fn status(&self) -> &'static str {
        match self {
            Health::Connected => "connected",
            Health::Reconnecting(_) => "reconnecting",
            Health::FloodWait(_) => "flood_wait",
            Health::NeedsRelogin { .. } => "needs_relogin",
        }
    }
}

/// Records `health` on the account when the transition is allowed and changes something;
/// answers whether it did.
#[tracing::instrument(skip_all, fields(id))]
pub async fn set(state: &AppState, id: i64, health: Health<'_>) -> Result<bool, AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    if !set_in(&mut uow, id, health).await? {
        return Ok(false);
    }
    uow.wake_jobs();
    uow.commit().await?;
    Ok(true)
}

/// [`set`] in the caller's unit of work (with the change that observed the health); answers
/// whether it changed anything. Wake the job worker when the account may send again.
pub async fn set_in(
    uow: &mut UnitOfWork<'_>,
    id: i64,
    health: Health<'_>,
) -> Result<bool, AppError> {
    let status = health.status();
    let (error, until) = match &health {
        Health::Connected => ("", None),
        Health::Reconnecting(why) => (*why, None),
        Health::FloodWait(until) => ("", Some(*until)),
        Health::NeedsRelogin { reason, .. } => (*reason, None),
    };
    // Leaving needs_relogin takes a new login (the account upsert), never this writer.
    let from = match health {
        Health::NeedsRelogin { .. } => "('disconnected')",
        _ => "('disconnected', 'needs_relogin')",
    };
    // A wait in force is not lifted by news that the connection works or is being retried.
    let wait = match health {
        Health::Connected | Health::Reconnecting(_) => {
            " AND NOT (status = 'flood_wait' AND COALESCE(flood_wait_until, 0) > $4)"
        }
        _ => "",
    };
    let lease = match health {
        // Nobody can drive the account until it is connected again: hand the lease back.
        Health::NeedsRelogin { .. } => ", lease_owner = NULL, lease_until = NULL",
        _ => "",
    };
    let changed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE channel_accounts SET status = $1, last_error = $2, flood_wait_until = $3, updated_at = $4{lease} \
         WHERE id = $5 AND status NOT IN {from}{wait} \
         AND NOT (status = $1 AND last_error = $2 AND COALESCE(flood_wait_until, -1) = COALESCE($3, -1))"
    )))
    .bind(status)
    .bind(error)
    .bind(until)
    .bind(now_ms())
    .bind(id)
    .execute(uow.conn())
    .await?
    .rows_affected()
        == 1;
    if !changed {
        return Ok(false);
    }
    let (workspace_id, owner_id, kind): (i64, Option<i64>, String) =
        sqlx::query_as("SELECT workspace_id, owner_id, kind FROM channel_accounts WHERE id = $1")
            .bind(id)
            .fetch_one(uow.conn())
            .await?;
    if let Health::FloodWait(_) = health {
        metrics::counter!("parley_flood_waits_total", "channel" => kind).increment(1);
    }
    let event = match health {
        // The owner's email is the `relogin_email` consumer's work (see `relogin.rs`).
        Health::NeedsRelogin { tell_owner, .. } => MessagingEvent::AccountNeedsRelogin {
            id,
            owner_id,
            tell_owner,
        },
        _ => MessagingEvent::AccountUpdated { id, chats: None },
    };
    uow.record(WorkspaceId(workspace_id), None, &event).await?;
    Ok(true)
}

/// Announces the account as it now is (its name or chats changed, not its health).
pub async fn announce(state: &AppState, id: i64) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    let workspace_id: i64 =
        sqlx::query_scalar("SELECT workspace_id FROM channel_accounts WHERE id = $1")
            .bind(id)
            .fetch_one(uow.conn())
            .await?;
    let event = MessagingEvent::AccountUpdated { id, chats: None };
    uow.record(WorkspaceId(workspace_id), None, &event).await?;
    uow.commit().await
}
