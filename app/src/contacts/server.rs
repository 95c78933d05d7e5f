//! Contact queries and services.

use super::ContactEvent;
use super::{ContactInput, ContactPatch, ContactView};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ContactId;
use crate::listing::{ListQuery, Page};
use crate::realtime::server::UnitOfWork;
use crate::server::db::{Row, Tx};
use crate::server::lists::{Cached, ListSql};
use crate::server::query::{search_text, Conditions};
use crate::server::{now_ms, refs, AppState};
use crate::timeline::server::{changed_fields, record_activity, Subject};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row as _};
use std::sync::Arc;
use validator::Validate;

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

pub async fn list(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Page<ContactView>, AppError> {
    Ok(list_cached(state, auth, q).await?.value.clone())
}

const LIST: ListSql<ContactView> = ListSql {
    name: "contacts",
    table: "contacts c",
    select: SELECT,
    sorts: SORTS,
    default_sort: "c.id DESC",
    view,
};

/// A page of the list, remembered until the workspace changes (see `server/lists.rs`).
pub async fn list_cached(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Arc<Cached<Page<ContactView>>>, AppError> {
    let mut cond = Conditions::in_workspace("c", auth.workspace_id.0);
    cond.eq("c.company_id", q.company_id);
    cond.eq("c.owner_id", q.owner_id);
    cond.search(
        state.db.backend,
        "c",
        "contacts",
        q.search_term().as_deref(),
    );
    let ws = auth.workspace_id.0;
    state
        .lists
        .page(&state.db, &state.counts, &LIST, ws, q, cond)
        .await
}

pub async fn get(
    state: &AppState,
    auth: &AuthContext,
    id: ContactId,
) -> Result<ContactView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE c.id = $1 AND c.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Contact"))?;
    Ok(view(&row)?)
}

async fn get_in(tx: &mut Tx, workspace_id: i64, id: ContactId) -> Result<ContactView, AppError> {
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

pub(crate) async fn check(
    tx: &mut Tx,
    auth: &AuthContext,
    input: &ContactInput,
) -> Result<(), AppError> {
    input.validate()?;
    refs::company(tx, auth.workspace_id.0, input.company_id, "companyId").await?;
    refs::member(tx, auth.workspace_id.0, input.owner_id, "ownerId").await
}

/// The company name is part of a contact's searchable text.
async fn contact_search_text(tx: &mut Tx, input: &ContactInput) -> Result<String, AppError> {
    let company: Option<String> = match input.company_id {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };
    Ok(search_text(&[
        &input.display_name,
        &input.first_name,
        &input.last_name,
        input.email.as_deref().unwrap_or(""),
        input.phone.as_deref().unwrap_or(""),
        input.telegram_username.as_deref().unwrap_or(""),
        company.as_deref().unwrap_or(""),
    ]))
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn create(
    state: &AppState,
    auth: &AuthContext,
    input: ContactInput,
) -> Result<ContactView, AppError> {
    auth.require(Action::CreateRecords)?;
    let input = input.normalized();
    auth.require_on(Action::EditRecords, input.owner_id)?;
    let mut uow = UnitOfWork::begin(state).await?;
    check(&mut uow, auth, &input).await?;
    let created = create_in(&mut uow, auth, &input).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &ContactEvent::Created(created.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(created)
}

const INSERT: &str = "INSERT INTO contacts (workspace_id, first_name, last_name, display_name, \
    email, phone, telegram_user_id, telegram_username, company_id, owner_id, search_text, created_at, \
    updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";

/// Binds the contact's own fields, `first_name` to `search_text`, in the column order both
/// the insert and the update use.
fn bind_fields<'q>(
    query: Query<'q, Any, AnyArguments>,
    input: &'q ContactInput,
    search_text: String,
) -> Query<'q, Any, AnyArguments> {
    query
        .bind(&input.first_name)
        .bind(&input.last_name)
        .bind(&input.display_name)
        .bind(input.email.clone().unwrap_or_default())
        .bind(input.phone.clone().unwrap_or_default())
        .bind(input.telegram_user_id)
        .bind(input.telegram_username.clone().unwrap_or_default())
        .bind(input.company_id)
        .bind(input.owner_id)
        .bind(search_text)
}

/// PostgreSQL: the contact, its "created" activity and the contact as lists show it, in one
/// statement (one round trip instead of three, on the hottest write of an import or a form).
static INSERT_WITH_ACTIVITY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH c AS ({INSERT} RETURNING *), \
         a AS (INSERT INTO activities (workspace_id, subject_type, subject_id, kind, data, actor_id, source, created_at) \
           SELECT workspace_id, 'contact', id, 'created', $13, $14, $15, created_at FROM c) \
         {}",
        SELECT.replace("FROM contacts c ", "FROM c ")
    )
});

