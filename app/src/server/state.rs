//! The one `AppState`, built at start-up and handed to handlers and server functions.
//!
//! It is cloned for every request and every middleware, so it is a single `Arc`.

use super::{Db, Settings};
use crate::auth::server::cache::AuthCache;
use crate::auth::server::throttle::SignInThrottle;
use crate::realtime::server::EventHub;
use leptos::config::LeptosOptions;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub settings: Settings,
    pub hub: EventHub,
    pub signin_throttle: SignInThrottle,
    pub auth_cache: AuthCache,
    /// List totals, remembered per workspace event sequence (see `counts.rs`).
    pub counts: super::counts::Counts,
    pub leptos_options: LeptosOptions,
    /// Flips to `true` when the server starts shutting down; long-lived work (WebSockets,
    /// workers) watches it and finishes.
    pub shutdown: tokio::sync::watch::Sender<bool>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings, leptos_options: LeptosOptions) -> AppState {
        AppState(Arc::new(Inner {
            db,
            hub: EventHub::new(),
            signin_throttle: SignInThrottle::new(&settings),
            auth_cache: AuthCache::new(),
            counts: Default::default(),
            settings,
            leptos_options,
            shutdown: tokio::sync::watch::Sender::new(false),
        }))
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
