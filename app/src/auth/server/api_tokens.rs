//! Personal API tokens: `pat_` + 32 random bytes, shown once, stored as SHA-256, acting with
//! their owner's current role in the workspace they were created in.

use crate::access::server::{audit, session, AuthContext};
use crate::auth::security::{ApiTokenInput, ApiTokenView, NewApiToken};
use crate::error::AppError;
use crate::server::{now_ms, AppState};
use sqlx::Row;
use validator::Validate;

use crate::access::server::tokens::PREFIX;

fn token_view(r: &crate::server::db::Row) -> Result<ApiTokenView, sqlx::Error> {
    Ok(ApiTokenView {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        prefix: r.try_get("prefix")?,
        last_used_at: r.try_get("last_used_at")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn create(
    state: &AppState,
    auth: &AuthContext,
    input: ApiTokenInput,
) -> Result<NewApiToken, AppError> {
    let input = ApiTokenInput {
        name: input.name.trim().to_string(),
    };
    input.validate()?;
    if auth.api_token_id.is_some() {
        return Err(AppError::forbidden("API tokens cannot create API tokens"));
    }
    let secret = format!("{PREFIX}{}", session::new_token());
    let prefix: String = secret.chars().take(PREFIX.len() + 6).collect();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "INSERT INTO api_tokens (user_id, workspace_id, name, token_hash, prefix, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, prefix, last_used_at, created_at",
    )
    .bind(auth.user_id.0)
    .bind(auth.workspace_id.0)
    .bind(&input.name)
    .bind(session::hash_token(&secret))
    .bind(&prefix)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let token = token_view(&row)?;
    let data = serde_json::json!({ "name": input.name, "prefix": prefix });
    audit::log(
        &mut tx,
        auth,
        "api_token.created",
        ("api_token", token.id.to_string()),
        data,
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiToken { token, secret })
}

/// The caller's tokens in the current workspace.
pub async fn list(state: &AppState, auth: &AuthContext) -> Result<Vec<ApiTokenView>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, last_used_at, created_at FROM api_tokens \
         WHERE user_id = $1 AND workspace_id = $2 ORDER BY created_at DESC, id DESC",
    )
    .bind(auth.user_id.0)
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.iter().map(token_view).collect::<Result<_, _>>()?)
}

pub async fn revoke(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let hash: Option<String> = sqlx::query_scalar(
        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2 AND workspace_id = $3 RETURNING token_hash",
    )
    .bind(id)
    .bind(auth.user_id.0)
    .bind(auth.workspace_id.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(hash) = hash else {
        return Err(AppError::not_found("API token"));
    };
    audit::log(
        &mut tx,
        auth,
        "api_token.revoked",
        ("api_token", id.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    state.auth_cache().forget_token(&hash);
    Ok(())
}
