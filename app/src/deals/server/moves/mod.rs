//! Group commit for stage moves.
//!
//! Moving deals is the hottest write of the product. A move alone costs a transaction, its
//! events' numbers and a flush to disk; on SQLite the one writer does that for every move in
//! turn. Here one task takes the moves waiting in its queue (up to [`MAX_BATCH`]) and writes
//! them together, with their history rows, timeline entries and numbered events, in one
//! commit: statement by statement in one transaction on SQLite ([`sqlite`]), in one statement
//! on PostgreSQL ([`postgres`]), where every round trip to the server costs more than the rows
//! it writes. No caller hears back before that commit, so an acknowledged move is durable
//! exactly as before.
//!
//! The deal and the target stage are read before queueing, outside the transaction. A move
//! only applies if the deal still has the stage and `updated_at` that were read; if not, it
//! comes back [`Outcome::Stale`] and the caller reads again. When a batch fails, each of its
//! moves is retried alone, so one bad move never fails the others.

mod postgres;
mod sqlite;

use super::stage::position_after;
use crate::access::server::AuthContext;
use crate::deals::{DealEvent, DealView, StageChange};
use crate::error::AppError;
use crate::pipelines::{StageKind, StageView};
use crate::realtime::server::{Recorded, Sequencer};
use crate::server::db::{Backend, Tx};
use crate::server::Db;
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
    reply: Reply,
}

/// The queue in front of the group-commit task.
#[derive(Clone)]
pub struct MoveQueue {
    sender: mpsc::UnboundedSender<Job>,
}

impl MoveQueue {
    /// Starts the task (it ends when the last queue handle is dropped).
    pub fn start(db: Db, sequencer: Sequencer) -> MoveQueue {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(work(db, sequencer, receiver));
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

async fn work(db: Db, sequencer: Sequencer, mut receiver: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        run(&db, &sequencer, jobs).await;
    }
}

async fn run(db: &Db, sequencer: &Sequencer, jobs: Vec<Job>) {
    let moves: Vec<&Move> = jobs.iter().map(|j| &j.mv).collect();
    match apply(db, &moves).await {
        Ok((outcomes, events)) => {
            let replies = jobs
                .into_iter()
                .map(|job| job.reply)
                .zip(outcomes)
                .collect();
            answer(sequencer, events, replies).await;
        }
        Err(error) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(error));
            }
        }
        Err(error) => {
            tracing::warn!(%error, moves = jobs.len(), "a batch of stage moves failed; retrying them one by one");
            for job in jobs {
                match apply(db, &[&job.mv]).await {
                    Ok((mut outcomes, events)) => {
                        let outcome = outcomes.pop().unwrap_or_else(|| Err(AppError::internal()));
                        answer(sequencer, events, vec![(job.reply, outcome)]).await;
                    }
                    Err(error) => {
                        let _ = job.reply.send(Err(error));
                    }
                }
            }
        }
    }
}

type Reply = oneshot::Sender<Result<Outcome, AppError>>;

/// Publishes a committed batch's events (numbered in its transaction, on both databases),
/// then answers its moves.
async fn answer(
    sequencer: &Sequencer,
    events: Recorded,
    replies: Vec<(Reply, Result<Outcome, AppError>)>,
) {
    let failed = sequencer
        .publish(events)
        .await
        .err()
        .map(|e| AppError::log_internal("database error", &e));
    for (reply, outcome) in replies {
        let outcome = match &failed {
            None => outcome,
            Some(e) => Err(e.clone()),
        };
        let _ = reply.send(outcome);
    }
}

/// What a batch gives back: an outcome per move, in order, and the events it stored.
type Applied = (Vec<Result<Outcome, AppError>>, Recorded);

async fn apply(db: &Db, moves: &[&Move]) -> Result<Applied, AppError> {
    match db.backend {
        Backend::Sqlite => sqlite::apply(db, moves).await,
        Backend::Postgres => postgres::apply(db, moves).await,
    }
}

/// The moves of a batch that can be written: a deal moved twice in one batch comes back
/// [`Outcome::Stale`] the second time (it is read again and resubmitted). `outcomes` gets a
/// `None` for each move to write.
fn first_of_each_deal(
    moves: &[&Move],
    outcomes: &mut Vec<Option<Result<Outcome, AppError>>>,
) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut todo = Vec::with_capacity(moves.len());
    for (i, mv) in moves.iter().enumerate() {
        if seen.insert(mv.before.id) {
            outcomes.push(None);
            todo.push(i);
        } else {
            outcomes.push(Some(Ok(Outcome::Stale)));
        }
    }
    todo
}

/// The place asked for with `afterDealId` (`None`: the top of the column, decided with the
/// batch).
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

/// Whether the move changes the deal's stage (not only its place in the column).
fn changes_stage(mv: &Move) -> bool {
    mv.stage.id != mv.before.stage_id
}

/// The deal's timeline entry for a stage change.
fn activity_data(mv: &Move) -> serde_json::Value {
    serde_json::json!({ "from": mv.before.stage_name, "to": mv.stage.name, "fromStageId": mv.before.stage_id, "toStageId": mv.stage.id, "reason": reason(mv) })
}

/// The `deal.stage_changed` event's data: the deal after the move and the stage it left.
fn stage_changed(mv: &Move, after: &DealView) -> DealEvent {
    DealEvent::StageChanged {
        deal: after.clone(),
        from_stage_id: mv.before.stage_id,
    }
}

/// The deal as the move leaves it, from the view it was read with.
fn after_view(mv: &Move, position: i64, now: i64) -> DealView {
    let mut after = mv.before.clone();
    after.stage_id = mv.stage.id;
    after.stage_name = mv.stage.name.clone();
    after.stage_kind = mv.stage.kind;
    after.position = position;
    after.updated_at = now;
    if marks_lost(mv) {
        after.lost_reason = reason(mv).to_string();
    }
    if let Some(value) = won_value(mv) {
        after.value_minor = value;
    }
    if changes_stage(mv) {
        after.stage_entered_at = now;
    }
    after
}

/// Whether the move takes the deal into a `lost` stage: its reason becomes the lost reason.
fn marks_lost(mv: &Move) -> bool {
    changes_stage(mv) && mv.stage.kind == StageKind::Lost
}

/// The value a move into a `won` stage sets, when one was given.
fn won_value(mv: &Move) -> Option<i64> {
    mv.change
        .value_minor
        .filter(|_| mv.stage.kind == StageKind::Won)
}

fn reason(mv: &Move) -> &str {
    mv.change.reason.as_deref().unwrap_or("")
}

impl crate::server::AppState {
    /// The group commit of stage moves.
    pub fn moves(&self) -> &MoveQueue {
        self.part()
    }
}
