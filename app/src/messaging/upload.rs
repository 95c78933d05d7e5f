//! Sending a file: `POST /api/messaging/send-file`, a `multipart/form-data` body with the
//! conversation, an optional caption and reply, and one file. The composer posts here too.
//! The file joins the content-addressed store and the message takes the same durable sending
//! path as text (`server::send`): Telegram receives a photo for JPEG, PNG and WebP images up
//! to 10 MB (its photo limit) and a document for anything else.

use super::server::{media::Upload, send};
use super::{MessageView, SendInput};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::server::AppState;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest file a message carries (Telegram bots may upload up to 50 MB; 20 MB keeps a
/// request's memory bounded and covers what reps send).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The largest request body of the route: the file plus the form's other fields.
pub const BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;
/// Telegram's largest photo; bigger images go as documents.
const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_file))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The form of `send-file` (for the OpenAPI document).
#[expect(
    dead_code,
    reason = "only its schema is used: multipart fields are read one by one"
)]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
struct SendFileForm {
    conversation_id: i64,
    /// The caption, at most 1024 characters.
    text: Option<String>,
    reply_to_message_id: Option<i64>,
    /// The file, at most 20 MB; its part's `Content-Type` and file name are kept.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Send a file (with an optional caption): stored `pending` at once and delivered by the same
/// durable job as text.
#[utoipa::path(
    post, path = "/send-file", operation_id = "sendFile", tag = "messaging",
    request_body(content = SendFileForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Queued", body = MessageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn send_file(
    State(s): State<AppState>,
    auth: AuthContext,
    form: Multipart,
) -> Result<(StatusCode, Json<MessageView>), AppError> {
    // Refuse viewers before reading a body they may not send.
    auth.require(Action::ReplyInConversations)?;
    let (input, upload) = read_form(form).await?;
    Ok((
        StatusCode::CREATED,
        Json(send::send(&s, &auth, input, Some(upload)).await?),
    ))
}

async fn read_form(mut form: Multipart) -> Result<(SendInput, Upload), AppError> {
    let mut conversation = None;
    let mut text = String::new();
    let mut reply = None;
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = clean_file_name(field.file_name().unwrap_or_default());
                let mime_type = field
                    .content_type()
                    .filter(|m| is_mime_type(m))
                    .map(str::to_ascii_lowercase)
                    .unwrap_or_else(|| "application/octet-stream".into());
                let bytes = field.bytes().await.map_err(form_error)?;
                if bytes.is_empty() {
                    return Err(AppError::field("file", "required", "The file is empty"));
                }
                if bytes.len() > MAX_FILE_BYTES {
                    return Err(too_large());
                }
                let kind = if PHOTO_TYPES.contains(&mime_type.as_str())
                    && bytes.len() <= MAX_PHOTO_BYTES
                {
                    "photo"
                } else {
                    "document"
                };
                upload = Some(Upload {
                    bytes: bytes.to_vec(),
                    file_name,
                    mime_type,
                    kind,
                });
            }
            "conversationId" => {
                conversation = Some(ConversationId(number(&name, field.text().await)?));
            }
            "replyToMessageId" => {
                let value = field.text().await.map_err(form_error)?;
                if !value.trim().is_empty() {
                    reply = Some(MessageId(number(&name, Ok(value))?));
                }
            }
            "text" => text = field.text().await.map_err(form_error)?,
            _ => {}
        }
    }
    let conversation_id = conversation
        .ok_or_else(|| AppError::field("conversationId", "required", "Name the conversation"))?;
    let upload =
        upload.ok_or_else(|| AppError::field("file", "required", "Choose a file to send"))?;
    Ok((
        SendInput {
            conversation_id,
            text,
            reply_to_message_id: reply,
        },
        upload,
    ))
}

fn number(field: &str, value: Result<String, MultipartError>) -> Result<i64, AppError> {
    value
        .map_err(form_error)?
        .trim()
        .parse()
        .map_err(|_| AppError::field(field, "invalid", "Expected a whole number"))
}

/// A body that breaks off, is not multipart, or is over the limit.
fn form_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        AppError::bad_request(format!("Could not read the form: {}", e.body_text()))
    }
}

fn too_large() -> AppError {
    AppError::field(
        "file",
        "too_large",
        format!("Files are limited to {} MB", MAX_FILE_BYTES / (1024 * 1024)),
    )
}

/// A plausible `type/subtype` that is safe to send back as a `Content-Type` header.
fn is_mime_type(m: &str) -> bool {
    m.len() <= 127
        && m.split_once('/')
            .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
        && m.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(c))
}

/// The file's own name without any directories, at most 255 characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::{clean_file_name, is_mime_type};

    #[test]
    fn only_plain_mime_types_are_kept() {
        assert!(is_mime_type("image/png"));
        assert!(is_mime_type("application/vnd.ms-excel"));
        assert!(!is_mime_type("text/html; charset=utf-8"));
        assert!(!is_mime_type("image/png\r\nSet-Cookie: x"));
        assert!(!is_mime_type("png"));
    }

    #[test]
    fn file_names_lose_directories_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\me\\price list.pdf"),
            "price list.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\n.txt"), "ab.txt");
        assert_eq!(clean_file_name("  "), "file");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), 255);
    }
}
