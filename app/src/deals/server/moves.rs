//! Group commit for stage moves.
//!
//! Moving deals is the hottest write of the product. A move alone costs a transaction, a lock
//! on the workspace's event sequence held until its commit, and a flush to disk; on SQLite
//! the one writer does that for every move in turn. Here one task takes the moves waiting in
//! its queue (up to [`MAX_BATCH`]) and writes them in one transaction: one `UPDATE` per move,
//! then one `INSERT` each for their history rows, timeline entries and events, one sequence
//! update per workspace and one commit. No caller hears back before that commit, so an
//! acknowledged move is durable exactly as before.
//!
//! The deal and the target stage are read before queueing, outside the transaction. The
//! `UPDATE` only applies if the deal still has the stage and `updated_at` that were read; if
//! not, the move comes back [`Outcome::Stale`] and the caller reads again. When a statement of
//! a batch fails, the batch is rolled back and each of its moves is retried alone, so one bad
//! move never fails the others.

use super::stage::position_after;
use crate::auth::server::AuthContext;
use crate::deals::{DealView, StageChange};
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::pipelines::server::history;
use crate::pipelines::{StageKind, StageView};
use crate::realtime::server::{record_many, EventHub, StoredEvent};
use crate::server::db::Tx;
use crate::server::{now_ms, Db};
use crate::timeline::server::{record_activities, Subject};
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
    let mut outcomes = Vec::with_capacity(moves.len());
    let mut done: Vec<(&Move, DealView)> = Vec::with_capacity(moves.len());
    for mv in moves {
        match move_one(&mut tx, mv).await {
            Ok(Some(after)) => {
                outcomes.push(Ok(Outcome::Moved(Box::new(after.clone()))));
                done.push((mv, after));
            }
            Ok(None) => outcomes.push(Ok(Outcome::Stale)),
            Err(e) if e.code.status() < 500 => outcomes.push(Err(e)),
            Err(e) => return Err(e),
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
    Ok((outcomes, events))
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

/// Writes one move; `None` when the deal is no longer as it was read.
async fn move_one(tx: &mut Tx, mv: &Move) -> Result<Option<DealView>, AppError> {
    let (before, stage) = (&mv.before, &mv.stage);
    let ws = mv.auth.workspace_id.0;
    let moved = stage.id != before.stage_id;
    let explicit = match mv.change.after_deal_id {
        Some(after) => Some(position_after(tx, ws, stage.id, before.id, Some(after)).await?),
        None => None,
    };
    let lost = moved && stage.kind == StageKind::Lost;
    let won_value = mv
        .change
        .value_minor
        .filter(|_| stage.kind == StageKind::Won);
    let now = now_ms();
    // Without an explicit place the deal goes to the top of the column.
    let position: Option<i64> = sqlx::query_scalar(
        "UPDATE deals SET stage_id = $1, \
         position = COALESCE($2, (SELECT COALESCE(MIN(t.position) - 1024, 0) FROM deals t WHERE t.stage_id = $1)), \
         lost_reason = CASE WHEN $3 = 1 THEN $4 ELSE lost_reason END, \
         value_minor = COALESCE($5, value_minor), updated_at = $6, \
         stage_entered_at = CASE WHEN $7 = 1 THEN $6 ELSE stage_entered_at END \
         WHERE id = $8 AND workspace_id = $9 AND stage_id = $10 AND updated_at = $11 \
         RETURNING position",
    )
    .bind(stage.id)
    .bind(explicit)
    .bind(lost as i64)
    .bind(reason(mv).to_string())
    .bind(won_value)
    .bind(now)
    .bind(moved as i64)
    .bind(before.id)
    .bind(ws)
    .bind(before.stage_id)
    .bind(before.updated_at)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(position) = position else {
        return Ok(None);
    };
    let mut after = before.clone();
    after.stage_id = stage.id;
    after.stage_name = stage.name.clone();
    after.stage_kind = stage.kind;
    after.position = position;
    after.updated_at = now;
    if lost {
        after.lost_reason = reason(mv).to_string();
    }
    if let Some(value) = won_value {
        after.value_minor = value;
    }
    if moved {
        after.stage_entered_at = now;
    }
    Ok(Some(after))
}
