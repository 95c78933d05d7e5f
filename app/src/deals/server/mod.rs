//! Deal queries and services; stage moves live in `stage`.

pub mod moves;
mod stage;
pub use stage::change_stage;

use super::{DealInput, DealView};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::deals::DealEvent;
use crate::error::AppError;
use crate::ids::{DealId, PipelineId, StageId};
use crate::listing::{ListQuery, Page};
use crate::pipelines::server::{default_placement, history, stage_in};
use crate::pipelines::StageKind;
use crate::realtime::server::{NewEvent, UnitOfWork};
use crate::server::db::{Row, Tx};
use crate::server::lists::{Cached, ListSql};
use crate::server::query::{search_text, Conditions};
use crate::server::{now_ms, refs, AppState};
use crate::timeline::server::{changed_fields, record_activity, Subject};
use sqlx::{AssertSqlSafe, Row as _};
use std::sync::Arc;
use validator::Validate;

pub(crate) const SELECT: &str = "SELECT d.id, d.title, d.value_minor, d.currency, d.pipeline_id, d.stage_id, s.name AS stage_name, \
    s.kind AS stage_kind, d.owner_id, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, d.contact_id, \
    c.display_name AS contact_name, d.company_id, co.name AS company_name, d.expected_close_date, d.probability, \
    d.lost_reason, d.position, d.stage_entered_at, d.created_at, d.updated_at \
    FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN users u ON u.id = d.owner_id \
    LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id";

const SORTS: &[(&str, &str)] = &[
    ("title", "d.title"),
    ("value", "d.value_minor"),
    ("valueMinor", "d.value_minor"),
    ("expectedCloseDate", "d.expected_close_date"),
    ("createdAt", "d.created_at"),
    ("updatedAt", "d.updated_at"),
    ("position", "d.position"),
];

pub(crate) fn view(r: &Row) -> Result<DealView, sqlx::Error> {
    let kind: String = r.try_get("stage_kind")?;
    Ok(DealView {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        value_minor: r.try_get("value_minor")?,
        currency: r.try_get("currency")?,
        pipeline_id: r.try_get("pipeline_id")?,
        stage_id: r.try_get("stage_id")?,
        stage_name: r.try_get("stage_name")?,
        stage_kind: StageKind::parse(&kind),
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        contact_id: r.try_get("contact_id")?,
        contact_name: r.try_get("contact_name")?,
        company_id: r.try_get("company_id")?,
        company_name: r.try_get("company_name")?,
        expected_close_date: r.try_get("expected_close_date")?,
        probability: r.try_get("probability")?,
        lost_reason: r.try_get("lost_reason")?,
        position: r.try_get("position")?,
        stage_entered_at: r.try_get("stage_entered_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn list(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Page<DealView>, AppError> {
    Ok(list_cached(state, auth, q).await?.value.clone())
}

const LIST: ListSql<DealView> = ListSql {
    name: "deals",
    table: "deals d",
    select: SELECT,
    sorts: SORTS,
    default_sort: "d.id DESC",
    view,
};

/// A page of the list, remembered until the workspace changes (see `server/lists.rs`).
pub async fn list_cached(
    state: &AppState,
    auth: &AuthContext,
    q: &ListQuery,
) -> Result<Arc<Cached<Page<DealView>>>, AppError> {
    let mut cond = Conditions::in_workspace("d", auth.workspace_id.0);
    cond.eq("d.company_id", q.company_id);
    cond.eq("d.contact_id", q.contact_id);
    cond.eq("d.owner_id", q.owner_id);
    cond.eq("d.pipeline_id", q.pipeline_id);
    cond.eq("d.stage_id", q.stage_id);
    cond.search(state.db.backend, "d", "deals", q.search_term().as_deref());
    let ws = auth.workspace_id.0;
    state
        .lists
        .page(&state.db, &state.counts, &LIST, ws, q, cond)
        .await
}

pub(crate) async fn get_in(
    tx: &mut Tx,
    workspace_id: i64,
    id: DealId,
) -> Result<DealView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE d.id = $1 AND d.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Deal"))?;
    Ok(view(&row)?)
}

pub async fn get(state: &AppState, auth: &AuthContext, id: DealId) -> Result<DealView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE d.id = $1 AND d.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Deal"))?;
    Ok(view(&row)?)
}

/// Validates the input and its references; returns the (pipeline, stage) it lands in.
async fn check(
    tx: &mut Tx,
    auth: &AuthContext,
    input: &DealInput,
) -> Result<(PipelineId, StageId), AppError> {
    input.validate()?;
    let ws = auth.workspace_id.0;
    refs::company(tx, ws, input.company_id, "companyId").await?;
    refs::contact(tx, ws, input.contact_id, "contactId").await?;
    refs::member(tx, ws, input.owner_id, "ownerId").await?;
    match input.stage_id {
        Some(stage_id) => {
            let stage = stage_in(&mut **tx, ws, stage_id).await?.ok_or_else(|| {
                AppError::field("stageId", "not_found", "No such stage in this workspace")
            })?;
            if input.pipeline_id.is_some_and(|p| p != stage.pipeline_id) {
                return Err(AppError::field(
                    "stageId",
                    "wrong_pipeline",
                    "This stage belongs to another pipeline",
                ));
            }
            Ok((stage.pipeline_id, stage.id))
        }
        None => default_placement(tx, ws, input.pipeline_id)
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "pipelineId",
                    "not_found",
                    "No such pipeline in this workspace",
                )
            }),
    }
}

