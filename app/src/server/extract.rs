//! Request extractors shared by REST handlers: JSON bodies in the error shape, client facts.

use crate::error::AppError;
use crate::server::AppState;
use axum::body::Bytes;
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
        if !is_json(req.headers()) {
            return Err(AppError::bad_request(
                "Send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::bad_request(e.body_text()))?;
        // PostgreSQL cannot store NUL in text and SQLite would; refuse it before either sees
        // it so both backends answer the same.
        if has_nul_escape(&bytes) {
            return Err(AppError::bad_request(
                "Text cannot contain NUL characters (\\u0000)",
            ));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Whether a JSON text holds the escape `\u0000` (raw control characters are not valid
/// JSON, so an escape is the only way a NUL can arrive). Escaped backslashes are skipped, so
/// the six characters `\\u0000` (a literal backslash, then "u0000") are not mistaken for it.
fn has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(&b"0000"[..]) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let message = match &rejection {
        JsonRejection::JsonSyntaxError(_) => "The request body is not valid JSON".to_string(),
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

#[cfg(test)]
mod tests {
    #[test]
    fn nul_escapes_are_found_and_escaped_backslashes_are_not() {
        assert!(super::has_nul_escape(br#"{"name":"a\u0000b"}"#));
        assert!(!super::has_nul_escape(br#"{"name":"a\\u0000b"}"#));
        assert!(super::has_nul_escape(br#"{"name":"a\\\u0000"}"#));
        assert!(!super::has_nul_escape(br#"{"name":"\u0001"}"#));
    }
}
