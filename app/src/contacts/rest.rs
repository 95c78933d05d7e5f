//! REST routes under `/api/crm/contacts`.

use super::{server, ContactInput, ContactPatch, ContactView};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ContactId;
use crate::listing::{ListQuery, Page};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::lists::JsonBytes;
use crate::server::openapi::{Forbidden, Invalid, NotFound};
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
        .routes(routes!(one, replace, patch, remove))
        .merge(timeline::contact::routes())
}

/// Contacts, newest first unless `sort` says otherwise (`name`, `email`, `createdAt`,
/// `updatedAt`); filters: `search`, `companyId`, `ownerId`.
#[utoipa::path(
    get, path = "/", operation_id = "listContacts", tag = "contacts",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of contacts", body = Page<ContactView>),
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

/// Create a contact.
#[utoipa::path(
    post, path = "/", operation_id = "createContact", tag = "contacts",
    request_body = ContactInput,
    responses(
        (status = 201, description = "Created", body = ContactView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ContactView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(server::create(&s, &auth, input).await?),
    ))
}

/// One contact.
#[utoipa::path(
    get, path = "/{id}", operation_id = "getContact", tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = ContactView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn one(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::get(&s, &auth, id).await?))
}

/// Replace a contact's fields.
#[utoipa::path(
    put, path = "/{id}", operation_id = "replaceContact", tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    request_body = ContactInput,
    responses(
        (status = 200, description = "Updated", body = ContactView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn replace(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::update(&s, &auth, id, input).await?))
}

/// Change some of a contact's fields: only those present change; `null` clears optional ones.
#[utoipa::path(
    patch, path = "/{id}", operation_id = "patchContact", tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    request_body = ContactPatch,
    responses(
        (status = 200, description = "Updated", body = ContactView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn patch(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ContactId>,
    ApiJson(p): ApiJson<ContactPatch>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::patch(&s, &auth, id, p).await?))
}

/// Delete a contact.
#[utoipa::path(
    delete, path = "/{id}", operation_id = "deleteContact", tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn remove(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<StatusCode, AppError> {
    server::delete(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
