//! Durable background jobs (the `jobs` table).
//!
//! A job is written in the same transaction as the change that needs it, so it exists exactly
//! when that change does. Each domain defines its kinds ([`JobKind`]: a name, a typed payload,
//! attempts, a time limit, and optionally the channel account whose lease-holder must run it)
//! and registers them at start-up ([`JobRegistry`]); this module names none of them.
//!
//! Workers ([`worker::work`]) claim due jobs by taking a lease (`locked_by`, `locked_until`,
//! with `FOR UPDATE SKIP LOCKED` on PostgreSQL so instances never take the same one), run them,
//! and finish them as done, due again later (with the error), or failed. A worker that dies
//! loses its lease; the next claim hands the job over, flagged as [`Job::taken_over`] so a
//! handler whose work may already have happened can tell.

mod registry;
pub mod worker;

pub use registry::{JobKind, JobRegistry};

use super::db::{Backend, Tx};
use super::{now_ms, Db};
use sqlx::Row;

/// How long a claimed job is ours before another worker may take it over. Every kind's time
/// limit is shorter ([`JobRegistry::register`] checks).
pub const LEASE_MS: i64 = 120_000;

/// A claimed job, as its handler sees it (the payload arrives typed beside it).
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// The payload as stored (JSON); the registry parses it into the kind's type.
    pub payload: String,
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

/// Queues a job of kind `K` in the caller's transaction; wake the workers after the commit
/// ([`crate::server::AppState::wake_jobs`]).
pub async fn enqueue<K: JobKind>(
    tx: &mut Tx,
    workspace_id: Option<i64>,
    payload: &K::Payload,
    run_at: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_ms();
    let json = serde_json::to_string(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query_scalar(
        "INSERT INTO jobs (workspace_id, kind, payload, state, run_at, max_attempts, affinity, created_at, updated_at) \
         VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(workspace_id)
    .bind(K::KIND)
    .bind(json)
    .bind(run_at)
    .bind(K::MAX_ATTEMPTS)
    .bind(K::affinity(payload))
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Claims up to `limit` due jobs for the instance `worker`.
///
/// A job with an affinity names a channel account: it is left alone while another instance
/// holds that account's lease (it will claim it), so no attempt is spent bouncing it. When
/// nobody holds the lease, any instance may claim it and its handler decides.
pub async fn claim(db: &Db, worker: &str, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE OF jobs SKIP LOCKED",
        Backend::Sqlite => "",
    };
    // Leases live on `channel_accounts` (see `channels::lease`); this is the one place the
    // shared infrastructure reads a domain's table, and only those two columns.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT jobs.id, jobs.kind, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.in_flight FROM jobs \
         WHERE jobs.state = 'queued' AND jobs.run_at <= $1 \
         AND (jobs.locked_until IS NULL OR jobs.locked_until < $1) \
         AND (jobs.affinity IS NULL OR NOT EXISTS (SELECT 1 FROM channel_accounts a \
              WHERE a.id = jobs.affinity AND a.lease_owner IS NOT NULL AND a.lease_owner <> $3 \
              AND a.lease_until >= $1)) \
         ORDER BY jobs.run_at, jobs.id LIMIT $2{lock}"
    )))
    .bind(now)
    .bind(limit)
    .bind(worker)
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
        let in_flight: i64 = row.try_get("in_flight")?;
        jobs.push(Job {
            id,
            kind: row.try_get("kind")?,
            payload: row.try_get("payload")?,
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

/// Finishes a job on its own (nothing else to write with the outcome).
pub async fn finish_alone(db: &Db, id: i64, outcome: &Outcome) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    finish(&mut tx, id, outcome).await?;
    tx.commit().await
}

/// A job that ran out of time: due again at `run_at` with the reason, keeping `in_flight`,
/// so a handler that had begun its irreversible step sees [`Job::taken_over`] next time.
async fn release_late(db: &Db, id: i64, run_at: i64, why: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE jobs SET run_at = $1, last_error = $2, locked_by = NULL, locked_until = NULL, \
         updated_at = $3 WHERE id = $4 AND state = 'queued'",
    )
    .bind(run_at)
    .bind(why)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
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

/// Queued jobs per kind (the queue depth the metrics report).
pub async fn depth(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, COUNT(*) FROM jobs WHERE state = 'queued' GROUP BY kind")
        .fetch_all(&db.pool)
        .await
}

/// How often a waiting request looks again.
const AWAIT_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// For a request that waits for a job to run (on whichever instance may run it): asks `look`
/// every 50 ms until it answers `Some`, or answers `None` once `wait` has passed.
pub async fn await_outcome<T, E, F, Fut>(
    wait: std::time::Duration,
    mut look: F,
) -> Result<Option<T>, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, E>>,
{
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(outcome) = look().await? {
            return Ok(Some(outcome));
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(AWAIT_POLL).await;
    }
}
