//! Server-side sessions: random tokens, stored only as SHA-256, with idle and absolute expiry.

use super::cache::CachedSession;
use super::{Actor, AuthContext};
use crate::access::Role;
use crate::error::AppError;
use crate::ids::{SessionId, UserId, WorkspaceId};
use crate::server::db::Tx;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState, Settings};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// `last_seen_at` is refreshed at most this often, so reads do not turn into writes.
const TOUCH_EVERY_MS: i64 = 60_000;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Opens a session and returns its token (the only time it exists in clear).
pub async fn create(
    tx: &mut Tx,
    settings: &Settings,
    user_id: UserId,
    workspace_id: WorkspaceId,
    meta: &ClientMeta,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_ms();
    let expires_at = now + settings.session_absolute_hours as i64 * 3_600_000;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, workspace_id, created_at, last_seen_at, \
         expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(hash_token(&token))
    .bind(user_id.0)
    .bind(workspace_id.0)
    .bind(now)
    .bind(expires_at)
    .bind(meta.ip.to_string())
    .bind(meta.user_agent.clone())
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// Resolves a token to its live session and the caller's role in the session's workspace.
pub async fn lookup(state: &AppState, token: &str) -> Result<Option<AuthContext>, AppError> {
    if token.starts_with(super::tokens::PREFIX) {
        return super::tokens::lookup(state, token).await;
    }
    let token_hash = hash_token(token);
    if let Some(cached) = state.auth_cache().session(&token_hash) {
        if live(state, cached.last_seen_at, cached.expires_at) {
            return Ok(Some(cached.ctx));
        }
        state.auth_cache().forget_token(&token_hash);
    }
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.workspace_id, s.last_seen_at, s.expires_at, m.role, \
         CASE WHEN w.require_two_factor <> 0 AND NOT EXISTS (SELECT 1 FROM user_totp t \
           WHERE t.user_id = s.user_id AND t.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END AS must_enrol \
         FROM sessions s JOIN memberships m \
           ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id \
         JOIN workspaces w ON w.id = s.workspace_id \
         WHERE s.token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let session_id = SessionId(row.try_get("id")?);
    if !live(state, last_seen, expires_at) {
        revoke(state, session_id).await?;
        return Ok(None);
    }
    let mut last_seen = last_seen;
    if now - last_seen >= TOUCH_EVERY_MS {
        last_seen = now;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(session_id.0)
            .execute(&state.db.pool)
            .await?;
    }
    let role: String = row.try_get("role")?;
    let must_enrol: i64 = row.try_get("must_enrol")?;
    let ctx = AuthContext {
        session_id,
        user_id: UserId(row.try_get("user_id")?),
        workspace_id: WorkspaceId(row.try_get("workspace_id")?),
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        via_api: false,
        ip: None,
        api_token_id: None,
        must_enrol_two_factor: must_enrol != 0,
        actor: Actor::Member,
    };
    state.auth_cache().put_session(
        token_hash,
        CachedSession {
            ctx: ctx.clone(),
            last_seen_at: last_seen,
            expires_at,
        },
    );
    Ok(Some(ctx))
}

/// Neither past the absolute expiry nor idle for longer than allowed.
fn live(state: &AppState, last_seen_at: i64, expires_at: i64) -> bool {
    let now = now_ms();
    let idle_ms = state.settings.session_idle_minutes as i64 * 60_000;
    now < expires_at && now - last_seen_at < idle_ms
}

pub async fn is_active(state: &AppState, id: SessionId) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id.0)
            .bind(now_ms())
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(found.is_some())
}

pub async fn revoke(state: &AppState, id: SessionId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id.0)
        .execute(&state.db.pool)
        .await?;
    state.auth_cache().forget_session(id);
    Ok(())
}

/// Ends every session of a user ("sign out everywhere").
pub async fn revoke_all(state: &AppState, user_id: UserId) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.0)
        .execute(&state.db.pool)
        .await?;
    state.auth_cache().forget_user_sessions(user_id);
    Ok(done.rows_affected())
}

/// Revokes the session behind a token, if any (used when a sign-in replaces a session).
pub async fn revoke_token(state: &AppState, token: &str) -> Result<(), sqlx::Error> {
    let token_hash = hash_token(token);
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&token_hash)
        .execute(&state.db.pool)
        .await?;
    state.auth_cache().forget_token(&token_hash);
    Ok(())
}

/// The `Set-Cookie` value carrying a session token.
pub fn cookie(settings: &Settings, token: &str) -> String {
    let max_age = settings.session_absolute_hours * 3600;
    let secure = if settings.tls { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        super::SESSION_COOKIE
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(settings: &Settings) -> String {
    let secure = if settings.tls { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        super::SESSION_COOKIE
    )
}
