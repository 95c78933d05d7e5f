//! Emailed single-use links: password reset (an hour), email verification and email change (a
//! day). Only a token's SHA-256 is stored; using one is a single guarded UPDATE, so it works once.

use super::password;
use crate::access::server::audit;
use crate::access::server::{session, AuthContext};
use crate::auth::security::{ForgotPassword, ResetPassword};
use crate::email::server::{self as email, templates::Template};
use crate::error::AppError;
use crate::ids::UserId;
use crate::server::db::Tx;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
use crate::workspaces::server as workspaces;
use sqlx::Row;
use validator::Validate;

const RESET_MS: i64 = 3_600_000;
const VERIFY_MS: i64 = 86_400_000;

/// Stores a new single-use token of `purpose` for `user`, valid for `ttl_ms`; returns it
/// (the only time it exists in clear).
pub(super) async fn issue(
    tx: &mut Tx,
    user: UserId,
    purpose: &str,
    ttl_ms: i64,
) -> Result<String, sqlx::Error> {
    insert(tx, user, purpose, ttl_ms, None).await
}

/// How long the old address can take the account back after an email change.
const REVERT_MS: i64 = 7 * 86_400_000;

/// Stores a single-use token that moves `user` to `new_email` (valid for a day); returns it.
pub(super) async fn issue_email_change(
    tx: &mut Tx,
    user: UserId,
    new_email: &str,
) -> Result<String, sqlx::Error> {
    insert(tx, user, "email_change", VERIFY_MS, Some(new_email)).await
}

/// Stores a single-use token that moves `user` back to `old_email` (valid for a week), for
/// the notice sent to that address; returns it.
pub(super) async fn issue_email_revert(
    tx: &mut Tx,
    user: UserId,
    old_email: &str,
) -> Result<String, sqlx::Error> {
    insert(tx, user, "email_revert", REVERT_MS, Some(old_email)).await
}

/// Ends the user's pending links of these purposes (a password change ends every link that
/// could take the account: resets and email changes).
pub(super) async fn revoke(
    tx: &mut Tx,
    user: UserId,
    purposes: &[&'static str],
) -> Result<(), sqlx::Error> {
    for purpose in purposes {
        sqlx::query(
            "UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 \
             AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user.0)
        .bind(*purpose)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Every link that can take over an account.
pub(super) const ACCOUNT_LINKS: [&str; 3] = ["reset", "email_change", "email_revert"];

async fn insert(
    tx: &mut Tx,
    user: UserId,
    purpose: &str,
    ttl_ms: i64,
    new_email: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = session::new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, purpose, user_id, expires_at, created_at, new_email) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session::hash_token(&token))
    .bind(purpose)
    .bind(user.0)
    .bind(now + ttl_ms)
    .bind(now)
    .bind(new_email)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// Uses a token of `purpose` once; the user it was for, or `None` when it is unknown, used
/// or expired.
async fn consume(tx: &mut Tx, token: &str, purpose: &str) -> Result<Option<UserId>, sqlx::Error> {
    let user: Option<i64> = sqlx::query_scalar(
        "UPDATE auth_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
         AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now_ms())
    .bind(session::hash_token(token.trim()))
    .bind(purpose)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(user.map(UserId))
}

/// An email-change or email-revert link, used.
pub(super) struct AddressMove {
    pub user: UserId,
    /// The address the account moves to.
    pub email: String,
    /// The old address taking the account back (an `email_revert` link).
    pub revert: bool,
}

/// Uses an email-change (or email-revert) token once, or `None` when it is unknown, used or
/// expired.
pub(super) async fn consume_email_change(
    tx: &mut Tx,
    token: &str,
) -> Result<Option<AddressMove>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE auth_tokens SET used_at = $1 WHERE token_hash = $2 \
         AND purpose IN ('email_change', 'email_revert') \
         AND used_at IS NULL AND expires_at > $1 RETURNING user_id, new_email, purpose",
    )
    .bind(now_ms())
    .bind(session::hash_token(token.trim()))
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => Ok(Some(AddressMove {
            user: UserId(r.try_get("user_id")?),
            email: r.try_get("new_email")?,
            revert: r.try_get::<String, _>("purpose")? == "email_revert",
        })),
        None => Ok(None),
    }
}

/// Queues the verification email for a new or changed address, in the caller's transaction.
pub async fn queue_verification(
    tx: &mut Tx,
    state: &AppState,
    user: UserId,
    to: &str,
    locale: &str,
) -> Result<(), AppError> {
    let token = issue(tx, user, "verify", VERIFY_MS).await?;
    let url = format!("{}/verify-email?token={token}", state.settings.app_url());
    let mail = email::templates::render(&Template::VerifyEmail { url: &url }, locale, to);
    email::queue(tx, state, None, &mail).await
}

