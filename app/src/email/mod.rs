//! Outgoing email: invitations, password resets and address verification, sent by durable jobs
//! through SMTP (lettre), or written to a local outbox when no SMTP server is configured.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use pages::OutboxPage;

use crate::ids::EpochMs;
use serde::{Deserialize, Serialize};

/// A message kept in the local outbox (no SMTP configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// The file name under the outbox folder (`<time>-<job>.eml`).
    pub file: String,
    pub to: String,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}
