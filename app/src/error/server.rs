//! Server-side conversions: into HTTP responses, and from the failures of lower layers.

use super::{AppError, ErrorCode};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(self)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl AppError {
    /// Logs an unexpected failure once, with its cause chain, and returns the opaque error.
    #[track_caller]
    pub fn log_internal(context: &str, err: &(dyn std::error::Error + 'static)) -> AppError {
        let mut chain = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, location = %std::panic::Location::caller(), "{context}");
        AppError::internal()
    }

    /// Sets the status (and `Retry-After`) of the server-function response carrying this error.
    pub fn apply_to_server_fn_response(&self) {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                StatusCode::from_u16(self.code.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Some(secs) = self.retry_after {
                opts.insert_header(header::RETRY_AFTER, HeaderValue::from(secs));
            }
        }
    }
}

impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(err: sqlx::Error) -> Self {
        if refuses_nul(&err) {
            return AppError::bad_request("Text cannot contain NUL characters (\\u0000)");
        }
        AppError::log_internal("database error", &err)
    }
}

/// PostgreSQL refuses NUL in text ("invalid byte sequence for encoding UTF8: 0x00", SQLSTATE
/// 22021) wherever a value is bound: a record's fields or a search term. That is the
/// client's input, not a failure inside, so it answers 400 rather than 500.
fn refuses_nul(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "22021")
}

impl From<anyhow::Error> for AppError {
    #[track_caller]
    fn from(err: anyhow::Error) -> Self {
        AppError::log_internal("internal error", err.as_ref())
    }
}

/// The name of the database constraint an error violated, if it is a constraint violation.
///
/// SQLite reports unique violations by column list rather than by name, so both spellings
/// are checked by the callers through [`violates`].
pub fn violated_constraint(err: &sqlx::Error) -> Option<String> {
    let db = err.as_database_error()?;
    if let Some(name) = db.constraint() {
        return Some(name.to_string());
    }
    Some(db.message().to_string())
}

/// Whether `err` violates the named unique constraint (`table_column_key`) on either backend.
pub fn violates(err: &sqlx::Error, constraint: &str, table_column: &str) -> bool {
    match violated_constraint(err) {
        Some(found) => found == constraint || found.contains(table_column),
        None => false,
    }
}

/// Runs a server function body and gives its error the right HTTP status.
pub async fn server_fn<T>(
    fut: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = fut.await;
    if let Err(e) = &result {
        e.apply_to_server_fn_response();
        if e.code == ErrorCode::InternalError {
            tracing::debug!("server function failed with an internal error");
        }
    }
    result
}
