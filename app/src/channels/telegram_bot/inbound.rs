//! Inbound messages: a Telegram update becomes a conversation (created on first contact) and
//! a message, stored once however often the update arrives — the message's external id is
//! unique per conversation, and the account's update offset advances in the same transaction.

use super::types::{Message, Update};
use super::{BotClient, BotError};
use crate::error::AppError;
use crate::ids::ConversationId;
use crate::messaging::server::health::{self, Health};
use crate::messaging::server::ingest;
use crate::messaging::server::media::Upload;
use crate::realtime::server::UnitOfWork;
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
    let mut uow = UnitOfWork::begin(state).await?;
    let mut new = false;
    if let Some(message) = &update.message {
        new = insert_message(&mut uow, to, message, attachment).await?;
    } else if let Some(edited) = &update.edited_message {
        apply_edit(&mut uow, to, edited).await?;
    }
    sqlx::query(
        "UPDATE channel_accounts SET poll_offset = CASE WHEN poll_offset < $1 THEN $1 ELSE poll_offset END, \
         last_sync_at = $2 WHERE id = $3",
    )
    .bind(update.update_id + 1)
    .bind(now_ms())
    .bind(to.account_id)
    .execute(uow.conn())
    .await?;
    // An update arrived, so the bot is reachable (never un-disconnects it: the writer guards).
    if health::set_in(&mut uow, to.account_id, Health::Connected).await? {
        uow.wake_jobs();
    }
    uow.commit().await?;
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

impl Receiver {
    fn ingest(self) -> ingest::Account {
        ingest::Account {
            id: self.account_id,
            workspace_id: self.workspace_id,
            kind: super::channel::KIND,
        }
    }
}

/// The conversation of a message's chat, opened on first contact.
async fn conversation_of(
    tx: &mut Tx,
    to: Receiver,
    message: &Message,
) -> Result<ConversationId, AppError> {
    let chat = &message.chat;
    let peer = ingest::Peer {
        peer_id: &chat.id.to_string(),
        kind: chat.conversation_kind(),
        title: &chat.display_title(),
        username: chat.username.as_deref().unwrap_or_default(),
    };
    ingest::open_conversation(tx, to.ingest(), &peer).await
}

async fn insert_message(
    uow: &mut UnitOfWork<'_>,
    to: Receiver,
    message: &Message,
    attachment: Attachment,
) -> Result<bool, AppError> {
    let conversation_id = conversation_of(uow, to, message).await?;
    let inbound = ingest::Inbound {
        external_id: message.message_id.to_string(),
        direction: crate::messaging::Direction::In,
        sender_name: message
            .from
            .as_ref()
            .map(|u| u.full_name())
            .unwrap_or_else(|| message.chat.display_title()),
        text: message.body(),
        attachment,
        reply_to: message
            .reply_to_message
            .as_ref()
            .map(|r| r.message_id.to_string()),
        sent_at: message.date * 1000,
        edited_at: None,
    };
    ingest::message(
        uow,
        to.ingest(),
        conversation_id,
        inbound,
        ingest::Arrival::Live,
    )
    .await
}

/// An edit of a message stored before; edits of messages never stored are ignored.
async fn apply_edit(
    uow: &mut UnitOfWork<'_>,
    to: Receiver,
    edited: &Message,
) -> Result<(), AppError> {
    let conversation_id: Option<ConversationId> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE account_id = $1 AND peer_id = $2")
            .bind(to.account_id)
            .bind(edited.chat.id.to_string())
            .fetch_optional(uow.conn())
            .await?;
    let Some(conversation_id) = conversation_id else {
        return Ok(());
    };
    let edit = ingest::Edit {
        external_id: &edited.message_id.to_string(),
        text: &edited.body(),
        edited_at: edited.edit_date.map(|d| d * 1000).unwrap_or_else(now_ms),
    };
    ingest::edit(uow, to.workspace_id, conversation_id, edit).await
}
