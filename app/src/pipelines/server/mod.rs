//! Pipeline queries, and the default pipeline every workspace starts with.

pub mod admin;
pub mod history;

use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{PipelineId, StageId};
use crate::pipelines::{PipelineView, StageKind, StageView};
use crate::server::db::{Row, Tx};
use crate::server::{now_ms, AppState};
use sqlx::Row as _;

/// New, Qualified, Proposal, Negotiation (open), Won, Lost — with typical win probabilities.
const DEFAULT_STAGES: &[(&str, &str, StageKind, i64)] = &[
    ("New", "#64748b", StageKind::Open, 10),
    ("Qualified", "#0ea5e9", StageKind::Open, 25),
    ("Proposal", "#8b5cf6", StageKind::Open, 50),
    ("Negotiation", "#f59e0b", StageKind::Open, 75),
    ("Won", "#16a34a", StageKind::Won, 100),
    ("Lost", "#dc2626", StageKind::Lost, 0),
];

/// Creates the default "Sales" pipeline of a new workspace, in its creating transaction.
pub async fn create_default(tx: &mut Tx, workspace_id: i64) -> Result<PipelineId, AppError> {
    let now = now_ms();
    let pipeline_id: PipelineId = sqlx::query_scalar(
        "INSERT INTO pipelines (workspace_id, name, is_default, position, created_at, updated_at) \
         VALUES ($1, 'Sales', 1, 0, $2, $2) RETURNING id",
    )
    .bind(workspace_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for (i, (name, color, kind, probability)) in DEFAULT_STAGES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO stages (workspace_id, pipeline_id, name, color, kind, probability, position, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(workspace_id)
        .bind(pipeline_id)
        .bind(*name)
        .bind(*color)
        .bind(kind.as_str())
        .bind(*probability)
        .bind(i as i64)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(pipeline_id)
}

pub(crate) fn stage_view(r: &Row) -> Result<StageView, sqlx::Error> {
    stage_view_as(r, "")
}

/// A stage read from columns named `<prefix><column>` (a stage joined to another record).
pub(crate) fn stage_view_as(r: &Row, prefix: &str) -> Result<StageView, sqlx::Error> {
    let column = |name: &str| format!("{prefix}{name}");
    let kind: String = r.try_get(column("kind").as_str())?;
    Ok(StageView {
        id: r.try_get(column("id").as_str())?,
        pipeline_id: r.try_get(column("pipeline_id").as_str())?,
        name: r.try_get(column("name").as_str())?,
        color: r.try_get(column("color").as_str())?,
        kind: StageKind::parse(&kind),
        probability: r.try_get(column("probability").as_str())?,
        rotting_days: r.try_get(column("rotting_days").as_str())?,
        position: r.try_get(column("position").as_str())?,
    })
}

pub(crate) const STAGE_SELECT: &str =
    "SELECT id, pipeline_id, name, color, kind, probability, rotting_days, position FROM stages";

/// Every pipeline of the workspace with its stages in order.
pub async fn list(state: &AppState, auth: &AuthContext) -> Result<Vec<PipelineView>, AppError> {
    let pipelines = sqlx::query(
        "SELECT id, name, is_default FROM pipelines WHERE workspace_id = $1 ORDER BY position, id",
    )
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    let stages = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STAGE_SELECT} WHERE workspace_id = $1 ORDER BY position, id"
    )))
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    let stages: Vec<StageView> = stages.iter().map(stage_view).collect::<Result<_, _>>()?;
    pipelines
        .iter()
        .map(|p| {
            let id: PipelineId = p.try_get("id")?;
            let is_default: i64 = p.try_get("is_default")?;
            Ok(PipelineView {
                id,
                name: p.try_get("name")?,
                is_default: is_default != 0,
                stages: stages
                    .iter()
                    .filter(|s| s.pipeline_id == id)
                    .cloned()
                    .collect(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The stages of one pipeline (404 for a pipeline of another workspace).
pub async fn stages(
    state: &AppState,
    auth: &AuthContext,
    pipeline_id: PipelineId,
) -> Result<Vec<StageView>, AppError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STAGE_SELECT} WHERE workspace_id = $1 AND pipeline_id = $2 ORDER BY position, id"
    )))
    .bind(auth.workspace_id.0)
    .bind(pipeline_id)
    .fetch_all(&state.db.pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::not_found("Pipeline"));
    }
    Ok(rows.iter().map(stage_view).collect::<Result<_, _>>()?)
}

/// A stage of the workspace, read in a transaction (`&mut *tx`) or from the pool.
pub async fn stage_in<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    workspace_id: i64,
    stage_id: StageId,
) -> Result<Option<StageView>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STAGE_SELECT} WHERE id = $1 AND workspace_id = $2"
    )))
    .bind(stage_id)
    .bind(workspace_id)
    .fetch_optional(executor)
    .await?;
    Ok(row.as_ref().map(stage_view).transpose()?)
}

/// The pipeline new deals go to when none is named, and its first stage.
pub async fn default_placement(
    tx: &mut Tx,
    workspace_id: i64,
    pipeline_id: Option<PipelineId>,
) -> Result<Option<(PipelineId, StageId)>, AppError> {
    let row = sqlx::query(
        "SELECT p.id AS pipeline_id, s.id AS stage_id FROM pipelines p JOIN stages s ON s.pipeline_id = p.id \
         WHERE p.workspace_id = $1 AND ($2 = 0 OR p.id = $2) ORDER BY p.is_default DESC, p.position, s.position, s.id LIMIT 1",
    )
    .bind(workspace_id)
    .bind(pipeline_id.map_or(0, |p| p.0))
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("pipeline_id")?, r.try_get("stage_id")?))),
        None => Ok(None),
    }
}
