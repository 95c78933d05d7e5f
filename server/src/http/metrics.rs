//! HTTP metrics: requests by method, matched route and status, their latency, and requests in
//! flight — recorded by a route layer, so the route is the pattern that matched
//! (`/api/crm/deals/{id}`) and ids never become labels. Requests no route answers (static
//! files, unknown paths, refusals by the outer layers) are not counted here.
//!
//! A route layer, not an outer one: `from_fn` clones the service it wraps on every request,
//! and around the whole stack that cost 22 % of `/api/auth/me`'s throughput (measured with
//! `cargo run --release -p bench`); around one route it is cheap. On the hot path nothing is
//! allocated: labels are interned `&'static str`s, the counter and histogram of each label set
//! are looked up once, and requests in flight are an atomic read at scrape time.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{LazyLock, RwLock};
use std::time::Instant;

static IN_FLIGHT: AtomicI64 = AtomicI64::new(0);

/// Requests being answered now (read when metrics are scraped).
pub fn in_flight() -> i64 {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// Route layer: counts and times every request a route answered, labelled with the
/// pattern that matched.
pub async fn track(req: Request, next: Next) -> Response {
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| intern(p.as_str()));
    let started = Instant::now();
    let in_flight = InFlight::start();
    let res = next.run(req).await;
    drop(in_flight);
    let status = intern(res.status().as_str());
    let (count, latency) = handles(method, route, status);
    latency.record(started.elapsed().as_secs_f64());
    count.increment(1);
    res
}

/// The counter and histogram of a (method, route, status), registered once: the recorder's
/// lookup builds its key (a vector of labels) on every call, this one hashes three pointers.
fn handles(
    method: &'static str,
    route: &'static str,
    status: &'static str,
) -> (metrics::Counter, metrics::Histogram) {
    type Key = (usize, usize, usize);
    static HANDLES: LazyLock<RwLock<HashMap<Key, (metrics::Counter, metrics::Histogram)>>> =
        LazyLock::new(Default::default);
    let key = (
        method.as_ptr() as usize,
        route.as_ptr() as usize,
        status.as_ptr() as usize,
    );
    if let Some(found) = HANDLES
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        return found.clone();
    }
    let made = (
        metrics::counter!(
            "parley_http_requests_total",
            "method" => method,
            "route" => route,
            "status" => status
        ),
        metrics::histogram!(
            "parley_http_request_duration_seconds",
            "method" => method,
            "route" => route
        ),
    );
    HANDLES
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, made.clone());
    made
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method as M;
    match *method {
        M::GET => "GET",
        M::POST => "POST",
        M::PUT => "PUT",
        M::PATCH => "PATCH",
        M::DELETE => "DELETE",
        M::HEAD => "HEAD",
        M::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The one `'static` copy of a label value. Only route patterns and status codes come here,
/// so the set stays as small as the router.
fn intern(value: &str) -> &'static str {
    static SEEN: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(Default::default);
    if let Some(found) = SEEN
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(value)
    {
        return found;
    }
    let mut seen = SEEN
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = seen.get(value) {
        return found;
    }
    let leaked: &'static str = Box::leak(value.to_string().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// One request in flight, until it is answered or dropped.
struct InFlight;

impl InFlight {
    fn start() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}
