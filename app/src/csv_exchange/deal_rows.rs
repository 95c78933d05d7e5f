//! Deals as the export writes them; the query mirrors `deals::server::list`.

use super::export::{time_cell, ExportQuery};
use crate::access::server::AuthContext;
use crate::listing::ListQuery;
use crate::server::db::Row;
use crate::server::query::{order_by, Conditions};
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

const SELECT: &str = "SELECT d.id, d.title, d.value_minor, d.currency, p.name AS pipeline_name, \
    s.name AS stage_name, s.kind AS stage_kind, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, \
    c.display_name AS contact_name, co.name AS company_name, d.expected_close_date, d.probability, \
    d.lost_reason, d.created_at, d.updated_at \
    FROM deals d JOIN stages s ON s.id = d.stage_id JOIN pipelines p ON p.id = d.pipeline_id \
    LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN contacts c ON c.id = d.contact_id \
    LEFT JOIN companies co ON co.id = d.company_id";

const SORTS: &[(&str, &str)] = &[
    ("title", "d.title"),
    ("value", "d.value_minor"),
    ("valueMinor", "d.value_minor"),
    ("expectedCloseDate", "d.expected_close_date"),
    ("createdAt", "d.created_at"),
    ("updatedAt", "d.updated_at"),
];

pub const HEADER: &[&str] = &[
    "ID",
    "Title",
    "Value",
    "Currency",
    "Pipeline",
    "Stage",
    "Status",
    "Contact",
    "Company",
    "Owner",
    "Expected close date",
    "Probability (%)",
    "Lost reason",
    "Created at (UTC)",
    "Updated at (UTC)",
];

/// Every deal the list would show for `q` (search, filters, sort), without paging.
pub fn export_rows(state: &AppState, auth: &AuthContext, q: &ListQuery) -> ExportQuery {
    let mut cond = Conditions::in_workspace("d", auth.workspace_id.0);
    cond.eq("d.company_id", q.company_id);
    cond.eq("d.contact_id", q.contact_id);
    cond.eq("d.owner_id", q.owner_id);
    cond.eq("d.pipeline_id", q.pipeline_id);
    cond.eq("d.stage_id", q.stage_id);
    cond.search(state.db.backend, "d", "deals", q.search_term().as_deref());
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY {}",
        cond.sql(),
        order_by(q.sort.as_deref(), SORTS, "d.id DESC")
    );
    cond.bind(sqlx::query(AssertSqlSafe(sql)))
}

/// Minor units as a plain decimal a spreadsheet reads as a number (`12500.00`, `1500` yen,
/// `1.500` dinars): a point, no grouping, the currency's decimals — what the import reads back
/// with its default separator.
fn amount(minor: i64, currency: &str) -> String {
    crate::i18n::number::amount_input(minor, currency, crate::i18n::Lang::En)
}

/// One exported row, in [`HEADER`] order.
pub fn record(r: &Row) -> Result<Vec<String>, sqlx::Error> {
    let text = |name: &str| -> Result<String, sqlx::Error> {
        Ok(r.try_get::<Option<String>, _>(name)?.unwrap_or_default())
    };
    Ok(vec![
        r.try_get::<i64, _>("id")?.to_string(),
        r.try_get("title")?,
        amount(
            r.try_get("value_minor")?,
            &r.try_get::<String, _>("currency")?,
        ),
        r.try_get("currency")?,
        r.try_get("pipeline_name")?,
        r.try_get("stage_name")?,
        r.try_get("stage_kind")?,
        text("contact_name")?,
        text("company_name")?,
        text("owner_name")?,
        text("expected_close_date")?,
        r.try_get::<Option<i64>, _>("probability")?
            .map(|p| p.to_string())
            .unwrap_or_default(),
        r.try_get("lost_reason")?,
        time_cell(r.try_get("created_at")?),
        time_cell(r.try_get("updated_at")?),
    ])
}
