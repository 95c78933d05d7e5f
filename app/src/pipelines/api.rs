//! Server functions for pipelines.

use super::PipelineView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_pipelines")]
pub async fn list_pipelines() -> Result<Vec<PipelineView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::server::sfn::caller().await?;
        super::server::list(&state, &auth).await
    })
    .await
}
