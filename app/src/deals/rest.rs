//! REST routes under `/api/crm/deals`.

use super::{server, DealInput, DealView, StageChange};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::DealId;
use crate::listing::{ListQuery, Page};
use crate::pipelines::server::history;
use crate::pipelines::StageMove;
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
        .routes(routes!(one, replace, remove))
        .routes(routes!(move_stage))
        .routes(routes!(stage_history))
        .merge(timeline::deal::routes())
}

/// Deals, newest first unless `sort` says otherwise (`title`, `value`, `expectedCloseDate`,
/// `createdAt`, `updatedAt`); filters: `search`, `companyId`, `contactId`, `ownerId`,
/// `pipelineId`, `stageId`.
#[utoipa::path(
    get, path = "/", operation_id = "listDeals", tag = "deals",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of deals", body = Page<DealView>),
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

/// Create a deal, by default in the default pipeline's first stage.
#[utoipa::path(
    post, path = "/", operation_id = "createDeal", tag = "deals",
    request_body = DealInput,
    responses(
        (status = 201, description = "Created", body = DealView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<(StatusCode, Json<DealView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(server::create(&s, &auth, input).await?),
    ))
}

/// One deal.
#[utoipa::path(
    get, path = "/{id}", operation_id = "getDeal", tag = "deals",
    params(("id" = i64, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "The deal", body = DealView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn one(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Json<DealView>, AppError> {
    Ok(Json(server::get(&s, &auth, id).await?))
}

/// Replace a deal's fields.
#[utoipa::path(
    put, path = "/{id}", operation_id = "replaceDeal", tag = "deals",
    params(("id" = i64, Path, description = "The deal's id")),
    request_body = DealInput,
    responses(
        (status = 200, description = "Updated", body = DealView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn replace(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<DealId>,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<Json<DealView>, AppError> {
    Ok(Json(server::update(&s, &auth, id, input).await?))
}

/// Move a deal to another stage of its pipeline; the move is kept in the stage history.
#[utoipa::path(
    patch, path = "/{id}/stage", operation_id = "moveDealStage", tag = "deals",
    params(("id" = i64, Path, description = "The deal's id")),
    request_body = StageChange,
    responses(
        (status = 200, description = "Moved", body = DealView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn move_stage(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<DealId>,
    ApiJson(change): ApiJson<StageChange>,
) -> Result<Json<DealView>, AppError> {
    Ok(Json(server::change_stage(&s, &auth, id, change).await?))
}

/// The deal's moves between stages, newest first (from, to, who, when, reason, source).
#[utoipa::path(
    get, path = "/{id}/history", operation_id = "dealStageHistory", tag = "deals",
    params(("id" = i64, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "The moves", body = Vec<StageMove>),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn stage_history(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Json<Vec<StageMove>>, AppError> {
    Ok(Json(history::of_deal(&s, &auth, id).await?))
}

/// Delete a deal.
#[utoipa::path(
    delete, path = "/{id}", operation_id = "deleteDeal", tag = "deals",
    params(("id" = i64, Path, description = "The deal's id")),
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
    ApiPath(id): ApiPath<DealId>,
) -> Result<StatusCode, AppError> {
    server::delete(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
