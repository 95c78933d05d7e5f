//! Durable sending. A rep's message is stored `pending` in the same transaction as the job
//! that delivers it; the job worker calls Telegram and records `sent` with Telegram's message
//! id, or retries with backoff, or marks the message `failed` with a reason the rep sees (and
//! a retry action). Telegram has no idempotency key, so a job interrupted *while its call was
//! under way* is not repeated blindly: the message is marked failed with a note that it may
//! have gone out. Interrupted anywhere else, it is sent exactly once after a restart.

use super::media::{self, Upload};
use super::{conversation_in, message_in};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::MessageId;
use crate::messaging::MessagingEvent;
use crate::messaging::{Direction, MessageState, MessageView, SendInput};
use crate::realtime::server::UnitOfWork;
use crate::server::jobs;
use crate::server::{now_ms, AppState};
use validator::Validate;

pub use super::deliver::{SendMessage, SendPayload};

/// Telegram's longest caption of a photo or document.
pub const MAX_CAPTION_CHARS: usize = 1024;

/// Queues a text message (and optionally a file) for a conversation of the caller's workspace.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn send(
    state: &AppState,
    auth: &AuthContext,
    input: SendInput,
    file: Option<Upload>,
) -> Result<MessageView, AppError> {
    auth.require(Action::ReplyInConversations)?;
    input.validate()?;
    let text = input.text.trim().to_string();
    if text.is_empty() && file.is_none() {
        return Err(AppError::field("text", "required", "Write a message"));
    }
    if file.is_some() && text.chars().count() > MAX_CAPTION_CHARS {
        return Err(AppError::field(
            "text",
            "too_long",
            "A file's caption takes at most 1024 characters",
        ));
    }
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let conversation = conversation_in(&mut uow, ws, input.conversation_id).await?;
    auth.require_on(Action::ReplyInConversations, conversation.assignee_id)?;
    let (status, account_kind): (String, String) =
        sqlx::query_as("SELECT status, kind FROM channel_accounts WHERE id = $1")
            .bind(conversation.account_id)
            .fetch_one(uow.conn())
            .await?;
    let takes_files = state
        .channels()
        .capabilities(&account_kind)
        .is_some_and(|c| c.media);
    if file.is_some() && !takes_files {
        return Err(AppError::field(
            "file",
            "unsupported",
            "This account's network does not take files",
        ));
    }
    match status.as_str() {
        "disconnected" => {
            return Err(AppError::conflict(
                "This conversation's account is disconnected; reconnect it to send",
            ))
        }
        "needs_relogin" => {
            return Err(AppError::conflict(
                "This conversation's account needs to be connected again before it can send",
            ))
        }
        _ => {}
    }
    if let Some(reply) = input.reply_to_message_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM messages WHERE id = $1 AND conversation_id = $2")
                .bind(reply)
                .bind(conversation.id)
                .fetch_optional(uow.conn())
                .await?;
        if found.is_none() {
            return Err(AppError::field(
                "replyToMessageId",
                "invalid",
                "That message is not in this conversation",
            ));
        }
    }
    let media_id = match &file {
        Some(upload) => Some(media::insert(state, &mut uow, ws, upload).await?),
        None => None,
    };
    let sender: String =
        sqlx::query_scalar("SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = $1")
            .bind(auth.user_id.0)
            .fetch_one(uow.conn())
            .await?;
    let now = now_ms();
    let id: MessageId = sqlx::query_scalar(
        "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, author_id, text, media_id, \
         reply_to_id, state, sent_at, created_at, updated_at) \
         VALUES ($1, $2, 'out', $3, $4, $5, $6, $7, 'pending', $8, $8, $8) RETURNING id",
    )
    .bind(ws)
    .bind(conversation.id)
    .bind(&sender)
    .bind(auth.user_id.0)
    .bind(&text)
    .bind(media_id)
    .bind(input.reply_to_message_id)
    .bind(now)
    .fetch_one(uow.conn())
    .await?;
    sqlx::query(
        "UPDATE conversations SET last_message_id = $1, last_message_text = $2, last_message_at = $3, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(id)
    .bind(super::preview(&text, media_id.is_some()))
    .bind(now)
    .bind(conversation.id)
    .execute(uow.conn())
    .await?;
    let payload = SendPayload::new(state, id, conversation.account_id, &account_kind);
    jobs::enqueue::<SendMessage>(&mut uow, Some(ws), &payload, now).await?;
    let message = message_in(&mut uow, ws, id).await?;
    let conversation = conversation_in(&mut uow, ws, conversation.id).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::MessageSent {
            message: message.clone(),
            conversation,
        },
    )
    .await?;
    uow.wake_jobs();
    uow.commit().await?;
    Ok(message)
}

/// Sends a failed message again (a new attempt, a new job).
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn retry(
    state: &AppState,
    auth: &AuthContext,
    id: MessageId,
) -> Result<MessageView, AppError> {
    auth.require(Action::ReplyInConversations)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let message = message_in(&mut uow, ws, id).await?;
    let conversation = conversation_in(&mut uow, ws, message.conversation_id).await?;
    auth.require_on(Action::ReplyInConversations, conversation.assignee_id)?;
    if message.direction != Direction::Out || message.state != MessageState::Failed {
        return Err(AppError::conflict(
            "Only a failed message can be sent again",
        ));
    }
    let now = now_ms();
    sqlx::query("UPDATE messages SET state = 'pending', error = '', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(uow.conn())
        .await?;
    let account_kind: String =
        sqlx::query_scalar("SELECT kind FROM channel_accounts WHERE id = $1")
            .bind(conversation.account_id)
            .fetch_one(uow.conn())
            .await?;
    let payload = SendPayload::new(state, id, conversation.account_id, &account_kind);
    jobs::enqueue::<SendMessage>(&mut uow, Some(ws), &payload, now).await?;
    let message = message_in(&mut uow, ws, id).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::MessageUpdated {
            message: message.clone(),
        },
    )
    .await?;
    uow.wake_jobs();
    uow.commit().await?;
    Ok(message)
}
