//! The axum server: wires the router, the HTTP layers, background work and configuration.
//! Domain logic lives in the `app` crate.

#![recursion_limit = "512"]

pub mod http;
pub mod metrics;
pub mod telemetry;
mod workers;

use anyhow::Context;
use app::server::{AppState, Db, Settings};
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// What the domains plug in at start-up that a test may add to: job kinds and event consumers.
pub struct Plugins {
    pub jobs: app::server::jobs::JobRegistry,
    pub consumers: app::realtime::server::consumers::ConsumerRegistry,
}

impl Default for Plugins {
    /// Everything the domains register (`app::platform`).
    fn default() -> Plugins {
        Plugins {
            jobs: app::platform::job_registry(),
            consumers: app::platform::consumer_registry(),
        }
    }
}

/// A built server, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    /// `/metrics` alone, when `metrics_addr` is set.
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects the database, applies migrations, binds the listener and builds the router.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Application::build_with(settings, Plugins::default()).await
    }

    /// Like [`Application::build`], running the job kinds and event consumers of `plugins`.
    pub async fn build_with(
        mut settings: Settings,
        plugins: Plugins,
    ) -> anyhow::Result<Application> {
        let Plugins { jobs, consumers } = plugins;
        if settings.metrics_enabled() {
            metrics::install()?;
        }
        let db = Db::connect(&settings).await?;
        db.migrate().await?;
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("binding {}", settings.addr))?;
        let leptos_options = LeptosOptions::builder()
            .output_name("parley")
            .site_root(settings.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();
        // The address actually bound (port 0 picks one), for links in emails.
        settings.addr = listener.local_addr()?;
        let parts = app::platform::parts(&settings, &db, consumers)?;
        let state = AppState::new(db, settings, leptos_options, jobs, parts)?;
        let metrics_listener = match state.settings.metrics_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding the metrics address {addr}"))?,
            ),
            None => None,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            metrics_listener,
            router,
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The metrics listener's address, when it has one.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then stops accepting, closes WebSockets and lets
    /// in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let workers = workers::spawn(self.state.clone());
        if let Some(listener) = self.metrics_listener {
            let metrics_only = Router::new()
                .route("/metrics", get(metrics::open))
                .with_state(self.state.clone());
            let mut stop = self.state.shutdown.subscribe();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stop.wait_for(|stopping| *stopping).await;
                };
                if let Err(e) = axum::serve(listener, metrics_only)
                    .with_graceful_shutdown(stopped)
                    .await
                {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            });
        }
        let stopping = self.state.shutdown.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down");
            let _ = stopping.send(true);
        };
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await
        .context("serving HTTP")?;
        workers::stop(workers).await;
        self.state.db.pool.close().await;
        Ok(())
    }
}

fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let router = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .nest("/api", app::platform::api::router())
        .route(
            "/ws",
            get(app::realtime::server::ws_handler::<app::access::server::AuthContext>),
        )
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz));
    let router = if state.settings.metrics_token.is_some() {
        router.route("/metrics", get(metrics::guarded))
    } else {
        router
    };
    // Before the fallback: only matched routes carry a route label.
    let router = if state.settings.metrics_enabled() {
        router.route_layer(axum::middleware::from_fn(http::metrics::track))
    } else {
        router
    };
    let router = router.merge(static_files(&state));
    // The simulated Telegram's control routes exist only when it is the configured backend.
    let router = match &state.telegram().simulated {
        Some(sim) => router.nest_service(
            "/api/simulated-telegram",
            app::channels::telegram_user::simulated::routes::router(sim.clone()),
        ),
        None => router,
    };
    http::apply(router, &state).with_state(state)
}

/// The built site's files (the WASM, its scripts, the stylesheet, icons), and for any other
/// path the app's "page not found".
///
/// Not `leptos_axum::file_and_error_handler`: it answers a file inside a reactive owner that
/// inherits whatever owner the worker thread last set, so while a page renders on the same
/// thread, the file's response takes that page's response options (its Content-Security-Policy
/// with the nonce, its status) and the page goes out without them.
fn static_files(state: &AppState) -> Router<AppState> {
    let not_found = axum::handler::Handler::with_state(
        leptos_axum::file_and_error_handler::<AppState, _>(shell),
        state.clone(),
    );
    let files = tower_http::services::ServeDir::new(&state.settings.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    Router::new().fallback_service(files)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
