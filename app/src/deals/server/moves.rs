//! Group commit for stage moves.
//!
//! Moving deals is the hottest write of the product. A move alone costs a transaction, a lock
//! on the workspace's event sequence held until its commit, and a flush to disk; on SQLite
//! the one writer does that for every move in turn. Here one task takes the moves waiting in
//! its queue (up to [`MAX_BATCH`]) and writes them in one transaction: one `UPDATE … FROM
//! (VALUES …)` for all the moves, then one `INSERT` each for their history rows, timeline entries and events, one sequence
//! update per workspace and one commit. No caller hears back before that commit, so an
//! acknowledged move is durable exactly as before.
//!
//! The deal and the target stage are read before queueing, outside the transaction. The
//! `UPDATE` only applies if the deal still has the stage and `updated_at` that were read; if
//! not, the move comes back [`Outcome::Stale`] and the caller reads again. When a statement of
//! a batch fails, the batch is rolled back and each of its moves is retried alone, so one bad
//! move never fails the others.

use super::stage::{position_after, GAP};
use crate::auth::server::AuthContext;
use crate::deals::{DealView, StageChange};
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::pipelines::server::history;
use crate::pipelines::{StageKind, StageView};
use crate::realtime::server::{record_many, EventHub, StoredEvent};
use crate::server::db::Tx;
use crate::server::query::values_list;
use crate::server::{now_ms, Db};
use crate::timeline::server::{record_activities, Subject};
use sqlx::Row as _;
use std::collections::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

/// The most moves written in one transaction.
const MAX_BATCH: usize = 64;

/// A validated move: the deal as read, the stage it goes to (of the deal's pipeline) and
/// the change asked for, its reason trimmed.
pub struct Move {
    pub auth: AuthContext,
    pub before: DealView,
    pub stage: StageView,
    pub change: StageChange,
}

pub enum Outcome {
    Moved(Box<DealView>),
    /// The deal changed after it was read: read it again and resubmit.
    Stale,
}

struct Job {
    mv: Move,
    reply: oneshot::Sender<Result<Outcome, AppError>>,
}

/// The queue in front of the group-commit task.
#[derive(Clone)]
pub struct MoveQueue {
    sender: mpsc::UnboundedSender<Job>,
}

impl MoveQueue {
    /// Starts the task (it ends when the last queue handle is dropped).
    pub fn start(db: Db, hub: EventHub) -> MoveQueue {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(work(db, hub, receiver));
        MoveQueue { sender }
    }

    /// Queues a move and waits for its commit.
    pub async fn submit(&self, mv: Move) -> Result<Outcome, AppError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { mv, reply })
            .map_err(|_| AppError::internal())?;
        answer.await.map_err(|_| AppError::internal())?
    }
}

async fn work(db: Db, hub: EventHub, mut receiver: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        run(&db, &hub, jobs).await;
    }
}

async fn run(db: &Db, hub: &EventHub, jobs: Vec<Job>) {
    let moves: Vec<&Move> = jobs.iter().map(|j| &j.mv).collect();
    match apply(db, &moves).await {
        Ok((outcomes, events)) => {
            hub.publish(events);
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(error) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(error));
            }
        }
        Err(error) => {
            tracing::warn!(%error, moves = jobs.len(), "a batch of stage moves failed; retrying them one by one");
            for job in jobs {
                let answer = match apply(db, &[&job.mv]).await {
                    Ok((mut outcomes, events)) => {
                        hub.publish(events);
                        outcomes.pop().unwrap_or_else(|| Err(AppError::internal()))
                    }
                    Err(error) => Err(error),
                };
                let _ = job.reply.send(answer);
            }
        }
    }
}

type Applied = (Vec<Result<Outcome, AppError>>, Vec<StoredEvent>);

