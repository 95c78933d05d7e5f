//! Integration tests against the real server, on SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "a test reports by panicking; the lint policy's `allow-unwrap-in-tests` covers #[test] functions, not their helpers"
)]

mod account_check;
mod account_security;
mod actors;
mod auth;
mod consumers;
mod crm;
mod crm_support;
mod csv_export;
mod csv_import;
mod event_sequence;
mod fuzz;
mod fuzz_cases;
mod helpers;
mod ingest;
mod isolation;
mod isolation_support;
mod list_cache;
mod lists;
mod locales;
mod messaging;
mod messaging_files;
mod messaging_search;
mod messaging_send;
mod messaging_support;
mod metrics;
mod openapi;
pub(crate) mod pipelines;
mod platform;
mod profile;
mod reach;
mod realtime;
mod roles;
mod security;
mod seed;
mod stage_moves;
mod stage_moves_together;
mod team;
mod team_email;
mod team_support;
mod telegram_user;
mod telegram_user_health;
mod telegram_user_support;
mod telegram_user_sync;
mod two_factor;
mod workspaces;
