//! The Bot API surface: `/bot<token>/<method>` and `/file/bot<token>/<file_path>`.
//!
//! Paths are matched by hand rather than by the router because the token is glued to the
//! `bot` prefix inside one path segment.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::{IntoResponse, Response};

use crate::methods;
use crate::params::Params;
use crate::reply::Reply;
use crate::state::Hub;

/// Answers every request that is not a control route.
pub async fn handle(State(hub): State<Arc<Hub>>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    if let Some(rest) = path.strip_prefix("/file/bot") {
        let Some((token, file_path)) = rest.split_once('/') else {
            return Reply::not_found().into_response();
        };
        return methods::download(&hub, &percent_decode(token), &percent_decode(file_path));
    }
    let Some((token, method)) = path
        .strip_prefix("/bot")
        .and_then(|rest| rest.split_once('/'))
    else {
        return Reply::not_found().into_response();
    };
    let token = percent_decode(token);
    if hub.with_bot(&token, |_| ()).is_none() {
        return Reply::unauthorized().into_response();
    }
    match Params::from_request(req).await {
        Ok(params) => methods::call(&hub, &token, method, params)
            .await
            .into_response(),
        Err(reply) => reply.into_response(),
    }
}

/// Decodes `%XX` escapes (a client may encode the `:` of a token); invalid ones stay as is.
fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
