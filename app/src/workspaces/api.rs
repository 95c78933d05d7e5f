//! Server functions for the Home and Settings pages and the workspace switcher.

use super::{HomeData, WorkspaceInput, WorkspaceView};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "get_home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    use crate::auth::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::home(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "rename_workspace")]
pub async fn rename_workspace(input: WorkspaceInput) -> Result<WorkspaceView, AppError> {
    use crate::auth::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::rename(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "create_workspace")]
pub async fn create_workspace(input: WorkspaceInput) -> Result<WorkspaceView, AppError> {
    use crate::auth::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::create_for(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "switch_workspace")]
pub async fn switch_workspace(workspace_id: i64) -> Result<(), AppError> {
    use crate::auth::server::{service, AuthContext};
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        service::switch_workspace(&state, &auth, crate::ids::WorkspaceId(workspace_id)).await
    })
    .await
}

/// The members of the current workspace (owner pickers).
#[server(prefix = "/sfn", endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<super::MemberView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::auth::server::sfn::caller().await?;
        super::server::members(&state, auth.workspace_id).await
    })
    .await
}
