//! Reading the audit log (its writer is `access::server::audit`, used by every domain).

use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::UserId;
use crate::listing::{ListQuery, Page};
use crate::server::AppState;
use crate::team::{AuditQuery, AuditView};
use sqlx::{AssertSqlSafe, Row};

/// A page of the workspace's log, newest first (owners and admins).
pub async fn list(
    state: &AppState,
    auth: &AuthContext,
    query: AuditQuery,
) -> Result<Page<AuditView>, AppError> {
    auth.require(Action::ReadAuditLog)?;
    let (page, limit) = ListQuery {
        page: query.page,
        limit: query.limit,
        ..Default::default()
    }
    .bounds()?;
    let mut filter = String::from("a.workspace_id = $1");
    let action = query.action.as_deref().map(str::trim).unwrap_or("");
    if !action.is_empty() {
        filter.push_str(" AND (a.action = $2 OR a.action LIKE $3)");
    }
    if query.actor_id.is_some() {
        filter.push_str(if action.is_empty() {
            " AND a.actor_id = $2"
        } else {
            " AND a.actor_id = $4"
        });
    }
    let prefix = format!("{}.%", action.replace(['%', '_'], ""));
    let bind_all = |sql: String| {
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(auth.workspace_id.0);
        if !action.is_empty() {
            q = q.bind(action.to_string()).bind(prefix.clone());
        }
        if let Some(actor) = query.actor_id {
            q = q.bind(actor);
        }
        q
    };
    let total: i64 = bind_all(format!(
        "SELECT COUNT(*) AS n FROM audit_log a WHERE {filter}"
    ))
    .fetch_one(&state.db.pool)
    .await?
    .try_get("n")?;
    let rows = bind_all(format!(
        "SELECT a.id, a.actor_id, u.name, u.email, a.action, a.target_type, a.target_id, \
         a.details, a.ip, a.source, a.created_at FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE {filter} ORDER BY a.id DESC LIMIT {limit} OFFSET {}",
        (page - 1) * limit
    ))
    .fetch_all(&state.db.pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            let actor_id: Option<i64> = r.try_get("actor_id")?;
            let name: Option<String> = r.try_get("name")?;
            let email: Option<String> = r.try_get("email")?;
            let details: String = r.try_get("details")?;
            Ok(AuditView {
                id: r.try_get("id")?,
                actor_id: actor_id.map(UserId),
                actor: match (name, email) {
                    (Some(n), _) if !n.is_empty() => Some(n),
                    (_, email) => email,
                },
                action: r.try_get("action")?,
                target_type: r.try_get("target_type")?,
                target_id: r.try_get("target_id")?,
                details: serde_json::from_str(&details).unwrap_or_default(),
                ip: r.try_get("ip")?,
                source: r.try_get("source")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page::new(items, page, limit, total))
}
