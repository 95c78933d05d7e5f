//! Server functions for timelines, notes and reminders.

use super::{ActivityView, NoteInput, NoteView, ReminderInput, ReminderPatch, ReminderView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which kind of record a timeline belongs to, as the pages name it; the record's id travels
/// beside it as a number and is typed (`ContactId`, `DealId`…) by `subject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectRef {
    Company,
    Contact,
    Deal,
}

#[cfg(feature = "ssr")]
fn subject(kind: SubjectRef, id: i64) -> super::server::Subject {
    use super::server::Subject;
    match kind {
        SubjectRef::Company => Subject::Company(crate::ids::CompanyId(id)),
        SubjectRef::Contact => Subject::Contact(crate::ids::ContactId(id)),
        SubjectRef::Deal => Subject::Deal(crate::ids::DealId(id)),
    }
}

/// Everything a record page's side panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineData {
    pub activities: Vec<ActivityView>,
    pub notes: Vec<NoteView>,
    pub reminders: Vec<ReminderView>,
}

#[server(prefix = "/sfn", endpoint = "get_timeline")]
pub async fn get_timeline(kind: SubjectRef, id: i64) -> Result<TimelineData, AppError> {
    use super::server as t;
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let s = subject(kind, id);
        let activities = t::activities(&state, &auth, s).await?;
        let (notes, reminders) = if kind == SubjectRef::Company {
            (Vec::new(), Vec::new())
        } else {
            (
                t::notes(&state, &auth, s).await?,
                t::reminders(&state, &auth, s).await?,
            )
        };
        Ok(TimelineData {
            activities,
            notes,
            reminders,
        })
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "add_note")]
pub async fn add_note(kind: SubjectRef, id: i64, input: NoteInput) -> Result<NoteView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::add_note(&state, &auth, subject(kind, id), input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "add_reminder")]
pub async fn add_reminder(
    kind: SubjectRef,
    id: i64,
    input: ReminderInput,
) -> Result<ReminderView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::add_reminder(&state, &auth, subject(kind, id), input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "update_reminder")]
pub async fn update_reminder(id: i64, patch: ReminderPatch) -> Result<ReminderView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::update_reminder(&state, &auth, id, patch).await
    })
    .await
}

/// The caller's open reminders, soonest first.
#[server(prefix = "/sfn", endpoint = "my_reminders")]
pub async fn my_reminders() -> Result<Vec<ReminderView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::my_open_reminders(&state, &auth, 50).await
    })
    .await
}
