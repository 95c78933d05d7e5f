//! Changes to what is stored: edits, deletions (kept, marked), read receipts both ways, and
//! typing (announced, never stored).

use super::{picked_conversation, Account};
use crate::channels::telegram_user::boundary::RemoteMessage;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::server::{conversation_in, message_in};
use crate::realtime::server::{record, StoredEvent};
use crate::server::db::Tx;
use crate::server::now_ms;

async fn stored_message(
    tx: &mut Tx,
    conversation_id: i64,
    external_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2",
    )
    .bind(conversation_id)
    .bind(external_id.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

async fn updated(tx: &mut Tx, account: Account, id: i64) -> Result<StoredEvent, AppError> {
    let view = message_in(tx, account.workspace_id, id).await?;
    Ok(record(
        tx,
        WorkspaceId(account.workspace_id),
        None,
        "message.updated",
        serde_json::json!({ "message": view }),
    )
    .await?)
}

pub(super) async fn edit(
    tx: &mut Tx,
    account: Account,
    m: &RemoteMessage,
) -> Result<Vec<StoredEvent>, AppError> {
    let Some(conversation_id) = picked_conversation(tx, account, m.peer_id).await? else {
        return Ok(Vec::new());
    };
    let Some(id) = stored_message(tx, conversation_id, m.id).await? else {
        return Ok(Vec::new());
    };
    sqlx::query("UPDATE messages SET text = $1, edited_at = $2, updated_at = $3 WHERE id = $4")
        .bind(&m.text)
        .bind(m.edit_date_ms.unwrap_or_else(now_ms))
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(vec![updated(tx, account, id).await?])
}

/// Deleted in Telegram: kept in the CRM's record, marked deleted. Without a chat (private chats
/// and basic groups), the ids are looked up across the account's conversations.
pub(super) async fn delete(
    tx: &mut Tx,
    account: Account,
    peer_id: Option<i64>,
    ids: &[i64],
) -> Result<Vec<StoredEvent>, AppError> {
    let mut events = Vec::new();
    for external in ids {
        let deleted: Vec<i64> = sqlx::query_scalar(
            "UPDATE messages SET deleted_at = $1, updated_at = $1 \
             WHERE external_id = $2 AND deleted_at IS NULL AND conversation_id IN \
             (SELECT id FROM conversations WHERE account_id = $3 AND ($4 = '' OR peer_id = $4)) \
             RETURNING id",
        )
        .bind(now_ms())
        .bind(external.to_string())
        .bind(account.id)
        .bind(peer_id.map(|p| p.to_string()).unwrap_or_default())
        .fetch_all(&mut **tx)
        .await?;
        for id in deleted {
            events.push(updated(tx, account, id).await?);
        }
    }
    Ok(events)
}

/// The rep read the chat in Telegram (another device): it is read here too.
pub(super) async fn read_inbox(
    tx: &mut Tx,
    account: Account,
    peer_id: i64,
    max_id: i64,
) -> Result<Vec<StoredEvent>, AppError> {
    let Some(conversation_id) = picked_conversation(tx, account, peer_id).await? else {
        return Ok(Vec::new());
    };
    let now = now_ms();
    let read = sqlx::query(
        "UPDATE messages SET state = 'read', updated_at = $1 WHERE conversation_id = $2 AND direction = 'in' \
         AND state <> 'read' AND CAST(external_id AS BIGINT) <= $3",
    )
    .bind(now)
    .bind(conversation_id)
    .bind(max_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND direction = 'in' AND state <> 'read'",
    )
    .bind(conversation_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE conversations SET unread_count = $1, updated_at = $2 WHERE id = $3")
        .bind(unread)
        .bind(now)
        .bind(conversation_id)
        .execute(&mut **tx)
        .await?;
    if read == 0 {
        return Ok(Vec::new());
    }
    let ws = WorkspaceId(account.workspace_id);
    let view = conversation_in(tx, account.workspace_id, conversation_id).await?;
    Ok(vec![
        record(
            tx,
            ws,
            None,
            "message.read",
            serde_json::json!({ "conversationId": conversation_id, "accountId": account.id, "readBy": null }),
        )
        .await?,
        record(
            tx,
            ws,
            None,
            "conversation.updated",
            serde_json::to_value(&view).unwrap_or_default(),
        )
        .await?,
    ])
}

/// The lead read our messages up to `max_id`: they show as read.
pub(super) async fn read_outbox(
    tx: &mut Tx,
    account: Account,
    peer_id: i64,
    max_id: i64,
) -> Result<Vec<StoredEvent>, AppError> {
    let Some(conversation_id) = picked_conversation(tx, account, peer_id).await? else {
        return Ok(Vec::new());
    };
    let read: Vec<i64> = sqlx::query_scalar(
        "UPDATE messages SET state = 'read', updated_at = $1 WHERE conversation_id = $2 \
         AND direction = 'out' AND state IN ('sent', 'delivered') \
         AND external_id IS NOT NULL AND CAST(external_id AS BIGINT) <= $3 RETURNING id",
    )
    .bind(now_ms())
    .bind(conversation_id)
    .bind(max_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut events = Vec::new();
    for id in read {
        events.push(updated(tx, account, id).await?);
    }
    Ok(events)
}

/// Someone is typing in a picked chat: announced (the worker sends at most one per chat every
/// few seconds), never stored as a message.
pub(super) async fn typing(
    tx: &mut Tx,
    account: Account,
    peer_id: i64,
    user_id: i64,
) -> Result<Vec<StoredEvent>, AppError> {
    let Some(conversation_id) = picked_conversation(tx, account, peer_id).await? else {
        return Ok(Vec::new());
    };
    Ok(vec![
        record(
            tx,
            WorkspaceId(account.workspace_id),
            None,
            "conversation.typing",
            serde_json::json!({ "conversationId": conversation_id, "userId": user_id }),
        )
        .await?,
    ])
}