/// Writes `moves` in one transaction. A move whose place in the column cannot be found (a
/// client error, nothing written) gets its error; any other failure fails the whole batch.
async fn apply(db: &Db, moves: &[&Move]) -> Result<Applied, AppError> {
    let mut tx = db.begin().await?;
    let mut outcomes: Vec<Option<Result<Outcome, AppError>>> = Vec::with_capacity(moves.len());
    let mut planned: Vec<(usize, i64)> = Vec::with_capacity(moves.len());
    let mut seen = std::collections::HashSet::new();
    for (i, mv) in moves.iter().enumerate() {
        // A deal moved twice in one batch: the second move reads it again and comes back.
        if !seen.insert(mv.before.id) {
            outcomes.push(Some(Ok(Outcome::Stale)));
            continue;
        }
        match explicit_position(&mut tx, mv).await {
            Ok(position) => {
                outcomes.push(None);
                planned.push((i, position.unwrap_or(i64::MIN)));
            }
            Err(e) if e.code.status() < 500 => outcomes.push(Some(Err(e))),
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
    let changed: Vec<_> = done
        .iter()
        .filter(|(mv, _)| mv.stage.id != mv.before.stage_id)
        .collect();
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
            let data = serde_json::json!({ "from": mv.before.stage_name, "to": mv.stage.name, "fromStageId": mv.before.stage_id, "toStageId": mv.stage.id, "reason": reason(mv) });
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

/// The place asked for with `afterDealId` (`None`: the top of the column, decided later).
async fn explicit_position(tx: &mut Tx, mv: &Move) -> Result<Option<i64>, AppError> {
    match mv.change.after_deal_id {
        Some(after) => {
            let ws = mv.auth.workspace_id.0;
            Ok(Some(
                position_after(tx, ws, mv.stage.id, mv.before.id, Some(after)).await?,
            ))
        }
        None => Ok(None),
    }
}

/// Puts the moves without an explicit place on top of their columns, later moves above
/// earlier ones: one query for the current tops of every column concerned.
async fn top_positions(
    tx: &mut Tx,
    moves: &[&Move],
    planned: &mut [(usize, i64)],
) -> Result<(), AppError> {
    let mut stages: Vec<i64> = planned
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
    let mut tops: HashMap<i64, i64> = HashMap::new();
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
) -> Result<HashSet<i64>, AppError> {
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
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
    for (i, position) in planned {
        let mv = moves[*i];
        let moved = mv.stage.id != mv.before.stage_id;
        let lost = moved && mv.stage.kind == StageKind::Lost;
        let won_value = mv
            .change
            .value_minor
            .filter(|_| mv.stage.kind == StageKind::Won);
        query = query
            .bind(mv.before.id)
            .bind(mv.auth.workspace_id.0)
            .bind(mv.stage.id)
            .bind(*position)
            .bind(lost as i64)
            .bind(reason(mv).to_string())
            .bind(won_value)
            .bind(moved as i64)
            .bind(mv.before.stage_id)
            .bind(mv.before.updated_at);
    }
    let ids = query.bind(now).fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().collect())
}

/// The deal as the move leaves it, from the view it was read with.
fn after_view(mv: &Move, position: i64, now: i64) -> DealView {
    let (before, stage) = (&mv.before, &mv.stage);
    let moved = stage.id != before.stage_id;
    let mut after = before.clone();
    after.stage_id = stage.id;
    after.stage_name = stage.name.clone();
    after.stage_kind = stage.kind;
    after.position = position;
    after.updated_at = now;
    if moved && stage.kind == StageKind::Lost {
        after.lost_reason = reason(mv).to_string();
    }
    if let Some(value) = mv
        .change
        .value_minor
        .filter(|_| stage.kind == StageKind::Won)
    {
        after.value_minor = value;
    }
    if moved {
        after.stage_entered_at = now;
    }
    after
}

fn reason(mv: &Move) -> &str {
    mv.change.reason.as_deref().unwrap_or("")
}

/// One `deal.stage_changed` event per move, numbered per workspace in queue order.
async fn record_events(
    tx: &mut Tx,
    done: &[(&Move, DealView)],
) -> Result<Vec<StoredEvent>, AppError> {
    let mut workspaces: Vec<WorkspaceId> = Vec::new();
    for (mv, _) in done {
        if !workspaces.contains(&mv.auth.workspace_id) {
            workspaces.push(mv.auth.workspace_id);
        }
    }
    let mut events = Vec::with_capacity(done.len());
    for ws in workspaces {
        let batch = done
            .iter()
            .filter(|(mv, _)| mv.auth.workspace_id == ws)
            .map(|(mv, after)| {
                let mut data = serde_json::to_value(after).unwrap_or_default();
                data["fromStageId"] = mv.before.stage_id.into();
                (Some(mv.auth.user_id), "deal.stage_changed", data)
            })
            .collect();
        events.extend(record_many(tx, ws, batch).await?);
    }
    Ok(events)
}
