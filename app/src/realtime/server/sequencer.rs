//! Numbers committed events and publishes them.
//!
//! On PostgreSQL a write commits its events without a number ([`write`](super::events::write)).
//! One pass at a time, across every instance (a transaction-scoped advisory lock), numbers
//! every committed unnumbered event in `id` order, advances each workspace's `event_seq` by as
//! many, announces the new numbers (NOTIFY, once per workspace) and commits; then this
//! instance publishes the events to its hub. A write is acknowledged only after a pass that
//! began after its commit has finished ([`Sequencer::publish`]), so a request that starts after
//! the acknowledgement sees the new `event_seq` (the caches keyed by it are never stale), and
//! the pass commits once for every write that waited with it.
//!
//! Why this cannot reorder or lose an event:
//! - A pass's numbering statement runs after it holds the lock, so it sees everything the
//!   previous pass committed; numbers continue from `event_seq` without a gap, and a pass's
//!   numbers become visible all at once, after every lower one.
//! - An event that commits while a pass runs is not seen by it; the next pass numbers it
//!   higher. Within a pass, `id` order is the order in which the transactions wrote their
//!   events, and a unit of work writes its events last, after every statement that could
//!   wait for another transaction's row lock: of two writes to the same row, the later one
//!   has the higher `id`.
//! - Nothing is lost between a commit and its pass: the event is in the table. A pass runs
//!   at start-up and every [`SWEEP`] for what a crashed instance left unnumbered.
//!
//! A writer that already writes one transaction at a time (the stage moves' group commit) can
//! number its own events instead of waiting for a pass: [`begin_numbered`] takes the same turn
//! as its first statement and [`commit_numbered`] runs the pass's numbering statement before
//! a synchronous commit — a pass with the writes inside, so the same argument holds.
//!
//! SQLite has one writer: events are numbered in the writing transaction, and publishing them
//! is handing them to the hub.

use super::events::Recorded;
use super::{EventHub, StoredEvent};
use crate::ids::WorkspaceId;
use crate::realtime::RealtimeEvent;
use crate::server::db::{Backend, Tx};
use crate::server::Db;
use sqlx::Row as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// How often a pass runs with nobody waiting (events a crashed instance left unnumbered).
const SWEEP: Duration = Duration::from_secs(2);
/// The most events numbered in one transaction (a pass takes several when more wait).
const PASS_LIMIT: i64 = 5000;
/// How long a write waits for its events to be numbered before it is answered anyway (it is
/// committed; it waits once more for its WAL to reach the disk, see [`Sequencer::publish`]).
const WAIT_LIMIT: Duration = Duration::from_secs(10);
/// The sequencer's turn: a transaction-scoped advisory lock on this key (0x7061726c6579,
/// "parley"), so numbering takes turns across instances. A statement after it sees what the
/// previous turn committed.
const TURN_KEY: i64 = 0x7061_726c_6579;
/// Numbers every committed unnumbered event (and the transaction's own) in `id` order,
/// continuing each workspace's `event_seq`, and announces the last number of each workspace.
/// Run it in a transaction that holds the turn ([`TURN_KEY`]).
static NUMBER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "\
WITH pending AS (
  SELECT id, workspace_id, ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY id) AS n
  FROM (SELECT id, workspace_id FROM events WHERE seq IS NULL ORDER BY id LIMIT {PASS_LIMIT}) p
), counts AS (
  SELECT workspace_id, COUNT(*) AS n FROM pending GROUP BY workspace_id
), bumped AS (
  UPDATE workspaces w SET event_seq = w.event_seq + c.n FROM counts c WHERE w.id = c.workspace_id
  RETURNING w.id, w.event_seq - c.n AS base
), numbered AS (
  UPDATE events e SET seq = b.base + p.n
  FROM pending p JOIN bumped b ON b.id = p.workspace_id
  WHERE e.id = p.id
  RETURNING e.workspace_id, e.seq, e.type, e.data, e.created_at
)
SELECT workspace_id, seq, type, data, created_at,
  -- One notice per workspace, its last number, delivered at commit to every instance's
  -- listener, which publishes what it has not seen.
  CASE WHEN seq = MAX(seq) OVER (PARTITION BY workspace_id)
    THEN pg_notify('parley_events', workspace_id || ':' || seq) IS NOT NULL
    ELSE FALSE END AS announced
FROM numbered"
    )
});
/// A pass, sent as one simple query (one round trip): the turn, the numbers, a synchronous
/// commit. See the module documentation.
static PASS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "BEGIN;\nDO $$ BEGIN PERFORM pg_advisory_xact_lock({TURN_KEY}); END $$;\n{};\nCOMMIT;",
        NUMBER.as_str()
    )
});
/// How a transaction that numbers its own events begins (one round trip): its commit is
/// synchronous whatever the connection's default, and it holds the turn from the start.
static BEGIN_NUMBERED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_advisory_xact_lock({TURN_KEY})")
});

/// Publishes committed events (and on PostgreSQL numbers them first).
#[derive(Clone)]
pub struct Sequencer {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    hub: EventHub,
    /// Passes begun so far.
    started: AtomicU64,
    /// The last pass finished.
    finished: watch::Sender<u64>,
    kick: Notify,
}

impl Sequencer {
    /// On PostgreSQL starts the pass loop (a first pass runs at once).
    pub fn start(db: Db, hub: EventHub) -> Sequencer {
        let sequencer = Sequencer {
            inner: Arc::new(Inner {
                db: db.clone(),
                hub,
                started: AtomicU64::new(0),
                finished: watch::Sender::new(0),
                kick: Notify::new(),
            }),
        };
        if db.backend == Backend::Postgres {
            sequencer.inner.kick.notify_one();
            tokio::spawn(run(db, sequencer.inner.clone()));
        }
        sequencer
    }

