//! One middleware for the per-request checks, so a request pays for one layer, not four:
//! the per-IP rate limit, the cross-site check, and the security headers on the way out.

use super::{origin, rate_limit::IpRateLimiter, security};
use app::error::AppError;
use app::server::extract::client_ip;
use app::server::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn guard(
    State((state, limiter)): State<(AppState, IpRateLimiter)>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = match check(&state, &limiter, &req) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal.into_response(),
    };
    security::add_headers(&state, res.headers_mut());
    res
}

fn check(state: &AppState, limiter: &IpRateLimiter, req: &Request) -> Result<(), AppError> {
    // Health probes are never limited.
    if !matches!(req.uri().path(), "/healthz" | "/readyz") {
        limiter.check(client_ip(
            req.headers(),
            req.extensions(),
            state.settings.trust_proxy,
        ))?;
    }
    origin::check(state, req)
}
