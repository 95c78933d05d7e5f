//! The one `AppState`, built at start-up and handed to handlers and server functions.

use super::{Db, Settings};
use crate::auth::server::throttle::SignInThrottle;
use crate::realtime::server::EventHub;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hub: EventHub,
    pub signin_throttle: Arc<SignInThrottle>,
    pub leptos_options: LeptosOptions,
    /// Flips to `true` when the server starts shutting down; long-lived work (WebSockets,
    /// workers) watches it and finishes.
    pub shutdown: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings, leptos_options: LeptosOptions) -> AppState {
        let signin_throttle = Arc::new(SignInThrottle::new(&settings));
        AppState {
            db,
            hub: EventHub::new(),
            signin_throttle,
            settings: Arc::new(settings),
            leptos_options,
            shutdown: tokio::sync::watch::Sender::new(false),
        }
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