    /// Publishes the events of a committed transaction: at once when they are numbered, else
    /// after the pass that numbers them. Call it before acknowledging the write.
    ///
    /// A write whose events wait for the sequencer may have committed without flushing its
    /// WAL (see `UnitOfWork::commit`): the pass's synchronous commit flushes it. When no pass
    /// finishes in time, a synchronous commit of its own flushes it instead; if even that
    /// fails, the write is not known to be on disk and the error says so.
    pub async fn publish(&self, recorded: Recorded) -> Result<(), sqlx::Error> {
        self.inner.hub.publish(recorded.numbered);
        if recorded.unnumbered > 0 && !self.settle().await {
            tracing::warn!("committed events are not numbered yet; flushing the write's WAL");
            flush_wal(&self.inner.db).await?;
        }
        Ok(())
    }

    /// Waits for a pass that began after this call (so it numbers everything committed
    /// before it); `false` when none finished within [`WAIT_LIMIT`].
    async fn settle(&self) -> bool {
        let needed = self.inner.started.load(Ordering::SeqCst) + 1;
        self.inner.kick.notify_one();
        let mut finished = self.inner.finished.subscribe();
        let waited = tokio::time::timeout(WAIT_LIMIT, finished.wait_for(|done| *done >= needed));
        waited.await.is_ok_and(|finished| finished.is_ok())
    }
}

/// A transaction that writes its commit record synchronously: the WAL up to it, everything
/// committed before included, is on disk when it returns.
async fn flush_wal(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("SELECT txid_current()")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL synchronous_commit = on")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn run(db: Db, inner: Arc<Inner>) {
    let mut more = false;
    let mut failures = 0u32;
    loop {
        if !more {
            let _ = tokio::time::timeout(SWEEP, inner.kick.notified()).await;
        }
        // Each transaction is a pass: a writer waits for the first one that began after its
        // commit, even while a backlog keeps the passes full.
        let pass = inner.started.fetch_add(1, Ordering::SeqCst) + 1;
        let began = std::time::Instant::now();
        let numbered = number(&db).await;
        let took = began.elapsed();
        metrics::histogram!("parley_sequencer_pass_seconds").record(took.as_secs_f64());
        // Every write of the pass waits for it: a slow one is worth a line in the log.
        if took > Duration::from_millis(250) {
            tracing::warn!(
                took_ms = took.as_millis() as u64,
                events = numbered.as_ref().map_or(0, Vec::len),
                "slow sequencer pass"
            );
        }
        match numbered {
            Ok(events) => {
                failures = 0;
                more = events.len() as i64 >= PASS_LIMIT;
                metrics::counter!("parley_events_numbered_total").increment(events.len() as u64);
                inner.hub.publish(events);
                inner.finished.send_replace(pass);
            }
            Err(e) => {
                failures += 1;
                more = true;
                tracing::warn!(error = %e, failures, "could not number committed events; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(failures.min(20)))).await;
            }
        }
    }
}

/// One transaction in one round trip: the lock, the numbers with one notice per workspace,
/// the commit.
async fn number(db: &Db) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let mut conn = db.sequencer().acquire().await?;
    let rows = match sqlx::raw_sql(sqlx::AssertSqlSafe(PASS.as_str()))
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            // A failed statement leaves the transaction open and aborted.
            if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
                conn.close_on_drop();
            }
            return Err(e);
        }
    };
    events_of(&rows)
}

/// Begins a transaction that numbers its own events when it commits ([`commit_numbered`]):
/// for a writer that already writes one transaction at a time (the stage moves' group
/// commit), numbering in its own transaction spares it the wait for a pass.
///
/// It holds the sequencer's turn from its first statement, so a pass or another such
/// transaction (on any instance) waits for its commit. Take no row lock before beginning it:
/// a transaction holding a row this one needs may itself be waiting for nothing but its own
/// commit, which never waits for the turn, so the order turn → rows cannot deadlock.
pub async fn begin_numbered(pool: &sqlx::AnyPool) -> Result<Tx, sqlx::Error> {
    pool.begin_with(BEGIN_NUMBERED.as_str()).await
}

/// Numbers every committed unnumbered event and the transaction's own, then commits
/// synchronously: the returned events are numbered, durable and ready to publish.
pub async fn commit_numbered(mut tx: Tx) -> Result<Recorded, sqlx::Error> {
    let mut events = Vec::new();
    loop {
        let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(NUMBER.as_str()))
            .fetch_all(&mut *tx)
            .await?;
        events.extend(events_of(&rows)?);
        // A backlog larger than one statement numbers: go on until this transaction's own
        // events (the newest) are numbered too.
        if (rows.len() as i64) < PASS_LIMIT {
            break;
        }
    }
    tx.commit().await?;
    metrics::counter!("parley_events_numbered_total").increment(events.len() as u64);
    Ok(Recorded::numbered(events))
}

/// The events a numbering statement returned, by workspace and number.
fn events_of(rows: &[sqlx::any::AnyRow]) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let data: String = row.try_get("data")?;
        let event = RealtimeEvent {
            seq: row.try_get("seq")?,
            kind: row.try_get("type")?,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
            at: row.try_get("created_at")?,
        };
        events.push(StoredEvent::new(
            WorkspaceId(row.try_get("workspace_id")?),
            event,
        ));
    }
    events.sort_by_key(|e| (e.workspace_id, e.event.seq));
    Ok(events)
}

impl crate::server::AppState {
    /// Where committed events are published (see [`Sequencer`]).
    pub fn sequencer(&self) -> &Sequencer {
        self.part()
    }
}
