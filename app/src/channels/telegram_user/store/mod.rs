//! What a user account hears becomes Parley's data: messages of picked chats (once, whatever
//! how often they arrive: unique external id per conversation), edits, deletions, read
//! receipts both ways and typing. Chats that were not picked store nothing.

use super::boundary::{RemoteMessage, RemoteUpdate};
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::server::media::{self, Upload};
use crate::messaging::server::preview;
use crate::messaging::server::{conversation_in, message_in};
use crate::realtime::server::{record, StoredEvent};
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use changes::{delete, edit, read_inbox, read_outbox, typing};

mod changes;

/// The account something arrived on.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub id: i64,
    pub workspace_id: i64,
    pub owner_id: Option<i64>,
}

/// The conversation of a picked chat, or `None` when the chat is not synced.
async fn picked_conversation(
    tx: &mut Tx,
    account: Account,
    peer_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM account_chats a JOIN conversations c ON c.account_id = a.account_id AND c.peer_id = a.peer_id \
         WHERE a.account_id = $1 AND a.peer_id = $2 AND a.picked = 1",
    )
    .bind(account.id)
    .bind(peer_id.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Applies one live update; returns the events to publish after commit.
pub async fn apply(
    state: &AppState,
    account: Account,
    update: &RemoteUpdate,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let events = match update {
        RemoteUpdate::NewMessage(m) => insert(state, &mut tx, account, m, true)
            .await?
            .unwrap_or_default(),
        RemoteUpdate::Edited(m) => edit(&mut tx, account, m).await?,
        RemoteUpdate::Deleted { peer_id, ids } => delete(&mut tx, account, *peer_id, ids).await?,
        RemoteUpdate::ReadInbox { peer_id, max_id } => {
            read_inbox(&mut tx, account, *peer_id, *max_id).await?
        }
        RemoteUpdate::ReadOutbox { peer_id, max_id } => {
            read_outbox(&mut tx, account, *peer_id, *max_id).await?
        }
        RemoteUpdate::Typing { peer_id, user_id } => {
            typing(&mut tx, account, *peer_id, *user_id).await?
        }
    };
    sqlx::query("UPDATE channel_accounts SET last_sync_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.hub.publish(events);
    Ok(())
}

/// Stores imported history (newest first from Telegram) in one transaction; returns how many
/// messages were new. History does not count as unread and announces one conversation update.
pub async fn import(
    state: &AppState,
    account: Account,
    peer_id: i64,
    messages: &[RemoteMessage],
) -> Result<i64, AppError> {
    let mut tx = state.db.begin().await?;
    let mut new = 0;
    let mut events = Vec::new();
    for m in messages.iter().rev() {
        if let Some(stored) = insert(state, &mut tx, account, m, false).await? {
            new += 1;
            events.extend(stored);
        }
    }
    if let Some(conversation_id) = picked_conversation(&mut tx, account, peer_id).await? {
        let view = conversation_in(&mut tx, account.workspace_id, conversation_id).await?;
        events.push(
            record(
                &mut tx,
                WorkspaceId(account.workspace_id),
                None,
                "conversation.updated",
                serde_json::to_value(&view).unwrap_or_default(),
            )
            .await?,
        );
    }
    tx.commit().await?;
    state.hub.publish(events);
    Ok(new)
}

/// Inserts a message of a picked chat (`None` for other chats and when already stored).
/// A live inbound message counts as unread and is announced; history is not.
async fn insert(
    state: &AppState,
    tx: &mut Tx,
    account: Account,
    m: &RemoteMessage,
    live: bool,
) -> Result<Option<Vec<StoredEvent>>, AppError> {
    let Some(conversation_id) = picked_conversation(tx, account, m.peer_id).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let exists: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2",
    )
    .bind(conversation_id)
    .bind(m.id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let media_id = match &m.file {
        Some(f) => {
            let upload = Upload {
                bytes: f.bytes.clone(),
                file_name: f.file_name.clone(),
                mime_type: f.mime_type.clone(),
                kind: if f.kind == "photo" {
                    "photo"
                } else {
                    "document"
                },
            };
            Some(media::insert(state, tx, account.workspace_id, &upload).await?)
        }
        None => None,
    };
    let reply_to: Option<i64> = match m.reply_to {
        Some(r) => {
            sqlx::query_scalar(
                "SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2",
            )
            .bind(conversation_id)
            .bind(r.to_string())
            .fetch_optional(&mut **tx)
            .await?
        }
        None => None,
    };
    let (direction, delivery) = if m.outgoing {
        ("out", "sent")
    } else {
        ("in", if live { "delivered" } else { "read" })
    };
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, text, media_id, reply_to_id, \
         state, external_id, sent_at, edited_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (conversation_id, external_id) DO NOTHING RETURNING id",
    )
    .bind(account.workspace_id)
    .bind(conversation_id)
    .bind(direction)
    .bind(&m.sender_name)
    .bind(&m.text)
    .bind(media_id)
    .bind(reply_to)
    .bind(delivery)
    .bind(m.id.to_string())
    .bind(m.date_ms)
    .bind(m.edit_date_ms)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = inserted else {
        return Ok(None);
    };
    metrics::counter!("parley_messages_total", "channel" => "telegram_user", "direction" => direction)
        .increment(1);
    let unread = i64::from(live && !m.outgoing);
    sqlx::query(
        "UPDATE conversations SET unread_count = unread_count + $1, \
         last_message_id = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $3 ELSE last_message_id END, \
         last_message_text = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $4 ELSE last_message_text END, \
         last_message_at = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $2 ELSE last_message_at END, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(unread)
    .bind(m.date_ms)
    .bind(id)
    .bind(preview(&m.text, media_id.is_some()))
    .bind(now)
    .bind(conversation_id)
    .execute(&mut **tx)
    .await?;
    let mut events = Vec::new();
    if !m.outgoing {
        events.extend(match_contact(tx, account, conversation_id, m).await?);
    }
    if !live {
        // History: the caller announces the conversation once.
        return Ok(Some(events));
    }
    let view = message_in(tx, account.workspace_id, id).await?;
    let conversation = conversation_in(tx, account.workspace_id, conversation_id).await?;
    events.push(
        record(
            tx,
            WorkspaceId(account.workspace_id),
            None,
            "message.received",
            serde_json::json!({ "message": view, "conversation": conversation }),
        )
        .await?,
    );
    Ok(Some(events))
}

/// The sender of a private chat's inbound message is the chat's contact: found by Telegram user
/// id, or created with their name and username (owned by the account's owner).
async fn match_contact(
    tx: &mut Tx,
    account: Account,
    conversation_id: i64,
    m: &RemoteMessage,
) -> Result<Vec<StoredEvent>, AppError> {
    let (kind, contact_id): (String, Option<i64>) =
        sqlx::query_as("SELECT kind, contact_id FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_one(&mut **tx)
            .await?;
    if kind != "private" || contact_id.is_some() || m.sender_id <= 0 {
        return Ok(Vec::new());
    }
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(id) FROM contacts WHERE workspace_id = $1 AND telegram_user_id = $2",
    )
    .bind(account.workspace_id)
    .bind(m.sender_id)
    .fetch_one(&mut **tx)
    .await?;
    let mut events = Vec::new();
    let contact_id = match found {
        Some(id) => id,
        None => {
            let name = if m.sender_name.trim().is_empty() {
                format!("@{}", m.sender_username)
            } else {
                m.sender_name.trim().to_string()
            };
            let (first, last) = match name.split_once(' ') {
                Some((f, l)) => (f.to_string(), l.to_string()),
                None => (name.clone(), String::new()),
            };
            let now = now_ms();
            let search = crate::server::query::search_text(&[&name, &m.sender_username]);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (workspace_id, first_name, last_name, display_name, telegram_user_id, \
                 telegram_username, owner_id, search_text, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(account.workspace_id)
            .bind(&first)
            .bind(&last)
            .bind(&name)
            .bind(m.sender_id)
            .bind(&m.sender_username)
            .bind(account.owner_id)
            .bind(search)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            events.push(
                record(
                    tx,
                    WorkspaceId(account.workspace_id),
                    None,
                    "contact.created",
                    serde_json::json!({ "id": id, "displayName": name, "source": "telegram" }),
                )
                .await?,
            );
            id
        }
    };
    sqlx::query("UPDATE conversations SET contact_id = $1 WHERE id = $2")
        .bind(contact_id)
        .bind(conversation_id)
        .execute(&mut **tx)
        .await?;
    Ok(events)
}
