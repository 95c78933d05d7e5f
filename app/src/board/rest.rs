//! REST routes of the board under `/api/pipeline`: a pipeline's totals per stage.

use super::{BoardQuery, ColumnSummary};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::PipelineId;
use crate::server::extract::{ApiPath, ApiQuery};
use crate::server::openapi::{Invalid, NotFound};
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(totals))
}

/// Each stage's deal count and value, per currency (amounts in different currencies are never
/// added together), with the weighted value: Σ value × probability / 100, using the deal's own
/// probability when set, else the stage's. Filters: `ownerId`, `search`.
#[utoipa::path(
    get, path = "/{id}/totals", operation_id = "pipelineTotals", tag = "pipelines",
    params(("id" = i64, Path, description = "The pipeline's id"), BoardQuery),
    responses(
        (status = 200, description = "One entry per stage, in order", body = Vec<ColumnSummary>),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn totals(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<PipelineId>,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> Result<Json<Vec<ColumnSummary>>, AppError> {
    Ok(Json(super::server::summaries(&state, &auth, id, &q).await?))
}
