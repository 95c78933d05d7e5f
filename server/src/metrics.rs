//! Prometheus metrics: the recorder (installed once per process when metrics are configured),
//! the figures read at scrape time (job queue depth, the database pools, the SQLite writer
//! queue), and the `/metrics` endpoint — on a listener of its own (`metrics_addr`) or on the
//! main address behind a bearer token (`metrics_token`), never open on the public site.
//!
//! Everything else is recorded where it happens with the `metrics` macros: HTTP requests
//! (`http::metrics`), jobs (`app::server::jobs::worker`), events published, WebSocket
//! clients, messages in and out and flood waits per channel kind.

use app::server::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use std::sync::OnceLock;

/// Latency buckets (seconds) for every `*_seconds` histogram.
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder: installed by the first server that has metrics configured (the
/// `metrics` facade has one global recorder per process).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        // Another server in this process won the race: use its recorder.
        return HANDLE
            .get()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("a metrics recorder other than Parley's is installed"));
    }
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// The text format, with the figures that are read rather than counted brought up to date.
pub async fn render(state: &AppState, handle: &PrometheusHandle) -> String {
    match app::server::jobs::depth(&state.db).await {
        Ok(depths) => {
            for kind in state.jobs.kinds() {
                let depth = depths
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map_or(0, |(_, n)| *n);
                metrics::gauge!("parley_jobs_queued", "kind" => kind).set(depth as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read the job queue's depth"),
    }
    let pool = &state.db.pool;
    metrics::gauge!("parley_db_pool_connections").set(pool.size() as f64);
    metrics::gauge!("parley_db_pool_idle").set(pool.num_idle() as f64);
    metrics::gauge!("parley_db_writers_waiting").set(state.db.writers_waiting() as f64);
    handle.run_upkeep();
    handle.render()
}

/// `GET /metrics` on the main address: only with `Authorization: Bearer <metrics_token>`.
pub async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.settings.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expected = token.expose_secret();
    if expected.is_empty()
        || !app::server::secrets::constant_time_eq(given.as_bytes(), expected.as_bytes())
    {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    text(&state).await
}

/// `GET /metrics` on the metrics listener.
pub async fn open(State(state): State<AppState>) -> Response {
    text(&state).await
}

async fn text(state: &AppState) -> Response {
    match HANDLE.get() {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            render(state, handle).await,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
