//! Server functions for the deal pages.

use super::{DealInput, DealView};
use crate::error::AppError;
use crate::ids::DealId;
use crate::listing::{ListQuery, Page};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_deals")]
pub async fn list_deals(query: ListQuery) -> Result<Page<DealView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::list(&state, &auth, &query).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_deal")]
pub async fn get_deal(id: DealId) -> Result<DealView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::get(&state, &auth, id).await
    })
    .await
}

/// Creates (no `id`) or replaces (with `id`) a deal.
#[server(prefix = "/sfn", endpoint = "save_deal")]
pub async fn save_deal(id: Option<DealId>, input: DealInput) -> Result<DealView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        match id {
            Some(id) => super::server::update(&state, &auth, id, input).await,
            None => super::server::create(&state, &auth, input).await,
        }
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "delete_deal")]
pub async fn delete_deal(id: DealId) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::delete(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "change_deal_stage")]
pub async fn change_deal_stage(
    id: DealId,
    change: super::StageChange,
) -> Result<DealView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::change_stage(&state, &auth, id, change).await
    })
    .await
}
