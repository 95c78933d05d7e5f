//! REST routes under `/api/crm/contacts`.

use super::{server, ContactInput, ContactPatch, ContactView};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::listing::{ListQuery, Page};
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::AppState;
use crate::timeline::rest as timeline;
use crate::timeline::server::Subject;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(one).put(replace).patch(patch).delete(remove))
        .merge(timeline::subject_routes("/{id}", Subject::Contact))
}

async fn list(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<ContactView>>, AppError> {
    Ok(Json(server::list(&s, &auth, &q).await?))
}

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

async fn one(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::get(&s, &auth, id).await?))
}

async fn replace(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::update(&s, &auth, id, input).await?))
}

async fn patch(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<ContactPatch>,
) -> Result<Json<ContactView>, AppError> {
    Ok(Json(server::patch(&s, &auth, id, p).await?))
}

async fn remove(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    server::delete(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
