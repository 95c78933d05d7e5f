//! SQLite writes a batch of moves statement by statement in one `BEGIN IMMEDIATE`
//! transaction of its one writer: the new places, one `UPDATE … FROM (VALUES …)`, then one
//! multi-row `INSERT` each for the history, the timeline and the events.

use super::{
    activity_data, after_view, changes_stage, explicit_position, first_of_each_deal, marks_lost,
    reason, stage_changed, won_value, Applied, Move, Outcome,
};
use crate::deals::server::stage::GAP;
use crate::deals::DealView;
use crate::error::AppError;
use crate::ids::{DealId, StageId};
use crate::pipelines::server::history;
use crate::realtime::server::{write, NewEvent, Recorded};
use crate::server::db::Tx;
use crate::server::query::values_list;
use crate::server::{now_ms, Db};
use crate::timeline::server::{record_activities, Subject};
use sqlx::Row as _;
use std::collections::{HashMap, HashSet};

/// Writes `moves` in one transaction. A move whose place in the column cannot be found (a
/// client error, nothing written) gets its error; any other failure fails the whole batch.
pub(super) async fn apply(db: &Db, moves: &[&Move]) -> Result<Applied, AppError> {
    let mut tx = db.begin().await?;
    let mut outcomes: Vec<Option<Result<Outcome, AppError>>> = Vec::with_capacity(moves.len());
    let mut planned: Vec<(usize, i64)> = Vec::with_capacity(moves.len());
    for i in first_of_each_deal(moves, &mut outcomes) {
        match explicit_position(&mut tx, moves[i]).await {
            Ok(position) => planned.push((i, position.unwrap_or(i64::MIN))),
            Err(e) if e.code.status() < 500 => outcomes[i] = Some(Err(e)),
            Err(e) => return Err(e),
        }
    }
    top_positions(&mut tx, moves, &mut planned).await?;
    let now = now_ms();
    let updated = update_all(&mut tx, moves, &planned, now).await?;
    let mut done: Vec<(&Move, DealView)> = Vec::with_capacity(planned.len());
    for (i, position) in planned {
        let mv = moves[i];
        if updated.contains(&mv.before.id) {
            let after = after_view(mv, position, now);
            outcomes[i] = Some(Ok(Outcome::Moved(Box::new(after.clone()))));
            done.push((mv, after));
        } else {
            outcomes[i] = Some(Ok(Outcome::Stale));
        }
    }
    let changed: Vec<_> = done.iter().filter(|(mv, _)| changes_stage(mv)).collect();
    let entries: Vec<_> = changed
        .iter()
        .map(|(mv, _)| history::Entry {
            auth: &mv.auth,
            deal: mv.before.id,
            from: mv.before.stage_id,
            to: mv.stage.id,
            reason: reason(mv),
        })
        .collect();
    history::write_many(&mut tx, &entries).await?;
    let activities = changed
        .iter()
        .map(|(mv, _)| {
            let data = activity_data(mv);
            (&mv.auth, Subject::Deal(mv.before.id), "stage_changed", data)
        })
        .collect();
    record_activities(&mut tx, activities).await?;
    let events = record_events(&mut tx, &done).await?;
    tx.commit().await?;
    let outcomes = outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(AppError::internal())))
        .collect();
    Ok((outcomes, events))
}

/// Puts the moves without an explicit place on top of their columns, later moves above
/// earlier ones: one query for the current tops of every column concerned.
async fn top_positions(
    tx: &mut Tx,
    moves: &[&Move],
    planned: &mut [(usize, i64)],
) -> Result<(), AppError> {
    let mut stages: Vec<StageId> = planned
        .iter()
        .filter(|(_, p)| *p == i64::MIN)
        .map(|(i, _)| moves[*i].stage.id)
        .collect();
    stages.sort_unstable();
    stages.dedup();
    if stages.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT stage_id, MIN(position) AS top FROM deals WHERE stage_id IN {} GROUP BY stage_id",
        values_list(1, stages.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for s in &stages {
        query = query.bind(*s);
    }
    let mut tops: HashMap<StageId, i64> = HashMap::new();
    for row in query.fetch_all(&mut **tx).await? {
        tops.insert(row.try_get("stage_id")?, row.try_get("top")?);
    }
    for (i, position) in planned.iter_mut() {
        if *position == i64::MIN {
            let stage = moves[*i].stage.id;
            let next = tops.get(&stage).map_or(0, |top| top - GAP);
            tops.insert(stage, next);
            *position = next;
        }
    }
    Ok(())
}

/// Applies every planned move with one `UPDATE … FROM (VALUES …)`. A row only changes if
/// the deal still has the stage and `updated_at` it was read with; the ids that changed
/// come back.
async fn update_all(
    tx: &mut Tx,
    moves: &[&Move],
    planned: &[(usize, i64)],
    now: i64,
) -> Result<HashSet<DealId>, AppError> {
    if planned.is_empty() {
        return Ok(HashSet::new());
    }
    const COLUMNS: usize = 10;
    // v.column1 id, 2 workspace, 3 stage, 4 position, 5 lost (0/1), 6 reason,
    // 7 won value (or NULL), 8 moved (0/1), 9 and 10 the stage and `updated_at` it was read
    // with; the last placeholder is now.
    let now_at = planned.len() * COLUMNS + 1;
    let sql = format!(
        "UPDATE deals SET stage_id = v.column3, position = v.column4, \
         lost_reason = CASE WHEN v.column5 = 1 THEN v.column6 ELSE deals.lost_reason END, \
         value_minor = COALESCE(v.column7, deals.value_minor), updated_at = ${now_at}, \
         stage_entered_at = CASE WHEN v.column8 = 1 THEN ${now_at} ELSE deals.stage_entered_at END \
         FROM (VALUES {}) AS v \
         WHERE deals.id = v.column1 AND deals.workspace_id = v.column2 AND deals.stage_id = v.column9 \
         AND deals.updated_at = v.column10 RETURNING deals.id",
        values_list(planned.len(), COLUMNS)
    );
    let mut query = sqlx::query_scalar::<_, DealId>(sqlx::AssertSqlSafe(sql));
    for (i, position) in planned {
        let mv = moves[*i];
        query = query
            .bind(mv.before.id)
            .bind(mv.auth.workspace_id.0)
            .bind(mv.stage.id)
            .bind(*position)
            .bind(marks_lost(mv) as i64)
            .bind(reason(mv).to_string())
            .bind(won_value(mv))
            .bind(changes_stage(mv) as i64)
            .bind(mv.before.stage_id)
            .bind(mv.before.updated_at);
    }
    let ids = query.bind(now).fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().collect())
}

/// One `deal.stage_changed` event per move, numbered per workspace in queue order.
async fn record_events(tx: &mut Tx, done: &[(&Move, DealView)]) -> Result<Recorded, AppError> {
    let events = done
        .iter()
        .map(|(mv, after)| {
            NewEvent::of(
                mv.auth.workspace_id,
                Some(mv.auth.user_id),
                &stage_changed(mv, after),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(write(tx, events).await?)
}
