//! REST routes of the CSV import and exports, nested under `/api/crm`.
//!
//! They sit in their own router so the import's larger body limit applies to these routes
//! only. `…/export.csv` is a static segment, which the router prefers to the domains' `/{id}`.

use super::{company_rows, contact_rows, deal_rows, export, import};
use super::{ImportPreview, ImportReport, ImportRequest};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::server::extract::{ApiJson, ApiQuery};
use crate::server::openapi::{Forbidden, Invalid};
use crate::server::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest import body: a 10,000-row file is about 1 MB, so this leaves room for wide
/// files; [`super::read::MAX_ROWS`] bounds the work either way.
pub const IMPORT_BODY_LIMIT: usize = 20 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    let imports = OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(run_import))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    OpenApiRouter::new()
        .merge(imports)
        .routes(routes!(export_contacts))
        .routes(routes!(export_companies))
        .routes(routes!(export_deals))
}

/// Read a CSV file's header, suggest a mapping and show what the first 20 rows would do.
#[utoipa::path(
    post, path = "/contacts/import/preview", operation_id = "previewContactImport", tag = "contacts",
    request_body = ImportRequest,
    responses(
        (status = 200, description = "The columns, the suggested mapping and the first rows", body = ImportPreview),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn preview(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(req): ApiJson<ImportRequest>,
) -> Result<Json<ImportPreview>, AppError> {
    Ok(Json(import::preview(&s, &auth, &req).await?))
}

/// Import contacts from a CSV file: rows matching a contact by email or Telegram username
/// update it, others create one; invalid rows are reported and left out.
#[utoipa::path(
    post, path = "/contacts/import", operation_id = "importContacts", tag = "contacts",
    request_body = ImportRequest,
    responses(
        (status = 200, description = "What the import did, row by row for failures", body = ImportReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn run_import(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(req): ApiJson<ImportRequest>,
) -> Result<Json<ImportReport>, AppError> {
    Ok(Json(import::import(&s, &auth, &req).await?))
}

/// Every contact the list would show for these parameters, as CSV (`page` and `limit` are
/// ignored).
#[utoipa::path(
    get, path = "/contacts/export.csv", operation_id = "exportContacts", tag = "contacts",
    params(ListQuery),
    responses(
        (status = 200, description = "A CSV download", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
    )
)]
async fn export_contacts(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let query = contact_rows::export_rows(&s, &auth, &q);
    export::respond(
        &s,
        "contacts",
        contact_rows::HEADER,
        contact_rows::record,
        query,
    )
    .await
}

/// Every company the list would show for these parameters, as CSV (`page` and `limit` are
/// ignored).
#[utoipa::path(
    get, path = "/companies/export.csv", operation_id = "exportCompanies", tag = "companies",
    params(ListQuery),
    responses(
        (status = 200, description = "A CSV download", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
    )
)]
async fn export_companies(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let query = company_rows::export_rows(&s, &auth, &q);
    export::respond(
        &s,
        "companies",
        company_rows::HEADER,
        company_rows::record,
        query,
    )
    .await
}

/// Every deal the list would show for these parameters, as CSV (`page` and `limit` are
/// ignored).
#[utoipa::path(
    get, path = "/deals/export.csv", operation_id = "exportDeals", tag = "deals",
    params(ListQuery),
    responses(
        (status = 200, description = "A CSV download", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
    )
)]
async fn export_deals(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let query = deal_rows::export_rows(&s, &auth, &q);
    export::respond(&s, "deals", deal_rows::HEADER, deal_rows::record, query).await
}
