//! Company queries and services.

use super::CompanyEvent;
use super::{CompanyInput, CompanyView};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::CompanyId;
use crate::listing::{ListQuery, Page};
use crate::realtime::server::UnitOfWork;
use crate::server::db::{Row, Tx};
use crate::server::lists::{Cached, ListSql};
use crate::server::query::{search_text, Conditions};
use crate::server::{now_ms, refs, AppState};
use crate::timeline::server::{changed_fields, record_activity, Subject};
use sqlx::{AssertSqlSafe, Row as _};
use std::sync::Arc;
use validator::Validate;

const SELECT: &str =
    "SELECT co.id, co.name, co.industry, co.size, co.website, co.description, co.owner_id, \
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

fn view(r: &Row) -> Result<CompanyView, sqlx::Error> {
    Ok(CompanyView {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        industry: r.try_get("industry")?,
        size: r.try_get("size")?,
        website: r.try_get("website")?,
        description: r.try_get("description")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        contact_count: r.try_get("contact_count")?,
        deal_count: r.try_get("deal_count")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn list(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Page<CompanyView>, AppError> {
    Ok(list_cached(state, auth, q).await?.value.clone())
}

const LIST: ListSql<CompanyView> = ListSql {
    name: "companies",
    table: "companies co",
    select: SELECT,
    sorts: SORTS,
    default_sort: "co.id DESC",
    view,
};

/// A page of the list, remembered until the workspace changes (see `server/lists.rs`).
pub async fn list_cached(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Arc<Cached<Page<CompanyView>>>, AppError> {
    let mut cond = Conditions::in_workspace("co", auth.workspace_id.0);
    cond.eq("co.owner_id", q.owner_id);
    cond.search(
        state.db.backend,
        "co",
        "companies",
        q.search_term().as_deref(),
    );
    let ws = auth.workspace_id.0;
    state
        .lists
        .page(&state.db, &state.counts, &LIST, ws, q, cond)
        .await
}

async fn get_in(tx: &mut Tx, workspace_id: i64, id: CompanyId) -> Result<CompanyView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE co.id = $1 AND co.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Company"))?;
    Ok(view(&row)?)
}

pub async fn get(
    state: &AppState,
    auth: &AuthContext,
    id: CompanyId,
) -> Result<CompanyView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE co.id = $1 AND co.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Company"))?;
    Ok(view(&row)?)
}

fn company_search_text(input: &CompanyInput) -> String {
    search_text(&[&input.name, &input.industry, &input.website])
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn create(
    state: &AppState,
    auth: &AuthContext,
    input: CompanyInput,
) -> Result<CompanyView, AppError> {
    auth.require(Action::CreateRecords)?;
    let input = input.normalized();
    input.validate()?;
    auth.require_on(Action::EditRecords, input.owner_id)?;
    let mut uow = UnitOfWork::begin(state).await?;
    refs::member(&mut uow, auth.workspace_id.0, input.owner_id, "ownerId").await?;
    let now = now_ms();
    let id: CompanyId = sqlx::query_scalar(
        "INSERT INTO companies (workspace_id, name, industry, size, website, description, owner_id, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(&input.name)
    .bind(&input.industry)
    .bind(&input.size)
    .bind(&input.website)
    .bind(&input.description)
    .bind(input.owner_id)
    .bind(company_search_text(&input))
    .bind(now)
    .fetch_one(uow.conn())
    .await?;
    record_activity(
        &mut uow,
        auth,
        Subject::Company(id),
        "created",
        serde_json::json!({ "name": input.name }),
    )
    .await?;
    let created = get_in(&mut uow, auth.workspace_id.0, id).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &CompanyEvent::Created(created.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(created)
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn update(
    state: &AppState,
    auth: &AuthContext,
    id: CompanyId,
    input: CompanyInput,
) -> Result<CompanyView, AppError> {
    auth.require(Action::EditRecords)?;
    let input = input.normalized();
    input.validate()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let before = get_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::EditRecords, before.owner_id)?;
    auth.require_on(Action::EditRecords, input.owner_id)?;
    refs::member(&mut uow, auth.workspace_id.0, input.owner_id, "ownerId").await?;
    sqlx::query(
        "UPDATE companies SET name = $1, industry = $2, size = $3, website = $4, description = $5, owner_id = $6, \
         search_text = $7, updated_at = $8 WHERE id = $9 AND workspace_id = $10",
    )
    .bind(&input.name)
    .bind(&input.industry)
    .bind(&input.size)
    .bind(&input.website)
    .bind(&input.description)
    .bind(input.owner_id)
    .bind(company_search_text(&input))
    .bind(now_ms())
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(uow.conn())
    .await?;
    if before.name != input.name {
        refresh_contact_search(&mut uow, auth.workspace_id.0, id, &before.name, &input.name)
            .await?;
    }
    let after = get_in(&mut uow, auth.workspace_id.0, id).await?;
    let fields = changed_fields(
        &before,
        &after,
        &[
            "createdAt",
            "updatedAt",
            "ownerName",
            "contactCount",
            "dealCount",
        ],
    );
    if !fields.is_empty() {
        record_activity(
            &mut uow,
            auth,
            Subject::Company(id),
            "edited",
            serde_json::json!({ "fields": fields }),
        )
        .await?;
    }
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &CompanyEvent::Updated(after.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(after)
}

/// A company's name is part of its contacts' searchable text.
async fn refresh_contact_search(
    tx: &mut Tx,
    workspace_id: i64,
    company_id: CompanyId,
    old: &str,
    new: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE contacts SET search_text = REPLACE(search_text, $1, $2) WHERE workspace_id = $3 AND company_id = $4")
        .bind(old.to_lowercase())
        .bind(new.to_lowercase())
        .bind(workspace_id)
        .bind(company_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a company. With deals attached it answers 409 unless `detach_deals` is set, in
/// which case the deals (and contacts) stay and lose the link.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn delete(
    state: &AppState,
    auth: &AuthContext,
    id: CompanyId,
    detach_deals: bool,
) -> Result<(), AppError> {
    auth.require(Action::DeleteRecords)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let company = get_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::DeleteRecords, company.owner_id)?;
    if company.deal_count > 0 && !detach_deals {
        return Err(AppError::conflict(format!(
            "This company has {} deal(s); delete with detachDeals=true to keep them without the company",
            company.deal_count
        )));
    }
    sqlx::query("UPDATE deals SET company_id = NULL WHERE company_id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    refresh_contact_search(&mut uow, auth.workspace_id.0, id, &company.name, "").await?;
    sqlx::query("DELETE FROM companies WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    sqlx::query("DELETE FROM activities WHERE workspace_id = $1 AND subject_type = 'company' AND subject_id = $2")
        .bind(auth.workspace_id.0)
        .bind(id)
        .execute(uow.conn())
        .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &CompanyEvent::Deleted { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
