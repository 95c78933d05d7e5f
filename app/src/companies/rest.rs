//! REST routes under `/api/crm/companies`.

use super::{server, CompanyInput, CompanyView, DeleteCompanyOptions};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::CompanyId;
use crate::listing::{ListQuery, Page};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::lists::JsonBytes;
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::server::AppState;
use crate::timeline::rest as timeline;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one, replace, remove))
        .routes(routes!(timeline::company::activities))
}

/// Companies, newest first unless `sort` says otherwise (`name`, `industry`, `createdAt`,
/// `updatedAt`); filters: `search`, `ownerId`.
#[utoipa::path(
    get, path = "/", operation_id = "listCompanies", tag = "companies",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of companies", body = Page<CompanyView>),
        (status = 400, response = Invalid),
    )
)]
async fn list(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<JsonBytes, AppError> {
    let page = server::list_cached(&s, &auth, &q).await?;
    page.json()
        .map_err(|e| AppError::log_internal("encoding a list page", &e))
}

/// Create a company.
#[utoipa::path(
    post, path = "/", operation_id = "createCompany", tag = "companies",
    request_body = CompanyInput,
    responses(
        (status = 201, description = "Created", body = CompanyView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<CompanyInput>,
) -> Result<(StatusCode, Json<CompanyView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(server::create(&s, &auth, input).await?),
    ))
}

/// One company.
#[utoipa::path(
    get, path = "/{id}", operation_id = "getCompany", tag = "companies",
    params(("id" = i64, Path, description = "The company's id")),
    responses(
        (status = 200, description = "The company", body = CompanyView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn one(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CompanyId>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(server::get(&s, &auth, id).await?))
}

/// Replace a company's fields.
#[utoipa::path(
    put, path = "/{id}", operation_id = "replaceCompany", tag = "companies",
    params(("id" = i64, Path, description = "The company's id")),
    request_body = CompanyInput,
    responses(
        (status = 200, description = "Updated", body = CompanyView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn replace(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CompanyId>,
    ApiJson(input): ApiJson<CompanyInput>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(server::update(&s, &auth, id, input).await?))
}

/// Delete a company; its contacts are detached. While it has deals the answer is 409, unless
/// `detachDeals=true`.
#[utoipa::path(
    delete, path = "/{id}", operation_id = "deleteCompany", tag = "companies",
    params(("id" = i64, Path, description = "The company's id"), DeleteCompanyOptions),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn remove(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CompanyId>,
    ApiQuery(q): ApiQuery<DeleteCompanyOptions>,
) -> Result<StatusCode, AppError> {
    server::delete(&s, &auth, id, q.detach_deals).await?;
    Ok(StatusCode::NO_CONTENT)
}
