//! REST routes: `GET /api/pipeline`, `GET /api/pipeline/stages?pipelineId=`.

use super::{server, PipelineView, StageView};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::server::extract::ApiQuery;
use crate::server::openapi::{Invalid, NotFound};
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(stages))
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct StagesQuery {
    /// The pipeline whose stages to list (required).
    pipeline_id: Option<i64>,
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
