//! Sending: `sendMessage`, `sendPhoto`, `sendDocument`, plus `sendChatAction` and `getChat`.

use serde_json::{json, Map, Value};

use crate::markup;
use crate::message::{as_reply_target, document_json, guess_mime, photo_sizes};
use crate::params::Params;
use crate::reply::Reply;
use crate::state::{now_ms, now_unix, Bot, FileKind, Hub, StoredFile};
use crate::types::SentMessage;

const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
const CHAT_ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

/// Which message a send replies to, from `reply_parameters` or `reply_to_message_id`.
struct ReplyTo {
    message_id: i64,
    allow_without: bool,
}

/// `sendMessage`.
pub fn send_message(hub: &Hub, token: &str, params: &Params) -> Result<Value, Reply> {
    let chat_id = chat_id(params)?;
    let text = params.str("text").unwrap_or_default();
    let entities = params.json("entities")?;
    let formatted = markup::format(&text, params.str("parse_mode").as_deref(), entities)?;
    if formatted.text.is_empty() {
        return Err(Reply::bad_request("message text is empty"));
    }
    if formatted.text.encode_utf16().count() > MAX_TEXT {
        return Err(Reply::bad_request("message is too long"));
    }
    let reply_to = reply_to(params)?;
    let mut content = Map::new();
    content.insert("text".into(), json!(formatted.text));
    if !formatted.entities.is_empty() {
        content.insert("entities".into(), json!(formatted.entities));
    }
    add_markup(&mut content, params)?;
    hub.with_bot(token, |bot| post(bot, chat_id, reply_to, content, "text"))
        .ok_or_else(Reply::unauthorized)?
}

/// `sendPhoto` and `sendDocument`: an uploaded part, or the `file_id` of a known file.
pub fn send_media(hub: &Hub, token: &str, params: &Params, kind: FileKind) -> Result<Value, Reply> {
    let chat_id = chat_id(params)?;
    let field = match kind {
        FileKind::Photo => "photo",
        FileKind::Document => "document",
    };
    let caption = params.str("caption").unwrap_or_default();
    let entities = params.json("caption_entities")?;
    let formatted = markup::format(&caption, params.str("parse_mode").as_deref(), entities)?;
    if formatted.text.encode_utf16().count() > MAX_CAPTION {
        return Err(Reply::bad_request("message caption is too long"));
    }
    let reply_to = reply_to(params)?;
    let mut content = Map::new();
    if !formatted.text.is_empty() {
        content.insert("caption".into(), json!(formatted.text));
    }
    if !formatted.entities.is_empty() {
        content.insert("caption_entities".into(), json!(formatted.entities));
    }
    add_markup(&mut content, params)?;
    hub.with_bot(token, |bot| {
        if !bot.chats.contains_key(&chat_id) {
            return Err(Reply::bad_request("chat not found"));
        }
        let file = resolve_file(bot, params, field, kind)?;
        let media = match kind {
            FileKind::Photo => photo_sizes(&file),
            FileKind::Document => document_json(&file),
        };
        content.insert(field.into(), media);
        post(bot, chat_id, reply_to, content, field)
    })
    .ok_or_else(Reply::unauthorized)?
}

/// `sendChatAction`: `true` for a known chat and a documented action.
pub fn send_chat_action(hub: &Hub, token: &str, params: &Params) -> Result<Value, Reply> {
    let chat_id = chat_id(params)?;
    let action = params.str("action").unwrap_or_default();
    if !CHAT_ACTIONS.contains(&action.as_str()) {
        return Err(Reply::bad_request("wrong parameter action in request"));
    }
    hub.with_bot(token, |bot| bot.chats.contains_key(&chat_id))
        .ok_or_else(Reply::unauthorized)?
        .then_some(json!(true))
        .ok_or_else(|| Reply::bad_request("chat not found"))
}

/// `getChat`: the ChatFullInfo of a known chat (the Chat fields plus required extras).
pub fn get_chat(hub: &Hub, token: &str, params: &Params) -> Result<Value, Reply> {
    let chat_id = chat_id(params)?;
    let chat = hub
        .with_bot(token, |bot| bot.chats.get(&chat_id).map(|c| c.chat.clone()))
        .ok_or_else(Reply::unauthorized)?
        .ok_or_else(|| Reply::bad_request("chat not found"))?;
    let mut info = chat;
    info["accent_color_id"] = json!(0);
    info["max_reaction_count"] = json!(11);
    Ok(info)
}

