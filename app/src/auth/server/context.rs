//! Who is asking: the session behind a cookie or a Bearer token, resolved on every request.

use crate::error::AppError;
use crate::ids::{SessionId, UserId, WorkspaceId};
use crate::server::AppState;
use crate::workspaces::Role;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};

pub const SESSION_COOKIE: &str = "parley_session";

/// An authenticated caller in their current workspace.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub role: Role,
    /// Resolved by a REST route (an integrator) rather than a server function (the app):
    /// stage history records such moves with the source `api`.
    pub via_api: bool,
}

impl AuthContext {
    /// The caller of the current server function, or 401.
    pub async fn from_server_fn() -> Result<AuthContext, AppError> {
        Self::optional_from_server_fn()
            .await?
            .ok_or_else(signed_out)
    }

    /// The caller of the current server function, if signed in.
    pub async fn optional_from_server_fn() -> Result<Option<AuthContext>, AppError> {
        let state = AppState::current()?;
        let parts: Parts = leptos_axum::extract()
            .await
            .map_err(|_| AppError::internal())?;
        match token_from_headers(&parts.headers) {
            Some(token) => super::session::lookup(&state, &token).await,
            None => Ok(None),
        }
    }

    /// Refuses viewers, who read but never write.
    pub fn require_writer(&self) -> Result<(), AppError> {
        if self.role == Role::Viewer {
            Err(AppError::forbidden("Viewers cannot change records"))
        } else {
            Ok(())
        }
    }

    /// Refuses unless the caller's role may manage the workspace.
    pub fn require_manager(&self) -> Result<(), AppError> {
        if self.role.can_manage_workspace() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "Your role cannot change workspace settings",
            ))
        }
    }
}

fn signed_out() -> AppError {
    AppError::unauthorized("Sign in to continue")
}

/// The session token: `Authorization: Bearer …` first, then the session cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = value.strip_prefix("Bearer ").map(str::trim) {
            return (!token.is_empty()).then(|| token.to_string());
        }
    }
    cookie_value(headers, SESSION_COOKIE)
}

/// A cookie's value from the `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

impl FromRequestParts<AppState> for AuthContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(ctx) = parts.extensions.get::<AuthContext>() {
            return Ok(ctx.clone());
        }
        let token = token_from_headers(&parts.headers).ok_or_else(signed_out)?;
        let mut ctx = super::session::lookup(state, &token)
            .await?
            .ok_or_else(signed_out)?;
        ctx.via_api = true;
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}
