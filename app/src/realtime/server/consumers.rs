//! Durable consumers of the event log. A consumer has a name and, per workspace, a cursor (the
//! last sequence number it handled) in `event_consumers`. The runner hands it the events after
//! its cursor, in order, inside a transaction that also moves the cursor: what the consumer
//! writes in that transaction happens exactly once per event, across crashes, restarts and
//! instances (on PostgreSQL the cursor row is locked, on SQLite there is one writer). Effects
//! outside the database (an HTTP call) happen at least once: make them idempotent by
//! `(consumer, workspace, seq)`.
//!
//! Sequence numbers become visible in order (SQLite numbers in its one writer's transactions,
//! PostgreSQL's sequencer in one batch at a time, see `sequencer.rs`), so a number read later
//! is never smaller than one already read.

use super::events::to_event;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::realtime::RealtimeEvent;
use crate::server::db::{Backend, Tx};
use crate::server::{now_ms, AppState};
use sqlx::Row as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Events handed to a consumer per transaction.
const BATCH: i64 = 100;
/// Events looked through per round for one the consumer wants.
const SCAN: i64 = 2000;
/// How often a cursor that only skipped unwanted events is written (writing it after every
/// batch would take SQLite's one writer dozens of times a second under heavy board use).
const SKIP_PERSIST: Duration = Duration::from_secs(5);

