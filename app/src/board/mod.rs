//! The Kanban board: one column per stage of a pipeline, with database totals, cards loaded a
//! page at a time, moves by mouse, touch and keyboard, and other users' changes live.

mod api;
mod card;
mod column;
mod dnd;
mod keys;
mod page;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use page::BoardPage;

use crate::deals::DealView;
use crate::ids::{PipelineId, StageId};
use crate::pipelines::PipelineView;
use serde::{Deserialize, Serialize};

/// Cards per column page.
pub const COLUMN_PAGE: i64 = 30;

/// Which board, filtered how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "camelCase")]
pub struct BoardQuery {
    /// Absent: the default pipeline.
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub pipeline_id: Option<PipelineId>,
    pub owner_id: Option<i64>,
    pub search: Option<String>,
}

/// The sum of a column's deals in one currency. Deals in different currencies are never added
/// together (there is no exchange rate to trust); a column lists one total per currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CurrencyTotal {
    pub currency: String,
    pub value_minor: i64,
    /// Σ value × probability / 100, with the deal's own probability when set, else the stage's.
    pub weighted_minor: i64,
}

/// A column's count and totals, computed by the database over all its (filtered) deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ColumnSummary {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub stage_id: StageId,
    pub count: i64,
    pub totals: Vec<CurrencyTotal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardData {
    pub pipelines: Vec<PipelineView>,
    /// The pipeline shown.
    pub pipeline: PipelineView,
    pub summaries: Vec<ColumnSummary>,
    /// The first page of each column, in stage order.
    pub cards: Vec<Vec<DealView>>,
}
