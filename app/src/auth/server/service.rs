//! Sign-up, sign-in and "who am I", shared by server functions and REST handlers.

use super::{password, session, AuthContext};
use crate::auth::{AuthSuccess, Me, SignInInput, SignUpInput, UserView};
use crate::error::server::violates;
use crate::error::{AppError, FieldError};
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::server::record;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
use crate::workspaces::{server as workspaces, Role};
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
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, password_hash, name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(&input.email)
    .bind(&password_hash)
    .bind(&input.name)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let user_id = match inserted {
        Ok(id) => UserId(id),
        Err(e) if violates(&e, "users_email_key", "users.email") => return Err(email_taken()),
        Err(e) => return Err(e.into()),
    };
    let (workspace, mut events) =
        workspaces::create(&mut tx, user_id, &input.workspace_name).await?;
    let token = session::create(&mut tx, &state.settings, user_id, workspace.id, meta).await?;
    events.push(
        record(
            &mut tx,
            workspace.id,
            Some(user_id),
            "member.joined",
            member_data(&input, user_id),
        )
        .await?,
    );
    tx.commit().await?;
    state.hub.publish(events);
    tracing::info!(user_id = %user_id, workspace_id = %workspace.id, "account created");
    Ok(AuthSuccess {
        user: load_user(state, user_id).await?,
        workspace,
        role: Role::Owner,
        access_token: token,
    })
}

fn member_data(input: &SignUpInput, user_id: UserId) -> serde_json::Value {
    let display = if input.name.is_empty() {
        input.email.clone()
    } else {
        input.name.clone()
    };
    serde_json::json!({ "userId": user_id, "name": display, "role": "owner" })
}

fn email_taken() -> AppError {
    let mut e = AppError::conflict("An account with this email already exists");
    e.details = vec![FieldError {
        field: "email".into(),
        message: "An account with this email already exists".into(),
        code: Some("email_taken".into()),
    }];
    e
}

/// Checks the password and opens a new session in the user's last (or first) workspace.
pub async fn sign_in(
    state: &AppState,
    input: SignInInput,
    meta: &ClientMeta,
) -> Result<AuthSuccess, AppError> {
    let input = input.normalized();
    state.signin_throttle.attempt(&input.email, meta.ip)?;
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
        let mut e = AppError::unauthorized("Wrong email or password");
        e.details = vec![FieldError {
            field: "password".into(),
            message: e.error.clone(),
            code: Some("credentials".into()),
        }];
        return Err(e);
    };
    let (workspace_id, role) = workspaces::default_membership(state, user_id)
        .await?
        .ok_or_else(|| AppError::forbidden("This account does not belong to any workspace"))?;
    let mut tx = state.db.begin().await?;
    let token = session::create(&mut tx, &state.settings, user_id, workspace_id, meta).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "signed in");
    Ok(AuthSuccess {
        user: load_user(state, user_id).await?,
        workspace: workspaces::load(state, workspace_id).await?,
        role,
        access_token: token,
    })
}

/// The caller's profile; served from the profile cache when fresh (see `cache`).
pub async fn me(state: &AppState, auth: &AuthContext) -> Result<Me, AppError> {
    let event_seq = state.hub.latest(auth.workspace_id);
    if let Some(cached) = state.auth_cache.profile(auth.user_id, auth.workspace_id) {
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
            state.hub.observe(auth.workspace_id, seq);
            seq
        }
    };
    let me = Me {
        user: load_user(state, auth.user_id).await?,
        workspace: workspaces::load(state, auth.workspace_id).await?,
        role: auth.role,
        workspaces: workspaces::memberships(state, auth.user_id).await?,
        event_seq,
    };
    state
        .auth_cache
        .put_profile(std::sync::Arc::new(me.clone()));
    Ok(me)
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
    state.auth_cache.forget_session(auth.session_id);
    Ok(())
}
