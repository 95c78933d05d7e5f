//! Server side of accounts: passwords, sessions, throttling, and the sign-up/sign-in service.

pub mod api_tokens;
pub mod cache;
mod context;
pub mod email_change;
pub mod email_links;
pub mod password;
pub mod profile;
pub mod rest;
pub mod security;
mod security_rest;
pub mod service;
pub mod session;
pub mod sfn;
pub mod throttle;
pub mod two_factor;

pub use context::{
    cookie_value as context_cookie, token_from_headers, Actor, AuthContext, SESSION_COOKIE,
};
