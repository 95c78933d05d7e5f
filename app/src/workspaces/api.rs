//! Server functions for the Home and Settings pages and the workspace switcher.

use super::{HomeData, WorkspaceInput};
use crate::access::WorkspaceView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "get_home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    use crate::access::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::home(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "rename_workspace")]
pub async fn rename_workspace(input: WorkspaceInput) -> Result<WorkspaceView, AppError> {
    use crate::access::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::rename(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "create_workspace")]
pub async fn create_workspace(input: WorkspaceInput) -> Result<WorkspaceView, AppError> {
    use crate::access::server::AuthContext;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        super::server::create_for(&state, &auth, input).await
    })
    .await
}

/// The members of the current workspace (owner pickers).
#[server(prefix = "/sfn", endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<super::MemberView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::members(&state, auth.workspace_id).await
    })
    .await
}
