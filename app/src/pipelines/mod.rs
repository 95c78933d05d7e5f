//! Pipelines and their ordered stages: the default pipeline every workspace starts with,
//! administration (owners and admins), and the stage history of deal moves.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{DealId, PipelineId, StageId};
pub use api::*;
pub use pages::PipelinesPage;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }
    pub fn parse(s: &str) -> StageKind {
        match s {
            "won" => StageKind::Won,
            "lost" => StageKind::Lost,
            _ => StageKind::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StageView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: StageId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub pipeline_id: PipelineId,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    pub probability: i64,
    pub rotting_days: Option<i64>,
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PipelineView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: PipelineId,
    pub name: String,
    pub is_default: bool,
    pub stages: Vec<StageView>,
}

/// `POST /api/pipeline`, `PUT /api/pipeline/:id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct PipelineInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 100, code = "too_long", message = "This is too long")
    )]
    pub name: String,
    /// Makes this the pipeline new deals go to (the previous default stops being one).
    pub is_default: bool,
}

/// `POST /api/pipeline/stages` (with `pipelineId`), `PUT /api/pipeline/stages/:id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StageInput {
    /// The pipeline a new stage joins (ignored on update).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub pipeline_id: Option<PipelineId>,
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 100, code = "too_long", message = "This is too long")
    )]
    pub name: String,
    /// `#rrggbb`.
    #[serde(default = "default_color")]
    #[validate(custom(function = "crate::validation::color"))]
    pub color: String,
    #[serde(default = "default_kind")]
    pub kind: StageKind,
    /// Win probability in percent; weighted column values use it.
    #[serde(default)]
    #[validate(range(min = 0, max = 100, code = "range", message = "Use 0 to 100"))]
    pub probability: i64,
    /// Deals idle in this stage for longer are marked as rotting.
    #[serde(default)]
    #[validate(range(min = 1, max = 3650, code = "range", message = "Use 1 to 3650 days"))]
    pub rotting_days: Option<i64>,
    /// Where the stage goes, from 0; absent: at the end (create) or where it is (update).
    #[serde(default)]
    #[validate(range(min = 0, max = 1000, code = "range", message = "Use 0 to 1000"))]
    pub position: Option<i64>,
}

fn default_color() -> String {
    "#64748b".into()
}

fn default_kind() -> StageKind {
    StageKind::Open
}

impl StageInput {
    pub fn normalized(mut self) -> Self {
        self.name = self.name.trim().to_string();
        self.color = self.color.trim().to_lowercase();
        self
    }
}

/// Where the deals of a deleted stage or pipeline go:
/// `DELETE /api/pipeline/stages/:id?moveToStageId=`, `DELETE /api/pipeline/:id?moveToStageId=`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    /// The stage that receives the deals; required when there are any.
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub move_to_stage_id: Option<StageId>,
}

/// One move of a deal between stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StageMove {
    pub id: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub deal_id: DealId,
    pub deal_title: String,
    /// `null` for the deal's creation (or a stage deleted since).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub from_stage_id: Option<StageId>,
    pub from_stage_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub to_stage_id: Option<StageId>,
    pub to_stage_name: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub reason: String,
    /// `manual` (the app), `api` (REST) or `automation`.
    pub source: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: crate::ids::EpochMs,
}

/// Pipeline configuration's events (their data is also the audit log's details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum PipelineEvent {
    #[serde(rename = "pipeline.created", rename_all = "camelCase")]
    Created {
        pipeline: PipelineView,
        actor_id: i64,
    },
    /// Renamed, reordered, or a stage added, changed or deleted (with where its deals went).
    #[serde(rename = "pipeline.updated", rename_all = "camelCase")]
    Updated {
        pipeline: PipelineView,
        actor_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_stage_id: Option<StageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        move_to_stage_id: Option<StageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        moved: Option<i64>,
    },
    /// Deleted, its deals moved to `move_to_stage_id`.
    #[serde(rename = "pipeline.deleted", rename_all = "camelCase")]
    Deleted {
        id: PipelineId,
        actor_id: i64,
        move_to_stage_id: Option<StageId>,
        moved: i64,
    },
}

impl PipelineEvent {
    /// The pipeline the change is about.
    pub fn pipeline_id(&self) -> PipelineId {
        match self {
            PipelineEvent::Created { pipeline, .. } | PipelineEvent::Updated { pipeline, .. } => {
                pipeline.id
            }
            PipelineEvent::Deleted { id, .. } => *id,
        }
    }
}

impl crate::realtime::DomainEvent for PipelineEvent {}
