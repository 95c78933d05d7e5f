//! Inbound messages: a Telegram update becomes a conversation (created on first contact) and
//! a message, stored once however often the update arrives — the message's external id is
//! unique per conversation, and the account's update offset advances in the same transaction.

use super::types::{Message, Update};
use super::{BotClient, BotError};
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::server::media::{self, Upload};
use crate::messaging::server::{conversation_in, message_in, preview};
use crate::realtime::server::record;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};

/// The account an update arrived on.
#[derive(Debug, Clone, Copy)]
pub struct Receiver {
    pub account_id: i64,
    pub workspace_id: i64,
}

/// Stores one update and moves the account's offset past it. Returns whether a message was
/// new. A network failure while fetching an attachment is an error (the update is fetched
/// again later); an attachment Telegram refuses is noted on the message instead.
pub async fn store_update(
    state: &AppState,
    client: &BotClient,
    to: Receiver,
    update: &Update,
) -> Result<bool, AppError> {
    let attachment = match update.message.as_ref() {
        Some(message) => fetch_attachment(client, message).await?,
        None => Ok(None),
    };
    let mut tx = state.db.begin().await?;
    let mut events = Vec::new();
    let mut new = false;
    if let Some(message) = &update.message {
        if let Some(stored) = insert_message(state, &mut tx, to, message, attachment).await? {
            new = true;
            events.extend(stored);
        }
    } else if let Some(edited) = &update.edited_message {
        events.extend(apply_edit(&mut tx, to, edited).await?);
    }
    sqlx::query(
        "UPDATE channel_accounts SET poll_offset = CASE WHEN poll_offset < $1 THEN $1 ELSE poll_offset END, \
         last_sync_at = $2, status = 'connected', last_error = '' WHERE id = $3",
    )
    .bind(update.update_id + 1)
    .bind(now_ms())
    .bind(to.account_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.hub.publish(events);
    Ok(new)
}

type Attachment = Result<Option<Upload>, String>;

/// Downloads a message's photo (largest size) or document.
async fn fetch_attachment(client: &BotClient, message: &Message) -> Result<Attachment, AppError> {
    let (file_id, file_name, mime_type, kind) = if let Some(sizes) = &message.photo {
        match sizes.iter().max_by_key(|p| p.width * p.height) {
            Some(p) => (
                p.file_id.clone(),
                "photo.jpg".to_string(),
                "image/jpeg".to_string(),
                "photo",
            ),
            None => return Ok(Ok(None)),
        }
    } else if let Some(d) = &message.document {
        (
            d.file_id.clone(),
            d.file_name.clone().unwrap_or_else(|| "file".into()),
            d.mime_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            "document",
        )
    } else {
        return Ok(Ok(None));
    };
    match client.download(&file_id).await {
        Ok(bytes) => Ok(Ok(Some(Upload {
            bytes,
            file_name,
            mime_type,
            kind,
        }))),
        Err(BotError::Api { description, .. }) => Ok(Err(description)),
        Err(e) => Err(AppError::bad_request(format!(
            "Could not fetch an attachment: {e}"
        ))),
    }
}

async fn insert_message(
    state: &AppState,
    tx: &mut Tx,
    to: Receiver,
    message: &Message,
    attachment: Attachment,
) -> Result<Option<Vec<crate::realtime::server::StoredEvent>>, AppError> {
    let chat = &message.chat;
    let now = now_ms();
    let sent_at = message.date * 1000;
    let title = chat.display_title();
    let username = chat.username.clone().unwrap_or_default();
    let search = format!("{} {}", title, username).to_lowercase();
    let (conversation_id, contact_id): (i64, Option<i64>) = sqlx::query_as(
        "INSERT INTO conversations (workspace_id, account_id, peer_id, kind, title, username, search_text, \
         last_message_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (account_id, peer_id) DO UPDATE SET title = excluded.title, username = excluded.username, \
         search_text = excluded.search_text RETURNING id, contact_id",
    )
    .bind(to.workspace_id)
    .bind(to.account_id)
    .bind(chat.id.to_string())
    .bind(chat.conversation_kind())
    .bind(&title)
    .bind(&username)
    .bind(&search)
    .bind(sent_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    if contact_id.is_none() && chat.kind == "private" {
        // A contact who carries this Telegram user id fills the CRM panel by itself.
        sqlx::query(
            "UPDATE conversations SET contact_id = (SELECT MIN(id) FROM contacts WHERE workspace_id = $1 \
             AND telegram_user_id = $2) WHERE id = $3",
        )
        .bind(to.workspace_id)
        .bind(chat.id)
        .bind(conversation_id)
        .execute(&mut **tx)
        .await?;
    }
    let (media_id, error) = match attachment {
        Ok(Some(upload)) => (
            Some(media::insert(state, tx, to.workspace_id, &upload).await?),
            String::new(),
        ),
        Ok(None) => (None, String::new()),
        Err(why) => (
            None,
            format!("The attachment could not be downloaded: {why}"),
        ),
    };
    let reply_to: Option<i64> = match &message.reply_to_message {
        Some(r) => {
            sqlx::query_scalar(
                "SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2",
            )
            .bind(conversation_id)
            .bind(r.message_id.to_string())
            .fetch_optional(&mut **tx)
            .await?
        }
        None => None,
    };
    let sender = message
        .from
        .as_ref()
        .map(|u| u.full_name())
        .unwrap_or_else(|| title.clone());
    let body = message.body();
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, text, media_id, reply_to_id, \
         state, error, external_id, sent_at, created_at, updated_at) \
         VALUES ($1, $2, 'in', $3, $4, $5, $6, 'delivered', $7, $8, $9, $10, $10) \
         ON CONFLICT (conversation_id, external_id) DO NOTHING RETURNING id",
    )
    .bind(to.workspace_id)
    .bind(conversation_id)
    .bind(&sender)
    .bind(&body)
    .bind(media_id)
    .bind(reply_to)
    .bind(&error)
    .bind(message.message_id.to_string())
    .bind(sent_at)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = inserted else {
        return Ok(None);
    };
    metrics::counter!("parley_messages_total", "channel" => "telegram_bot", "direction" => "in")
        .increment(1);
    let preview = preview(&body, media_id.is_some());
    sqlx::query(
        "UPDATE conversations SET unread_count = unread_count + 1, last_message_id = $1, last_message_text = $2, \
         last_message_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(id)
    .bind(&preview)
    .bind(sent_at)
    .bind(now)
    .bind(conversation_id)
    .execute(&mut **tx)
    .await?;
    let view = message_in(tx, to.workspace_id, id).await?;
    let conversation = conversation_in(tx, to.workspace_id, conversation_id).await?;
    let ws = WorkspaceId(to.workspace_id);
    let received = record(
        tx,
        ws,
        None,
        "message.received",
        serde_json::json!({ "message": view, "conversation": conversation }),
    )
    .await?;
    Ok(Some(vec![received]))
}

async fn apply_edit(
    tx: &mut Tx,
    to: Receiver,
    edited: &Message,
) -> Result<Vec<crate::realtime::server::StoredEvent>, AppError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.account_id = $1 AND c.peer_id = $2 AND m.external_id = $3",
    )
    .bind(to.account_id)
    .bind(edited.chat.id.to_string())
    .bind(edited.message_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else {
        return Ok(Vec::new());
    };
    let edited_at = edited.edit_date.map(|d| d * 1000).unwrap_or_else(now_ms);
    sqlx::query("UPDATE messages SET text = $1, edited_at = $2, updated_at = $3 WHERE id = $4")
        .bind(edited.body())
        .bind(edited_at)
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let view = message_in(tx, to.workspace_id, id).await?;
    let event = record(
        tx,
        WorkspaceId(to.workspace_id),
        None,
        "message.updated",
        serde_json::json!({ "message": view }),
    )
    .await?;
    Ok(vec![event])
}
