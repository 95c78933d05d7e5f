//! Receiving by webhook: `POST /api/telegram/webhook/{accountId}`, which Telegram calls with
//! the secret given to `setWebhook` in `X-Telegram-Bot-Api-Secret-Token`. A wrong or missing
//! secret is refused before the body is read as an update.

use super::inbound::{store_update, Receiver};
use super::types::Update;
use super::BotClient;
use crate::error::AppError;
use crate::server::secrets::constant_time_eq;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use sqlx::Row as _;

pub async fn receive(
    State(state): State<AppState>,
    Path(account_id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, AppError> {
    let row = sqlx::query(
        "SELECT workspace_id, secret, webhook_secret FROM channel_accounts \
         WHERE id = $1 AND kind = 'telegram_bot' AND receive_mode = 'webhook' AND status <> 'disconnected'",
    )
    .bind(account_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Account"))?;
    let expected: String = row.try_get("webhook_secret")?;
    let given = headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(AppError::unauthorized("Wrong webhook secret"));
    }
    let update: Update = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("Not a Telegram update: {e}")))?;
    let secret: String = row.try_get("secret")?;
    let token = state
        .secrets
        .open(&secret)
        .map_err(|_| AppError::internal())?;
    let client = BotClient::new(state.http.clone(), &state.settings.telegram_api_base, token);
    let to = Receiver {
        account_id,
        workspace_id: row.try_get("workspace_id")?,
    };
    store_update(&state, &client, to, &update).await?;
    Ok(StatusCode::OK)
}
