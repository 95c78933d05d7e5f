//! Sign-up, sign-in and "who am I", shared by server functions and REST handlers.

use super::{password, two_factor};
use crate::access::server::audit;
use crate::access::server::{session, AuthContext};
use crate::access::{Me, MeSecurity, MemberEvent, Role, UserView};
use crate::auth::security::{SignInOutcome, TwoFactorChallenge, TwoFactorValidate};
use crate::auth::{AuthSuccess, SignInInput, SignUpInput};
use crate::error::server::violates;
use crate::error::{AppError, FieldError};
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Tx;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
use crate::workspaces::server as workspaces;
use sqlx::Row;
use validator::Validate;

/// Creates the user, a workspace they own, and a session. Returns the session token too.
pub async fn sign_up(
    state: &AppState,
    input: SignUpInput,
    meta: &ClientMeta,
) -> Result<AuthSuccess, AppError> {
    let input = input.normalized();
    input.validate()?;
    let password_hash = password::hash(input.password.clone()).await?;
    let mut uow = UnitOfWork::begin(state).await?;
    let (locale, time_zone) =
        super::profile::sign_up_prefs(input.locale.as_deref(), input.time_zone.as_deref());
    let user_id = insert_user(
        &mut uow,
        NewUser {
            email: &input.email,
            password_hash: &password_hash,
            name: &input.name,
            verified: false,
            locale,
            time_zone: &time_zone,
        },
    )
    .await?;
    let (workspace, events) = workspaces::create(&mut uow, user_id, &input.workspace_name).await?;
    uow.recorded(events);
    let token = session::create(&mut uow, &state.settings, user_id, workspace.id, meta).await?;
    let joined = member_data(&input, user_id);
    uow.record(workspace.id, Some(user_id), &joined).await?;
    super::email_links::queue_verification(&mut uow, state, user_id, &input.email, locale).await?;
    uow.wake_jobs();
    uow.commit().await?;
    tracing::info!(user_id = %user_id, workspace_id = %workspace.id, "account created");
    Ok(AuthSuccess {
        user: load_user(state, user_id).await?,
        workspace,
        role: Role::Owner,
        access_token: token,
    })
}

/// Inserts a user; an email already taken answers 409 with a field error. `verified` marks the
/// address confirmed (the user proved it by opening an emailed link).
/// An account about to be created.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    /// The address is already proved (an invitation sent to it).
    pub verified: bool,
    /// The member's language and IANA time zone (see `profile::sign_up_prefs`).
    pub locale: &'a str,
    pub time_zone: &'a str,
}

pub async fn insert_user(tx: &mut Tx, user: NewUser<'_>) -> Result<UserId, AppError> {
    let now = now_ms();
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, password_hash, name, email_verified_at, locale, time_zone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.name)
    .bind(user.verified.then_some(now))
    .bind(user.locale)
    .bind(user.time_zone)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(id) => Ok(UserId(id)),
        Err(e) if violates(&e, "users_email_key", "users.email") => Err(email_taken("email")),
        Err(e) => Err(e.into()),
    }
}

fn member_data(input: &SignUpInput, user_id: UserId) -> MemberEvent {
    let display = if input.name.is_empty() {
        input.email.clone()
    } else {
        input.name.clone()
    };
    MemberEvent::MemberJoined {
        user_id,
        role: "owner".into(),
        name: Some(display),
        invite_id: None,
    }
}

/// 409 with the field error `email_taken` on `field`.
pub(super) fn email_taken(field: &str) -> AppError {
    let mut e = AppError::conflict("An account with this email already exists");
    e.details = vec![FieldError {
        field: field.into(),
        message: "An account with this email already exists".into(),
        code: Some("email_taken".into()),
    }];
    e
}

