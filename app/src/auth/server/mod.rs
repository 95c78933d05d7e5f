//! Server side of accounts: passwords, the sign-up/sign-in service, email links, two-factor,
//! API token management and the sign-in throttle. Resolving a session or token to its caller
//! is `access::server`.

pub mod api_tokens;
pub mod email_change;
pub mod email_links;
pub mod password;
pub mod profile;
pub mod rest;
pub mod security;
mod security_rest;
pub mod service;
pub mod throttle;
pub mod two_factor;
