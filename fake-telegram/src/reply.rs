//! The Bot API answer envelope: `{"ok":true,"result":...}` or
//! `{"ok":false,"error_code":N,"description":"..."}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// One Bot API answer: the HTTP status and the JSON body Telegram would send.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status; Telegram mirrors `error_code` here.
    pub status: StatusCode,
    /// The JSON envelope.
    pub body: Value,
}

impl Reply {
    /// A successful answer carrying `result`.
    pub fn ok(result: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: json!({ "ok": true, "result": result }),
        }
    }

    /// A successful answer with a human-readable note, as `setWebhook` sends.
    pub fn ok_described(result: Value, description: &str) -> Self {
        Self {
            status: StatusCode::OK,
            body: json!({ "ok": true, "result": result, "description": description }),
        }
    }

    /// An error answer; `code` is both the HTTP status and `error_code`.
    pub fn error(code: u16, description: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
        Self {
            status,
            body: json!({ "ok": false, "error_code": code, "description": description.into() }),
        }
    }

    /// `400 Bad Request: <detail>`.
    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::error(400, format!("Bad Request: {detail}"))
    }

    /// `401 Unauthorized`, the answer to an unknown token.
    pub fn unauthorized() -> Self {
        Self::error(401, "Unauthorized")
    }

    /// `404 Not Found`, the answer to an unknown method.
    pub fn not_found() -> Self {
        Self::error(404, "Not Found")
    }

    /// `409 Conflict: <detail>`.
    pub fn conflict(detail: &str) -> Self {
        Self::error(409, format!("Conflict: {detail}"))
    }

    /// `429 Too Many Requests` with `parameters.retry_after`.
    pub fn too_many_requests(retry_after: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": { "retry_after": retry_after },
            }),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
