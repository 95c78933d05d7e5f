//! Workspaces: the tenant every record belongs to, its members and their roles.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use pages::{HomePage, SettingsPage};

use crate::access::{Role, WorkspaceView};
use crate::ids::{EpochMs, UserId};
use crate::realtime::RealtimeEvent;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub joined_at: EpochMs,
}

/// Everything the Home page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HomeData {
    pub workspace: WorkspaceView,
    pub members: Vec<MemberView>,
    pub recent_events: Vec<RealtimeEvent>,
    /// The caller's open reminders, soonest first.
    pub reminders: Vec<crate::timeline::ReminderView>,
    pub counts: RecordCounts,
}

/// How many records the workspace holds (Home).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordCounts {
    pub contacts: i64,
    pub companies: i64,
    pub open_deals: i64,
}

/// Renaming a workspace, or creating a new one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 100, code = "too_long", message = "This is too long")
    )]
    pub name: String,
}

impl WorkspaceInput {
    pub fn normalized(mut self) -> Self {
        self.name = self.name.trim().to_string();
        self
    }
}

/// The workspace's own events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum WorkspaceEvent {
    #[serde(rename = "workspace.created")]
    Created { name: String },
    #[serde(rename = "workspace.renamed")]
    Renamed { name: String },
    /// Demo records were written straight into the database (`parley-seed`).
    #[serde(rename = "records.seeded")]
    Seeded {
        companies: usize,
        contacts: usize,
        deals: usize,
        notes: usize,
        reminders: usize,
        conversations: usize,
        messages: usize,
    },
}

impl crate::realtime::DomainEvent for WorkspaceEvent {}
