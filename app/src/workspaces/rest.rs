//! REST routes under `/api/workspace`: the caller's current workspace.

use super::{server, HomeData, MemberView, WorkspaceInput};
use crate::access::server::AuthContext;
use crate::access::WorkspaceView;
use crate::error::AppError;
use crate::server::extract::ApiJson;
use crate::server::openapi::{Forbidden, Invalid};
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current, rename))
        .routes(routes!(members))
        .routes(routes!(activity))
        .routes(routes!(outbox))
}

/// Mail kept in the local outbox (no SMTP configured), newest first (owners and admins).
#[utoipa::path(
    get, path = "/outbox", operation_id = "listOutbox", tag = "workspace",
    responses(
        (status = 200, description = "The messages", body = Vec<crate::email::OutboxMessage>),
        (status = 403, response = Forbidden),
    )
)]
async fn outbox(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<crate::email::OutboxMessage>>, AppError> {
    Ok(Json(crate::email::server::outbox(&state, &auth).await?))
}

/// The caller's current workspace.
#[utoipa::path(
    get, path = "/", operation_id = "getWorkspace", tag = "workspace",
    responses((status = 200, description = "The workspace", body = WorkspaceView))
)]
async fn current(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<WorkspaceView>, AppError> {
    Ok(Json(server::load(&state, auth.workspace_id).await?))
}

/// Rename the current workspace (owners and admins).
#[utoipa::path(
    put, path = "/", operation_id = "renameWorkspace", tag = "workspace",
    request_body = WorkspaceInput,
    responses(
        (status = 200, description = "Renamed", body = WorkspaceView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn rename(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<WorkspaceInput>,
) -> Result<Json<WorkspaceView>, AppError> {
    Ok(Json(server::rename(&state, &auth, input).await?))
}

/// The members of the current workspace and their roles.
#[utoipa::path(
    get, path = "/members", operation_id = "listMembers", tag = "workspace",
    responses((status = 200, description = "The members", body = Vec<MemberView>))
)]
async fn members(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<MemberView>>, AppError> {
    Ok(Json(server::members(&state, auth.workspace_id).await?))
}

/// What the Home page shows: the workspace, its members and its recent events.
#[utoipa::path(
    get, path = "/activity", operation_id = "getWorkspaceActivity", tag = "workspace",
    responses((status = 200, description = "The workspace's recent activity", body = HomeData))
)]
async fn activity(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<HomeData>, AppError> {
    Ok(Json(server::home(&state, &auth).await?))
}
