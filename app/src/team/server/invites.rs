//! Invitations: by email (single use; the link exists only in the email) and by link (several
//! uses, kept sealed so admins can copy it again). Only a token's SHA-256 is looked up;
//! previewing and accepting one is in `joining`.

use crate::access::permissions::Action;
use crate::access::server::audit;
use crate::access::server::{session, AuthContext};
use crate::access::Role;
use crate::email::server::{self as email, templates::Template};
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use crate::team::{EmailInvite, InviteView, LinkInvite};
use serde_json::json;
use sqlx::Row;
use validator::Validate;

const DAY_MS: i64 = 86_400_000;

fn join_url(state: &AppState, token: &str) -> String {
    format!("{}/join?token={token}", state.settings.app_url())
}

fn invitable(auth: &AuthContext, role: Role) -> Result<(), AppError> {
    auth.require(Action::ManageTeam)?;
    if role == Role::Owner {
        return Err(AppError::field(
            "role",
            "owner",
            "Invite as admin, then hand over ownership from the team page",
        ));
    }
    if role == Role::Admin && !matches!(auth.role, Role::Owner | Role::Admin) {
        return Err(AppError::forbidden(
            "Only owners and admins can invite admins",
        ));
    }
    Ok(())
}

/// Invites `email`: the invitation is stored and the email queued in one transaction.
pub async fn invite_by_email(
    state: &AppState,
    auth: &AuthContext,
    input: EmailInvite,
) -> Result<InviteView, AppError> {
    let input = EmailInvite {
        email: input.email.trim().to_lowercase(),
        ..input
    };
    input.validate()?;
    invitable(auth, input.role)?;
    let ws = auth.workspace_id;
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE u.email = $1 AND m.workspace_id = $2",
    )
    .bind(&input.email)
    .bind(ws.0)
    .fetch_optional(&state.db.pool)
    .await?;
    if member.is_some() {
        return Err(AppError::field(
            "email",
            "member",
            "This person is already a member",
        ));
    }
    let token = session::new_token();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    // A newer invitation replaces a pending one to the same address.
    sqlx::query(
        "UPDATE invites SET revoked_at = $1 WHERE workspace_id = $2 AND email = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(ws.0)
    .bind(&input.email)
    .execute(&mut *tx)
    .await?;
    let id = insert(
        &mut tx,
        auth,
        &token,
        None,
        Some(&input.email),
        input.role,
        Some(1),
        input.expires_in_days,
    )
    .await?;
    let (workspace, inviter, locale) = names(&mut tx, auth, &input.email).await?;
    let url = join_url(state, &token);
    let mail = email::templates::render(
        &Template::Invite {
            workspace: &workspace,
            inviter: &inviter,
            role: input.role.as_str(),
            url: &url,
        },
        &locale,
        &input.email,
    );
    email::queue(&mut tx, state, Some(ws.0), &mail).await?;
    let data = json!({ "email": input.email, "role": input.role.as_str() });
    audit::log(
        &mut tx,
        auth,
        "invite.sent",
        ("invite", id.to_string()),
        data,
    )
    .await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    view(state, ws, id).await
}

/// The workspace's name, the inviter's display name, and the language of the email: the
/// invitee's when they have an account, else the inviter's.
async fn names(
    tx: &mut Tx,
    auth: &AuthContext,
    to: &str,
) -> Result<(String, String, String), AppError> {
    let row = sqlx::query(
        "SELECT w.name AS workspace, u.name, u.email, u.locale, \
         (SELECT locale FROM users WHERE email = $3) AS invitee_locale \
         FROM workspaces w, users u WHERE w.id = $1 AND u.id = $2",
    )
    .bind(auth.workspace_id.0)
    .bind(auth.user_id.0)
    .bind(to)
    .fetch_one(&mut **tx)
    .await?;
    let name: String = row.try_get("name")?;
    let inviter = if name.is_empty() {
        row.try_get("email")?
    } else {
        name
    };
    let locale: Option<String> = row.try_get("invitee_locale")?;
    let locale = match locale {
        Some(l) => l,
        None => row.try_get("locale")?,
    };
    Ok((row.try_get("workspace")?, inviter, locale))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one invitation row's columns, each from a different source"
)]
async fn insert(
    tx: &mut Tx,
    auth: &AuthContext,
    token: &str,
    sealed: Option<String>,
    email: Option<&str>,
    role: Role,
    max_uses: Option<i64>,
    days: i64,
) -> Result<i64, AppError> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "INSERT INTO invites (workspace_id, token_hash, sealed_token, email, role, max_uses, \
         expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(session::hash_token(token))
    .bind(sealed)
    .bind(email)
    .bind(role.as_str())
    .bind(max_uses)
    .bind(now + days * DAY_MS)
    .bind(auth.user_id.0)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Creates an invitation link.
