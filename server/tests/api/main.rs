//! Integration tests against the real server, on SQLite and PostgreSQL.

mod auth;
mod crm;
mod helpers;
mod realtime;
mod security;
mod workspaces;