async fn deal_search_text(tx: &mut Tx, input: &DealInput) -> Result<String, AppError> {
    let contact: Option<String> = match input.contact_id {
        Some(id) => {
            sqlx::query_scalar("SELECT display_name FROM contacts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };
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
        &input.title,
        contact.as_deref().unwrap_or(""),
        company.as_deref().unwrap_or(""),
    ]))
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn create(
    state: &AppState,
    auth: &AuthContext,
    input: DealInput,
) -> Result<DealView, AppError> {
    auth.require(Action::CreateRecords)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let (created, event) = create_in(&mut uow, auth, input).await?;
    uow.record_new(event);
    uow.commit().await?;
    Ok(created)
}

/// Checks and inserts a deal with its first history row and timeline entry; answers it with
/// its `deal.created` event, for the caller's unit of work to record.
pub async fn create_in(
    tx: &mut Tx,
    auth: &AuthContext,
    input: DealInput,
) -> Result<(DealView, NewEvent), AppError> {
    let input = input.normalized().read_amount()?;
    auth.require_on(Action::EditRecords, input.owner_id)?;
    let (pipeline_id, stage_id) = check(tx, auth, &input).await?;
    let now = now_ms();
    let text = deal_search_text(tx, &input).await?;
    let position = stage::top_position(tx, stage_id).await?;
    let id: DealId = sqlx::query_scalar(
        "INSERT INTO deals (workspace_id, title, value_minor, currency, pipeline_id, stage_id, owner_id, contact_id, \
         company_id, expected_close_date, probability, lost_reason, position, stage_entered_at, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $15, $13, $14, $13, $13) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(&input.title)
    .bind(input.value_minor)
    .bind(&input.currency)
    .bind(pipeline_id)
    .bind(stage_id)
    .bind(input.owner_id)
    .bind(input.contact_id)
    .bind(input.company_id)
    .bind(input.expected_close_date.clone())
    .bind(input.probability)
    .bind(&input.lost_reason)
    .bind(now)
    .bind(text)
    .bind(position)
    .fetch_one(&mut **tx)
    .await?;
    history::write(tx, auth, id, None, stage_id, "").await?;
    record_activity(
        tx,
        auth,
        Subject::Deal(id),
        "created",
        serde_json::json!({ "title": input.title }),
    )
    .await?;
    let created = get_in(tx, auth.workspace_id.0, id).await?;
    let event = DealEvent::Created(created.clone());
    let event = NewEvent::of(auth.workspace_id, Some(auth.user_id), &event)?;
    Ok((created, event))
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn update(
    state: &AppState,
    auth: &AuthContext,
    id: DealId,
    input: DealInput,
) -> Result<DealView, AppError> {
    auth.require(Action::EditRecords)?;
    let mut input = input.normalized().read_amount()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let before = get_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::EditRecords, before.owner_id)?;
    auth.require_on(Action::EditRecords, input.owner_id)?;
    if input.pipeline_id.is_none() && input.stage_id.is_none() {
        input.pipeline_id = Some(before.pipeline_id);
        input.stage_id = Some(before.stage_id);
    }
    let (pipeline_id, stage_id) = check(&mut uow, auth, &input).await?;
    let now = now_ms();
    let text = deal_search_text(&mut uow, &input).await?;
    let moved = stage_id != before.stage_id;
    sqlx::query(
        "UPDATE deals SET title = $1, value_minor = $2, currency = $3, pipeline_id = $4, stage_id = $5, owner_id = $6, \
         contact_id = $7, company_id = $8, expected_close_date = $9, probability = $10, lost_reason = $11, \
         stage_entered_at = CASE WHEN $12 = 1 THEN $13 ELSE stage_entered_at END, search_text = $14, updated_at = $13 \
         WHERE id = $15 AND workspace_id = $16",
    )
    .bind(&input.title)
    .bind(input.value_minor)
    .bind(&input.currency)
    .bind(pipeline_id)
    .bind(stage_id)
    .bind(input.owner_id)
    .bind(input.contact_id)
    .bind(input.company_id)
    .bind(input.expected_close_date.clone())
    .bind(input.probability)
    .bind(&input.lost_reason)
    .bind(moved as i64)
    .bind(now)
    .bind(text)
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(uow.conn())
    .await?;
    if moved {
        history::write(&mut uow, auth, id, Some(before.stage_id), stage_id, "").await?;
        let top = stage::top_position(&mut uow, stage_id).await?;
        sqlx::query("UPDATE deals SET position = $1 WHERE id = $2")
            .bind(top)
            .bind(id)
            .execute(uow.conn())
            .await?;
    }
    let after = get_in(&mut uow, auth.workspace_id.0, id).await?;
    let fields = changed_fields(
        &before,
        &after,
        &[
            "createdAt",
            "updatedAt",
            "stageEnteredAt",
            "position",
            "stageName",
            "stageKind",
            "ownerName",
            "contactName",
            "companyName",
        ],
    );
    if !fields.is_empty() {
        record_activity(
            &mut uow,
            auth,
            Subject::Deal(id),
            "edited",
            serde_json::json!({ "fields": fields }),
        )
        .await?;
    }
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &DealEvent::Updated(after.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(after)
}

#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn delete(state: &AppState, auth: &AuthContext, id: DealId) -> Result<(), AppError> {
    auth.require(Action::DeleteRecords)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let before = get_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::DeleteRecords, before.owner_id)?;
    let done = sqlx::query("DELETE FROM deals WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("Deal"));
    }
    sqlx::query("DELETE FROM activities WHERE workspace_id = $1 AND subject_type = 'deal' AND subject_id = $2")
        .bind(auth.workspace_id.0)
        .bind(id)
        .execute(uow.conn())
        .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &DealEvent::Deleted { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