/// Checks the password; opens a new session in the user's last (or first) workspace, or, when
/// the account uses two-factor sign-in, answers with the token for the second step.
pub async fn sign_in(
    state: &AppState,
    input: SignInInput,
    meta: &ClientMeta,
) -> Result<SignInOutcome, AppError> {
    let input = input.normalized();
    state.signin_throttle().attempt(&input.email, meta.ip)?;
    input.validate()?;
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&input.email)
        .fetch_optional(&state.db.pool)
        .await?;
    let (user_id, stored) = match &row {
        Some(r) => (
            Some(UserId(r.try_get("id")?)),
            Some(r.try_get::<String, _>("password_hash")?),
        ),
        None => (None, None),
    };
    let (true, Some(user_id)) = (
        password::verify(input.password.clone(), stored).await?,
        user_id,
    ) else {
        tracing::info!(ip = %meta.ip, "failed sign-in");
        let details = serde_json::json!({ "email": input.email, "reason": "password" });
        audit_sign_in(state, user_id, meta, "auth.signin_failed", details).await?;
        let mut e = AppError::unauthorized("Wrong email or password");
        e.details = vec![FieldError {
            field: "password".into(),
            message: e.error.clone(),
            code: Some("credentials".into()),
        }];
        return Err(e);
    };
    if two_factor::enabled(state, user_id).await? {
        return Ok(SignInOutcome::TwoFactor(TwoFactorChallenge {
            requires_two_factor: true,
            temp_token: two_factor::challenge(state, user_id).await?,
        }));
    }
    Ok(SignInOutcome::SignedIn(
        open_session(state, user_id, meta, "password").await?,
    ))
}

/// The second sign-in step: the temporary token and a code or a recovery code, each accepted
/// once; wrong codes count against the sign-in throttle.
pub async fn validate_two_factor(
    state: &AppState,
    input: TwoFactorValidate,
    meta: &ClientMeta,
) -> Result<AuthSuccess, AppError> {
    let token_hash = session::hash_token(input.temp_token.trim());
    let user: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM auth_tokens WHERE token_hash = $1 AND purpose = 'two_factor' \
         AND used_at IS NULL AND expires_at > $2",
    )
    .bind(&token_hash)
    .bind(now_ms())
    .fetch_optional(&state.db.pool)
    .await?;
    let user = UserId(user.ok_or_else(|| {
        AppError::unauthorized("This sign-in has expired: enter your email and password again")
    })?);
    state
        .signin_throttle()
        .attempt(&format!("2fa:{user}"), meta.ip)?;
    let mut tx = state.db.begin().await?;
    let used = two_factor::check_second_factor(
        state,
        &mut tx,
        user,
        input.token.as_deref(),
        input.recovery_code.as_deref(),
    )
    .await?;
    let Some(method) = used else {
        drop(tx);
        let details = serde_json::json!({ "reason": "second_factor" });
        audit_sign_in(state, Some(user), meta, "auth.signin_failed", details).await?;
        let field = if input.token.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            "token"
        } else {
            "recoveryCode"
        };
        let mut e = AppError::unauthorized("That code is not right (or was used already)");
        e.details = vec![FieldError {
            field: field.into(),
            message: e.error.clone(),
            code: Some("wrong_code".into()),
        }];
        return Err(e);
    };
    let done = sqlx::query(
        "UPDATE auth_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now_ms())
    .bind(&token_hash)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::unauthorized(
            "This sign-in has expired: enter your email and password again",
        ));
    }
    tx.commit().await?;
    open_session(state, user, meta, method).await
}

/// Opens a session in the user's default workspace and records the sign-in.
async fn open_session(
    state: &AppState,
    user_id: UserId,
    meta: &ClientMeta,
    method: &str,
) -> Result<AuthSuccess, AppError> {
    let (workspace_id, role) = workspaces::default_membership(state, user_id)
        .await?
        .ok_or_else(|| AppError::forbidden("This account does not belong to any workspace"))?;
    let mut tx = state.db.begin().await?;
    let token = session::create(&mut tx, &state.settings, user_id, workspace_id, meta).await?;
    let actor = audit::AuditActor {
        workspace_id: Some(workspace_id.0),
        user_id: Some(user_id.0),
        ip: meta.ip.to_string(),
        source: "manual",
    };
    let details = serde_json::json!({ "method": method });
    audit::log(
        &mut tx,
        actor,
        "auth.signed_in",
        ("user", user_id.0.to_string()),
        details,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "signed in");
    Ok(AuthSuccess {
        user: load_user(state, user_id).await?,
        workspace: workspaces::load(state, workspace_id).await?,
        role,
        access_token: token,
    })
}

