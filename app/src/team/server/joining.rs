//! Following an invitation: what it offers (`preview`) and joining with it (`accept`), as a
//! signed-in user or with a new account. Accepting claims a use with one guarded UPDATE, so a
//! used-up, revoked or expired invitation never lets anyone in.

use super::invites::LIVE;
use crate::access::server::audit;
use crate::access::server::{session, AuthContext};
use crate::access::{MemberEvent, Role};
use crate::auth::server::{password, service};
use crate::auth::AuthSuccess;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::realtime::server::record_event;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
use crate::team::{AcceptInvite, InvitePreview};
use crate::workspaces::server as workspaces;
use serde_json::json;
use sqlx::Row;
use validator::Validate;

fn no_longer_valid() -> AppError {
    AppError::not_found("Invitation")
}

/// What the join page shows; any invitation that cannot be used answers 404.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitePreview, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT i.email, i.role, w.name AS workspace, u.name, u.email AS inviter_email, \
         (SELECT COUNT(*) FROM users x WHERE x.email = i.email) AS existing \
         FROM invites i JOIN workspaces w ON w.id = i.workspace_id \
         LEFT JOIN users u ON u.id = i.created_by WHERE i.token_hash = $1 AND {LIVE}"
    )))
    .bind(session::hash_token(token))
    .bind(now_ms())
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(no_longer_valid)?;
    let role: String = row.try_get("role")?;
    let name: Option<String> = row.try_get("name")?;
    let inviter_email: Option<String> = row.try_get("inviter_email")?;
    let existing: i64 = row.try_get("existing")?;
    Ok(InvitePreview {
        workspace_name: row.try_get("workspace")?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        email: row.try_get("email")?,
        invited_by: name.filter(|n| !n.is_empty()).or(inviter_email),
        existing_account: existing > 0,
    })
}

/// Accepts an invitation: a signed-in caller joins the workspace; otherwise an account is
/// created with the given details. Either way the answer is a session in that workspace.
pub async fn accept(
    state: &AppState,
    caller: Option<&AuthContext>,
    input: AcceptInvite,
    meta: &ClientMeta,
) -> Result<AuthSuccess, AppError> {
    input.validate()?;
    // A new account's password is hashed before the transaction (it is slow).
    let new_account = match caller {
        Some(_) => None,
        None => Some(new_account_details(&input).await?),
    };
    let mut tx = state.db.begin().await?;
    // The conditions sit in the UPDATE itself, so concurrent accepts re-check them on the row
    // they wait for (a subquery would not be re-evaluated on PostgreSQL).
    let claimed = sqlx::query(
        "UPDATE invites SET uses = uses + 1 WHERE token_hash = $1 AND revoked_at IS NULL \
         AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses) \
         RETURNING id, workspace_id, role, email",
    )
    .bind(session::hash_token(&input.token))
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_longer_valid)?;
    let invite_id: i64 = claimed.try_get("id")?;
    let ws = WorkspaceId(claimed.try_get("workspace_id")?);
    let role_text: String = claimed.try_get("role")?;
    let role = Role::parse(&role_text).unwrap_or(Role::Viewer);
    let invited_email: Option<String> = claimed.try_get("email")?;
    let user = match (caller, new_account) {
        (Some(auth), _) => {
            let user = service::load_user(state, auth.user_id).await?;
            if invited_email.as_ref().is_some_and(|e| *e != user.email) {
                return Err(AppError::forbidden(
                    "This invitation was sent to another email address",
                ));
            }
            user.id
        }
        (None, Some((email, name, hash))) => {
            let email = match &invited_email {
                Some(invited) => invited.clone(),
                None => email.ok_or_else(|| {
                    AppError::field("email", "required", "This field is required")
                })?,
            };
            let (locale, time_zone) = crate::auth::server::profile::sign_up_prefs(
                input.locale.as_deref(),
                input.time_zone.as_deref(),
            );
            let new_user = service::NewUser {
                email: &email,
                password_hash: &hash,
                name: &name,
                verified: invited_email.is_some(),
                locale,
                time_zone: &time_zone,
            };
            service::insert_user(&mut tx, new_user)
                .await
                .map_err(|mut e| {
                    if e.code == crate::error::ErrorCode::Conflict {
                        e.error =
                            "An account with this email exists: sign in, then open the link again"
                                .into();
                    }
                    e
                })?
        }
        (None, None) => return Err(AppError::internal()),
    };
    let joined = sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(ws.0)
    .bind(user.0)
    .bind(role.as_str())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if joined.rows_affected() == 0 {
        return Err(AppError::conflict(
            "You are already a member of this workspace",
        ));
    }
    let token = session::create(&mut tx, &state.settings, user, ws, meta).await?;
    sqlx::query("UPDATE users SET last_workspace_id = $1 WHERE id = $2")
        .bind(ws.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    let actor = audit::AuditActor {
        workspace_id: Some(ws.0),
        user_id: Some(user.0),
        ip: meta.ip.to_string(),
        source: "manual",
    };
    let joined = MemberEvent::MemberJoined {
        user_id: user,
        role: role.as_str().into(),
        name: None,
        invite_id: Some(invite_id),
    };
    let details = json!({ "userId": user, "role": role.as_str(), "inviteId": invite_id });
    let target = ("user", user.0.to_string());
    audit::log(&mut tx, actor, "member.joined", target, details).await?;
    let event = record_event(&mut tx, ws, Some(user), &joined).await?;
    tx.commit().await?;
    if let Some(auth) = caller {
        state.auth_cache().forget_session(auth.session_id);
    }
    state.auth_cache().forget_profiles();
    state.sequencer().publish(event).await?;
    Ok(AuthSuccess {
        user: service::load_user(state, user).await?,
        workspace: workspaces::load(state, ws).await?,
        role,
        access_token: token,
    })
}

/// Checks a new account's email (for links), name and password, and hashes the password.
async fn new_account_details(
    input: &AcceptInvite,
) -> Result<(Option<String>, String, String), AppError> {
    let password = input.password.clone().unwrap_or_default();
    let email = input
        .email
        .as_deref()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let mut details = Vec::new();
    if !(8..=128).contains(&password.chars().count()) {
        details.push(crate::error::FieldError {
            field: "password".into(),
            message: "Use 8 to 128 characters".into(),
            code: Some("password_length".into()),
        });
    }
    if let Some(e) = &email {
        if crate::validation::email(e).is_err() {
            details.push(crate::error::FieldError {
                field: "email".into(),
                message: "Enter a valid email address".into(),
                code: Some("email".into()),
            });
        }
    }
    if !details.is_empty() {
        return Err(AppError::validation(details));
    }
    let name = input.name.as_deref().unwrap_or("").trim().to_string();
    let hash = password::hash(password).await?;
    Ok((email, name, hash))
}
