//! The `events` table: written inside the caller's transaction, read for replay.

use crate::ids::{UserId, WorkspaceId};
use crate::realtime::{DomainEvent, RealtimeEvent};
use crate::server::db::Tx;
use crate::server::query::values_list;
use crate::server::{now_ms, Db};
use sqlx::Row;

/// An event with the workspace it belongs to, as the hub carries it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub workspace_id: WorkspaceId,
    pub event: RealtimeEvent,
}

/// Writes an event in the caller's transaction, taking the workspace's next sequence number.
///
/// The `UPDATE … RETURNING` locks the workspace row until commit, so numbers are handed out
/// in commit order with no gaps. Publish the result to the hub after the commit.
async fn record(
    tx: &mut Tx,
    workspace_id: WorkspaceId,
    actor: Option<UserId>,
    kind: &str,
    data: serde_json::Value,
) -> Result<StoredEvent, sqlx::Error> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE workspaces SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
    )
    .bind(workspace_id.0)
    .fetch_one(&mut **tx)
    .await?;
    let at = now_ms();
    sqlx::query(
        "INSERT INTO events (workspace_id, seq, type, data, actor_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(workspace_id.0)
    .bind(seq)
    .bind(kind)
    .bind(data.to_string())
    .bind(actor.map(|a| a.0))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    if tx.backend_name() == "PostgreSQL" {
        // Delivered at commit to every instance's listener (see `listener`).
        sqlx::query("SELECT pg_notify('parley_events', $1)")
            .bind(format!("{}:{seq}", workspace_id.0))
            .execute(&mut **tx)
            .await?;
    }
    Ok(StoredEvent {
        workspace_id,
        event: RealtimeEvent {
            seq,
            kind: kind.into(),
            data,
            at,
        },
    })
}

/// Writes a domain's typed event in the caller's transaction (see [`record`]).
pub async fn record_event<E: DomainEvent>(
    tx: &mut Tx,
    workspace_id: WorkspaceId,
    actor: Option<UserId>,
    event: &E,
) -> Result<StoredEvent, sqlx::Error> {
    let (kind, data) = event
        .to_stream()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    record(tx, workspace_id, actor, &kind, data).await
}

/// Writes several events of one workspace in the caller's transaction: one sequence update
/// and one `INSERT` for all of them, numbered in the order given. Publish after the commit.
pub async fn record_many<E: DomainEvent>(
    tx: &mut Tx,
    workspace_id: WorkspaceId,
    events: &[(Option<UserId>, E)],
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let events = events
        .iter()
        .map(|(actor, event)| {
            let (kind, data) = event
                .to_stream()
                .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            Ok((*actor, kind, data))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let last: i64 = sqlx::query_scalar(
        "UPDATE workspaces SET event_seq = event_seq + $1 WHERE id = $2 RETURNING event_seq",
    )
    .bind(events.len() as i64)
    .bind(workspace_id.0)
    .fetch_one(&mut **tx)
    .await?;
    let first = last - events.len() as i64 + 1;
    let at = now_ms();
    let sql = format!(
        "INSERT INTO events (workspace_id, seq, type, data, actor_user_id, created_at) VALUES {}",
        values_list(events.len(), 6)
    );
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (i, (actor, kind, data)) in events.iter().enumerate() {
        insert = insert
            .bind(workspace_id.0)
            .bind(first + i as i64)
            .bind(kind.clone())
            .bind(data.to_string())
            .bind(actor.map(|a| a.0))
            .bind(at);
    }
    insert.execute(&mut **tx).await?;
    if tx.backend_name() == "PostgreSQL" {
        // The listeners publish every event up to the one announced.
        sqlx::query("SELECT pg_notify('parley_events', $1)")
            .bind(format!("{}:{last}", workspace_id.0))
            .execute(&mut **tx)
            .await?;
    }
    Ok(events
        .into_iter()
        .enumerate()
        .map(|(i, (_, kind, data))| StoredEvent {
            workspace_id,
            event: RealtimeEvent {
                seq: first + i as i64,
                kind,
                data,
                at,
            },
        })
        .collect())
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
             WHERE workspace_id = $1 AND type NOT IN ({}) ORDER BY seq DESC LIMIT $2",
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
    sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
        .bind(workspace_id.0)
        .fetch_one(&db.pool)
        .await
}
