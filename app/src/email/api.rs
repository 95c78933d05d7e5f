//! Server function of the outbox page.

use super::OutboxMessage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "get_outbox")]
pub async fn get_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = crate::access::server::AuthContext::from_server_fn().await?;
        super::server::outbox(&state, &auth).await
    })
    .await
}
