//! Members and roles: change a role, remove a member, leave, hand over ownership, the security
//! policy. A workspace always keeps at least one owner: every change here locks the workspace
//! row first and checks the owners left before committing.

pub mod audit_log;
pub mod invites;
pub mod joining;

use crate::access::permissions::Action;
use crate::access::server::audit;
use crate::access::server::AuthContext;
use crate::access::{MemberEvent, Role};
use crate::error::AppError;
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::server::UnitOfWork;
use crate::realtime::DomainEvent;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use crate::team::{SecurityPolicy, TeamData};
use crate::workspaces::server as workspaces;
use serde_json::json;

/// The team page: members for everyone; pending invitations for those who manage the team.
pub async fn team(state: &AppState, auth: &AuthContext) -> Result<TeamData, AppError> {
    let invites = if auth.role.may(Action::ManageTeam) {
        invites::pending(state, auth).await?
    } else {
        Vec::new()
    };
    Ok(TeamData {
        members: workspaces::members(state, auth.workspace_id).await?,
        invites,
        require_two_factor: requires_two_factor(state, auth.workspace_id).await?,
    })
}

pub async fn requires_two_factor(state: &AppState, ws: WorkspaceId) -> Result<bool, AppError> {
    let flag: Option<i64> =
        sqlx::query_scalar("SELECT require_two_factor FROM workspaces WHERE id = $1")
            .bind(ws.0)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(flag.unwrap_or(0) != 0)
}

/// Locks the workspace row, so team changes of one workspace run one at a time.
async fn lock_workspace(tx: &mut Tx, ws: WorkspaceId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workspaces SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(ws.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn role_of(tx: &mut Tx, ws: WorkspaceId, user: UserId) -> Result<Role, AppError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(ws.0)
            .bind(user.0)
            .fetch_optional(&mut **tx)
            .await?;
    role.as_deref()
        .and_then(Role::parse)
        .ok_or_else(|| AppError::not_found("Member"))
}

async fn ensure_an_owner_remains(tx: &mut Tx, ws: WorkspaceId) -> Result<(), AppError> {
    let owners: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
    )
    .bind(ws.0)
    .fetch_one(&mut **tx)
    .await?;
    if owners == 0 {
        return Err(AppError::conflict(
            "A workspace needs an owner: make another member an owner first",
        ));
    }
    Ok(())
}

/// Admins manage everyone but owners, and cannot make owners.
fn may_touch(auth: &AuthContext, target: Role, new_role: Option<Role>) -> Result<(), AppError> {
    auth.require(Action::ManageTeam)?;
    let touches_owner = target == Role::Owner || new_role == Some(Role::Owner);
    if touches_owner && auth.role != Role::Owner {
        return Err(AppError::forbidden("Only owners can change owners"));
    }
    Ok(())
}

/// Ends what a member had in a workspace they no longer belong to, or whose role changed:
/// their cached sessions everywhere (the role is re-read), and on removal their sessions and
/// API tokens there.
fn forget_member(state: &AppState, user: UserId) {
    state.auth_cache().forget_user_sessions(user);
    state.auth_cache().forget_profiles();
}

pub async fn change_role(
    state: &AppState,
    auth: &AuthContext,
    user: UserId,
    role: Role,
) -> Result<(), AppError> {
    auth.require(Action::ManageTeam)?;
    let ws = auth.workspace_id;
    let mut uow = UnitOfWork::begin(state).await?;
    lock_workspace(&mut uow, ws).await?;
    let before = role_of(&mut uow, ws, user).await?;
    may_touch(auth, before, Some(role))?;
    if before == role {
        return Ok(());
    }
    sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(ws.0)
        .bind(user.0)
        .execute(uow.conn())
        .await?;
    ensure_an_owner_remains(&mut uow, ws).await?;
    let event = MemberEvent::RoleChanged {
        user_id: user,
        before: before.as_str().into(),
        after: role.as_str().into(),
    };
    finish(state, uow, auth, event, &[user]).await
}

