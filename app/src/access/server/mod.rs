//! Server side of access: resolving a session or API token to its caller, the caches on that
//! hot path, the audit log's writer, and the live stream's subscriber check.

pub mod audit;
pub mod cache;
mod context;
pub mod session;
pub mod sfn;
mod subscriber;
pub mod tokens;

pub use context::{cookie_value, token_from_headers, Actor, AuthContext, SESSION_COOKIE};
