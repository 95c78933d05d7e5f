//! Server functions for the company pages.

use super::{CompanyInput, CompanyView};
use crate::error::AppError;
use crate::ids::CompanyId;
use crate::listing::{ListQuery, Page};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_companies")]
pub async fn list_companies(query: ListQuery) -> Result<Page<CompanyView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::list(&state, &auth, &query).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_company")]
pub async fn get_company(id: CompanyId) -> Result<CompanyView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::get(&state, &auth, id).await
    })
    .await
}

/// Creates (no `id`) or replaces (with `id`) a company.
#[server(prefix = "/sfn", endpoint = "save_company")]
pub async fn save_company(
    id: Option<CompanyId>,
    input: CompanyInput,
) -> Result<CompanyView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        match id {
            Some(id) => super::server::update(&state, &auth, id, input).await,
            None => super::server::create(&state, &auth, input).await,
        }
    })
    .await
}

/// Deletes a company; with deals attached, only when `detach_deals` says so.
#[server(prefix = "/sfn", endpoint = "delete_company")]
pub async fn delete_company(id: CompanyId, detach_deals: bool) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::delete(&state, &auth, id, detach_deals).await
    })
    .await
}
