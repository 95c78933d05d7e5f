//! Builders for the Bot API objects the fake hands out: Message content, PhotoSize,
//! Document, Chat and File.

use serde_json::{json, Map, Value};

use crate::imagesize;
use crate::state::StoredFile;
use crate::types::FromUser;

/// A User object for an injected sender (`is_bot: false`).
pub fn user_json(from: &FromUser) -> Value {
    let mut user = serde_json::to_value(from).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut user {
        map.insert("is_bot".into(), Value::Bool(false));
    }
    user
}

/// The private Chat with `from`: same id as the user, `type: "private"`.
pub fn private_chat(from: &FromUser) -> Value {
    let mut chat = Map::new();
    chat.insert("id".into(), json!(from.id));
    chat.insert("first_name".into(), json!(from.first_name));
    if let Some(last) = &from.last_name {
        chat.insert("last_name".into(), json!(last));
    }
    if let Some(username) = &from.username {
        chat.insert("username".into(), json!(username));
    }
    chat.insert("type".into(), json!("private"));
    Value::Object(chat)
}

/// A `photo` array: Telegram sends several sizes; the fake keeps the original only.
///
/// Width and height come from the image header (PNG, JPEG, GIF, WebP); they are 0 when the
/// bytes are in no format the fake recognises, rather than an invented plausible size.
pub fn photo_sizes(file: &StoredFile) -> Value {
    let (width, height) = imagesize::dimensions(&file.bytes).unwrap_or((0, 0));
    json!([{
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "width": width,
        "height": height,
        "file_size": file.bytes.len(),
    }])
}

/// A Document object.
pub fn document_json(file: &StoredFile) -> Value {
    let mut doc = Map::new();
    doc.insert("file_id".into(), json!(file.file_id));
    doc.insert("file_unique_id".into(), json!(file.file_unique_id));
    if let Some(name) = &file.file_name {
        doc.insert("file_name".into(), json!(name));
    }
    if let Some(mime) = &file.mime_type {
        doc.insert("mime_type".into(), json!(mime));
    }
    doc.insert("file_size".into(), json!(file.bytes.len()));
    Value::Object(doc)
}

/// A File object, as `getFile` answers.
pub fn file_json(file: &StoredFile) -> Value {
    json!({
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.bytes.len(),
        "file_path": file.file_path,
    })
}

/// The replied-to message as embedded in `reply_to_message`: Telegram does not nest further.
pub fn as_reply_target(message: &Value) -> Value {
    let mut target = message.clone();
    if let Value::Object(map) = &mut target {
        map.remove("reply_to_message");
    }
    target
}

/// The MIME type Telegram would report for a file name, from its extension.
pub fn guess_mime(file_name: Option<&str>) -> Option<&'static str> {
    let ext = file_name?.rsplit_once('.')?.1.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => return None,
    };
    Some(mime)
}
