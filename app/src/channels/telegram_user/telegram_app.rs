//! The workspace's Telegram application (api_id and api_hash from my.telegram.org): every user
//! account of the workspace logs in through it. Owners and admins set it (audited); the hash is
//! sealed and never shown again.

use super::boundary::ApiCredentials;
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::{TelegramAppInput, TelegramAppView};
use crate::server::AppState;
use validator::Validate;

/// The workspace's Telegram application, or a clear 409 when it is not set.
pub async fn credentials(state: &AppState, workspace_id: i64) -> Result<ApiCredentials, AppError> {
    let (api_id, hash): (Option<i64>, String) =
        sqlx::query_as("SELECT telegram_api_id, telegram_api_hash FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_one(&state.db.pool)
            .await?;
    let missing = || {
        AppError::conflict(
            "Set the workspace's Telegram application (api_id and api_hash from my.telegram.org) in Settings first",
        )
    };
    let api_id = api_id.ok_or_else(missing)?;
    if hash.is_empty() {
        return Err(missing());
    }
    let api_hash = state.secrets.open(&hash).map_err(|e| {
        tracing::error!(workspace = workspace_id, error = %e, "the Telegram api_hash does not open");
        AppError::internal()
    })?;
    use secrecy::ExposeSecret;
    Ok(ApiCredentials {
        api_id: i32::try_from(api_id).map_err(|_| missing())?,
        api_hash: api_hash.expose_secret().to_string(),
    })
}

pub async fn get(state: &AppState, auth: &AuthContext) -> Result<TelegramAppView, AppError> {
    let (api_id, hash): (Option<i64>, String) =
        sqlx::query_as("SELECT telegram_api_id, telegram_api_hash FROM workspaces WHERE id = $1")
            .bind(auth.workspace_id.0)
            .fetch_one(&state.db.pool)
            .await?;
    Ok(TelegramAppView {
        api_id,
        configured: api_id.is_some() && !hash.is_empty(),
    })
}

/// Sets the workspace's Telegram application (owners and admins; audited; the hash sealed).
pub async fn set(
    state: &AppState,
    auth: &AuthContext,
    input: TelegramAppInput,
) -> Result<TelegramAppView, AppError> {
    auth.require(Action::ManageWorkspace)?;
    let input = TelegramAppInput {
        api_id: input.api_id,
        api_hash: input.api_hash.trim().to_lowercase(),
    };
    input.validate()?;
    if !input.api_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::field(
            "apiHash",
            "invalid",
            "The api_hash has 32 hexadecimal characters",
        ));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE workspaces SET telegram_api_id = $1, telegram_api_hash = $2 WHERE id = $3")
        .bind(input.api_id)
        .bind(state.secrets.seal(&input.api_hash))
        .bind(auth.workspace_id.0)
        .execute(&mut *tx)
        .await?;
    crate::access::server::audit::log(
        &mut tx,
        auth,
        "workspace.telegram_app",
        ("workspace", auth.workspace_id.0.to_string()),
        serde_json::json!({ "apiId": input.api_id }),
    )
    .await?;
    tx.commit().await?;
    get(state, auth).await
}
