//! The REST API under `/api`, assembled from each domain's routes, and its OpenAPI document
//! (`GET /api/openapi.json`), generated from the same routes so the two cannot drift.
//!
//! Adding a route, e.g. `POST /api/crm/deals/{id}/duplicate`:
//! 1. Annotate the handler in the domain's `rest.rs` with `#[utoipa::path(...)]`: the method,
//!    the path relative to the domain's nest (`"/{id}/duplicate"`), a unique camelCase
//!    `operation_id`, a `tag`, `params(...)`, `request_body = …` (our `ApiJson` extractor is
//!    not detected on its own) and `responses(...)`. Success bodies name their wire type (which derives
//!    `ToSchema` behind `cfg_attr(feature = "ssr", …)`); failures use the shared responses in
//!    `openapi.rs` (`response = Invalid`, `NotFound`, `Forbidden`, `Conflict`). 401, 429 and
//!    500 are added to every operation for you, and so is the session requirement: write
//!    `security(())` for a public route.
//! 2. Register it with `.routes(routes!(handler))` on the domain's `OpenApiRouter`; handlers
//!    that share a path go into one `routes!(a, b)`. A plain `.route(…)` would serve the route
//!    but leave it out of the document.
//! 3. Add its method and path to `EXPECTED_OPERATIONS` in `server/tests/api/openapi.rs`.

use crate::error::AppError;
use crate::server::openapi;
use crate::server::AppState;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> Router<AppState> {
    let (router, routes) = OpenApiRouter::new()
        .nest("/auth", crate::auth::server::rest::routes())
        .nest("/workspace", crate::workspaces::rest::routes())
        .nest("/crm/companies", crate::companies::rest::routes())
        .nest("/crm/contacts", crate::contacts::rest::routes())
        .nest("/crm/deals", crate::deals::rest::routes())
        .nest("/crm", crate::timeline::rest::routes())
        .nest("/crm", crate::csv_exchange::rest::routes())
        .nest("/pipeline", crate::pipelines::rest::routes())
        .nest("/pipeline", crate::board::rest::routes())
        .nest("/messaging", crate::messaging::rest::routes())
        .merge(crate::channels::telegram_user::rest::routes())
        .nest("/team", crate::team::rest::team_routes())
        .nest("/invites", crate::team::rest::invite_routes())
        .nest("/audit", crate::team::rest::audit_routes())
        .split_for_parts();
    let json = Bytes::from(
        openapi::document(routes, crate::access::server::SESSION_COOKIE)
            .to_json()
            .expect("the OpenAPI document serialises"),
    );
    router
        // Telegram's calls, authenticated by the webhook secret (not in the document).
        .route(
            "/telegram/webhook/{account_id}",
            axum::routing::post(crate::channels::telegram_bot::webhook::receive),
        )
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .fallback(|| async { AppError::not_found("Route") })
}
