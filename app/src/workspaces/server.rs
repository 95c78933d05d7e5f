//! Workspace queries and services.

use super::WorkspaceEvent;
use super::{HomeData, MemberView, WorkspaceInput};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::access::{MembershipView, Role, WorkspaceView};
use crate::error::AppError;
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::server::{recent, record_event, Recorded, UnitOfWork};
use crate::server::db::{Row, Tx};
use crate::server::{now_ms, AppState};
use rand::Rng;
use sqlx::Row as _;
use validator::Validate;

fn view(row: &Row) -> Result<WorkspaceView, sqlx::Error> {
    Ok(WorkspaceView {
        id: WorkspaceId(row.try_get("id")?),
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        time_zone: row.try_get("time_zone")?,
    })
}

/// A URL-safe slug from the name plus a random suffix, so two "Acme"s never collide.
fn slug_for(name: &str) -> String {
    let base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let base = if base.is_empty() {
        "workspace".to_string()
    } else {
        base.chars().take(40).collect()
    };
    let suffix: String = (0..6)
        .map(|_| char::from_digit(rand::thread_rng().gen_range(0..36), 36).unwrap_or('x'))
        .collect();
    format!("{base}-{suffix}")
}

/// Creates a workspace owned by `owner`, in the caller's transaction.
pub async fn create(
    tx: &mut Tx,
    owner: UserId,
    name: &str,
) -> Result<(WorkspaceView, Recorded), AppError> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO workspaces (name, slug, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         RETURNING id, name, slug, time_zone",
    )
    .bind(name)
    .bind(slug_for(name))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let workspace = view(&row)?;
    sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
        .bind(workspace.id.0)
        .bind(owner.0)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE users SET last_workspace_id = $1 WHERE id = $2")
        .bind(workspace.id.0)
        .bind(owner.0)
        .execute(&mut **tx)
        .await?;
    crate::pipelines::server::create_default(tx, workspace.id.0).await?;
    let created = WorkspaceEvent::Created {
        name: name.to_string(),
    };
    let event = record_event(tx, workspace.id, Some(owner), &created).await?;
    Ok((workspace, event))
}

pub async fn load(state: &AppState, id: WorkspaceId) -> Result<WorkspaceView, AppError> {
    let row = sqlx::query("SELECT id, name, slug, time_zone FROM workspaces WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Workspace"))?;
    Ok(view(&row)?)
}

/// Every workspace of a user, oldest membership first.
pub async fn memberships(state: &AppState, user: UserId) -> Result<Vec<MembershipView>, AppError> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, w.slug, w.time_zone, m.role FROM memberships m \
         JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 \
         ORDER BY m.created_at, w.id",
    )
    .bind(user.0)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(MembershipView {
                workspace: view(r)?,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The workspace a sign-in opens: the last one used, else the oldest membership.
pub async fn default_membership(
    state: &AppState,
    user: UserId,
) -> Result<Option<(WorkspaceId, Role)>, AppError> {
    let row = sqlx::query(
        "SELECT m.workspace_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.user_id = $1 \
         ORDER BY CASE WHEN m.workspace_id = u.last_workspace_id THEN 0 ELSE 1 END, m.created_at \
         LIMIT 1",
    )
    .bind(user.0)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    Ok(Some((
        WorkspaceId(row.try_get("workspace_id")?),
        Role::parse(&role).unwrap_or(Role::Viewer),
    )))
}

pub async fn members(
    state: &AppState,
    workspace: WorkspaceId,
) -> Result<Vec<MemberView>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.email, u.name, m.role, m.created_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY m.created_at, u.id",
    )
    .bind(workspace.0)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(MemberView {
                user_id: UserId(r.try_get("id")?),
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
                joined_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn home(state: &AppState, auth: &AuthContext) -> Result<HomeData, AppError> {
    Ok(HomeData {
        workspace: load(state, auth.workspace_id).await?,
        members: members(state, auth.workspace_id).await?,
        recent_events: recent(&state.db, auth.workspace_id, 20).await?,
        reminders: crate::timeline::server::my_open_reminders(state, auth, 20).await?,
        counts: counts(state, auth.workspace_id).await?,
    })
}

/// Renames the caller's current workspace (owners and admins).
pub async fn rename(
    state: &AppState,
    auth: &AuthContext,
    input: WorkspaceInput,
) -> Result<WorkspaceView, AppError> {
    auth.require(Action::ManageWorkspace)?;
    let input = input.normalized();
    input.validate()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let row = sqlx::query(
        "UPDATE workspaces SET name = $1, updated_at = $2 WHERE id = $3 RETURNING id, name, slug, time_zone",
    )
    .bind(&input.name)
    .bind(now_ms())
    .bind(auth.workspace_id.0)
    .fetch_optional(uow.conn())
    .await?
    .ok_or_else(|| AppError::not_found("Workspace"))?;
    let workspace = view(&row)?;
    let details = serde_json::json!({ "after": { "name": workspace.name } });
    let target = ("workspace", auth.workspace_id.0.to_string());
    crate::access::server::audit::log(&mut uow, auth, "workspace.renamed", target, details).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &WorkspaceEvent::Renamed {
            name: workspace.name.clone(),
        },
    )
    .await?;
    uow.commit().await?;
    state.auth_cache().forget_profiles();
    Ok(workspace)
}

/// Creates another workspace owned by the caller and moves their session there.
pub async fn create_for(
    state: &AppState,
    auth: &AuthContext,
    input: WorkspaceInput,
) -> Result<WorkspaceView, AppError> {
    let input = input.normalized();
    input.validate()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let (workspace, events) = create(&mut uow, auth.user_id, &input.name).await?;
    sqlx::query("UPDATE sessions SET workspace_id = $1 WHERE id = $2")
        .bind(workspace.id.0)
        .bind(auth.session_id.0)
        .execute(uow.conn())
        .await?;
    uow.recorded(events);
    uow.commit().await?;
    state.auth_cache().forget_session(auth.session_id);
    state.auth_cache().forget_profiles();
    Ok(workspace)
}

async fn counts(state: &AppState, workspace: WorkspaceId) -> Result<super::RecordCounts, AppError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM contacts WHERE workspace_id = $1) AS contacts, \
         (SELECT COUNT(*) FROM companies WHERE workspace_id = $1) AS companies, \
         (SELECT COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id \
          WHERE d.workspace_id = $1 AND s.kind = 'open') AS open_deals",
    )
    .bind(workspace.0)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(super::RecordCounts {
        contacts: row.try_get("contacts")?,
        companies: row.try_get("companies")?,
        open_deals: row.try_get("open_deals")?,
    })
}
