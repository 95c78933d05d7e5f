//! HTTP metrics: requests by method, matched route and status, their latency, and requests in
//! flight. The route is the pattern that matched (`/api/crm/deals/{id}`), copied to the
//! response by a route layer, so ids never become labels; anything unmatched is `unmatched`.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The matched route, carried on the response to [`track`].
#[derive(Clone)]
struct Route(String);

/// Route layer: remembers which route answered.
pub async fn mark_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut res = next.run(req).await;
    if let Some(route) = route {
        res.extensions_mut().insert(Route(route));
    }
    res
}

/// Outer layer: counts and times every request.
pub async fn track(req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let in_flight = InFlight::start();
    let res = next.run(req).await;
    drop(in_flight);
    let route = res
        .extensions()
        .get::<Route>()
        .map_or_else(|| "unmatched".to_string(), |r| r.0.clone());
    let status = res.status().as_u16().to_string();
    metrics::histogram!(
        "parley_http_request_duration_seconds",
        "method" => method.clone(),
        "route" => route.clone()
    )
    .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "parley_http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status
    )
    .increment(1);
    res
}

/// One request in flight, until it is answered or dropped.
struct InFlight(metrics::Gauge);

impl InFlight {
    fn start() -> InFlight {
        let gauge = metrics::gauge!("parley_http_requests_in_flight");
        gauge.increment(1.0);
        InFlight(gauge)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}
