//! Personal API tokens: `pat_` + 32 random bytes, shown once, stored as SHA-256, acting with
//! their owner's current role in the workspace they were created in.

use super::{session, Actor, AuthContext};
use crate::auth::security::{ApiTokenInput, ApiTokenView, NewApiToken};
use crate::error::AppError;
use crate::ids::{SessionId, UserId, WorkspaceId};
use crate::server::{now_ms, AppState};
use crate::team::server::audit;
use crate::workspaces::Role;
use sqlx::Row;
use validator::Validate;

pub const PREFIX: &str = "pat_";
/// `last_used_at` is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

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

/// Resolves a `pat_` token to its owner's context, or `None` for an unknown one.
pub async fn lookup(state: &AppState, token: &str) -> Result<Option<AuthContext>, AppError> {
    let token_hash = session::hash_token(token);
    if let Some(cached) = state.auth_cache().session(&token_hash) {
        return Ok(Some(cached.ctx));
    }
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.workspace_id, t.last_used_at, m.role, \
         CASE WHEN w.require_two_factor <> 0 AND NOT EXISTS (SELECT 1 FROM user_totp u \
           WHERE u.user_id = t.user_id AND u.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END AS must_enrol \
         FROM api_tokens t \
         JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id \
         JOIN workspaces w ON w.id = t.workspace_id \
         WHERE t.token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    let now = now_ms();
    if last_used.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&state.db.pool)
            .await?;
    }
    let role: String = row.try_get("role")?;
    let must_enrol: i64 = row.try_get("must_enrol")?;
    let ctx = AuthContext {
        session_id: SessionId(0),
        user_id: UserId(row.try_get("user_id")?),
        workspace_id: WorkspaceId(row.try_get("workspace_id")?),
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        via_api: true,
        ip: None,
        api_token_id: Some(id),
        must_enrol_two_factor: must_enrol != 0,
        actor: Actor::Member,
    };
    state.auth_cache().put_session(
        token_hash,
        super::cache::CachedSession {
            ctx: ctx.clone(),
            last_seen_at: now,
            expires_at: i64::MAX,
        },
    );
    Ok(Some(ctx))
}

/// Whether a token still exists (a WebSocket opened with one checks it now and then).
pub async fn is_active(state: &AppState, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?;
    Ok(found.is_some())
}
