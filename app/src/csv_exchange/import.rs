//! The contact import service: the preview, and the import itself in one transaction with
//! one `contacts.imported` event.

use super::plan::{company_key, plan, Draft, Index, Plan};
use super::read::{self, Record};
use super::{FailedRow, ImportPreview, ImportReport, ImportRequest, PreviewRow, RowAction};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::contacts::server::{create_in, update_in};
use crate::contacts::ContactEvent;
use crate::deals::DealInput;
use crate::error::AppError;
use crate::ids::CompanyId;
use crate::realtime::server::{NewEvent, UnitOfWork};
use crate::server::db::Tx;
use crate::server::query::search_text;
use crate::server::{now_ms, AppState};
use crate::timeline::server::{record_activity, Subject};
use std::time::Instant;

/// Rows a preview shows.
const PREVIEW_ROWS: usize = 20;

/// The columns, the suggested mapping, and what the first rows would do.
pub async fn preview(
    state: &AppState,
    auth: &AuthContext,
    req: &ImportRequest,
) -> Result<ImportPreview, AppError> {
    auth.require(Action::ImportRecords)?;
    let table = read::parse(&req.csv)?;
    let mapping = read::resolve(&table.columns, req.mapping.as_ref())?;
    // A read-only transaction: one consistent view of the workspace for every row.
    let mut tx = state.db.pool.begin().await?;
    let index = Index::load(&mut tx, auth.workspace_id.0).await?;
    let mut rows = Vec::new();
    for record in table.rows.iter().take(PREVIEW_ROWS) {
        let values = read::values(record, &mapping);
        let planned = plan(
            &mut tx,
            &index,
            auth.workspace_id.0,
            &values,
            req.decimal_separator,
        )
        .await?;
        let deal = match &planned {
            Plan::Create(d) | Plan::Update(_, d) => d.deal.clone(),
            Plan::AddDeal(_, d) => Some(d.clone()),
            _ => None,
        };
        let (action, errors) = match planned {
            Plan::Create(_) => (RowAction::Create, Vec::new()),
            Plan::Update(..) | Plan::AddDeal(..) => (RowAction::Update, Vec::new()),
            Plan::Unchanged => (RowAction::Unchanged, Vec::new()),
            Plan::Fail(errors) => (RowAction::Fail, errors),
        };
        rows.push(PreviewRow {
            row: record.row,
            action,
            values: values
                .into_iter()
                .map(|(f, v)| (f.as_str().to_string(), v))
                .collect(),
            errors,
            deal_value_minor: deal.as_ref().map(|d| d.value_minor),
            deal_currency: deal.map(|d| d.currency),
        });
    }
    tx.rollback().await?;
    Ok(ImportPreview {
        suggested_mapping: read::suggested_mapping(&table.columns),
        columns: table.columns,
        rows,
        total: table.rows.len() as u64,
    })
}

/// Imports every row: matched contacts are updated, others created, invalid rows reported.
pub async fn import(
    state: &AppState,
    auth: &AuthContext,
    req: &ImportRequest,
) -> Result<ImportReport, AppError> {
    auth.require(Action::ImportRecords)?;
    let started = Instant::now();
    let table = read::parse(&req.csv)?;
    let mapping = read::resolve(&table.columns, req.mapping.as_ref())?;
    let mut uow = UnitOfWork::begin(state).await?;
    let mut index = Index::load(&mut uow, auth.workspace_id.0).await?;
    let mut report = ImportReport::default();
    for record in &table.rows {
        let values = read::values(record, &mapping);
        let planned = plan(
            &mut uow,
            &index,
            auth.workspace_id.0,
            &values,
            req.decimal_separator,
        )
        .await?;
        if let Some(event) =
            apply_row(&mut uow, auth, &mut index, &mut report, record, planned).await?
        {
            uow.record_new(event);
        }
    }
    if report.created + report.updated + report.companies_created > 0 {
        let imported = ContactEvent::Imported {
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            companies_created: report.companies_created,
            failed: report.failed.len() as u64,
        };
        uow.record(auth.workspace_id, Some(auth.user_id), &imported)
            .await?;
    }
    uow.commit().await?;
    tracing::info!(
        rows = table.rows.len(),
        created = report.created,
        deals = report.deals_created,
        updated = report.updated,
        failed = report.failed.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "contacts imported"
    );
    Ok(report)
}

/// Writes what the row planned; the `deal.created` event of its deal, when it gives one.
async fn apply_row(
    tx: &mut Tx,
    auth: &AuthContext,
    index: &mut Index,
    report: &mut ImportReport,
    record: &Record,
    planned: Plan,
) -> Result<Option<NewEvent>, AppError> {
    let (contact, deal) = match planned {
        Plan::Create(draft) => {
            let deal = draft.deal.clone();
            let input = with_company(tx, auth, index, report, draft, None).await?;
            let created = create_in(tx, auth, &input).await?;
            let contact = created.clone();
            index.remember(None, created);
            report.created += 1;
            (contact, deal)
        }
        Plan::Update(before, draft) => {
            let deal = draft.deal.clone();
            let input = with_company(tx, auth, index, report, draft, before.company_id).await?;
            let after = update_in(tx, auth, &before, &input).await?;
            let contact = after.clone();
            index.remember(Some(&*before), after);
            report.updated += 1;
            (contact, deal)
        }
        Plan::AddDeal(contact, deal) => (*contact, Some(deal)),
        Plan::Unchanged => {
            report.unchanged += 1;
            return Ok(None);
        }
        Plan::Fail(details) => {
            report.failed.push(FailedRow::new(record.row, details));
            return Ok(None);
        }
    };
    let Some(deal) = deal else { return Ok(None) };
    let input = DealInput {
        title: deal.title,
        value_minor: deal.value_minor,
        currency: deal.currency,
        contact_id: Some(contact.id),
        company_id: contact.company_id,
        ..Default::default()
    };
    let (_, event) = crate::deals::server::create_in(tx, auth, input).await?;
    report.deals_created += 1;
    Ok(Some(event))
}

/// The draft's input with the company it names (found by name, or created), else `current`.
async fn with_company(
    tx: &mut Tx,
    auth: &AuthContext,
    index: &mut Index,
    report: &mut ImportReport,
    draft: Draft,
    current: Option<CompanyId>,
) -> Result<crate::contacts::ContactInput, AppError> {
    let mut input = draft.input;
    input.company_id = match draft.company {
        Some(name) => Some(company_id(tx, auth, index, report, &name).await?),
        None => current,
    };
    Ok(input)
}

/// The workspace's company of that name (ignoring case), created when there is none — as the
/// company service would: searchable by name, with its "created" timeline entry.
async fn company_id(
    tx: &mut Tx,
    auth: &AuthContext,
    index: &mut Index,
    report: &mut ImportReport,
    name: &str,
) -> Result<CompanyId, AppError> {
    if let Some(id) = index.companies.get(&company_key(name)) {
        return Ok(*id);
    }
    let id: CompanyId = sqlx::query_scalar(
        "INSERT INTO companies (workspace_id, name, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(name)
    .bind(search_text(&[name, "", ""]))
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    record_activity(
        tx,
        auth,
        Subject::Company(id),
        "created",
        serde_json::json!({ "name": name }),
    )
    .await?;
    index.companies.insert(company_key(name), id);
    report.companies_created += 1;
    Ok(id)
}
