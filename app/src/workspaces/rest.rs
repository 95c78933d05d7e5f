//! REST routes under `/api/workspace`: the caller's current workspace.

use super::{server, HomeData, MemberView, WorkspaceInput, WorkspaceView};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::server::extract::ApiJson;
use crate::server::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(current).put(rename))
        .route("/members", get(members))
        .route("/activity", get(activity))
}

async fn current(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<WorkspaceView>, AppError> {
    Ok(Json(server::load(&state, auth.workspace_id).await?))
}

async fn rename(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<WorkspaceInput>,
) -> Result<Json<WorkspaceView>, AppError> {
    Ok(Json(server::rename(&state, &auth, input).await?))
}

async fn members(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<MemberView>>, AppError> {
    Ok(Json(server::members(&state, auth.workspace_id).await?))
}

async fn activity(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<HomeData>, AppError> {
    Ok(Json(server::home(&state, &auth).await?))
}
