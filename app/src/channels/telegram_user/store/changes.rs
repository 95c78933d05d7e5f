//! Changes to what is stored: edits, deletions (kept, marked), read receipts both ways, and
//! typing (announced, never stored).

use super::{picked_conversation, Account};
use crate::channels::telegram_user::boundary::RemoteMessage;
use crate::error::AppError;
use crate::ids::{MessageId, WorkspaceId};
use crate::messaging::server::conversation_in;
use crate::messaging::server::ingest;
use crate::messaging::MessagingEvent;
use crate::realtime::server::UnitOfWork;
use crate::server::now_ms;

pub(super) async fn edit(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    m: &RemoteMessage,
) -> Result<(), AppError> {
    let Some(conversation_id) = picked_conversation(uow, account, m.peer_id).await? else {
        return Ok(());
    };
    let edit = ingest::Edit {
        external_id: &m.id.to_string(),
        text: &m.text,
        edited_at: m.edit_date_ms.unwrap_or_else(now_ms),
    };
    ingest::edit(uow, account.workspace_id, conversation_id, edit).await
}

/// Deleted in Telegram: kept in the CRM's record, marked deleted. Without a chat (private chats
/// and basic groups), the ids are looked up across the account's conversations.
pub(super) async fn delete(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    peer_id: Option<i64>,
    ids: &[i64],
) -> Result<(), AppError> {
    for external in ids {
        let deleted: Vec<MessageId> = sqlx::query_scalar(
            "UPDATE messages SET deleted_at = $1, updated_at = $1 \
             WHERE external_id = $2 AND deleted_at IS NULL AND conversation_id IN \
             (SELECT id FROM conversations WHERE account_id = $3 AND ($4 = '' OR peer_id = $4)) \
             RETURNING id",
        )
        .bind(now_ms())
        .bind(external.to_string())
        .bind(account.id)
        .bind(peer_id.map(|p| p.to_string()).unwrap_or_default())
        .fetch_all(uow.conn())
        .await?;
        for id in deleted {
            ingest::updated(uow, account.workspace_id, id).await?;
        }
    }
    Ok(())
}

/// The rep read the chat in Telegram (another device): it is read here too.
pub(super) async fn read_inbox(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    peer_id: i64,
    max_id: i64,
) -> Result<(), AppError> {
    let Some(conversation_id) = picked_conversation(uow, account, peer_id).await? else {
        return Ok(());
    };
    let now = now_ms();
    let read = sqlx::query(
        "UPDATE messages SET state = 'read', updated_at = $1 WHERE conversation_id = $2 AND direction = 'in' \
         AND state <> 'read' AND CAST(external_id AS BIGINT) <= $3",
    )
    .bind(now)
    .bind(conversation_id)
    .bind(max_id)
    .execute(uow.conn())
    .await?
    .rows_affected();
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND direction = 'in' AND state <> 'read'",
    )
    .bind(conversation_id)
    .fetch_one(uow.conn())
    .await?;
    sqlx::query("UPDATE conversations SET unread_count = $1, updated_at = $2 WHERE id = $3")
        .bind(unread)
        .bind(now)
        .bind(conversation_id)
        .execute(uow.conn())
        .await?;
    if read == 0 {
        return Ok(());
    }
    let ws = WorkspaceId(account.workspace_id);
    let view = conversation_in(uow, account.workspace_id, conversation_id).await?;
    let read = MessagingEvent::MessageRead {
        conversation_id,
        account_id: account.id,
        read_by: None,
    };
    uow.record(ws, None, &read).await?;
    uow.record(ws, None, &MessagingEvent::ConversationUpdated(view))
        .await
}

/// The lead read our messages up to `max_id`: they show as read.
pub(super) async fn read_outbox(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    peer_id: i64,
    max_id: i64,
) -> Result<(), AppError> {
    let Some(conversation_id) = picked_conversation(uow, account, peer_id).await? else {
        return Ok(());
    };
    let read: Vec<MessageId> = sqlx::query_scalar(
        "UPDATE messages SET state = 'read', updated_at = $1 WHERE conversation_id = $2 \
         AND direction = 'out' AND state IN ('sent', 'delivered') \
         AND external_id IS NOT NULL AND CAST(external_id AS BIGINT) <= $3 RETURNING id",
    )
    .bind(now_ms())
    .bind(conversation_id)
    .bind(max_id)
    .fetch_all(uow.conn())
    .await?;
    for id in read {
        ingest::updated(uow, account.workspace_id, id).await?;
    }
    Ok(())
}

/// Someone is typing in a picked chat: announced (the worker sends at most one per chat every
/// few seconds), never stored as a message.
pub(super) async fn typing(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    peer_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    let Some(conversation_id) = picked_conversation(uow, account, peer_id).await? else {
        return Ok(());
    };
    let event = MessagingEvent::Typing {
        conversation_id,
        user_id,
    };
    uow.record(WorkspaceId(account.workspace_id), None, &event)
        .await
}
