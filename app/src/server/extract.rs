//! Request extractors shared by REST handlers: JSON bodies in the error shape, client facts.

use crate::error::AppError;
use crate::server::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A JSON body whose every rejection (malformed, wrong type, missing field) answers
/// 400 `BAD_REQUEST` in the documented shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let message = match &rejection {
        JsonRejection::JsonSyntaxError(_) => "The request body is not valid JSON".to_string(),
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON with Content-Type: application/json".to_string()
        }
        JsonRejection::JsonDataError(e) => format!("The JSON body does not fit: {}", e.body_text()),
        other => other.body_text(),
    };
    AppError::bad_request(message)
}

/// Who is calling: the client IP (honouring `X-Forwarded-For` only when configured) and
/// the user agent, for sessions, throttling and the audit trail.
#[derive(Debug, Clone)]
pub struct ClientMeta {
    pub ip: IpAddr,
    pub user_agent: String,
}

/// The client IP: the first `X-Forwarded-For` hop when the proxy is trusted, else the peer.
pub fn client_ip(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_proxy: bool,
) -> IpAddr {
    let forwarded = trust_proxy
        .then(|| {
            headers
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .split(',')
                .next()?
                .trim()
                .parse()
                .ok()
        })
        .flatten();
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    forwarded
        .or(peer)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

impl ClientMeta {
    pub fn from_parts(parts: &Parts, trust_proxy: bool) -> ClientMeta {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        ClientMeta {
            ip: client_ip(&parts.headers, &parts.extensions, trust_proxy),
            user_agent,
        }
    }
}

impl FromRequestParts<AppState> for ClientMeta {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(ClientMeta::from_parts(parts, state.settings.trust_proxy))
    }
}

/// Query-string parameters whose rejection answers 400 `BAD_REQUEST` in the documented shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(AppError::bad_request(format!(
                "Bad query parameters: {}",
                e.body_text()
            ))),
        }
    }
}

/// A numeric id in the path; anything else answers 400 `BAD_REQUEST`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(AppError::bad_request(format!(
                "Bad path: {}",
                e.body_text()
            ))),
        }
    }
}