/// A consumer of the event log.
pub trait Consumer: Send + Sync + 'static {
    /// Its name in `event_consumers` (never rename one: it would start over).
    const NAME: &'static str;

    /// Whether it cares about events of this type (the others only move its cursor).
    fn wants(kind: &str) -> bool;

    /// Handles one event inside the transaction that moves the cursor past it.
    fn handle(
        state: &AppState,
        tx: &mut Tx,
        workspace_id: WorkspaceId,
        event: &RealtimeEvent,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

type Handle = Box<
    dyn for<'a> Fn(
            &'a AppState,
            &'a mut Tx,
            WorkspaceId,
            &'a RealtimeEvent,
        ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>
        + Send
        + Sync,
>;

struct Registered {
    name: &'static str,
    wants: fn(&str) -> bool,
    handle: Handle,
}

/// The consumers the domains registered at start-up.
#[derive(Default, Clone)]
pub struct ConsumerRegistry {
    consumers: Vec<Arc<Registered>>,
}

impl ConsumerRegistry {
    pub fn new() -> ConsumerRegistry {
        ConsumerRegistry::default()
    }

    pub fn register<C: Consumer>(&mut self) -> &mut Self {
        assert!(
            self.consumers.iter().all(|c| c.name != C::NAME),
            "consumer {} registered twice",
            C::NAME
        );
        self.consumers.push(Arc::new(Registered {
            name: C::NAME,
            wants: C::wants,
            handle: Box::new(|state, tx, ws, event| Box::pin(C::handle(state, tx, ws, event))),
        }));
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.consumers.iter().map(|c| c.name).collect()
    }
}

/// Runs every consumer until shutdown: woken by events published here (at most every
/// 200 ms) and every second for events written by other instances.
pub async fn run(state: AppState) {
    let mut stop = state.shutdown.subscribe();
    let mut events = state.hub().subscribe();
    loop {
        for consumer in state.consumers().consumers.clone() {
            if let Err(e) = catch_up(&state, &consumer).await {
                tracing::warn!(consumer = consumer.name, error = %e, "an event consumer failed; it retries");
            }
        }
        tokio::select! {
            _ = events.recv() => tokio::time::sleep(Duration::from_millis(200)).await,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
        // Whatever else arrived meanwhile is covered by the next round.
        events = events.resubscribe();
    }
}

/// Brings one consumer up to date in every workspace that has events past its cursor.
async fn catch_up(state: &AppState, consumer: &Registered) -> Result<(), AppError> {
    let behind: Vec<i64> = sqlx::query_scalar(
        "SELECT w.id FROM workspaces w LEFT JOIN event_consumers c \
         ON c.workspace_id = w.id AND c.name = $1 \
         WHERE w.event_seq > COALESCE(c.last_seq, 0) ORDER BY w.id",
    )
    .bind(consumer.name)
    .fetch_all(&state.db.pool)
    .await?;
    for workspace in behind {
        let workspace = WorkspaceId(workspace);
        if !skip_unwanted(state, consumer, workspace).await? {
            while step(state, consumer, workspace).await? {}
        }
    }
    Ok(())
}

/// When none of the next events is one the consumer wants, moves its cursor past them without
/// handing it anything — at most every few seconds per workspace, since nothing depends on it
/// (after a crash the same unwanted events are skipped again). Answers whether it skipped.
async fn skip_unwanted(
    state: &AppState,
    consumer: &Registered,
    workspace: WorkspaceId,
) -> Result<bool, AppError> {
    static LAST_WRITTEN: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashMap<(&'static str, i64), std::time::Instant>>,
    > = std::sync::LazyLock::new(Default::default);
    let cursor: Option<i64> = sqlx::query_scalar(
        "SELECT last_seq FROM event_consumers WHERE name = $1 AND workspace_id = $2",
    )
    .bind(consumer.name)
    .bind(workspace.0)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(cursor) = cursor else {
        return Ok(false);
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT seq, type FROM events WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(workspace.0)
    .bind(cursor)
    .bind(SCAN)
    .fetch_all(&state.db.pool)
    .await?;
    if rows.iter().any(|(_, kind)| (consumer.wants)(kind)) {
        return Ok(false);
    }
    let Some((last, _)) = rows.last() else {
        return Ok(true);
    };
    let key = (consumer.name, workspace.0);
    let due = LAST_WRITTEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
        .is_none_or(|at| at.elapsed() >= SKIP_PERSIST);
    if due {
        let mut tx = state.db.begin().await?;
        move_cursor(&mut tx, consumer.name, workspace, *last).await?;
        tx.commit().await?;
        LAST_WRITTEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, std::time::Instant::now());
    }
    Ok(true)
}

/// Handles the next batch of one workspace's events; answers whether there may be more.
async fn step(
    state: &AppState,
    consumer: &Registered,
    workspace: WorkspaceId,
) -> Result<bool, AppError> {
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO event_consumers (name, workspace_id, last_seq, updated_at) VALUES ($1, $2, 0, $3) \
         ON CONFLICT (name, workspace_id) DO NOTHING",
    )
    .bind(consumer.name)
    .bind(workspace.0)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let lock = match state.db.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let cursor: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT last_seq FROM event_consumers WHERE name = $1 AND workspace_id = $2{lock}"
    )))
    .bind(consumer.name)
    .bind(workspace.0)
    .fetch_one(&mut *tx)
    .await?;
    let rows = sqlx::query(
        "SELECT seq, type, data, created_at FROM events WHERE workspace_id = $1 AND seq > $2 \
         ORDER BY seq LIMIT $3",
    )
    .bind(workspace.0)
    .bind(cursor)
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let Some(last) = rows.last() else {
        tx.rollback().await?;
        return Ok(false);
    };
    let last: i64 = last.try_get("seq")?;
    for row in &rows {
        let kind: String = row.try_get("type")?;
        if !(consumer.wants)(&kind) {
            continue;
        }
        let event = to_event(row)?;
        (consumer.handle)(state, &mut tx, workspace, &event).await?;
        metrics::counter!("parley_events_consumed_total", "consumer" => consumer.name).increment(1);
    }
    move_cursor(&mut tx, consumer.name, workspace, last).await?;
    tx.commit().await?;
    Ok(rows.len() as i64 == BATCH)
}

/// Moves a consumer's cursor to `last`, only forward: a runner elsewhere may have handled
/// further meanwhile.
async fn move_cursor(
    tx: &mut Tx,
    name: &str,
    workspace: WorkspaceId,
    last: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE event_consumers SET last_seq = $1, updated_at = $2 \
         WHERE name = $3 AND workspace_id = $4 AND last_seq < $1",
    )
    .bind(last)
    .bind(now_ms())
    .bind(name)
    .bind(workspace.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl crate::server::AppState {
    /// The durable consumers of the event log.
    pub fn consumers(&self) -> &ConsumerRegistry {
        self.part()
    }
}
