//! Pipeline administration, for owners and admins only: pipelines here, their stages in
//! `stages`. Every change is recorded as an event (actor, time, the pipeline after it), so open
//! boards update live and the change is on record.

mod stages;
pub use stages::{create_stage, delete_stage, reorder_stages, update_stage};

use super::{stage_in, stage_view, STAGE_SELECT};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::PipelineId;
use crate::pipelines::{Deletion, PipelineEvent, PipelineInput, PipelineView, StageView};
use crate::realtime::server::UnitOfWork;
use crate::realtime::DomainEvent;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use sqlx::{AssertSqlSafe, Row as _};
use validator::Validate;

/// The gap between neighbouring deal positions in a column (see `deals::server::stage`).
const POSITION_GAP: i64 = 1024;

/// A pipeline of the workspace with its ordered stages, in a transaction.
pub async fn pipeline_in(
    tx: &mut Tx,
    workspace_id: i64,
    id: PipelineId,
) -> Result<PipelineView, AppError> {
    let row = sqlx::query(
        "SELECT id, name, is_default FROM pipelines WHERE id = $1 AND workspace_id = $2",
    )
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Pipeline"))?;
    let stages = sqlx::query(AssertSqlSafe(format!(
        "{STAGE_SELECT} WHERE pipeline_id = $1 ORDER BY position, id"
    )))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let is_default: i64 = row.try_get("is_default")?;
    Ok(PipelineView {
        id,
        name: row.try_get("name")?,
        is_default: is_default != 0,
        stages: stages.iter().map(stage_view).collect::<Result<_, _>>()?,
    })
}

/// Audits and records `event` (its data is the audit entry's details), and commits.
async fn finish(
    mut uow: UnitOfWork<'_>,
    auth: &AuthContext,
    event: PipelineEvent,
) -> Result<(), AppError> {
    let (kind, details) = event.to_stream().map_err(|e| {
        tracing::error!(error = %e, "a pipeline event did not serialise");
        AppError::internal()
    })?;
    let target = ("pipeline", event.pipeline_id().to_string());
    crate::access::server::audit::log(&mut uow, auth, &kind, target, details).await?;
    uow.record(auth.workspace_id, Some(auth.user_id), &event)
        .await?;
    uow.commit().await
}

/// `pipeline.updated` with the pipeline as it now is.
fn updated(pipeline: PipelineView, auth: &AuthContext) -> PipelineEvent {
    PipelineEvent::Updated {
        pipeline,
        actor_id: auth.user_id.0,
        deleted_stage_id: None,
        move_to_stage_id: None,
        moved: None,
    }
}

async fn set_default(tx: &mut Tx, workspace_id: i64, id: PipelineId) -> Result<(), AppError> {
    sqlx::query("UPDATE pipelines SET is_default = CASE WHEN id = $1 THEN 1 ELSE 0 END WHERE workspace_id = $2")
        .bind(id)
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn create_pipeline(
    state: &AppState,
    auth: &AuthContext,
    input: PipelineInput,
) -> Result<PipelineView, AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let input = PipelineInput {
        name: input.name.trim().to_string(),
        ..input
    };
    input.validate()?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let now = now_ms();
    let id: PipelineId = sqlx::query_scalar(
        "INSERT INTO pipelines (workspace_id, name, is_default, position, created_at, updated_at) \
         VALUES ($1, $2, 0, (SELECT COALESCE(MAX(position), -1) + 1 FROM pipelines WHERE workspace_id = $1), $3, $3) RETURNING id",
    )
    .bind(ws)
    .bind(&input.name)
    .bind(now)
    .fetch_one(uow.conn())
    .await?;
    if input.is_default {
        set_default(&mut uow, ws, id).await?;
    }
    let view = pipeline_in(&mut uow, ws, id).await?;
    let event = PipelineEvent::Created {
        pipeline: view.clone(),
        actor_id: auth.user_id.0,
    };
    finish(uow, auth, event).await?;
    Ok(view)
}

/// Renames a pipeline and, with `isDefault`, makes it the default. The default pipeline stays
/// the default until another one is made the default.
pub async fn update_pipeline(
    state: &AppState,
    auth: &AuthContext,
    id: PipelineId,
    input: PipelineInput,
) -> Result<PipelineView, AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let input = PipelineInput {
        name: input.name.trim().to_string(),
        ..input
    };
    input.validate()?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    pipeline_in(&mut uow, ws, id).await?;
    sqlx::query(
        "UPDATE pipelines SET name = $1, updated_at = $2 WHERE id = $3 AND workspace_id = $4",
    )
    .bind(&input.name)
    .bind(now_ms())
    .bind(id)
    .bind(ws)
    .execute(uow.conn())
    .await?;
    if input.is_default {
        set_default(&mut uow, ws, id).await?;
    }
    let view = pipeline_in(&mut uow, ws, id).await?;
    finish(uow, auth, updated(view.clone(), auth)).await?;
    Ok(view)
}

