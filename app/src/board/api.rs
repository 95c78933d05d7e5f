//! Server functions for the board.

use super::{BoardData, BoardQuery, ColumnSummary};
use crate::deals::DealView;
use crate::error::AppError;
use crate::ids::{PipelineId, StageId};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "load_board")]
pub async fn load_board(query: BoardQuery) -> Result<BoardData, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::board(&state, &auth, &query).await
    })
    .await
}

/// The next page of one column.
#[server(prefix = "/sfn", endpoint = "load_column")]
pub async fn load_column(
    query: BoardQuery,
    pipeline_id: PipelineId,
    stage_id: StageId,
    offset: i64,
) -> Result<Vec<DealView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::column(&state, &auth, pipeline_id, stage_id, &query, offset).await
    })
    .await
}

/// Fresh counts and totals after a change.
#[server(prefix = "/sfn", endpoint = "board_totals")]
pub async fn board_totals(
    query: BoardQuery,
    pipeline_id: PipelineId,
) -> Result<Vec<ColumnSummary>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::summaries(&state, &auth, pipeline_id, &query).await
    })
    .await
}
