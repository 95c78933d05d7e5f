//! Per-IP request rate limiting (governor's GCRA): `429` + `Retry-After` beyond the budget.

use app::error::AppError;
use app::server::extract::ClientMeta;
use app::server::{AppState, Settings};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct IpRateLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl IpRateLimiter {
    pub fn new(settings: &Settings) -> IpRateLimiter {
        let rate = NonZeroU32::new(settings.rate_limit_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(settings.rate_limit_burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let limiter = DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst));
        IpRateLimiter(Arc::new(limiter))
    }
}

pub async fn limit(
    State((state, limiter)): State<(AppState, IpRateLimiter)>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let ip = ClientMeta::from_parts(&parts, state.settings.trust_proxy).ip;
    if let Err(not_until) = limiter.0.check_key(&ip) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return AppError::rate_limited(wait.as_secs() + 1).into_response();
    }
    if limiter.0.len() > 100_000 {
        limiter.0.retain_recent();
    }
    next.run(Request::from_parts(parts, body)).await
}
