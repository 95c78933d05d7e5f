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
    describe();
    // Histograms keep every sample until upkeep folds them into their buckets; folding them
    // every few seconds (not only when scraped) keeps memory flat between scrapes and the
    // recording path on warm, reused blocks.
    let upkeep = handle.clone();
    std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(UPKEEP_EVERY);
            upkeep.run_upkeep();
        })?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Every series' help text (and unit), as Prometheus shows it.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "parley_http_requests_total",
        "HTTP requests answered, by method, matched route and status"
    );
    describe_histogram!(
        "parley_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by method and matched route"
    );
    describe_gauge!(
        "parley_http_requests_in_flight",
        "HTTP requests being answered now"
    );
    describe_gauge!(
        "parley_websocket_clients",
        "Live-update WebSocket clients connected"
    );
    describe_counter!(
        "parley_events_published_total",
        "Events published to this instance's live-update hub"
    );
    describe_counter!(
        "parley_events_numbered_total",
        "Events numbered by this instance's sequencer (PostgreSQL)"
    );
    describe_histogram!(
        "parley_sequencer_pass_seconds",
        Unit::Seconds,
        "Time one sequencer pass took: the writes it numbered waited for it (PostgreSQL)"
    );
    describe_counter!(
        "parley_list_cache_total",
        "List pages answered from the list cache (hit) or computed (miss)"
    );
    describe_counter!(
        "parley_events_consumed_total",
        "Events handled by durable consumers, by consumer"
    );
    describe_counter!(
        "parley_jobs_claimed_total",
        "Jobs claimed by this instance, by kind"
    );
    describe_counter!(
        "parley_jobs_failed_total",
        "Job runs that failed, by kind and reason (error, timeout, payload, unknown_kind)"
    );
    describe_histogram!(
        "parley_job_run_seconds",
        Unit::Seconds,
        "Time one job run took, by kind"
    );
    describe_gauge!("parley_jobs_queued", "Jobs waiting in the queue, by kind");
    describe_counter!(
        "parley_messages_total",
        "Messages stored from a channel, by channel and direction"
    );
    describe_counter!(
        "parley_sends_total",
        "Sends attempted through a channel, by channel and outcome"
    );
    describe_counter!(
        "parley_flood_waits_total",
        "Flood waits a network imposed on an account, by channel"
    );
    describe_gauge!(
        "parley_db_pool_connections",
        "Connections open in the database pool"
    );
    describe_gauge!(
        "parley_db_pool_idle",
        "Idle connections in the database pool"
    );
    describe_gauge!(
        "parley_db_writers_waiting",
        "Write transactions waiting for the writer (SQLite's single writer)"
    );
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
    metrics::gauge!("parley_http_requests_in_flight").set(crate::http::metrics::in_flight() as f64);
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
