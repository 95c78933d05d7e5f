//! What a user account hears becomes Parley's data: messages of picked chats (once, whatever
//! how often they arrive: unique external id per conversation), edits, deletions, read
//! receipts both ways and typing. Chats that were not picked store nothing.

use super::boundary::{RemoteMessage, RemoteUpdate};
use crate::error::AppError;
use crate::ids::{ConversationId, WorkspaceId};
use crate::messaging::server::conversation_in;
use crate::messaging::server::ingest::{self, Arrival};
use crate::messaging::server::media::Upload;
use crate::messaging::Direction;
use crate::messaging::MessagingEvent;
use crate::realtime::server::UnitOfWork;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use changes::{delete, edit, read_inbox, read_outbox, typing};

mod changes;

/// The account something arrived on.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub id: i64,
    pub workspace_id: i64,
}

impl Account {
    /// The account as the inbox's ingest path names it.
    pub fn ingest(self) -> ingest::Account {
        ingest::Account {
            id: self.id,
            workspace_id: self.workspace_id,
            kind: super::channel::KIND,
        }
    }
}

/// The conversation of a picked chat, or `None` when the chat is not synced.
async fn picked_conversation(
    tx: &mut Tx,
    account: Account,
    peer_id: i64,
) -> Result<Option<ConversationId>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM account_chats a JOIN conversations c ON c.account_id = a.account_id AND c.peer_id = a.peer_id \
         WHERE a.account_id = $1 AND a.peer_id = $2 AND a.picked = 1",
    )
    .bind(account.id)
    .bind(peer_id.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Applies one live update.
pub async fn apply(
    state: &AppState,
    account: Account,
    update: &RemoteUpdate,
) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    let u = &mut uow;
    match update {
        RemoteUpdate::NewMessage(m) => {
            insert(u, account, m, Arrival::Live).await?;
        }
        RemoteUpdate::Edited(m) => edit(u, account, m).await?,
        RemoteUpdate::Deleted { peer_id, ids } => delete(u, account, *peer_id, ids).await?,
        RemoteUpdate::ReadInbox { peer_id, max_id } => {
            read_inbox(u, account, *peer_id, *max_id).await?
        }
        RemoteUpdate::ReadOutbox { peer_id, max_id } => {
            read_outbox(u, account, *peer_id, *max_id).await?
        }
        RemoteUpdate::Typing { peer_id, user_id } => typing(u, account, *peer_id, *user_id).await?,
    }
    sqlx::query("UPDATE channel_accounts SET last_sync_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(account.id)
        .execute(uow.conn())
        .await?;
    uow.commit().await
}

/// Stores imported history (newest first from Telegram) in one transaction; returns how many
/// messages were new. History does not count as unread and announces one conversation update.
pub async fn import(
    state: &AppState,
    account: Account,
    peer_id: i64,
    messages: &[RemoteMessage],
) -> Result<i64, AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    let mut new = 0;
    for m in messages.iter().rev() {
        if insert(&mut uow, account, m, Arrival::History).await? {
            new += 1;
        }
    }
    if let Some(conversation_id) = picked_conversation(&mut uow, account, peer_id).await? {
        let view = conversation_in(&mut uow, account.workspace_id, conversation_id).await?;
        let event = MessagingEvent::ConversationUpdated(view);
        uow.record(WorkspaceId(account.workspace_id), None, &event)
            .await?;
    }
    uow.commit().await?;
    Ok(new)
}

/// Stores a message of a picked chat through the inbox's ingest path; answers whether it was
/// new (other chats store nothing). A live inbound message counts as unread and is announced; history
/// is not.
async fn insert(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    m: &RemoteMessage,
    arrival: Arrival,
) -> Result<bool, AppError> {
    let Some(conversation_id) = picked_conversation(uow, account, m.peer_id).await? else {
        return Ok(false);
    };
    let attachment = m.file.as_ref().map(|f| Upload {
        bytes: f.bytes.clone(),
        file_name: f.file_name.clone(),
        mime_type: f.mime_type.clone(),
        kind: if f.kind == "photo" {
            "photo"
        } else {
            "document"
        },
    });
    let inbound = ingest::Inbound {
        external_id: m.id.to_string(),
        direction: if m.outgoing {
            Direction::Out
        } else {
            Direction::In
        },
        sender_name: m.sender_name.clone(),
        text: m.text.clone(),
        attachment: Ok(attachment),
        reply_to: m.reply_to.map(|r| r.to_string()),
        sent_at: m.date_ms,
        edited_at: m.edit_date_ms,
    };
    ingest::message(uow, account.ingest(), conversation_id, inbound, arrival).await
}
