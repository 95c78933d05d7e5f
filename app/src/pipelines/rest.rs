//! REST routes: `GET /api/pipeline`, `GET /api/pipeline/stages?pipelineId=`.

use super::{server, PipelineView, StageView};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/stages", get(stages))
}

async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<PipelineView>>, AppError> {
    Ok(Json(server::list(&state, &auth).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StagesQuery {
    pipeline_id: Option<i64>,
}

async fn stages(
    State(state): State<AppState>,
    auth: AuthContext,
    Query(q): Query<StagesQuery>,
) -> Result<Json<Vec<StageView>>, AppError> {
    let pipeline_id = q
        .pipeline_id
        .ok_or_else(|| AppError::field("pipelineId", "required", "Name the pipeline"))?;
    Ok(Json(server::stages(&state, &auth, pipeline_id).await?))
}
