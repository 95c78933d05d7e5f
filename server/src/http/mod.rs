//! The HTTP layers every request passes through, outermost first:
//! request id → trace span → guard (rate limit, cross-site check, security headers) →
//! CORS (when configured) → compression → body limit → server-function status → routes.

mod guard;
pub mod health;
pub mod metrics;
mod origin;
mod rate_limit;
mod security;
mod server_fn_status;

use app::server::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use rate_limit::IpRateLimiter;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Applies every layer to the router.
pub fn apply(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    let limiter = IpRateLimiter::new(&state.settings);
    router
        .layer(from_fn(server_fn_status::fix_status))
        .layer(DefaultBodyLimit::max(state.settings.body_limit_bytes))
        // A hard cap on every body, server functions included (they read bodies without
        // axum's extractors); the CSV import and sent files are the largest legitimate ones.
        .layer(RequestBodyLimitLayer::new(
            state
                .settings
                .body_limit_bytes
                .max(app::csv_exchange::rest::IMPORT_BODY_LIMIT)
                .max(app::messaging::upload::BODY_LIMIT),
        ))
        .layer(CompressionLayer::new())
        .layer(tower::util::option_layer(cors(state)))
        .layer(from_fn_with_state((state.clone(), limiter), guard::guard))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    // Field values are only computed when the span is enabled.
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %logged_path(req.uri().path()),
                        request_id = %req
                            .extensions()
                            .get::<RequestId>()
                            .and_then(|id| id.header_value().to_str().ok())
                            .unwrap_or("-"),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// CORS only for the configured origins; with none configured, no CORS layer at all.
fn cors(state: &AppState) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = state
        .settings
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
        ])
        .expose_headers([REQUEST_ID]);
    Some(layer)
}

/// The path as logs show it: an invitation token in the path is a credential, so it is left
/// out (`/api/invites/{token}`).
fn logged_path(path: &str) -> &str {
    match path.strip_prefix("/api/invites/") {
        Some(rest) if rest != "accept" && !rest.is_empty() => "/api/invites/{token}",
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn invitation_tokens_stay_out_of_the_logs() {
        assert_eq!(
            super::logged_path("/api/invites/abcDEF123"),
            "/api/invites/{token}"
        );
        assert_eq!(
            super::logged_path("/api/invites/accept"),
            "/api/invites/accept"
        );
        assert_eq!(super::logged_path("/api/crm/deals/7"), "/api/crm/deals/7");
    }
}
