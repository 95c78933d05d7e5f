//! Stage moves: checks, the deal's place in the target column, and the hand-over to the
//! group commit (`moves`) that writes the move, its history, timeline entry and event.

use super::moves::{Move, Outcome};
use super::{view, SELECT};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::deals::{DealView, StageChange};
use crate::error::AppError;
use crate::ids::{DealId, StageId};
use crate::pipelines::server::stage_view_as;
use crate::pipelines::StageView;
use crate::server::db::Tx;
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};
use std::sync::LazyLock;
use validator::Validate;

/// Positions in a column are spaced this far apart, so a card can usually be put between two
/// others by writing one row; when a gap closes, the column is renumbered.
pub(super) const GAP: i64 = 1024;

/// The position that puts a deal at the top of a stage's column.
pub async fn top_position(tx: &mut Tx, stage_id: StageId) -> Result<i64, AppError> {
    let min: Option<i64> =
        sqlx::query_scalar("SELECT MIN(position) FROM deals WHERE stage_id = $1")
            .bind(stage_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(min.map_or(0, |m| m - GAP))
}

/// Renumbers a column `GAP, 2·GAP, …` in its current order.
async fn renumber(tx: &mut Tx, stage_id: StageId) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE deals SET position = r.n * 1024 FROM \
         (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n FROM deals WHERE stage_id = $1) r \
         WHERE deals.id = r.id",
    )
    .bind(stage_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The position for `deal` right after `after` in `stage`'s column (`None`: the top).
pub(super) async fn position_after(
    tx: &mut Tx,
    workspace_id: i64,
    stage_id: StageId,
    deal: DealId,
    after: Option<DealId>,
) -> Result<i64, AppError> {
    let Some(after) = after.filter(|a| *a != deal) else {
        return top_position(tx, stage_id).await;
    };
    for _ in 0..2 {
        let anchor: Option<i64> = sqlx::query_scalar(
            "SELECT position FROM deals WHERE id = $1 AND workspace_id = $2 AND stage_id = $3",
        )
        .bind(after)
        .bind(workspace_id)
        .bind(stage_id)
        .fetch_optional(&mut **tx)
        .await?;
        let anchor = anchor.ok_or_else(|| {
            AppError::field(
                "afterDealId",
                "invalid",
                "That deal is not in the target stage",
            )
        })?;
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(position) FROM deals WHERE stage_id = $1 AND id <> $2 \
             AND (position > $3 OR (position = $3 AND id > $4))",
        )
        .bind(stage_id)
        .bind(deal)
        .bind(anchor)
        .bind(after)
        .fetch_one(&mut **tx)
        .await?;
        match next {
            None => return Ok(anchor + GAP),
            Some(next) if next - anchor >= 2 => return Ok(anchor + (next - anchor) / 2),
            Some(_) => renumber(tx, stage_id).await?,
        }
    }
    Err(AppError::internal())
}

/// The deal (404 unless it is the workspace's) and the stage it is asked to go to (`None`
/// unless it is the workspace's), in one read: the hottest write reads once.
async fn deal_and_stage(
    state: &AppState,
    ws: i64,
    id: DealId,
    stage_id: StageId,
) -> Result<(DealView, Option<StageView>), AppError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT x.*, ts.id AS to_id, ts.pipeline_id AS to_pipeline_id, ts.name AS to_name, \
             ts.color AS to_color, ts.kind AS to_kind, ts.probability AS to_probability, \
             ts.rotting_days AS to_rotting_days, ts.position AS to_position \
             FROM ({SELECT} WHERE d.id = $1 AND d.workspace_id = $2) x \
             LEFT JOIN stages ts ON ts.id = $3 AND ts.workspace_id = $2"
        )
    });
    let row = sqlx::query(AssertSqlSafe(SQL.as_str()))
        .bind(id)
        .bind(ws)
        .bind(stage_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Deal"))?;
    let to_id: Option<StageId> = row.try_get("to_id")?;
    let stage = match to_id {
        Some(_) => Some(stage_view_as(&row, "to_")?),
        None => None,
    };
    Ok((view(&row)?, stage))
}

/// How often a move is read again when the deal changed between reading and writing.
const TRIES: usize = 4;

/// Moves a deal to a stage of its pipeline (or to another place in its column). History,
/// timeline and event are written in the same transaction, through the group commit of
/// `moves`. A stage of another pipeline answers 400 `VALIDATION`. Moving into a `lost` stage
/// keeps `reason` as the lost reason; into a `won` stage, `valueMinor` (when given) becomes
/// the deal's value.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn change_stage(
    state: &AppState,
    auth: &AuthContext,
    id: DealId,
    mut change: StageChange,
) -> Result<DealView, AppError> {
    auth.require(Action::EditRecords)?;
    change.validate()?;
    let ws = auth.workspace_id.0;
    change.reason = Some(change.reason.as_deref().unwrap_or("").trim().to_string());
    for _ in 0..TRIES {
        let (before, stage) = deal_and_stage(state, ws, id, change.stage_id).await?;
        auth.require_on(Action::EditRecords, before.owner_id)?;
        let stage = stage.ok_or_else(|| {
            AppError::field("stageId", "not_found", "No such stage in this workspace")
        })?;
        if stage.pipeline_id != before.pipeline_id {
            return Err(AppError::field(
                "stageId",
                "wrong_pipeline",
                "This stage belongs to another pipeline",
            ));
        }
        if stage.id == before.stage_id
            && change.after_deal_id.is_none()
            && change.value_minor.is_none()
        {
            return Ok(before);
        }
        let mv = Move {
            auth: auth.clone(),
            before,
            stage,
            change: change.clone(),
        };
        match state.moves().submit(mv).await? {
            Outcome::Moved(after) => return Ok(*after),
            Outcome::Stale => continue,
        }
    }
    Err(AppError::conflict(
        "The deal kept changing while it was being moved; try again",
    ))
}
