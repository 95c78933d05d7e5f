//! The `events` table: written inside the caller's transaction, read for replay.

use crate::ids::{UserId, WorkspaceId};
use crate::realtime::{DomainEvent, RealtimeEvent};
use crate::server::db::Tx;
use crate::server::query::values_list;
use crate::server::{now_ms, Db};
use axum::extract::ws::Utf8Bytes;
use sqlx::Row;
use std::sync::OnceLock;

/// An event with the workspace it belongs to, as the hub carries it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub workspace_id: WorkspaceId,
    pub event: RealtimeEvent,
    /// The event as a WebSocket frame's text: serialised by the first client it goes to and
    /// shared by the rest (a thousand clients cost one serialisation, not a thousand).
    frame: OnceLock<Utf8Bytes>,
}

impl StoredEvent {
    pub fn new(workspace_id: WorkspaceId, event: RealtimeEvent) -> StoredEvent {
        StoredEvent {
            workspace_id,
            event,
            frame: OnceLock::new(),
        }
    }

    /// The event's JSON, as every client receives it.
    pub fn frame(&self) -> Result<Utf8Bytes, serde_json::Error> {
        if let Some(frame) = self.frame.get() {
            return Ok(frame.clone());
        }
        let frame = Utf8Bytes::from(serde_json::to_string(&self.event)?);
        Ok(self.frame.get_or_init(|| frame).clone())
    }
}

/// An event to write: its workspace, who caused it, its kind and its data.
pub struct NewEvent {
    pub workspace_id: WorkspaceId,
    pub actor: Option<UserId>,
    pub kind: String,
    pub data: serde_json::Value,
}

impl NewEvent {
    /// A domain's typed event, encoded as the log stores it.
    pub fn of<E: DomainEvent>(
        workspace_id: WorkspaceId,
        actor: Option<UserId>,
        event: &E,
    ) -> Result<NewEvent, sqlx::Error> {
        let (kind, data) = event
            .to_stream()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        Ok(NewEvent {
            workspace_id,
            actor,
            kind,
            data,
        })
    }
}

/// Events a transaction wrote, to hand to [`Sequencer::publish`](super::Sequencer::publish)
/// once it has committed — never before: a rolled-back change announces nothing.
#[derive(Debug, Default)]
#[must_use = "publish the events after the commit"]
pub struct Recorded {
    /// SQLite: numbered in the transaction.
    pub(super) numbered: Vec<StoredEvent>,
    /// PostgreSQL: how many were written without a number, for the sequencer.
    pub(super) unnumbered: usize,
}

impl Recorded {
    /// Events numbered in their own transaction, ready to publish.
    pub(super) fn numbered(events: Vec<StoredEvent>) -> Recorded {
        Recorded {
            numbered: events,
            unnumbered: 0,
        }
    }

    pub fn add(&mut self, other: Recorded) {
        self.numbered.extend(other.numbered);
        self.unnumbered += other.unnumbered;
    }

    /// Whether publishing them waits for the sequencer (they were written unnumbered).
    pub fn awaits_numbers(&self) -> bool {
        self.unnumbered > 0
    }
}

/// Rows per `INSERT` (six parameters each, within both databases' limits).
const CHUNK: usize = 1000;

