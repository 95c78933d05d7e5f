//! PostgreSQL writes a batch of moves with one statement, in a transaction of its own that
//! numbers the batch's events before it commits.
//!
//! The batch travels as one JSON parameter; data-modifying CTEs place the deals, update them
//! (guarded by the stage and `updated_at` that were read), insert the history rows and
//! timeline entries of the moves that applied, and insert their events. The statement has the
//! same text whatever the batch size, so it is parsed and planned once per connection. The
//! transaction holds the event sequencer's turn from its start and numbers the events itself
//! ([`begin_numbered`], [`commit_numbered`]): the queue writes one batch at a time anyway, and
//! a move is answered after one synchronous commit instead of its commit and then a wait for
//! the sequencer's next pass. A move with an explicit place (`afterDealId`) reads its
//! neighbours in the same transaction first.

use super::{
    activity_data, after_view, changes_stage, explicit_position, first_of_each_deal, marks_lost,
    reason, stage_changed, won_value, Applied, Move, Outcome,
};
use crate::deals::server::stage::GAP;
use crate::deals::DealEvent;
use crate::error::AppError;
use crate::ids::{DealId, StageId};
use crate::pipelines::server::history;
use crate::realtime::server::{begin_numbered, commit_numbered};
use crate::realtime::DomainEvent as _;
use crate::server::{now_ms, Db};
use sqlx::Row as _;
use std::collections::HashMap;

/// `$1` the moves (a JSON array of [`Planned`]), `$2` the time of the batch.
const WRITE: &str = "\
WITH v AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(
    ord BIGINT, id BIGINT, ws BIGINT, stage BIGINT, pos BIGINT, lost BOOLEAN, reason TEXT,
    won BIGINT, moved BOOLEAN, from_stage BIGINT, read_at BIGINT, actor BIGINT, source TEXT,
    activity TEXT, kind TEXT, event TEXT)
), placed AS (
  SELECT v.*, COALESCE(v.pos,
    COALESCE((SELECT MIN(d.position) FROM deals d WHERE d.stage_id = v.stage), $3)
      - $3 * ROW_NUMBER() OVER (PARTITION BY v.stage, v.pos IS NULL ORDER BY v.ord)) AS position
  FROM v
), applied AS (
  UPDATE deals SET stage_id = p.stage, position = p.position,
    lost_reason = CASE WHEN p.lost THEN p.reason ELSE deals.lost_reason END,
    value_minor = COALESCE(p.won, deals.value_minor), updated_at = $2,
    stage_entered_at = CASE WHEN p.moved THEN $2 ELSE deals.stage_entered_at END
  FROM placed p
  WHERE deals.id = p.id AND deals.workspace_id = p.ws AND deals.stage_id = p.from_stage
    AND deals.updated_at = p.read_at
  RETURNING p.*
), history AS (
  INSERT INTO stage_history (workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at)
  SELECT ws, id, from_stage, stage, actor, reason, source, $2 FROM applied WHERE moved
), timeline AS (
  INSERT INTO activities (workspace_id, subject_type, subject_id, kind, data, actor_id, source, created_at)
  SELECT ws, 'deal', id, 'stage_changed', activity, actor, source, $2 FROM applied WHERE moved
), stored AS (
  INSERT INTO events (workspace_id, type, data, actor_user_id, created_at)
  SELECT ws, kind, jsonb_set(event::jsonb, '{position}', to_jsonb(position))::text, actor, $2
  FROM applied ORDER BY ord
)
SELECT ord, position FROM applied";

/// One move as the statement reads it.
#[derive(serde::Serialize)]
struct Planned<'a> {
    ord: usize,
    id: DealId,
    ws: i64,
    stage: StageId,
    /// `None`: the top of the column.
    pos: Option<i64>,
    lost: bool,
    reason: &'a str,
    won: Option<i64>,
    moved: bool,
    from_stage: StageId,
    read_at: i64,
    actor: i64,
    source: &'static str,
    activity: String,
    /// The event's kind and data, its `position` filled in by the statement.
    kind: String,
    event: String,
}

/// Writes `moves` with one statement in a transaction that numbers its events before it
/// commits. A move whose place cannot be found (a client error) gets its error.
pub(super) async fn apply(db: &Db, moves: &[&Move]) -> Result<Applied, AppError> {
    let mut outcomes = Vec::with_capacity(moves.len());
    let todo = first_of_each_deal(moves, &mut outcomes);
    let now = now_ms();
    let mut planned = Vec::with_capacity(todo.len());
    let mut tx = begin_numbered(db.group_writer()).await?;
    for i in todo {
        match explicit_position(&mut tx, moves[i]).await {
            Ok(pos) => planned.push(plan(i, moves[i], pos, now)?),
            Err(e) if e.code.status() < 500 => outcomes[i] = Some(Err(e)),
            Err(e) => return Err(e),
        }
    }
    let rows = if planned.is_empty() {
        Vec::new()
    } else {
        write(&planned, now)?.fetch_all(&mut *tx).await?
    };
    let events = commit_numbered(tx).await?;
    let mut written: HashMap<usize, i64> = HashMap::with_capacity(rows.len());
    for row in rows {
        let ord: i64 = row.try_get("ord")?;
        written.insert(ord as usize, row.try_get("position")?);
    }
    for p in &planned {
        let mv = moves[p.ord];
        let Some(position) = written.get(&p.ord) else {
            outcomes[p.ord] = Some(Ok(Outcome::Stale));
            continue;
        };
        let after = after_view(mv, *position, now);
        outcomes[p.ord] = Some(Ok(Outcome::Moved(Box::new(after))));
    }
    let outcomes = outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(AppError::internal())))
        .collect();
    Ok((outcomes, events))
}

fn write<'q>(
    planned: &[Planned<'_>],
    now: i64,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>, AppError> {
    let moves = serde_json::to_string(planned).map_err(|_| AppError::internal())?;
    Ok(sqlx::query(WRITE).bind(moves).bind(now).bind(GAP))
}

fn plan<'a>(ord: usize, mv: &'a Move, pos: Option<i64>, now: i64) -> Result<Planned<'a>, AppError> {
    // The event's data is the deal after the move; the statement fills in its place.
    let after = after_view(mv, pos.unwrap_or(0), now);
    let (kind, event) = stream(&stage_changed(mv, &after))?;
    Ok(Planned {
        ord,
        id: mv.before.id,
        ws: mv.auth.workspace_id.0,
        stage: mv.stage.id,
        pos,
        lost: marks_lost(mv),
        reason: reason(mv),
        won: won_value(mv),
        moved: changes_stage(mv),
        from_stage: mv.before.stage_id,
        read_at: mv.before.updated_at,
        actor: mv.auth.user_id.0,
        source: history::source(&mv.auth),
        activity: activity_data(mv).to_string(),
        kind,
        event: event.to_string(),
    })
}

/// An event as the log stores it: its kind and its data.
fn stream(event: &DealEvent) -> Result<(String, serde_json::Value), AppError> {
    event.to_stream().map_err(|e| {
        tracing::error!(error = %e, "a stage move's event does not encode");
        AppError::internal()
    })
}
