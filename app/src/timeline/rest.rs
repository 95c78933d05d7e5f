//! REST routes for notes, reminders and activities: nested under a contact or deal
//! (`…/{id}/notes`, `…/{id}/reminders`, `…/{id}/activities`) or a company (`…/{id}/activities`),
//! plus `DELETE /api/crm/notes/{id}` and `PATCH/DELETE /api/crm/reminders/{id}`.
//!
//! The nested handlers are the same for each kind of record, so a macro writes one named set
//! per kind: named, because each needs its own `#[utoipa::path]` (and a unique operation id)
//! to appear in the OpenAPI document.

use super::server::{self, Subject};
use super::{ActivityView, NoteInput, NoteView, ReminderInput, ReminderPatch, ReminderView};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{CompanyId, ContactId, DealId};
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::openapi::{Forbidden, Invalid, NotFound};
use crate::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `activities`: the timeline of one `$subject` (`Subject::Contact`) by its `$id`
/// (`ContactId`), named `$name` in operation ids (`"Contact"` gives `listContactActivities`).
macro_rules! activities_handler {
    ($subject:path, $id:ty, $name:literal) => {
        /// The record's timeline, newest first.
        #[utoipa::path(
                    get, path = "/{id}/activities", tag = "activities",
                    operation_id = concat!("list", $name, "Activities"),
                    params(("id" = i64, Path, description = "The record's id")),
                    responses(
                        (status = 200, description = "The timeline", body = Vec<ActivityView>),
                        (status = 400, response = Invalid),
                        (status = 404, response = NotFound),
                    )
                )]
        pub async fn activities(
            State(s): State<AppState>,
            auth: AuthContext,
            ApiPath(id): ApiPath<$id>,
        ) -> Result<Json<Vec<ActivityView>>, AppError> {
            Ok(Json(server::activities(&s, &auth, $subject(id)).await?))
        }
    };
}

/// A module with the notes, reminders and activities routes of one kind of record.
macro_rules! subject_routes {
    ($module:ident, $subject:path, $id:ty, $name:literal) => {
        pub mod $module {
            use super::*;

            activities_handler!($subject, $id, $name);

            pub fn routes() -> OpenApiRouter<AppState> {
                OpenApiRouter::new()
                    .routes(routes!(notes, add_note))
                    .routes(routes!(reminders, add_reminder))
                    .routes(routes!(activities))
            }

            /// The record's notes, newest first.
            #[utoipa::path(
                        get, path = "/{id}/notes", tag = "notes",
                        operation_id = concat!("list", $name, "Notes"),
                        params(("id" = i64, Path, description = "The record's id")),
                        responses(
                            (status = 200, description = "The notes", body = Vec<NoteView>),
                            (status = 400, response = Invalid),
                            (status = 404, response = NotFound),
                        )
                    )]
            pub async fn notes(
                State(s): State<AppState>,
                auth: AuthContext,
                ApiPath(id): ApiPath<$id>,
            ) -> Result<Json<Vec<NoteView>>, AppError> {
                Ok(Json(server::notes(&s, &auth, $subject(id)).await?))
            }

            /// Add a note to the record.
            #[utoipa::path(
                        post, path = "/{id}/notes", tag = "notes",
                        operation_id = concat!("add", $name, "Note"),
                        params(("id" = i64, Path, description = "The record's id")),
                        request_body = NoteInput,
                        responses(
                            (status = 201, description = "Added", body = NoteView),
                            (status = 400, response = Invalid),
                            (status = 403, response = Forbidden),
                            (status = 404, response = NotFound),
                        )
                    )]
            pub async fn add_note(
                State(s): State<AppState>,
                auth: AuthContext,
                ApiPath(id): ApiPath<$id>,
                ApiJson(input): ApiJson<NoteInput>,
            ) -> Result<(StatusCode, Json<NoteView>), AppError> {
                let note = server::add_note(&s, &auth, $subject(id), input).await?;
                Ok((StatusCode::CREATED, Json(note)))
            }

            /// The record's reminders.
            #[utoipa::path(
                        get, path = "/{id}/reminders", tag = "reminders",
                        operation_id = concat!("list", $name, "Reminders"),
                        params(("id" = i64, Path, description = "The record's id")),
                        responses(
                            (status = 200, description = "The reminders", body = Vec<ReminderView>),
                            (status = 400, response = Invalid),
                            (status = 404, response = NotFound),
                        )
                    )]
            pub async fn reminders(
                State(s): State<AppState>,
                auth: AuthContext,
                ApiPath(id): ApiPath<$id>,
            ) -> Result<Json<Vec<ReminderView>>, AppError> {
                Ok(Json(server::reminders(&s, &auth, $subject(id)).await?))
            }

            /// Add a reminder to the record.
            #[utoipa::path(
                        post, path = "/{id}/reminders", tag = "reminders",
                        operation_id = concat!("add", $name, "Reminder"),
                        params(("id" = i64, Path, description = "The record's id")),
                        request_body = ReminderInput,
                        responses(
                            (status = 201, description = "Added", body = ReminderView),
                            (status = 400, response = Invalid),
                            (status = 403, response = Forbidden),
                            (status = 404, response = NotFound),
                        )
                    )]
            pub async fn add_reminder(
                State(s): State<AppState>,
                auth: AuthContext,
                ApiPath(id): ApiPath<$id>,
                ApiJson(input): ApiJson<ReminderInput>,
            ) -> Result<(StatusCode, Json<ReminderView>), AppError> {
                let reminder = server::add_reminder(&s, &auth, $subject(id), input).await?;
                Ok((StatusCode::CREATED, Json(reminder)))
            }
        }
    };
}

subject_routes!(contact, Subject::Contact, ContactId, "Contact");
subject_routes!(deal, Subject::Deal, DealId, "Deal");

/// Companies have a timeline but no notes or reminders of their own.
pub mod company {
    use super::*;
    activities_handler!(Subject::Company, CompanyId, "Company");
}

/// `/api/crm/notes/{id}` and `/api/crm/reminders/{id}`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(delete_note))
        .routes(routes!(update_reminder, delete_reminder))
}

/// Delete a note.
#[utoipa::path(
    delete, path = "/notes/{id}", operation_id = "deleteNote", tag = "notes",
    params(("id" = i64, Path, description = "The note's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn delete_note(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    server::delete_note(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reschedule, rename, or mark a reminder done / not done.
#[utoipa::path(
    patch, path = "/reminders/{id}", operation_id = "updateReminder", tag = "reminders",
    params(("id" = i64, Path, description = "The reminder's id")),
    request_body = ReminderPatch,
    responses(
        (status = 200, description = "Updated", body = ReminderView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn update_reminder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<ReminderPatch>,
) -> Result<Json<ReminderView>, AppError> {
    Ok(Json(server::update_reminder(&s, &auth, id, p).await?))
}

/// Delete a reminder.
#[utoipa::path(
    delete, path = "/reminders/{id}", operation_id = "deleteReminder", tag = "reminders",
    params(("id" = i64, Path, description = "The reminder's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn delete_reminder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    server::delete_reminder(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
