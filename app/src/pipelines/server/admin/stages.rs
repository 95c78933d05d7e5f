//! Stages of a pipeline: add, edit, reorder, delete (moving their deals).

use super::{deal_count, destination, finish, move_deals, pipeline_in, updated};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{PipelineId, StageId};
use crate::pipelines::server::stage_in;
use crate::pipelines::{Deletion, PipelineEvent, PipelineView, StageInput, StageView};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use validator::Validate;

/// The stage ids of a pipeline in board order.
async fn stage_order(tx: &mut Tx, pipeline_id: PipelineId) -> Result<Vec<StageId>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM stages WHERE pipeline_id = $1 ORDER BY position, id")
            .bind(pipeline_id)
            .fetch_all(&mut **tx)
            .await?,
    )
}

/// Writes positions 0, 1, 2… in the given order.
async fn write_order(tx: &mut Tx, order: &[StageId]) -> Result<(), AppError> {
    for (position, id) in order.iter().enumerate() {
        sqlx::query("UPDATE stages SET position = $1 WHERE id = $2")
            .bind(position as i64)
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Puts `stage` at `position` (clamped) among the pipeline's stages.
async fn place_stage(
    tx: &mut Tx,
    pipeline_id: PipelineId,
    stage: StageId,
    position: i64,
) -> Result<(), AppError> {
    let mut order: Vec<StageId> = stage_order(tx, pipeline_id)
        .await?
        .into_iter()
        .filter(|id| *id != stage)
        .collect();
    let at = (position.max(0) as usize).min(order.len());
    order.insert(at, stage);
    write_order(tx, &order).await
}

pub async fn create_stage(
    state: &AppState,
    auth: &AuthContext,
    input: StageInput,
) -> Result<StageView, AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let input = input.normalized();
    input.validate()?;
    let ws = auth.workspace_id.0;
    let pipeline_id = input
        .pipeline_id
        .ok_or_else(|| AppError::field("pipelineId", "required", "Name the pipeline"))?;
    let mut uow = UnitOfWork::begin(state).await?;
    pipeline_in(&mut uow, ws, pipeline_id).await.map_err(|_| {
        AppError::field(
            "pipelineId",
            "not_found",
            "No such pipeline in this workspace",
        )
    })?;
    let now = now_ms();
    let id: StageId = sqlx::query_scalar(
        "INSERT INTO stages (workspace_id, pipeline_id, name, color, kind, probability, rotting_days, position, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(position), -1) + 1 FROM stages WHERE pipeline_id = $2), $8, $8) RETURNING id",
    )
    .bind(ws)
    .bind(pipeline_id)
    .bind(&input.name)
    .bind(&input.color)
    .bind(input.kind.as_str())
    .bind(input.probability)
    .bind(input.rotting_days)
    .bind(now)
    .fetch_one(uow.conn())
    .await?;
    if let Some(position) = input.position {
        place_stage(&mut uow, pipeline_id, id, position).await?;
    }
    let stage = stage_in(uow.conn(), ws, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let view = pipeline_in(&mut uow, ws, pipeline_id).await?;
    finish(uow, auth, updated(view.clone(), auth)).await?;
    Ok(stage)
}

/// Renames, recolours, re-kinds or moves a stage (`position`, from 0).
pub async fn update_stage(
    state: &AppState,
    auth: &AuthContext,
    id: StageId,
    input: StageInput,
) -> Result<StageView, AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let input = input.normalized();
    input.validate()?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let before = stage_in(uow.conn(), ws, id)
        .await?
        .ok_or_else(|| AppError::not_found("Stage"))?;
    sqlx::query(
        "UPDATE stages SET name = $1, color = $2, kind = $3, probability = $4, rotting_days = $5, updated_at = $6 \
         WHERE id = $7 AND workspace_id = $8",
    )
    .bind(&input.name)
    .bind(&input.color)
    .bind(input.kind.as_str())
    .bind(input.probability)
    .bind(input.rotting_days)
    .bind(now_ms())
    .bind(id)
    .bind(ws)
    .execute(uow.conn())
    .await?;
    if let Some(position) = input.position {
        place_stage(&mut uow, before.pipeline_id, id, position).await?;
    }
    let stage = stage_in(uow.conn(), ws, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let view = pipeline_in(&mut uow, ws, before.pipeline_id).await?;
    finish(uow, auth, updated(view.clone(), auth)).await?;
    Ok(stage)
}

/// Puts a pipeline's stages in the given order (every stage exactly once).
pub async fn reorder_stages(
    state: &AppState,
    auth: &AuthContext,
    pipeline_id: PipelineId,
    order: Vec<StageId>,
) -> Result<PipelineView, AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    pipeline_in(&mut uow, ws, pipeline_id).await?;
    let mut current = stage_order(&mut uow, pipeline_id).await?;
    let mut wanted = order.clone();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Err(AppError::field(
            "stageIds",
            "invalid",
            "List every stage of the pipeline exactly once",
        ));
    }
    write_order(&mut uow, &order).await?;
    let view = pipeline_in(&mut uow, ws, pipeline_id).await?;
    finish(uow, auth, updated(view.clone(), auth)).await?;
    Ok(view)
}

/// Deletes a stage. Its deals move to `moveToStageId` (another stage of the same pipeline) in
/// the same transaction, each move written to the stage history; without a destination a
/// stage with deals is refused with 409. A pipeline keeps at least one stage.
pub async fn delete_stage(
    state: &AppState,
    auth: &AuthContext,
    id: StageId,
    deletion: Deletion,
) -> Result<(), AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let stage = stage_in(uow.conn(), ws, id)
        .await?
        .ok_or_else(|| AppError::not_found("Stage"))?;
    let order = stage_order(&mut uow, stage.pipeline_id).await?;
    if order.len() <= 1 {
        return Err(AppError::conflict("A pipeline keeps at least one stage"));
    }
    let deals = deal_count(&mut uow, "stage_id", id.0, ws).await?;
    let mut moved_to = None;
    if deals > 0 {
        let to = destination(
            &mut uow,
            ws,
            &deletion,
            deals,
            "stage",
            |s| s.pipeline_id == stage.pipeline_id && s.id != id,
            "Choose another stage of the same pipeline",
        )
        .await?;
        let reason = format!("Stage “{}” deleted", stage.name);
        move_deals(&mut uow, auth, "stage_id", id.0, &to, &reason).await?;
        moved_to = Some(to.id);
    }
    sqlx::query("DELETE FROM stages WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(ws)
        .execute(uow.conn())
        .await?;
    let rest: Vec<StageId> = order.into_iter().filter(|s| *s != id).collect();
    write_order(&mut uow, &rest).await?;
    let view = pipeline_in(&mut uow, ws, stage.pipeline_id).await?;
    let event = PipelineEvent::Updated {
        pipeline: view,
        actor_id: auth.user_id.0,
        deleted_stage_id: Some(id),
        move_to_stage_id: moved_to,
        moved: Some(deals),
    };
    finish(uow, auth, event).await
}
