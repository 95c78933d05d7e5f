//! Resolving a personal API token (`pat_…`) to its owner's context; creating and revoking
//! tokens is the account's business (`auth::server::api_tokens`).

use super::cache::CachedSession;
use super::{session, Actor, AuthContext};
use crate::access::Role;
use crate::error::AppError;
use crate::ids::{SessionId, UserId, WorkspaceId};
use crate::server::{now_ms, AppState};
use sqlx::Row;

/// What every personal API token starts with.
pub const PREFIX: &str = "pat_";
/// `last_used_at` is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

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
        CachedSession {
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
