//! The member's own profile: name, language and time zone, and a new password while signed in.
//! Shared by the REST routes (`PATCH /api/auth/me`, `POST /api/auth/password`) and the server
//! functions of the profile page.

use super::{password, service};
use crate::access::server::audit;
use crate::access::server::AuthContext;
use crate::access::{MemberEvent, UserView};
use crate::auth::profile::{canonical_zone, PasswordChange, ProfileInput};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ids::{UserId, WorkspaceId};
use crate::providers::prefs::{LANG_COOKIE, TZ_COOKIE};
use crate::realtime::server::UnitOfWork;
use crate::server::{now_ms, AppState};
use sqlx::Row;
use validator::Validate;

/// Saves the fields present in `input`; answers the profile as it now is.
pub async fn update(
    state: &AppState,
    auth: &AuthContext,
    input: ProfileInput,
) -> Result<UserView, AppError> {
    let input = input.normalized();
    input.validate()?;
    let zone = match input.time_zone.as_deref() {
        Some(z) => Some(canonical_zone(z).ok_or_else(unknown_zone)?),
        None => None,
    };
    let mut uow = UnitOfWork::begin(state).await?;
    let before = shown_name(&mut uow, auth.user_id).await?;
    sqlx::query(
        "UPDATE users SET name = COALESCE($1, name), locale = COALESCE($2, locale), \
         time_zone = COALESCE($3, time_zone), updated_at = $4 WHERE id = $5",
    )
    .bind(input.name.clone())
    .bind(input.locale)
    .bind(zone)
    .bind(now_ms())
    .bind(auth.user_id.0)
    .execute(uow.conn())
    .await?;
    if shown_name(&mut uow, auth.user_id).await? != before {
        record_shown_name(&mut uow, auth.user_id).await?;
    }
    uow.commit().await?;
    state.auth_cache().forget_profiles();
    service::load_user(state, auth.user_id).await
}

/// The name lists show for a member: their name, else their email.
async fn shown_name(uow: &mut UnitOfWork<'_>, user: UserId) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(uow.conn())
            .await?,
    )
}

/// Records `member.renamed` with the name lists now show for `user`, in every workspace that
/// shows it: where they are a member, and where records they own remain after they left.
pub(super) async fn record_shown_name(
    uow: &mut UnitOfWork<'_>,
    user: UserId,
) -> Result<(), AppError> {
    let name = shown_name(uow, user).await?;
    let workspaces: Vec<i64> = sqlx::query_scalar(
        "SELECT workspace_id FROM memberships WHERE user_id = $1 \
         UNION SELECT workspace_id FROM contacts WHERE owner_id = $1 \
         UNION SELECT workspace_id FROM companies WHERE owner_id = $1 \
         UNION SELECT workspace_id FROM deals WHERE owner_id = $1",
    )
    .bind(user.0)
    .fetch_all(uow.conn())
    .await?;
    let renamed = MemberEvent::Renamed {
        user_id: user,
        name,
    };
    for ws in workspaces {
        uow.record(WorkspaceId(ws), Some(user), &renamed).await?;
    }
    Ok(())
}

fn unknown_zone() -> AppError {
    AppError::field("timeZone", "time_zone", "Choose a time zone from the list")
}

/// The language and zone a new account starts with: what the browser sent when it is valid,
/// else English and UTC (a sign-up never fails over them).
pub fn sign_up_prefs(locale: Option<&str>, time_zone: Option<&str>) -> (&'static str, String) {
    let lang = locale.and_then(Lang::parse).unwrap_or_default();
    let zone = time_zone
        .and_then(|z| canonical_zone(z.trim()))
        .unwrap_or_else(|| "UTC".into());
    (lang.code(), zone)
}

/// The `Set-Cookie` values that make the next page render in the member's language and zone.
pub fn pref_cookies(user: &UserView) -> [String; 2] {
    let lang = Lang::parse(&user.locale).unwrap_or_default().code();
    let zone = canonical_zone(&user.time_zone).unwrap_or_else(|| "UTC".into());
    let attributes = "Path=/; Max-Age=31536000; SameSite=Lax";
    [
        format!("{LANG_COOKIE}={lang}; {attributes}"),
        format!("{TZ_COOKIE}={zone}; {attributes}"),
    ]
}

/// The caller's address and language, once `password` is proved to be theirs. Attempts count
/// against the sign-in throttle; a wrong password is a field error on `currentPassword`.
pub(super) async fn check_password(
    state: &AppState,
    auth: &AuthContext,
    password: &str,
) -> Result<Account, AppError> {
    let ip = auth.ip.unwrap_or([0, 0, 0, 0].into());
    state
        .signin_throttle()
        .attempt(&format!("password:{}", auth.user_id), ip)?;
    let row = sqlx::query("SELECT email, name, password_hash, locale FROM users WHERE id = $1")
        .bind(auth.user_id.0)
        .fetch_one(&state.db.pool)
        .await?;
    let stored: String = row.try_get("password_hash")?;
    if !password::verify(password.to_string(), Some(stored)).await? {
        let details = serde_json::json!({ "reason": "current_password" });
        let target = ("user", auth.user_id.0.to_string());
        audit::log_now(
            state,
            auth.into(),
            "auth.password_check_failed",
            target,
            details,
        )
        .await?;
        return Err(AppError::field(
            "currentPassword",
            "wrong_password",
            "This is not your current password",
        ));
    }
    Ok(Account {
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        locale: row.try_get("locale")?,
    })
}

pub(super) struct Account {
    pub email: String,
    pub name: String,
    pub locale: String,
}

/// Sets a new password after checking the current one; every other session of the account
/// ends (this one stays signed in), and so do reset links sent before.
pub async fn change_password(
    state: &AppState,
    auth: &AuthContext,
    input: PasswordChange,
) -> Result<(), AppError> {
    input.validate()?;
    check_password(state, auth, &input.current_password).await?;
    let hash = password::hash(input.new_password.clone()).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now)
        .bind(auth.user_id.0)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(auth.user_id.0)
        .bind(auth.session_id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // Links sent before (a reset, an email change asked with the old password) stop working.
    super::email_links::revoke(&mut tx, auth.user_id, &super::email_links::ACCOUNT_LINKS).await?;
    let details = serde_json::json!({ "sessionsEnded": ended });
    let target = ("user", auth.user_id.0.to_string());
    audit::log(&mut tx, auth, "auth.password_changed", target, details).await?;
    tx.commit().await?;
    state.auth_cache().forget_user_sessions(auth.user_id);
    tracing::info!(user_id = %auth.user_id, ended, "password changed");
    Ok(())
}