/// `chat_id`: only numeric ids reach a user; `@username` addresses channels, unknown here.
fn chat_id(params: &Params) -> Result<i64, Reply> {
    let raw = params.str("chat_id").filter(|s| !s.trim().is_empty());
    let raw = raw.ok_or_else(|| Reply::bad_request("chat_id is empty"))?;
    raw.trim()
        .parse()
        .map_err(|_| Reply::bad_request("chat not found"))
}

fn reply_to(params: &Params) -> Result<Option<ReplyTo>, Reply> {
    if let Some(parameters) = params.json("reply_parameters")? {
        let message_id = parameters["message_id"]
            .as_i64()
            .ok_or_else(|| Reply::bad_request("message to be replied not found"))?;
        let allow_without = parameters["allow_sending_without_reply"]
            .as_bool()
            .unwrap_or(false);
        return Ok(Some(ReplyTo {
            message_id,
            allow_without,
        }));
    }
    let legacy = params.i64("reply_to_message_id")?;
    let allow_without = params.bool("allow_sending_without_reply");
    Ok(legacy.map(|message_id| ReplyTo {
        message_id,
        allow_without,
    }))
}

/// An inline keyboard is echoed back in the Message, as Telegram does.
fn add_markup(content: &mut Map<String, Value>, params: &Params) -> Result<(), Reply> {
    if let Some(markup) = params.json("reply_markup")? {
        if markup.get("inline_keyboard").is_some() {
            content.insert("reply_markup".into(), markup);
        }
    }
    Ok(())
}

fn resolve_file(
    bot: &mut Bot,
    params: &Params,
    field: &str,
    kind: FileKind,
) -> Result<StoredFile, Reply> {
    if let Some(upload) = params.file(field) {
        if upload.bytes.is_empty() {
            return Err(Reply::bad_request("file must be non-empty"));
        }
        let name = upload.file_name.clone();
        let mime = match kind {
            FileKind::Photo => None,
            FileKind::Document => guess_mime(name.as_deref())
                .map(str::to_owned)
                .or_else(|| upload.mime_type.clone())
                .or_else(|| Some("application/octet-stream".into())),
        };
        return Ok(bot.store_file(kind, upload.bytes.clone(), name, mime));
    }
    let file_id = params
        .str(field)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Reply::bad_request(format!("there is no {field} in the request")))?;
    let file = bot
        .files
        .get(&file_id)
        .ok_or_else(|| Reply::bad_request("wrong file identifier/HTTP URL specified"))?;
    if file.kind != kind {
        let name = |k: FileKind| {
            if k == FileKind::Photo {
                "Photo"
            } else {
                "Document"
            }
        };
        return Err(Reply::bad_request(format!(
            "can't use file of type {} as {}",
            name(file.kind),
            name(kind)
        )));
    }
    Ok(file.clone())
}

/// Appends a bot message to a chat, records it as sent and returns the Message object.
fn post(
    bot: &mut Bot,
    chat_id: i64,
    reply_to: Option<ReplyTo>,
    content: Map<String, Value>,
    kind: &str,
) -> Result<Value, Reply> {
    let from = bot.user_json();
    let chat = bot
        .chats
        .get_mut(&chat_id)
        .ok_or_else(|| Reply::bad_request("chat not found"))?;
    let target = match reply_to {
        None => None,
        Some(r) => match chat.messages.get(&r.message_id) {
            Some(message) => Some(as_reply_target(message)),
            None if r.allow_without => None,
            None => return Err(Reply::bad_request("message to be replied not found")),
        },
    };
    let message_id = chat.next_message_id();
    let mut message =
        json!({ "message_id": message_id, "from": from, "chat": chat.chat, "date": now_unix() });
    if let Some(target) = target {
        message["reply_to_message"] = target;
    }
    let text = content
        .get("text")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let caption = content
        .get("caption")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Value::Object(map) = &mut message {
        map.extend(content);
    }
    chat.messages.insert(message_id, message.clone());
    bot.sent.push(SentMessage {
        chat_id,
        message_id,
        kind: kind.to_owned(),
        text,
        caption,
        at_ms: now_ms(),
    });
    Ok(message)
}
