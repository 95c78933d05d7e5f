//! Inbound traffic: a user's message (or edit) becomes a `message` (or `edited_message`)
//! update, exactly as Telegram would deliver it.

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::message::{
    as_reply_target, document_json, guess_mime, photo_sizes, private_chat, user_json,
};
use crate::reply::Reply;
use crate::state::{now_unix, Bot, FileKind, Hub};
use crate::types::{Inject, InjectFile};

struct Decoded {
    bytes: Vec<u8>,
    file_name: Option<String>,
    mime_type: Option<String>,
}

/// Creates the update; answers it, or `null` when the bot's `allowed_updates` filter it out.
pub fn inject(hub: &Hub, inject: Inject) -> Result<Value, Reply> {
    let photo = inject.photo.as_ref().map(decode).transpose()?;
    let document = inject.document.as_ref().map(decode).transpose()?;
    let update = hub
        .with_bot(&inject.token, |bot| match inject.edit_of {
            Some(message_id) => edit(bot, &inject, message_id),
            None => create(bot, &inject, photo, document),
        })
        .ok_or_else(|| Reply::error(404, "Not Found: unknown bot token"))??;
    hub.notify();
    Ok(update)
}

fn decode(file: &InjectFile) -> Result<Decoded, Reply> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.data.trim())
        .map_err(|_| Reply::bad_request("file data is not valid base64"))?;
    Ok(Decoded {
        bytes,
        file_name: file.file_name.clone(),
        mime_type: file.mime_type.clone(),
    })
}

fn chat_of(inject: &Inject) -> Result<(i64, Value), Reply> {
    let chat = inject
        .chat
        .clone()
        .unwrap_or_else(|| private_chat(&inject.from));
    let id = chat["id"]
        .as_i64()
        .ok_or_else(|| Reply::bad_request("chat.id must be an integer"))?;
    Ok((id, chat))
}

fn create(
    bot: &mut Bot,
    inject: &Inject,
    photo: Option<Decoded>,
    document: Option<Decoded>,
) -> Result<Value, Reply> {
    let (chat_id, chat_json) = chat_of(inject)?;
    let mut content = Map::new();
    let has_media = photo.is_some() || document.is_some();
    if let Some(photo) = photo {
        let file = bot.store_file(FileKind::Photo, photo.bytes, photo.file_name, None);
        content.insert("photo".into(), photo_sizes(&file));
    }
    if let Some(doc) = document {
        let mime = doc
            .mime_type
            .or_else(|| guess_mime(doc.file_name.as_deref()).map(str::to_owned));
        let file = bot.store_file(FileKind::Document, doc.bytes, doc.file_name, mime);
        content.insert("document".into(), document_json(&file));
    }
    match (&inject.text, has_media) {
        (Some(text), true) => {
            content.insert("caption".into(), json!(text));
        }
        (Some(text), false) => add_text(&mut content, text),
        (None, true) => {}
        (None, false) => {
            return Err(Reply::bad_request(
                "an injected message needs text, photo or document",
            ))
        }
    }
    let chat = bot.ensure_chat(chat_id, chat_json);
    let target = match inject.reply_to_message_id {
        None => None,
        Some(id) => {
            Some(as_reply_target(chat.messages.get(&id).ok_or_else(
                || Reply::bad_request("message to be replied not found"),
            )?))
        }
    };
    let message_id = chat.next_message_id();
    let mut message = json!({
        "message_id": message_id,
        "from": user_json(&inject.from),
        "chat": chat.chat,
        "date": inject.date.unwrap_or_else(now_unix),
    });
    if let Some(target) = target {
        message["reply_to_message"] = target;
    }
    if let Value::Object(map) = &mut message {
        map.extend(content);
    }
    chat.messages.insert(message_id, message.clone());
    Ok(bot.push_update("message", message).unwrap_or(Value::Null))
}

/// Text, with the `bot_command` entity Telegram adds when a message starts with `/`.
fn add_text(content: &mut Map<String, Value>, text: &str) {
    content.insert("text".into(), json!(text));
    if text.starts_with('/') {
        let command = text.split_whitespace().next().unwrap_or(text);
        let length = command.encode_utf16().count();
        let entity = json!({ "type": "bot_command", "offset": 0, "length": length });
        content.insert("entities".into(), json!([entity]));
    }
}

fn edit(bot: &mut Bot, inject: &Inject, message_id: i64) -> Result<Value, Reply> {
    let (chat_id, _) = chat_of(inject)?;
    let text = inject
        .text
        .as_deref()
        .ok_or_else(|| Reply::bad_request("an edit needs the new text"))?;
    let message = bot
        .chats
        .get_mut(&chat_id)
        .and_then(|chat| chat.messages.get_mut(&message_id))
        .ok_or_else(|| Reply::bad_request("message to edit not found"))?;
    let Value::Object(map) = message else {
        return Err(Reply::bad_request("message to edit not found"));
    };
    if map.contains_key("caption") || map.contains_key("photo") || map.contains_key("document") {
        map.insert("caption".into(), json!(text));
    } else {
        map.remove("entities");
        add_text(map, text);
    }
    map.insert("edit_date".into(), json!(now_unix()));
    let edited = Value::Object(map.clone());
    Ok(bot
        .push_update("edited_message", edited)
        .unwrap_or(Value::Null))
}