/// Records a sign-in event in the user's default workspace (none for an unknown email).
async fn audit_sign_in(
    state: &AppState,
    user: Option<UserId>,
    meta: &ClientMeta,
    action: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let workspace = match user {
        Some(u) => workspaces::default_membership(state, u)
            .await?
            .map(|(w, _)| w.0),
        None => None,
    };
    let actor = audit::AuditActor {
        workspace_id: workspace,
        user_id: user.map(|u| u.0),
        ip: meta.ip.to_string(),
        source: "manual",
    };
    let target = ("user", user.map(|u| u.0.to_string()).unwrap_or_default());
    audit::log_now(state, actor, action, target, details).await
}

/// The caller's profile; served from the profile cache when fresh (see `cache`).
pub async fn me(state: &AppState, auth: &AuthContext) -> Result<Me, AppError> {
    let event_seq = state.hub().latest(auth.workspace_id);
    if let Some(cached) = state.auth_cache().profile(auth.user_id, auth.workspace_id) {
        if cached.role == auth.role {
            let mut me = (*cached).clone();
            me.event_seq = event_seq.unwrap_or(me.event_seq).max(me.event_seq);
            return Ok(me);
        }
    }
    let event_seq = match event_seq {
        Some(seq) => seq,
        None => {
            let seq = crate::realtime::server::latest_seq(&state.db, auth.workspace_id).await?;
            state.hub().observe(auth.workspace_id, seq);
            seq
        }
    };
    let me = Me {
        user: load_user(state, auth.user_id).await?,
        workspace: workspaces::load(state, auth.workspace_id).await?,
        role: auth.role,
        workspaces: workspaces::memberships(state, auth.user_id).await?,
        event_seq,
        security: security_flags(state, auth).await?,
    };
    state
        .auth_cache()
        .put_profile(std::sync::Arc::new(me.clone()));
    Ok(me)
}

/// Two-factor and address state for the UI.
async fn security_flags(state: &AppState, auth: &AuthContext) -> Result<MeSecurity, AppError> {
    let row = sqlx::query(
        "SELECT u.email_verified_at, w.require_two_factor, \
         (SELECT COUNT(*) FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp \
         FROM users u, workspaces w WHERE u.id = $1 AND w.id = $2",
    )
    .bind(auth.user_id.0)
    .bind(auth.workspace_id.0)
    .fetch_one(&state.db.pool)
    .await?;
    let verified: Option<i64> = row.try_get("email_verified_at")?;
    let required: i64 = row.try_get("require_two_factor")?;
    let totp: i64 = row.try_get("totp")?;
    Ok(MeSecurity {
        email_verified: verified.is_some(),
        two_factor_enabled: totp > 0,
        must_enrol_two_factor: required != 0 && totp == 0,
    })
}

pub async fn load_user(state: &AppState, id: UserId) -> Result<UserView, AppError> {
    let row = sqlx::query("SELECT id, email, name, locale, time_zone FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("User"))?;
    Ok(UserView {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        locale: row.try_get("locale")?,
        time_zone: row.try_get("time_zone")?,
    })
}

/// Moves a session to another workspace the user belongs to.
pub async fn switch_workspace(
    state: &AppState,
    auth: &AuthContext,
    to: WorkspaceId,
) -> Result<(), AppError> {
    let member: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(to.0)
            .bind(auth.user_id.0)
            .fetch_optional(&state.db.pool)
            .await?;
    if member.is_none() {
        return Err(AppError::not_found("Workspace"));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE sessions SET workspace_id = $1 WHERE id = $2")
        .bind(to.0)
        .bind(auth.session_id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET last_workspace_id = $1 WHERE id = $2")
        .bind(to.0)
        .bind(auth.user_id.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.auth_cache().forget_session(auth.session_id);
    Ok(())
}
