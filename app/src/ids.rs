//! Typed ids, so a user id cannot be passed where a workspace id is expected, nor a contact's
//! where a deal's is.
//!
//! On the wire an id is its number (`#[serde(transparent)]`). Fields of the API's types that
//! hold one say `#[schema(value_type = i64)]`, so the OpenAPI document describes them as the
//! integers they are, not as a reference to a one-line schema. In the database an id binds and
//! reads as the `i64` it wraps (`.bind(contact)`, `row.try_get::<ContactId, _>("id")`).

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        #[cfg(feature = "ssr")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }

            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                <i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value).map($name)
            }
        }
    )*};
}

id_type!(
    UserId,
    WorkspaceId,
    SessionId,
    /// A person a team sells to (`contacts.id`).
    ContactId,
    /// An organisation contacts work for (`companies.id`).
    CompanyId,
    /// An opportunity on a pipeline (`deals.id`).
    DealId,
    /// A pipeline of stages (`pipelines.id`).
    PipelineId,
    /// A stage of a pipeline (`stages.id`).
    StageId,
    /// A chat of a channel account (`conversations.id`), not the network's own chat id.
    ConversationId,
    /// A stored message (`messages.id`), not the network's own message id.
    MessageId,
);

/// Milliseconds since the Unix epoch, UTC: how every time is stored and sent.
pub type EpochMs = i64;
