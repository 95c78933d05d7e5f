//! Server functions for pipelines.

use super::PipelineView;
use crate::error::AppError;
use crate::ids::{DealId, PipelineId, StageId};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_pipelines")]
pub async fn list_pipelines() -> Result<Vec<PipelineView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::list(&state, &auth).await
    })
    .await
}

/// A deal's moves between stages, newest first.
#[server(prefix = "/sfn", endpoint = "deal_stage_history")]
pub async fn deal_stage_history(deal_id: DealId) -> Result<Vec<super::StageMove>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::history::of_deal(&state, &auth, deal_id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "save_pipeline")]
pub async fn save_pipeline(
    id: Option<PipelineId>,
    input: super::PipelineInput,
) -> Result<PipelineView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        match id {
            Some(id) => super::server::admin::update_pipeline(&state, &auth, id, input).await,
            None => super::server::admin::create_pipeline(&state, &auth, input).await,
        }
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "delete_pipeline")]
pub async fn delete_pipeline(
    id: PipelineId,
    move_to_stage_id: Option<StageId>,
) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let deletion = super::Deletion { move_to_stage_id };
        super::server::admin::delete_pipeline(&state, &auth, id, deletion).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "save_stage")]
pub async fn save_stage(
    id: Option<StageId>,
    input: super::StageInput,
) -> Result<super::StageView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        match id {
            Some(id) => super::server::admin::update_stage(&state, &auth, id, input).await,
            None => super::server::admin::create_stage(&state, &auth, input).await,
        }
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "delete_stage")]
pub async fn delete_stage(id: StageId, move_to_stage_id: Option<StageId>) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let deletion = super::Deletion { move_to_stage_id };
        super::server::admin::delete_stage(&state, &auth, id, deletion).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "reorder_stages")]
pub async fn reorder_stages(
    pipeline_id: PipelineId,
    stage_ids: Vec<StageId>,
) -> Result<PipelineView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::admin::reorder_stages(&state, &auth, pipeline_id, stage_ids).await
    })
    .await
}