/// Inserts a checked contact and its "created" activity (also used by the CSV import).
pub async fn create_in(
    tx: &mut Tx,
    auth: &AuthContext,
    input: &ContactInput,
) -> Result<ContactView, AppError> {
    let now = now_ms();
    let text = contact_search_text(tx, input).await?;
    let activity = serde_json::json!({ "name": input.display_name });
    let insert = |sql: AssertSqlSafe<&'static str>| {
        bind_fields(
            sqlx::query(sql).bind(auth.workspace_id.0),
            input,
            text.clone(),
        )
        .bind(now)
    };
    if tx.backend_name() == "PostgreSQL" {
        let row = insert(AssertSqlSafe(INSERT_WITH_ACTIVITY.as_str()))
            .bind(activity.to_string())
            .bind(auth.user_id.0)
            .bind(auth.source())
            .fetch_one(&mut **tx)
            .await?;
        return Ok(view(&row)?);
    }
    static INSERT_RETURNING_ID: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{INSERT} RETURNING id"));
    let id: ContactId = insert(AssertSqlSafe(INSERT_RETURNING_ID.as_str()))
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    record_activity(tx, auth, Subject::Contact(id), "created", activity).await?;
    get_in(tx, auth.workspace_id.0, id).await
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn update(
    state: &AppState,
    auth: &AuthContext,
    id: ContactId,
    input: ContactInput,
) -> Result<ContactView, AppError> {
    auth.require(Action::EditRecords)?;
    let input = input.normalized();
    let mut uow = UnitOfWork::begin(state).await?;
    let before = get_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::EditRecords, before.owner_id)?;
    auth.require_on(Action::EditRecords, input.owner_id)?;
    check(&mut uow, auth, &input).await?;
    let after = update_in(&mut uow, auth, &before, &input).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &ContactEvent::Updated(after.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(after)
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn patch(
    state: &AppState,
    auth: &AuthContext,
    id: ContactId,
    patch: ContactPatch,
) -> Result<ContactView, AppError> {
    let current = get(state, auth, id).await?;
    update(state, auth, id, patch.apply(&current)).await
}

/// Writes a checked change and an "edited" activity naming the fields that changed.
pub async fn update_in(
    tx: &mut Tx,
    auth: &AuthContext,
    before: &ContactView,
    input: &ContactInput,
) -> Result<ContactView, AppError> {
    let text = contact_search_text(tx, input).await?;
    bind_fields(
        sqlx::query(
            "UPDATE contacts SET first_name = $1, last_name = $2, display_name = $3, email = $4, \
             phone = $5, telegram_user_id = $6, telegram_username = $7, company_id = $8, \
             owner_id = $9, search_text = $10, updated_at = $11 WHERE id = $12 AND workspace_id = $13",
        ),
        input,
        text,
    )
    .bind(now_ms())
    .bind(before.id)
    .bind(auth.workspace_id.0)
    .execute(&mut **tx)
    .await?;
    let after = get_in(tx, auth.workspace_id.0, before.id).await?;
    let fields = changed_fields(
        before,
        &after,
        &["createdAt", "updatedAt", "companyName", "ownerName"],
    );
    if !fields.is_empty() {
        record_activity(
            tx,
            auth,
            Subject::Contact(before.id),
            "edited",
            serde_json::json!({ "fields": fields }),
        )
        .await?;
    }
    Ok(after)
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn delete(state: &AppState, auth: &AuthContext, id: ContactId) -> Result<(), AppError> {
    auth.require(Action::DeleteRecords)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let owner: Option<Option<i64>> =
        sqlx::query_scalar("SELECT owner_id FROM contacts WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(auth.workspace_id.0)
            .fetch_optional(uow.conn())
            .await?;
    let owner = owner.ok_or_else(|| AppError::not_found("Contact"))?;
    auth.require_on(Action::DeleteRecords, owner)?;
    let done = sqlx::query("DELETE FROM contacts WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("Contact"));
    }
    sqlx::query("DELETE FROM activities WHERE workspace_id = $1 AND subject_type = 'contact' AND subject_id = $2")
        .bind(auth.workspace_id.0)
        .bind(id)
        .execute(uow.conn())
        .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &ContactEvent::Deleted { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
