//! Companies as the export writes them; the query mirrors `companies::server::list`.

use super::export::{time_cell, ExportQuery};
use crate::access::server::AuthContext;
use crate::listing::ListQuery;
use crate::server::db::Row;
use crate::server::query::{order_by, Conditions};
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

const SELECT: &str = "SELECT co.id, co.name, co.industry, co.size, co.website, co.description, \
    COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, co.created_at, co.updated_at, \
    (SELECT COUNT(*) FROM contacts c WHERE c.company_id = co.id) AS contact_count, \
    (SELECT COUNT(*) FROM deals d WHERE d.company_id = co.id) AS deal_count \
    FROM companies co LEFT JOIN users u ON u.id = co.owner_id";

const SORTS: &[(&str, &str)] = &[
    ("name", "co.name"),
    ("industry", "co.industry"),
    ("createdAt", "co.created_at"),
    ("updatedAt", "co.updated_at"),
];

pub const HEADER: &[&str] = &[
    "ID",
    "Name",
    "Industry",
    "Size",
    "Website",
    "Description",
    "Owner",
    "Contacts",
    "Deals",
    "Created at (UTC)",
    "Updated at (UTC)",
];

/// Every company the list would show for `q` (search, owner filter, sort), without paging.
pub fn export_rows(state: &AppState, auth: &AuthContext, q: &ListQuery) -> ExportQuery {
    let mut cond = Conditions::in_workspace("co", auth.workspace_id.0);
    cond.eq("co.owner_id", q.owner_id);
    cond.search(
        state.db.backend,
        "co",
        "companies",
        q.search_term().as_deref(),
    );
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY {}",
        cond.sql(),
        order_by(q.sort.as_deref(), SORTS, "co.id DESC")
    );
    cond.bind(sqlx::query(AssertSqlSafe(sql)))
}

/// One exported row, in [`HEADER`] order.
pub fn record(r: &Row) -> Result<Vec<String>, sqlx::Error> {
    Ok(vec![
        r.try_get::<i64, _>("id")?.to_string(),
        r.try_get("name")?,
        r.try_get("industry")?,
        r.try_get("size")?,
        r.try_get("website")?,
        r.try_get("description")?,
        r.try_get::<Option<String>, _>("owner_name")?
            .unwrap_or_default(),
        r.try_get::<i64, _>("contact_count")?.to_string(),
        r.try_get::<i64, _>("deal_count")?.to_string(),
        time_cell(r.try_get("created_at")?),
        time_cell(r.try_get("updated_at")?),
    ])
}
