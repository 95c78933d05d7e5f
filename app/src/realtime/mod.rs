//! Live events: every change writes an event; `/ws` streams them; clients resume after gaps.

#[cfg(feature = "hydrate")]
mod client;
mod provider;
#[cfg(feature = "ssr")]
pub mod server;

pub use provider::{provide_realtime, use_realtime, ConnectionState, Realtime};

use crate::ids::EpochMs;
use serde::{Deserialize, Serialize};

/// One event as the stream carries it: `{seq, type, data, at}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RealtimeEvent {
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: serde_json::Value,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub at: EpochMs,
}

/// A domain's events, one enum per domain, shared by the server (which records them) and the
/// browser (which reads them off the stream). Its serde form is tagged `type` with content
/// `data` (`#[serde(tag = "type", content = "data")]`, a `rename` per variant), so the JSON is
/// exactly the stream's `{type, data}`: a variant's name on the wire is its event kind.
pub trait DomainEvent: Serialize + serde::de::DeserializeOwned {
    /// This domain's event in a stream event, or `None` when the kind is another domain's
    /// (or its data does not have this version's shape).
    fn from_stream(e: &RealtimeEvent) -> Option<Self> {
        let tagged = serde_json::json!({ "type": e.kind, "data": e.data });
        serde_json::from_value(tagged).ok()
    }

    /// The event's kind and data, as the event log stores them.
    fn to_stream(&self) -> Result<(String, serde_json::Value), serde_json::Error> {
        let mut tagged = serde_json::to_value(self)?;
        let kind = match tagged.get("type") {
            Some(serde_json::Value::String(kind)) => kind.clone(),
            _ => {
                return Err(serde::ser::Error::custom(
                    "a domain event serialises as {type, data}",
                ))
            }
        };
        let data = tagged
            .get_mut("data")
            .map(serde_json::Value::take)
            .unwrap_or(serde_json::Value::Null);
        Ok((kind, data))
    }
}

/// What a client may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ClientMessage {
    /// Replay everything after `after`; `null` means "from now on".
    Resume {
        after: Option<i64>,
    },
    Ping,
}

/// Control messages from the server (events are sent as `RealtimeEvent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerControl {
    /// The replay is complete; `seq` is the newest event the client now has.
    Resumed {
        seq: i64,
    },
    /// The gap is too old to replay: reload the page's data.
    Reload,
    Pong,
}

/// Event kinds that are not activity a person reads in a feed (typing, read receipts, edits
/// of chat state); they still reach the pages that need them live.
pub const NOT_IN_FEED: [&str; 7] = [
    "member.renamed",
    "conversation.typing",
    "conversation.updated",
    "message.read",
    "message.updated",
    "folder.changed",
    "account.updated",
];
