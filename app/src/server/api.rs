//! The REST API under `/api`, assembled from each domain's routes.

use crate::error::AppError;
use crate::server::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/auth", crate::auth::server::rest::routes())
        .nest("/workspace", crate::workspaces::rest::routes())
        .nest("/crm/companies", crate::companies::rest::routes())
        .nest("/crm/contacts", crate::contacts::rest::routes())
        .nest("/crm/deals", crate::deals::rest::routes())
        .nest("/crm", crate::timeline::rest::routes())
        .nest("/pipeline", crate::pipelines::rest::routes())
        .fallback(|| async { AppError::not_found("Route") })
}
