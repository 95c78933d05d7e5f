//! Server functions for the contact pages.

use super::{ContactInput, ContactView};
use crate::error::AppError;
use crate::ids::ContactId;
use crate::listing::{ListQuery, Page};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_contacts")]
pub async fn list_contacts(query: ListQuery) -> Result<Page<ContactView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::list(&state, &auth, &query).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_contact")]
pub async fn get_contact(id: ContactId) -> Result<ContactView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::get(&state, &auth, id).await
    })
    .await
}

/// Creates (no `id`) or replaces (with `id`) a contact.
#[server(prefix = "/sfn", endpoint = "save_contact")]
pub async fn save_contact(
    id: Option<ContactId>,
    input: ContactInput,
) -> Result<ContactView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        match id {
            Some(id) => super::server::update(&state, &auth, id, input).await,
            None => super::server::create(&state, &auth, input).await,
        }
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "delete_contact")]
pub async fn delete_contact(id: ContactId) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::delete(&state, &auth, id).await
    })
    .await
}
