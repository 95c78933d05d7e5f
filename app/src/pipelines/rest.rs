//! REST routes under `/api/pipeline`: pipelines, stages and a stage's history. Reading is
//! open to every member; changes need the owner or admin role.

use super::server::{self, admin, history};
use super::{Deletion, PipelineInput, PipelineView, StageInput, StageMove, StageView};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{PipelineId, StageId};
use crate::listing::{ListQuery, Page};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(replace, remove))
        .routes(routes!(stages, create_stage))
        .routes(routes!(replace_stage, remove_stage))
        .routes(routes!(stage_history))
}

/// The workspace's pipelines, each with its ordered stages.
#[utoipa::path(
    get, path = "/", operation_id = "listPipelines", tag = "pipelines",
    responses((status = 200, description = "The pipelines", body = Vec<PipelineView>))
)]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<PipelineView>>, AppError> {
    Ok(Json(server::list(&state, &auth).await?))
}

/// Create a pipeline (with no stages yet; add them with `POST /api/pipeline/stages`).
#[utoipa::path(
    post, path = "/", operation_id = "createPipeline", tag = "pipelines",
    request_body = PipelineInput,
    responses(
        (status = 201, description = "Created", body = PipelineView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<PipelineInput>,
) -> Result<(StatusCode, Json<PipelineView>), AppError> {
    let view = admin::create_pipeline(&state, &auth, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Rename a pipeline; `isDefault: true` makes it the default.
#[utoipa::path(
    put, path = "/{id}", operation_id = "replacePipeline", tag = "pipelines",
    params(("id" = i64, Path, description = "The pipeline's id")),
    request_body = PipelineInput,
    responses(
        (status = 200, description = "Updated", body = PipelineView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn replace(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<PipelineId>,
    ApiJson(input): ApiJson<PipelineInput>,
) -> Result<Json<PipelineView>, AppError> {
    Ok(Json(
        admin::update_pipeline(&state, &auth, id, input).await?,
    ))
}

/// Delete a pipeline. Its deals move to `moveToStageId` (a stage of another pipeline) in the
/// same transaction; without it a pipeline with deals answers 409. The last pipeline stays.
#[utoipa::path(
    delete, path = "/{id}", operation_id = "deletePipeline", tag = "pipelines",
    params(("id" = i64, Path, description = "The pipeline's id"), Deletion),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn remove(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<PipelineId>,
    ApiQuery(deletion): ApiQuery<Deletion>,
) -> Result<StatusCode, AppError> {
    admin::delete_pipeline(&state, &auth, id, deletion).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct StagesQuery {
    /// The pipeline whose stages to list (required).
    #[param(value_type = Option<i64>)]
    pipeline_id: Option<PipelineId>,
}

/// The stages of one pipeline, in order.
#[utoipa::path(
    get, path = "/stages", operation_id = "listStages", tag = "pipelines",
    params(StagesQuery),
    responses(
        (status = 200, description = "The stages", body = Vec<StageView>),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn stages(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<StagesQuery>,
) -> Result<Json<Vec<StageView>>, AppError> {
    let pipeline_id = q
        .pipeline_id
        .ok_or_else(|| AppError::field("pipelineId", "required", "Name the pipeline"))?;
    Ok(Json(server::stages(&state, &auth, pipeline_id).await?))
}

/// Add a stage to `pipelineId`, at the end unless `position` (from 0) says otherwise.
#[utoipa::path(
    post, path = "/stages", operation_id = "createStage", tag = "pipelines",
    request_body = StageInput,
    responses(
        (status = 201, description = "Created", body = StageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create_stage(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<(StatusCode, Json<StageView>), AppError> {
    let stage = admin::create_stage(&state, &auth, input).await?;
    Ok((StatusCode::CREATED, Json(stage)))
}

/// Rename, recolour, change the kind, probability or rotting days of a stage, or move it
/// (`position`, from 0).
#[utoipa::path(
    put, path = "/stages/{id}", operation_id = "replaceStage", tag = "pipelines",
    params(("id" = i64, Path, description = "The stage's id")),
    request_body = StageInput,
    responses(
        (status = 200, description = "Updated", body = StageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn replace_stage(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<StageId>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<StageView>, AppError> {
    Ok(Json(admin::update_stage(&state, &auth, id, input).await?))
}

/// Delete a stage. Its deals move to `moveToStageId` (another stage of the same pipeline) in
/// the same transaction, each move kept in the history; without it a stage with deals answers
/// 409. A pipeline keeps at least one stage.
#[utoipa::path(
    delete, path = "/stages/{id}", operation_id = "deleteStage", tag = "pipelines",
    params(("id" = i64, Path, description = "The stage's id"), Deletion),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn remove_stage(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<StageId>,
    ApiQuery(deletion): ApiQuery<Deletion>,
) -> Result<StatusCode, AppError> {
    admin::delete_stage(&state, &auth, id, deletion).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves into and out of a stage, newest first, a page at a time (`page`, `limit`).
#[utoipa::path(
    get, path = "/stages/{id}/history", operation_id = "stageHistory", tag = "pipelines",
    params(("id" = i64, Path, description = "The stage's id"), ListQuery),
    responses(
        (status = 200, description = "A page of moves", body = Page<StageMove>),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn stage_history(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<StageId>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<StageMove>>, AppError> {
    Ok(Json(history::of_stage(&state, &auth, id, &q).await?))
}
