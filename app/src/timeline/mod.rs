//! The activity timeline of companies, contacts and deals, with notes and reminders.

mod api;
mod panel;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{ContactId, DealId, EpochMs};
pub use api::*;
pub use panel::{describe, TimelinePanel};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// One entry of a record's timeline: `created`, `edited` (with `fields`), `stage_changed`,
/// `note_added`, `reminder_added`, `reminder_done`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    pub id: i64,
    pub kind: String,
    pub data: serde_json::Value,
    pub actor_name: Option<String>,
    /// How the change was made: `manual` (in the app), `api`, `automation`, `campaign` or
    /// `system` (Parley itself).
    pub source: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub at: EpochMs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    pub id: i64,
    pub body: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub deal_id: Option<DealId>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}

impl ReminderView {
    /// The page of the record the reminder is about.
    pub fn href(&self) -> String {
        match (self.deal_id, self.contact_id) {
            (Some(d), _) => format!("/deals/{d}"),
            (None, Some(c)) => format!("/contacts/{c}"),
            _ => "/".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct NoteInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 10000, code = "too_long", message = "This is too long")
    )]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReminderView {
    pub id: i64,
    pub title: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub due_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub done_at: Option<EpochMs>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub deal_id: Option<DealId>,
    pub owner_id: i64,
    pub owner_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ReminderInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 300, code = "too_long", message = "This is too long")
    )]
    pub title: String,
    /// When it is due (epoch milliseconds, UTC).
    #[validate(range(min = 0, code = "range", message = "Choose a date"))]
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub due_at: EpochMs,
    /// Defaults to the caller.
    pub owner_id: Option<i64>,
}

/// `PATCH /api/crm/reminders/:id`: reschedule, rename, or mark done / not done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ReminderPatch {
    #[validate(length(
        min = 1,
        max = 300,
        code = "too_long",
        message = "Use 1 to 300 characters"
    ))]
    pub title: Option<String>,
    #[validate(range(min = 0, code = "range", message = "Choose a date"))]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub due_at: Option<EpochMs>,
    pub done: Option<bool>,
}

/// Notes' and reminders' events, as the server records them and the browser reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum TimelineEvent {
    #[serde(rename = "note.created")]
    NoteCreated(NoteView),
    #[serde(rename = "note.deleted")]
    NoteDeleted { id: i64 },
    #[serde(rename = "reminder.created")]
    ReminderCreated(ReminderView),
    #[serde(rename = "reminder.updated")]
    ReminderUpdated(ReminderView),
    #[serde(rename = "reminder.deleted")]
    ReminderDeleted { id: i64 },
    /// A reminder came due; its owner is told.
    #[serde(rename = "reminder.due", rename_all = "camelCase")]
    ReminderDue {
        reminder: ReminderView,
        user_id: i64,
    },
}

impl crate::realtime::DomainEvent for TimelineEvent {}
