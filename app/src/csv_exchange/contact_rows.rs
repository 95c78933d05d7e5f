//! Contacts as the import reads them and the export writes them.
//!
//! The query mirrors `contacts::server` (same columns, filters and sort whitelist), which
//! keeps its own helpers private.

use super::export::{time_cell, ExportQuery};
use crate::access::server::AuthContext;
use crate::contacts::ContactView;
use crate::error::AppError;
use crate::ids::ContactId;
use crate::listing::ListQuery;
use crate::server::db::{Row, Tx};
use crate::server::query::{order_by, Conditions};
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

const SELECT: &str = "SELECT c.id, c.first_name, c.last_name, c.display_name, c.email, c.phone, \
    c.telegram_user_id, c.telegram_username, c.company_id, co.name AS company_name, c.owner_id, \
    COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, c.created_at, c.updated_at \
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id";

const SORTS: &[(&str, &str)] = &[
    ("name", "c.display_name"),
    ("displayName", "c.display_name"),
    ("email", "c.email"),
    ("createdAt", "c.created_at"),
    ("updatedAt", "c.updated_at"),
];

/// The export's header row. The names are ones the import recognises, so an exported file
/// imports back without touching the mapping.
pub const HEADER: &[&str] = &[
    "ID",
    "Display name",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Telegram username",
    "Telegram user ID",
    "Company",
    "Owner",
    "Created at (UTC)",
    "Updated at (UTC)",
];

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn view(r: &Row) -> Result<ContactView, sqlx::Error> {
    Ok(ContactView {
        id: r.try_get("id")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        display_name: r.try_get("display_name")?,
        email: non_empty(r.try_get("email")?),
        phone: non_empty(r.try_get("phone")?),
        telegram_user_id: r.try_get("telegram_user_id")?,
        telegram_username: non_empty(r.try_get("telegram_username")?),
        company_id: r.try_get("company_id")?,
        company_name: r.try_get("company_name")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// One contact of the workspace, read inside the import's transaction.
pub async fn view_in(
    tx: &mut Tx,
    workspace_id: i64,
    id: ContactId,
) -> Result<ContactView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE c.id = $1 AND c.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Contact"))?;
    Ok(view(&row)?)
}

/// Every contact the list would show for `q` (search, filters, sort), without paging.
pub fn export_rows(state: &AppState, auth: &AuthContext, q: &ListQuery) -> ExportQuery {
    let mut cond = Conditions::in_workspace("c", auth.workspace_id.0);
    cond.eq("c.company_id", q.company_id);
    cond.eq("c.owner_id", q.owner_id);
    cond.search(
        state.db.backend,
        "c",
        "contacts",
        q.search_term().as_deref(),
    );
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY {}",
        cond.sql(),
        order_by(q.sort.as_deref(), SORTS, "c.id DESC")
    );
    cond.bind(sqlx::query(AssertSqlSafe(sql)))
}

/// One exported row, in [`HEADER`] order.
pub fn record(r: &Row) -> Result<Vec<String>, sqlx::Error> {
    let c = view(r)?;
    Ok(vec![
        c.id.to_string(),
        c.display_name,
        c.first_name,
        c.last_name,
        c.email.unwrap_or_default(),
        c.phone.unwrap_or_default(),
        c.telegram_username.unwrap_or_default(),
        c.telegram_user_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        c.company_name.unwrap_or_default(),
        c.owner_name.unwrap_or_default(),
        time_cell(c.created_at),
        time_cell(c.updated_at),
    ])
}
