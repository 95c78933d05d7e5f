//! The composer's file upload: a `multipart/form-data` POST to `/api/messaging/send-file`
//! (the REST route integrators use too), with the session cookie. The answer is the queued
//! message, or the API's error shape.

use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::messaging::MessageView;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The largest file the server takes (`messaging::upload::MAX_FILE_BYTES`), checked before
/// the upload starts.
pub const MAX_FILE_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// Sends `file` (with an optional caption and reply) to a conversation.
pub async fn send_file(
    conversation_id: ConversationId,
    text: &str,
    reply_to: Option<MessageId>,
    file: &web_sys::File,
) -> Result<MessageView, AppError> {
    let failed = |_| AppError::bad_request("The file could not be sent; check the connection");
    let form = web_sys::FormData::new().map_err(failed)?;
    form.append_with_str("conversationId", &conversation_id.to_string())
        .map_err(failed)?;
    form.append_with_str("text", text).map_err(failed)?;
    if let Some(id) = reply_to {
        form.append_with_str("replyToMessageId", &id.to_string())
            .map_err(failed)?;
    }
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(failed)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let window = web_sys::window().ok_or_else(|| failed(wasm_bindgen::JsValue::NULL))?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init("/api/messaging/send-file", &init))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
    let body = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&body).map_err(|_| AppError::internal())
    } else {
        Err(serde_json::from_str(&body).unwrap_or_else(|_| AppError::internal()))
    }
}
