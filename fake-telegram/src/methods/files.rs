//! `getFile`, and the download endpoint `GET /file/bot<token>/<file_path>`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::message::file_json;
use crate::params::Params;
use crate::reply::Reply;
use crate::state::Hub;

/// `getFile`: the File object whose `file_path` the client downloads.
pub fn get_file(hub: &Hub, token: &str, params: &Params) -> Result<Value, Reply> {
    let file_id = params
        .str("file_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Reply::bad_request("file_id is empty"))?;
    hub.with_bot(token, |bot| bot.files.get(&file_id).map(file_json))
        .ok_or_else(Reply::unauthorized)?
        .ok_or_else(|| Reply::bad_request("invalid file_id"))
}

/// Serves a stored file's bytes; 401 for an unknown token, 404 for an unknown path.
pub fn download(hub: &Hub, token: &str, file_path: &str) -> Response {
    let found = hub.with_bot(token, |bot| {
        bot.files
            .values()
            .find(|f| f.file_path == file_path)
            .map(|f| (f.bytes.clone(), f.mime_type.clone()))
    });
    match found {
        None => Reply::unauthorized().into_response(),
        Some(None) => Reply::not_found().into_response(),
        Some(Some((bytes, mime))) => {
            let mime = mime.unwrap_or_else(|| "application/octet-stream".into());
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, mime)],
                bytes.as_ref().clone(),
            )
                .into_response()
        }
    }
}
