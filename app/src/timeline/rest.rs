//! REST routes for notes, reminders and activities: nested under a contact or deal
//! (`…/:id/notes`, `…/:id/reminders`, `…/:id/activities`), plus `DELETE /api/crm/notes/:id`
//! and `PATCH/DELETE /api/crm/reminders/:id`.

use super::server::{self, Subject};
use super::{ActivityView, NoteInput, NoteView, ReminderInput, ReminderPatch, ReminderView};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, patch};
use axum::{Json, Router};

type MakeSubject = fn(i64) -> Subject;

/// `{prefix}/notes`, `{prefix}/reminders` and `{prefix}/activities` of a contact or deal.
pub fn subject_routes(prefix: &str, make: MakeSubject) -> Router<AppState> {
    Router::new()
        .route(
            &format!("{prefix}/notes"),
            get(move |State(s): State<AppState>, auth: AuthContext, ApiPath(id): ApiPath<i64>| async move {
                Ok::<Json<Vec<NoteView>>, AppError>(Json(server::notes(&s, &auth, make(id)).await?))
            })
            .post(move |State(s): State<AppState>, auth: AuthContext, ApiPath(id): ApiPath<i64>, ApiJson(input): ApiJson<NoteInput>| async move {
                Ok::<_, AppError>((StatusCode::CREATED, Json(server::add_note(&s, &auth, make(id), input).await?)))
            }),
        )
        .route(
            &format!("{prefix}/reminders"),
            get(move |State(s): State<AppState>, auth: AuthContext, ApiPath(id): ApiPath<i64>| async move {
                Ok::<Json<Vec<ReminderView>>, AppError>(Json(server::reminders(&s, &auth, make(id)).await?))
            })
            .post(move |State(s): State<AppState>, auth: AuthContext, ApiPath(id): ApiPath<i64>, ApiJson(input): ApiJson<ReminderInput>| async move {
                Ok::<_, AppError>((StatusCode::CREATED, Json(server::add_reminder(&s, &auth, make(id), input).await?)))
            }),
        )
        .merge(activity_route(prefix, make))
}

/// `{prefix}/activities`: a record's timeline.
pub fn activity_route(prefix: &str, make: MakeSubject) -> Router<AppState> {
    Router::new().route(
        &format!("{prefix}/activities"),
        get(move |State(s): State<AppState>, auth: AuthContext, ApiPath(id): ApiPath<i64>| async move {
            Ok::<Json<Vec<ActivityView>>, AppError>(Json(server::activities(&s, &auth, make(id)).await?))
        }),
    )
}

/// `/api/crm/notes/:id` and `/api/crm/reminders/:id`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notes/{id}", delete(delete_note))
        .route(
            "/reminders/{id}",
            patch(update_reminder).delete(delete_reminder),
        )
}

async fn delete_note(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    server::delete_note(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_reminder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<ReminderPatch>,
) -> Result<Json<ReminderView>, AppError> {
    Ok(Json(server::update_reminder(&s, &auth, id, p).await?))
}

async fn delete_reminder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    server::delete_reminder(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
