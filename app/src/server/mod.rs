//! Server-only infrastructure shared by every domain: configuration, database, state.

pub mod config;
pub mod counts;
pub mod csp;
pub mod db;
pub mod extract;
pub mod jobs;
pub mod lists;
pub mod openapi;
pub mod parts;
pub mod query;
pub mod refs;
pub mod secrets;
pub mod seq_reads;
pub mod state;

pub use config::Settings;
pub use db::{Backend, Db};
pub use state::AppState;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
