//! Server side of accounts: passwords, sessions, throttling, and the sign-up/sign-in service.

pub mod cache;
mod context;
pub mod password;
pub mod rest;
pub mod service;
pub mod session;
pub mod throttle;

pub use context::{
    cookie_value as context_cookie, token_from_headers, AuthContext, SESSION_COOKIE,
};