/// Writes events in the caller's transaction; publish the result after the commit.
///
/// - **PostgreSQL**: the events are inserted without a number. The [`Sequencer`] numbers
///   committed events in batches, in one transaction at a time, so concurrent writes of a
///   workspace never wait for each other here (see ARCHITECTURE.md, "The event sequence").
/// - **SQLite**: one connection writes, so transactions already commit one after another; the
///   numbers are taken here from `workspaces.event_seq`, in the order given.
///
/// [`Sequencer`]: super::Sequencer
pub async fn write(tx: &mut Tx, events: Vec<NewEvent>) -> Result<Recorded, sqlx::Error> {
    if events.is_empty() {
        return Ok(Recorded::default());
    }
    let at = now_ms();
    if tx.backend_name() == "PostgreSQL" {
        for chunk in events.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO events (workspace_id, type, data, actor_user_id, created_at) VALUES {}",
                values_list(chunk.len(), 5)
            );
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                insert = insert
                    .bind(e.workspace_id.0)
                    .bind(e.kind.clone())
                    .bind(e.data.to_string())
                    .bind(e.actor.map(|a| a.0))
                    .bind(at);
            }
            insert.execute(&mut **tx).await?;
        }
        return Ok(Recorded {
            numbered: Vec::new(),
            unnumbered: events.len(),
        });
    }
    let mut numbered = Vec::with_capacity(events.len());
    let mut workspaces: Vec<WorkspaceId> = Vec::new();
    for e in &events {
        if !workspaces.contains(&e.workspace_id) {
            workspaces.push(e.workspace_id);
        }
    }
    for ws in workspaces {
        let mine: Vec<&NewEvent> = events.iter().filter(|e| e.workspace_id == ws).collect();
        let last: i64 = sqlx::query_scalar(
            "UPDATE workspaces SET event_seq = event_seq + $1 WHERE id = $2 RETURNING event_seq",
        )
        .bind(mine.len() as i64)
        .bind(ws.0)
        .fetch_one(&mut **tx)
        .await?;
        let first = last - mine.len() as i64 + 1;
        for (c, chunk) in mine.chunks(CHUNK).enumerate() {
            let sql = format!(
                "INSERT INTO events (workspace_id, seq, type, data, actor_user_id, created_at) VALUES {}",
                values_list(chunk.len(), 6)
            );
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, e) in chunk.iter().enumerate() {
                insert = insert
                    .bind(ws.0)
                    .bind(first + (c * CHUNK + i) as i64)
                    .bind(e.kind.clone())
                    .bind(e.data.to_string())
                    .bind(e.actor.map(|a| a.0))
                    .bind(at);
            }
            insert.execute(&mut **tx).await?;
        }
        numbered.extend(mine.into_iter().enumerate().map(|(i, e)| {
            let event = RealtimeEvent {
                seq: first + i as i64,
                kind: e.kind.clone(),
                data: e.data.clone(),
                at,
            };
            StoredEvent::new(ws, event)
        }));
    }
    Ok(Recorded {
        numbered,
        unnumbered: 0,
    })
}

/// Writes a domain's typed event in the caller's transaction (see [`write`]).
pub async fn record_event<E: DomainEvent>(
    tx: &mut Tx,
    workspace_id: WorkspaceId,
    actor: Option<UserId>,
    event: &E,
) -> Result<Recorded, sqlx::Error> {
    write(tx, vec![NewEvent::of(workspace_id, actor, event)?]).await
}

pub(super) fn to_event(row: &sqlx::any::AnyRow) -> Result<RealtimeEvent, sqlx::Error> {
    let data: String = row.try_get("data")?;
    Ok(RealtimeEvent {
        seq: row.try_get("seq")?,
        kind: row.try_get("type")?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        at: row.try_get("created_at")?,
    })
}

/// Events after `after`, oldest first, at most `limit`.
pub async fn since(
    db: &Db,
    workspace_id: WorkspaceId,
    after: i64,
    limit: i64,
) -> Result<Vec<RealtimeEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, type, data, created_at FROM events \
         WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(workspace_id.0)
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(to_event).collect()
}

/// The newest `limit` events that belong in the activity feed, newest first.
pub async fn recent(
    db: &Db,
    workspace_id: WorkspaceId,
    limit: i64,
) -> Result<Vec<RealtimeEvent>, sqlx::Error> {
    // The kinds left out are constants of the code, not input; the text is built once.
    static FEED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let hidden: Vec<String> = crate::realtime::NOT_IN_FEED
            .iter()
            .map(|k| format!("'{k}'"))
            .collect();
        format!(
            "SELECT seq, type, data, created_at FROM events \
             WHERE workspace_id = $1 AND seq IS NOT NULL AND type NOT IN ({}) \
             ORDER BY seq DESC LIMIT $2",
            hidden.join(", ")
        )
    });
    let rows = sqlx::query(sqlx::AssertSqlSafe(FEED.as_str()))
        .bind(workspace_id.0)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(to_event).collect()
}

/// The newest sequence number of a workspace.
pub async fn latest_seq(db: &Db, workspace_id: WorkspaceId) -> Result<i64, sqlx::Error> {
    db.event_seq(workspace_id.0)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}