/// Sends the caller a new verification email.
pub async fn resend_verification(state: &AppState, auth: &AuthContext) -> Result<(), AppError> {
    state.signin_throttle().attempt(
        &format!("verify:{}", auth.user_id),
        auth.ip.unwrap_or([0, 0, 0, 0].into()),
    )?;
    let row = sqlx::query("SELECT email, locale, email_verified_at FROM users WHERE id = $1")
        .bind(auth.user_id.0)
        .fetch_one(&state.db.pool)
        .await?;
    let verified: Option<i64> = row.try_get("email_verified_at")?;
    if verified.is_some() {
        return Err(AppError::conflict("This address is confirmed already"));
    }
    let to: String = row.try_get("email")?;
    let locale: String = row.try_get("locale")?;
    let mut tx = state.db.begin().await?;
    queue_verification(&mut tx, state, auth.user_id, &to, &locale).await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    Ok(())
}

pub async fn verify_email(state: &AppState, token: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let user = consume(&mut tx, token, "verify")
        .await?
        .ok_or_else(|| AppError::field("token", "invalid", "This link was used or has expired"))?;
    sqlx::query(
        "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now_ms())
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.auth_cache().forget_profiles();
    Ok(())
}

/// Starts a password reset. The answer is the same whether or not the address has an account:
/// the lookup and the email happen after the answer, on their own task.
pub async fn forgot_password(
    state: &AppState,
    input: ForgotPassword,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    let email = input.email.trim().to_lowercase();
    state
        .signin_throttle()
        .attempt(&format!("reset:{email}"), meta.ip)?;
    if crate::validation::email(&email).is_err() {
        return Err(AppError::field(
            "email",
            "email",
            "Enter a valid email address",
        ));
    }
    let state = state.clone();
    let ip = meta.ip.to_string();
    tokio::spawn(async move {
        if let Err(e) = send_reset(&state, &email, ip).await {
            tracing::warn!(error = %e.error, "a password reset email was not queued");
        }
    });
    Ok(())
}

async fn send_reset(state: &AppState, email: &str, ip: String) -> Result<(), AppError> {
    let row = sqlx::query("SELECT id, locale FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let user = UserId(row.try_get("id")?);
    let locale: String = row.try_get("locale")?;
    let workspace = workspaces::default_membership(state, user)
        .await?
        .map(|(w, _)| w.0);
    let mut tx = state.db.begin().await?;
    let token = issue(&mut tx, user, "reset", RESET_MS).await?;
    let url = format!("{}/reset-password?token={token}", state.settings.app_url());
    let mail = email::templates::render(&Template::PasswordReset { url: &url }, &locale, email);
    email::queue(&mut tx, state, None, &mail).await?;
    let actor = audit::AuditActor {
        workspace_id: workspace,
        user_id: Some(user.0),
        ip,
        source: "manual",
    };
    audit::log(
        &mut tx,
        actor,
        "auth.reset_requested",
        ("user", user.0.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    Ok(())
}

/// Sets a new password with a reset token and ends every session of the account.
pub async fn reset_password(
    state: &AppState,
    input: ResetPassword,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    input.validate()?;
    state.signin_throttle().attempt("reset-token", meta.ip)?;
    let hash = password::hash(input.password.clone()).await?;
    let mut tx = state.db.begin().await?;
    let user = consume(&mut tx, &input.token, "reset")
        .await?
        .ok_or_else(|| AppError::field("token", "invalid", "This link was used or has expired"))?;
    let now = now_ms();
    sqlx::query(
        "UPDATE users SET password_hash = $1, email_verified_at = COALESCE(email_verified_at, $2), \
         updated_at = $2 WHERE id = $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    // Other reset links sent before this one, and pending email changes, stop working too.
    revoke(&mut tx, user, &ACCOUNT_LINKS).await?;
    let workspace = workspaces::default_membership(state, user)
        .await?
        .map(|(w, _)| w.0);
    let actor = audit::AuditActor {
        workspace_id: workspace,
        user_id: Some(user.0),
        ip: meta.ip.to_string(),
        source: "manual",
    };
    audit::log(
        &mut tx,
        actor,
        "auth.password_reset",
        ("user", user.0.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    state.auth_cache().forget_user_sessions(user);
    Ok(())
}
