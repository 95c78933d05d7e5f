//! The one application error type.
//!
//! It crosses every boundary in the same shape: REST answers `{error, code, details?}` with the
//! matching status, server functions return it JSON-encoded, and the UI reads `details` to put
//! messages under the fields they concern.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Stable machine-readable error codes of the REST contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    NotFound,
    Validation,
    Conflict,
    BadRequest,
    Unauthorized,
    Forbidden,
    RateLimited,
    InternalError,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::Validation | ErrorCode::BadRequest => 400,
            ErrorCode::Conflict => 409,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::RateLimited => 429,
            ErrorCode::InternalError => 500,
        }
    }
}

/// A message about one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// A stable code for the rule that failed (`email_invalid`, `too_long`, …), for translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{error}")]
pub struct AppError {
    pub error: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
    /// Seconds to wait before retrying (rate limiting only); sent as `Retry-After`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "retryAfter"
    )]
    pub retry_after: Option<u64>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            code,
            details: Vec::new(),
            retry_after: None,
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }
    pub fn unauthorized(msg: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, msg)
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, msg)
    }
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, msg)
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, msg)
    }
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(ErrorCode::RateLimited, "Too many requests; try again later");
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }
    /// The opaque error users see when something failed inside; the cause is logged separately.
    pub fn internal() -> Self {
        Self::new(ErrorCode::InternalError, "Something went wrong")
    }
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
            code: Some(code.into()),
        }])
    }
    pub fn validation(details: Vec<FieldError>) -> Self {
        let mut e = Self::new(ErrorCode::Validation, "Some fields are invalid");
        e.details = details;
        e
    }
    /// The message for one field, if this error names it.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        self.details.iter().find(|d| d.field == field)
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::validation(field_errors(&errors))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::bad_request(m)
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                AppError::new(ErrorCode::InternalError, "The server could not be reached")
            }
            _ => AppError::internal(),
        }
    }
}

#[cfg(feature = "ssr")]
pub mod server;

/// Flattens `validator`'s errors into the `details` of the REST contract, one per field,
/// using the rule's message (every rule in this crate sets one).
pub fn field_errors(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = errors
        .field_errors()
        .iter()
        .filter_map(|(field, errs)| {
            errs.first().map(|e| FieldError {
                field: camel_case(field),
                message: e
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| format!("{field} is invalid")),
                code: Some(e.code.to_string()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// Wire fields are camelCase; Rust fields are snake_case.
fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod field_name_tests {
    #[test]
    fn snake_case_fields_become_camel_case() {
        assert_eq!(super::camel_case("workspace_name"), "workspaceName");
        assert_eq!(super::camel_case("email"), "email");
    }
}