/// Moves every deal of `where_sql` (bound: `$6` = the source) to `to`, writing one history
/// row per deal, in the caller's transaction. Returns how many moved.
async fn move_deals(
    tx: &mut Tx,
    auth: &AuthContext,
    source_column: &str,
    source_id: i64,
    to: &StageView,
    reason: &str,
) -> Result<u64, AppError> {
    let ws = auth.workspace_id.0;
    let now = now_ms();
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO stage_history (workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at) \
         SELECT workspace_id, id, stage_id, $1, $2, $3, $4, $5 FROM deals WHERE {source_column} = $6 AND workspace_id = $7"
    )))
    .bind(to.id)
    .bind(auth.user_id.0)
    .bind(reason)
    .bind(super::history::source(auth))
    .bind(now)
    .bind(source_id)
    .bind(ws)
    .execute(&mut **tx)
    .await?;
    // The moved deals go below the destination's own, keeping their relative order.
    let below: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COALESCE((SELECT MAX(position) FROM deals WHERE stage_id = $1), 0) + $2 \
         - COALESCE((SELECT MIN(position) FROM deals WHERE {source_column} = $3 AND workspace_id = $4), 0)"
    )))
    .bind(to.id)
    .bind(POSITION_GAP)
    .bind(source_id)
    .bind(ws)
    .fetch_one(&mut **tx)
    .await?;
    let moved = sqlx::query(AssertSqlSafe(format!(
        "UPDATE deals SET pipeline_id = $1, stage_id = $2, position = position + $3, stage_entered_at = $4, updated_at = $4 \
         WHERE {source_column} = $5 AND workspace_id = $6"
    )))
    .bind(to.pipeline_id)
    .bind(to.id)
    .bind(below)
    .bind(now)
    .bind(source_id)
    .bind(ws)
    .execute(&mut **tx)
    .await?;
    Ok(moved.rows_affected())
}

async fn deal_count(tx: &mut Tx, column: &str, id: i64, ws: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM deals WHERE {column} = $1 AND workspace_id = $2"
    )))
    .bind(id)
    .bind(ws)
    .fetch_one(&mut **tx)
    .await?)
}

/// The stage named to receive deals: it must exist in this workspace and satisfy `fits`.
async fn destination(
    tx: &mut Tx,
    ws: i64,
    deletion: &Deletion,
    deals: i64,
    what: &str,
    fits: impl Fn(&StageView) -> bool,
    misfit: &str,
) -> Result<StageView, AppError> {
    let Some(to) = deletion.move_to_stage_id else {
        return Err(AppError::conflict(format!(
            "This {what} has {deals} deal(s): name the stage that receives them (moveToStageId)"
        )));
    };
    let stage = stage_in(&mut **tx, ws, to).await?.ok_or_else(|| {
        AppError::field(
            "moveToStageId",
            "not_found",
            "No such stage in this workspace",
        )
    })?;
    if !fits(&stage) {
        return Err(AppError::field("moveToStageId", "invalid", misfit));
    }
    Ok(stage)
}

/// Deletes a pipeline. Its deals move to `moveToStageId` (a stage of another pipeline) in the
/// same transaction, or the deletion is refused with 409; the last pipeline cannot go.
pub async fn delete_pipeline(
    state: &AppState,
    auth: &AuthContext,
    id: PipelineId,
    deletion: Deletion,
) -> Result<(), AppError> {
    auth.require(Action::ConfigurePipelines)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let pipeline = pipeline_in(&mut uow, ws, id).await?;
    let pipelines: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pipelines WHERE workspace_id = $1")
            .bind(ws)
            .fetch_one(uow.conn())
            .await?;
    if pipelines <= 1 {
        return Err(AppError::conflict(
            "A workspace keeps at least one pipeline",
        ));
    }
    let deals = deal_count(&mut uow, "pipeline_id", id.0, ws).await?;
    let mut moved_to = None;
    if deals > 0 {
        let to = destination(
            &mut uow,
            ws,
            &deletion,
            deals,
            "pipeline",
            |s| s.pipeline_id != id,
            "Choose a stage of another pipeline",
        )
        .await?;
        let reason = format!("Pipeline “{}” deleted", pipeline.name);
        move_deals(&mut uow, auth, "pipeline_id", id.0, &to, &reason).await?;
        moved_to = Some(to.id);
    }
    sqlx::query("DELETE FROM stages WHERE pipeline_id = $1")
        .bind(id)
        .execute(uow.conn())
        .await?;
    sqlx::query("DELETE FROM pipelines WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(ws)
        .execute(uow.conn())
        .await?;
    if pipeline.is_default {
        let next: PipelineId = sqlx::query_scalar(
            "SELECT id FROM pipelines WHERE workspace_id = $1 ORDER BY position, id LIMIT 1",
        )
        .bind(ws)
        .fetch_one(uow.conn())
        .await?;
        set_default(&mut uow, ws, next).await?;
    }
    let event = PipelineEvent::Deleted {
        id,
        actor_id: auth.user_id.0,
        move_to_stage_id: moved_to,
        moved: deals,
    };
    finish(uow, auth, event).await
}
