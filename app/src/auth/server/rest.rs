//! REST routes under `/api/auth`.

use super::{email_change, profile, service};
use crate::access::server::{cookie_value, session, AuthContext, SESSION_COOKIE};
use crate::access::{Me, UserView};
use crate::auth::profile::{EmailChange, PasswordChange, ProfileInput};
use crate::auth::security::SignInOutcome;
use crate::auth::{AuthSuccess, SignInInput, SignUpInput};
use crate::error::AppError;
use crate::server::extract::{ApiJson, ClientMeta};
use crate::server::openapi::{Conflict, Invalid, RateLimited, Unauthorized};
use crate::server::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(logout))
        .routes(routes!(logout_everywhere))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(request_email_change))
        .routes(routes!(confirm_email_change))
        .merge(super::security_rest::routes())
}

fn with_cookie(state: &AppState, status: StatusCode, ok: AuthSuccess) -> Response {
    let cookie = session::cookie(&state.settings, &ok.access_token);
    (status, [(header::SET_COOKIE, cookie)], Json(ok)).into_response()
}

/// Create an account and its first workspace, and sign in.
#[utoipa::path(
    post, path = "/signup", operation_id = "signUp", tag = "auth", security(()),
    request_body = SignUpInput,
    responses(
        (status = 201, description = "Signed up; the session cookie is set", body = AuthSuccess,
            headers(("Set-Cookie" = String, description = "The `parley_session` cookie"))),
        (status = 400, response = Invalid),
        (status = 409, response = Conflict),
    )
)]
async fn sign_up(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(input): ApiJson<SignUpInput>,
) -> Result<Response, AppError> {
    let ok = service::sign_up(&state, input, &meta).await?;
    Ok(with_cookie(&state, StatusCode::CREATED, ok))
}

/// Sign in with email and password: opens a new session and ends the one the request came
/// with. When the account uses two-factor sign-in, answers `{requiresTwoFactor, tempToken}`
/// instead and sets no cookie; `POST /api/auth/2fa/validate` completes it.
#[utoipa::path(
    post, path = "/signin", operation_id = "signIn", tag = "auth", security(()),
    request_body = SignInInput,
    responses(
        (status = 200, description = "Signed in (the session cookie is set), or the second step to take",
            body = SignInOutcome,
            headers(("Set-Cookie" = String, description = "The `parley_session` cookie, when signed in"))),
        (status = 400, response = Invalid),
        (status = 401, response = Unauthorized),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SignInInput>,
) -> Result<Response, AppError> {
    match service::sign_in(&state, input, &meta).await? {
        SignInOutcome::SignedIn(ok) => signed_in(&state, &headers, ok).await,
        challenge @ SignInOutcome::TwoFactor(_) => Ok(Json(challenge).into_response()),
    }
}

/// Answers a completed sign-in: the session cookie, the previous session ended.
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    ok: AuthSuccess,
) -> Result<Response, AppError> {
    if let Some(old) = cookie_value(headers, SESSION_COOKIE) {
        session::revoke_token(state, &old).await?;
    }
    Ok(with_cookie(state, StatusCode::OK, ok))
}

/// End this session.
#[utoipa::path(
    post, path = "/logout", operation_id = "logout", tag = "auth",
    responses((status = 204, description = "Signed out; the session cookie is cleared"))
)]
async fn logout(State(state): State<AppState>, auth: AuthContext) -> Result<Response, AppError> {
    session::revoke(&state, auth.session_id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state.settings))],
    )
        .into_response())
}

/// End every session of the caller, on every device.
#[utoipa::path(
    post, path = "/logout-everywhere", operation_id = "logoutEverywhere", tag = "auth",
    responses((status = 204, description = "Every session ended; the session cookie is cleared"))
)]
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

/// The signed-in user, the current workspace and every workspace they can switch to.
#[utoipa::path(
    get, path = "/me", operation_id = "getMe", tag = "auth",
    responses((status = 200, description = "The caller", body = Me))
)]
async fn me(State(state): State<AppState>, auth: AuthContext) -> Result<Json<Me>, AppError> {
    Ok(Json(service::me(&state, &auth).await?))
}

/// Change the caller's name, language (`en`, `ru`) or IANA time zone; absent fields stay.
/// Emails to the member go out in their language.
#[utoipa::path(
    patch, path = "/me", operation_id = "updateProfile", tag = "auth",
    request_body = ProfileInput,
    responses(
        (status = 200, description = "The profile as it now is", body = UserView),
        (status = 400, response = Invalid),
    )
)]
async fn update_me(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<ProfileInput>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(profile::update(&state, &auth, input).await?))
}

/// Change the password with the current one. Every other session of the account ends; this
/// one stays signed in.
#[utoipa::path(
    post, path = "/password", operation_id = "changePassword", tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = Invalid),
        (status = 429, response = RateLimited),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    profile::change_password(&state, &auth, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask to move the account to another address (with the current password): a single-use link
/// is emailed to the new address, and the address changes when it is opened.
#[utoipa::path(
    post, path = "/email", operation_id = "requestEmailChange", tag = "auth",
    request_body = EmailChange,
    responses(
        (status = 202, description = "The link is on its way to the new address"),
        (status = 400, response = Invalid),
        (status = 409, response = Conflict),
        (status = 429, response = RateLimited),
    )
)]
async fn request_email_change(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<EmailChange>,
) -> Result<StatusCode, AppError> {
    email_change::request(&state, &auth, input).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Confirm an email change with the token from the link sent to the new address.
#[utoipa::path(
    post, path = "/email/confirm", operation_id = "confirmEmailChange", tag = "auth", security(()),
    request_body = super::security_rest::EmailToken,
    responses(
        (status = 204, description = "The account uses the new address"),
        (status = 400, response = Invalid),
        (status = 409, response = Conflict),
    )
)]
async fn confirm_email_change(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(input): ApiJson<super::security_rest::EmailToken>,
) -> Result<StatusCode, AppError> {
    email_change::confirm(&state, &input.token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
