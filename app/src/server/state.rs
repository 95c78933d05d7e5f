//! The one `AppState`, built at start-up and handed to handlers and server functions.
//!
//! It is cloned for every request and every middleware, so it is a single `Arc`.

use super::parts::Parts;
use super::{Db, Settings};
use leptos::config::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub settings: Settings,
    /// List totals, remembered per workspace event sequence (see `counts.rs`).
    pub counts: super::counts::Counts,
    /// List pages, remembered per workspace event sequence (see `lists.rs`).
    pub lists: super::lists::Lists,
    pub leptos_options: LeptosOptions,
    /// Flips to `true` when the server starts shutting down; long-lived work (WebSockets,
    /// workers) watches it and finishes.
    pub shutdown: tokio::sync::watch::Sender<bool>,
    /// Seals and opens secrets kept in the database (bot tokens, sessions).
    pub secrets: super::secrets::Secrets,
    /// The one HTTP client for outgoing calls (Telegram), sharing its connections.
    pub http: reqwest::Client,
    /// This process among the instances sharing the database (leases name it).
    pub instance_id: String,
    /// Wakes the job worker when a job is queued here.
    pub jobs_wake: tokio::sync::Notify,
    /// The job kinds the domains registered at start-up.
    pub jobs: super::jobs::JobRegistry,
    /// Wakes the channel supervisors when an account is connected.
    pub channels_wake: tokio::sync::Notify,
    /// Each domain's part (its cache, queue, hub, registry, clients), read through the
    /// accessor the domain defines (`state.hub()`, `state.auth_cache()`, …).
    pub(super) parts: Parts,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The state of a server: the infrastructure built here, the domains' `parts` built by
    /// the composition root.
    pub fn new(
        db: Db,
        settings: Settings,
        leptos_options: LeptosOptions,
        jobs: super::jobs::JobRegistry,
        parts: Parts,
    ) -> anyhow::Result<AppState> {
        let secrets = super::secrets::Secrets::load(&settings)?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("Parley/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(AppState(Arc::new(Inner {
            db,
            counts: Default::default(),
            lists: super::lists::Lists::new(settings.list_cache_mb),
            settings,
            leptos_options,
            shutdown: tokio::sync::watch::Sender::new(false),
            secrets,
            http,
            instance_id: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
            jobs_wake: tokio::sync::Notify::new(),
            jobs,
            channels_wake: tokio::sync::Notify::new(),
            parts,
        })))
    }

    /// The state of the current server function call.
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            crate::error::AppError::internal()
        })
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}
