//! REST routes of Telegram user accounts under `/api/messaging` (merged into `/api` beside the inbox's): logging in by phone or QR
//! code, the account's chats and which are synced, resync, and the workspace's Telegram app.

use super::telegram_app as workspace_app;
use super::{chats, login};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::{
    AccountChats, LoginAnswer, LoginView, PickChats, StartLogin, TelegramAppInput, TelegramAppView,
};
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_login))
        .routes(routes!(login_state, cancel_login))
        .routes(routes!(answer_login))
        .routes(routes!(account_chats, pick_chats))
        .routes(routes!(resync))
        .routes(routes!(telegram_app, set_telegram_app))
}

/// Start connecting a Telegram account: `phone` sends a login code, `qr` shows a QR code.
#[utoipa::path(
    post, path = "/messaging/telegram/logins", operation_id = "startTelegramLogin", tag = "messaging",
    request_body = StartLogin,
    responses(
        (status = 201, description = "The login and its next step", body = LoginView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn start_login(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<StartLogin>,
) -> Result<(StatusCode, Json<LoginView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(login::start(&s, &auth, input).await?),
    ))
}

/// Where a login stands; for a QR login, whether it was scanned (the code is refreshed before
/// it expires).
#[utoipa::path(
    get, path = "/messaging/telegram/logins/{id}", operation_id = "telegramLogin", tag = "messaging",
    params(("id" = String, Path, description = "The login's id")),
    responses(
        (status = 200, description = "The login", body = LoginView),
        (status = 404, response = NotFound),
    )
)]
async fn login_state(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LoginView>, AppError> {
    Ok(Json(login::poll(&s, &auth, &id).await?))
}

/// Abandon a login.
#[utoipa::path(
    delete, path = "/messaging/telegram/logins/{id}", operation_id = "cancelTelegramLogin", tag = "messaging",
    params(("id" = String, Path, description = "The login's id")),
    responses((status = 204, description = "Abandoned"), (status = 404, response = NotFound))
)]
async fn cancel_login(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    login::cancel(&s, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The login code (step `code`) or the cloud password (step `password`).
#[utoipa::path(
    post, path = "/messaging/telegram/logins/{id}/answer", operation_id = "answerTelegramLogin", tag = "messaging",
    params(("id" = String, Path, description = "The login's id")),
    request_body = LoginAnswer,
    responses(
        (status = 200, description = "The login's next step", body = LoginView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn answer_login(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<LoginAnswer>,
) -> Result<Json<LoginView>, AppError> {
    Ok(Json(login::answer(&s, &auth, &id, input).await?))
}

/// A user account's chats (as loaded from Telegram), its folders, and which chats are synced.
#[utoipa::path(
    get, path = "/messaging/accounts/{id}/chats", operation_id = "accountChats", tag = "messaging",
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The chats", body = AccountChats),
        (status = 404, response = NotFound),
    )
)]
async fn account_chats(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AccountChats>, AppError> {
    Ok(Json(chats::list(&s, &auth, id).await?))
}

/// Choose the chats that appear in Parley (nothing changes in Telegram); their recent history
/// is imported.
#[utoipa::path(
    put, path = "/messaging/accounts/{id}/chats", operation_id = "pickAccountChats", tag = "messaging",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = PickChats,
    responses(
        (status = 200, description = "The chats", body = AccountChats),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn pick_chats(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PickChats>,
) -> Result<Json<AccountChats>, AppError> {
    Ok(Json(chats::pick(&s, &auth, id, input).await?))
}

/// Reload the account's chats and folders from Telegram and import what is missing.
#[utoipa::path(
    post, path = "/messaging/accounts/{id}/resync", operation_id = "resyncAccount", tag = "messaging",
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 202, description = "Asked of the account's worker"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn resync(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    chats::resync(&s, &auth, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Whether the workspace's Telegram application (my.telegram.org) is set.
#[utoipa::path(
    get, path = "/messaging/telegram/app", operation_id = "telegramApp", tag = "messaging",
    responses((status = 200, description = "The application", body = TelegramAppView))
)]
async fn telegram_app(
    State(s): State<AppState>,
    auth: AuthContext,
) -> Result<Json<TelegramAppView>, AppError> {
    Ok(Json(workspace_app::get(&s, &auth).await?))
}

/// Set the workspace's Telegram application (owners and admins; the hash is sealed).
#[utoipa::path(
    put, path = "/messaging/telegram/app", operation_id = "setTelegramApp", tag = "messaging",
    request_body = TelegramAppInput,
    responses(
        (status = 200, description = "Saved", body = TelegramAppView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn set_telegram_app(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<TelegramAppInput>,
) -> Result<Json<TelegramAppView>, AppError> {
    Ok(Json(workspace_app::set(&s, &auth, input).await?))
}
