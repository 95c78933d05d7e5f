//! Durable background jobs (the `jobs` table).
//!
//! A job is written in the same transaction as the change that needs it, so it exists exactly
//! when that change does. Workers claim due jobs by taking a lease (`locked_by`,
//! `locked_until`, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so instances never take the
//! same one), run them, and finish them as done, due again later (with the error), or failed.
//! A worker that dies loses its lease; the next claim hands the job over, flagged as
//! [`Job::taken_over`] so a handler whose work may already have happened can tell.

use super::db::{Backend, Tx};
use super::{now_ms, AppState, Db};
use sqlx::Row;
use std::time::Duration;

/// How long a claimed job is ours before another worker may take it over.
const LEASE_MS: i64 = 120_000;
/// Jobs run at once by one instance.
const BATCH: i64 = 8;

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
    /// A previous worker began this job's irreversible step ([`mark_in_flight`]) and never
    /// finished: its effect may or may not have happened.
    pub taken_over: bool,
}

/// What a handler made of a job.
pub enum Outcome {
    Done,
    /// Run again at this time (ms), keeping the error.
    Later(i64, String),
    Failed(String),
}

/// Queues a job in the caller's transaction; wake the workers after the commit
/// ([`AppState::wake_jobs`]).
pub async fn enqueue(
    tx: &mut Tx,
    workspace_id: Option<i64>,
    kind: &str,
    payload: serde_json::Value,
    run_at: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO jobs (workspace_id, kind, payload, state, run_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'queued', $4, $5, $5) RETURNING id",
    )
    .bind(workspace_id)
    .bind(kind)
    .bind(payload.to_string())
    .bind(run_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Claims up to `limit` due jobs for `worker`.
pub async fn claim(db: &Db, worker: &str, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, kind, payload, attempts, max_attempts, in_flight FROM jobs \
         WHERE state = 'queued' AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1) \
         ORDER BY run_at, id LIMIT $2{lock}"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        sqlx::query(
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(worker)
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let payload: String = row.try_get("payload")?;
        let in_flight: i64 = row.try_get("in_flight")?;
        jobs.push(Job {
            id,
            kind: row.try_get("kind")?,
            payload: serde_json::from_str(&payload).unwrap_or_default(),
            attempts: row.try_get::<i64, _>("attempts")? + 1,
            max_attempts: row.try_get("max_attempts")?,
            taken_over: in_flight != 0,
        });
    }
    tx.commit().await?;
    Ok(jobs)
}

/// Records a handler's outcome, in the caller's transaction when the job's effect is written
/// there too (so both happen or neither).
pub async fn finish(tx: &mut Tx, id: i64, outcome: &Outcome) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let (state, run_at, error) = match outcome {
        Outcome::Done => ("done", None, ""),
        Outcome::Later(at, error) => ("queued", Some(*at), error.as_str()),
        Outcome::Failed(error) => ("failed", None, error.as_str()),
    };
    sqlx::query(
        "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3, \
         locked_by = NULL, locked_until = NULL, in_flight = 0, updated_at = $4 WHERE id = $5",
    )
    .bind(state)
    .bind(run_at)
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records, committed, that the job's irreversible step starts now.
pub async fn mark_in_flight(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE jobs SET in_flight = 1, updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Backoff before attempt `attempts + 1`: 2 s, 4 s, 8 s … capped at 10 minutes.
pub fn backoff_ms(attempts: i64) -> i64 {
    (1000_i64 << attempts.clamp(1, 20)).min(600_000)
}

/// Runs due jobs until shutdown: woken when a job is queued here, and every second for
/// jobs queued by other instances or due again.
pub async fn work(state: AppState) {
    let worker = format!("{}-{}", std::process::id(), uuid_like());
    let mut stop = state.shutdown.subscribe();
    loop {
        match claim(&state.db, &worker, BATCH).await {
            Ok(jobs) if !jobs.is_empty() => {
                let running: Vec<_> = jobs
                    .into_iter()
                    .map(|job| tokio::spawn(run(state.clone(), job)))
                    .collect();
                for r in running {
                    let _ = r.await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim jobs"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Runs one job by its kind. A handler that fails outright leaves the job to its lease: it
/// is claimed again once the lease runs out.
async fn run(state: AppState, job: Job) {
    let result = match job.kind.as_str() {
        crate::messaging::server::send::JOB_KIND => {
            crate::messaging::server::send::deliver(&state, &job).await
        }
        crate::email::server::JOB_KIND => crate::email::server::deliver(&state, &job).await,
        crate::channels::telegram_user::jobs::READ_JOB_KIND => {
            crate::channels::telegram_user::jobs::read(&state, &job).await
        }
        other => {
            tracing::error!(kind = other, id = job.id, "a job of an unknown kind");
            fail_unknown(&state, &job).await
        }
    };
    if let Err(e) = result {
        tracing::warn!(id = job.id, kind = %job.kind, error = %e, "a job failed; it runs again after its lease");
    }
}

async fn fail_unknown(state: &AppState, job: &Job) -> Result<(), crate::error::AppError> {
    let mut tx = state.db.begin().await?;
    finish(
        &mut tx,
        job.id,
        &Outcome::Failed(format!("unknown job kind {}", job.kind)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn uuid_like() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}