pub async fn create_link(
    state: &AppState,
    auth: &AuthContext,
    input: LinkInvite,
) -> Result<InviteView, AppError> {
    input.validate()?;
    invitable(auth, input.role)?;
    let token = session::new_token();
    let mut tx = state.db.begin().await?;
    let sealed = Some(state.secrets.seal(&token));
    let id = insert(
        &mut tx,
        auth,
        &token,
        sealed,
        None,
        input.role,
        input.max_uses,
        input.expires_in_days,
    )
    .await?;
    let data = json!({ "role": input.role.as_str(), "maxUses": input.max_uses });
    audit::log(
        &mut tx,
        auth,
        "invite.link_created",
        ("invite", id.to_string()),
        data,
    )
    .await?;
    tx.commit().await?;
    view(state, auth.workspace_id, id).await
}

const SELECT: &str = "SELECT i.id, i.email, i.role, i.sealed_token, i.uses, i.max_uses, \
    i.expires_at, i.created_at, u.name, u.email AS inviter_email \
    FROM invites i LEFT JOIN users u ON u.id = i.created_by";

/// Still usable: not revoked, not expired, not used up.
pub(super) const LIVE: &str =
    "i.revoked_at IS NULL AND i.expires_at > $2 AND (i.max_uses IS NULL OR i.uses < i.max_uses)";

fn invite_view(state: &AppState, r: &crate::server::db::Row) -> Result<InviteView, AppError> {
    let role: String = r.try_get("role")?;
    let sealed: Option<String> = r.try_get("sealed_token")?;
    let url = match sealed {
        Some(s) => {
            use secrecy::ExposeSecret;
            let token = state.secrets.open(&s).map_err(|_| AppError::internal())?;
            Some(join_url(state, token.expose_secret()))
        }
        None => None,
    };
    let name: Option<String> = r.try_get("name")?;
    let inviter_email: Option<String> = r.try_get("inviter_email")?;
    Ok(InviteView {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        url,
        uses: r.try_get("uses")?,
        max_uses: r.try_get("max_uses")?,
        expires_at: r.try_get("expires_at")?,
        invited_by: name.filter(|n| !n.is_empty()).or(inviter_email),
        created_at: r.try_get("created_at")?,
    })
}

async fn view(state: &AppState, ws: WorkspaceId, id: i64) -> Result<InviteView, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.workspace_id = $1 AND i.id = $2"
    )))
    .bind(ws.0)
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Invitation"))?;
    invite_view(state, &row)
}

/// Invitations that can still be accepted, newest first.
pub async fn pending(state: &AppState, auth: &AuthContext) -> Result<Vec<InviteView>, AppError> {
    auth.require(Action::ManageTeam)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.workspace_id = $1 AND {LIVE} ORDER BY i.created_at DESC, i.id DESC LIMIT 200"
    )))
    .bind(auth.workspace_id.0)
    .bind(now_ms())
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter().map(|r| invite_view(state, r)).collect()
}

/// Pending links only (`GET /api/team/invite-links`).
pub async fn links(state: &AppState, auth: &AuthContext) -> Result<Vec<InviteView>, AppError> {
    Ok(pending(state, auth)
        .await?
        .into_iter()
        .filter(|i| i.email.is_none())
        .collect())
}

/// Revokes an invitation of the workspace (email or link).
pub async fn revoke(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::ManageTeam)?;
    let mut tx = state.db.begin().await?;
    let done = sqlx::query(
        "UPDATE invites SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("Invitation"));
    }
    audit::log(
        &mut tx,
        auth,
        "invite.revoked",
        ("invite", id.to_string()),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