/// Audits and records a change to a member (the event's data is the audit entry's details),
/// commits, and makes the affected members' next request read their role again.
async fn finish(
    state: &AppState,
    mut uow: UnitOfWork<'_>,
    auth: &AuthContext,
    event: MemberEvent,
    affected: &[UserId],
) -> Result<(), AppError> {
    let (action, details) = event.to_stream().map_err(|e| {
        tracing::error!(error = %e, "a team event did not serialise");
        AppError::internal()
    })?;
    let target = ("user", event.member().0.to_string());
    audit::log(&mut uow, auth, &action, target, details).await?;
    uow.record(auth.workspace_id, Some(auth.user_id), &event)
        .await?;
    uow.commit().await?;
    for user in affected {
        forget_member(state, *user);
    }
    Ok(())
}

/// Removes a member (or the caller, leaving): their sessions and API tokens in this workspace
/// end; what they own stays.
pub async fn remove(state: &AppState, auth: &AuthContext, user: UserId) -> Result<(), AppError> {
    let ws = auth.workspace_id;
    let leaving = user == auth.user_id;
    let mut uow = UnitOfWork::begin(state).await?;
    lock_workspace(&mut uow, ws).await?;
    let before = role_of(&mut uow, ws, user).await?;
    if !leaving {
        may_touch(auth, before, None)?;
    }
    if leaving {
        // The member's sessions here move to another workspace of theirs, when they have one.
        sqlx::query(
            "UPDATE sessions SET workspace_id = (SELECT m.workspace_id FROM memberships m \
             WHERE m.user_id = $2 AND m.workspace_id <> $1 ORDER BY m.created_at LIMIT 1) \
             WHERE workspace_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM memberships m \
             WHERE m.user_id = $2 AND m.workspace_id <> $1)",
        )
        .bind(ws.0)
        .bind(user.0)
        .execute(uow.conn())
        .await?;
    }
    for sql in [
        "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        "DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2",
        "DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2",
        "UPDATE conversations SET assignee_id = NULL WHERE workspace_id = $1 AND assignee_id = $2",
    ] {
        sqlx::query(sql)
            .bind(ws.0)
            .bind(user.0)
            .execute(uow.conn())
            .await?;
    }
    ensure_an_owner_remains(&mut uow, ws).await?;
    let role = before.as_str().to_string();
    let event = if leaving {
        MemberEvent::Left {
            user_id: user,
            role,
        }
    } else {
        MemberEvent::Removed {
            user_id: user,
            role,
        }
    };
    finish(state, uow, auth, event, &[user]).await
}

/// Makes `to` an owner and the caller an admin.
pub async fn transfer_ownership(
    state: &AppState,
    auth: &AuthContext,
    to: UserId,
) -> Result<(), AppError> {
    auth.require(Action::TransferOwnership)?;
    let ws = auth.workspace_id;
    if to == auth.user_id {
        return Err(AppError::field("userId", "self", "Choose another member"));
    }
    let mut uow = UnitOfWork::begin(state).await?;
    lock_workspace(&mut uow, ws).await?;
    let before = role_of(&mut uow, ws, to).await?;
    for (user, role) in [(to, Role::Owner), (auth.user_id, Role::Admin)] {
        sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(ws.0)
            .bind(user.0)
            .execute(uow.conn())
            .await?;
    }
    ensure_an_owner_remains(&mut uow, ws).await?;
    let event = MemberEvent::OwnershipTransferred {
        user_id: to,
        before: before.as_str().into(),
        from: auth.user_id,
    };
    finish(state, uow, auth, event, &[to, auth.user_id]).await
}

/// Turns "every member must use two-factor sign-in" on or off (owners).
pub async fn set_policy(
    state: &AppState,
    auth: &AuthContext,
    policy: SecurityPolicy,
) -> Result<SecurityPolicy, AppError> {
    auth.require(Action::SetSecurityPolicy)?;
    let ws = auth.workspace_id;
    let mut tx = state.db.begin().await?;
    let before: i64 = sqlx::query_scalar("SELECT require_two_factor FROM workspaces WHERE id = $1")
        .bind(ws.0)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE workspaces SET require_two_factor = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(policy.require_two_factor))
        .bind(now_ms())
        .bind(ws.0)
        .execute(&mut *tx)
        .await?;
    let data = json!({ "before": { "requireTwoFactor": before != 0 }, "after": { "requireTwoFactor": policy.require_two_factor } });
    audit::log(
        &mut tx,
        auth,
        "security.policy_changed",
        ("workspace", ws.0.to_string()),
        data,
    )
    .await?;
    tx.commit().await?;
    state.auth_cache().forget_workspace_sessions(ws);
    state.auth_cache().forget_profiles();
    Ok(policy)
}
