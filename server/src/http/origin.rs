//! Refuses cross-site mutating requests (CSRF), server functions and WebSocket upgrades
//! included. Browsers say where a request comes from with `Sec-Fetch-Site` and `Origin`;
//! requests without either (scripts, API clients) are not browser-driven and pass.

use app::error::AppError;
use app::server::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};

pub fn check(state: &AppState, req: &Request) -> Result<(), AppError> {
    let guarded = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || is_websocket_upgrade(req.headers());
    if guarded && !allowed(state, req.headers()) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "refused a cross-site request");
        return Err(AppError::forbidden("Cross-site requests are not allowed"));
    }
    Ok(())
}

fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match (origin, fetch_site) {
        (Some(origin), _) => origin_allowed(state, headers, origin),
        (None, Some(site)) => matches!(site, "same-origin" | "none"),
        (None, None) => true,
    }
}

/// Same origin as the request's host, or one of the configured CORS origins.
fn origin_allowed(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    if state.settings.cors_origins.iter().any(|o| o == origin) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let scheme_ok = |scheme: &str| origin == format!("{scheme}://{host}");
    scheme_ok("https") || (!state.settings.tls && scheme_ok("http"))
}
