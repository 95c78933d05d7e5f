//! Integration tests against the real server, on SQLite and PostgreSQL.

mod account_security;
mod auth;
mod crm;
mod crm_support;
mod csv_export;
mod csv_import;
mod fuzz;
mod fuzz_cases;
mod helpers;
mod isolation;
mod messaging;
mod messaging_files;
mod messaging_search;
mod messaging_send;
mod messaging_support;
mod openapi;
mod pipelines;
mod realtime;
mod roles;
mod security;
mod seed;
mod stage_moves;
mod team;
mod team_support;
mod two_factor;
mod workspaces;
