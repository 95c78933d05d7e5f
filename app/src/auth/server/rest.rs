//! REST routes under `/api/auth`.

use super::{service, session, AuthContext};
use crate::auth::{AuthSuccess, Me, SignInInput, SignUpInput};
use crate::error::AppError;
use crate::server::extract::{ApiJson, ClientMeta};
use crate::server::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(sign_up))
        .route("/signin", post(sign_in))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route("/me", get(me))
}

fn with_cookie(state: &AppState, status: StatusCode, ok: AuthSuccess) -> Response {
    let cookie = session::cookie(&state.settings, &ok.access_token);
    (status, [(header::SET_COOKIE, cookie)], Json(ok)).into_response()
}

async fn sign_up(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(input): ApiJson<SignUpInput>,
) -> Result<Response, AppError> {
    let ok = service::sign_up(&state, input, &meta).await?;
    Ok(with_cookie(&state, StatusCode::CREATED, ok))
}

async fn sign_in(
    State(state): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SignInInput>,
) -> Result<Response, AppError> {
    let ok = service::sign_in(&state, input, &meta).await?;
    if let Some(old) = super::context_cookie(&headers, super::SESSION_COOKIE) {
        session::revoke_token(&state, &old).await?;
    }
    Ok(with_cookie(&state, StatusCode::OK, ok))
}

async fn logout(State(state): State<AppState>, auth: AuthContext) -> Result<Response, AppError> {
    session::revoke(&state, auth.session_id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state.settings))],
    )
        .into_response())
}

async fn logout_everywhere(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Response, AppError> {
    session::revoke_all(&state, auth.user_id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state.settings))],
    )
        .into_response())
}

async fn me(State(state): State<AppState>, auth: AuthContext) -> Result<Json<Me>, AppError> {
    Ok(Json(service::me(&state, &auth).await?))
}
