//! THE ingest path: every message a channel hears becomes Parley's rows here, with one set of
//! rules whichever network it came from — the conversation (opened on first contact, title kept
//! current), the message (stored once: its external id is unique per conversation), the chat
//! list's last message (only a newer message replaces it), the unread count, the contact match,
//! and the events. Channels translate their network's shapes into [`Peer`], [`Inbound`] and
//! [`Edit`] and call these functions in their own transaction.

use super::media::{self, Upload};
use super::{conversation_in, message_in, preview};
use crate::error::AppError;
use crate::ids::{ConversationId, MessageId, WorkspaceId};
use crate::messaging::{Direction, MessageState, MessagingEvent};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Tx;
use crate::server::now_ms;

/// The channel account something arrived on.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub id: i64,
    pub workspace_id: i64,
    /// The channel's kind (`Channel::KIND`), for the message counters.
    pub kind: &'static str,
}

/// A chat as the network names it.
#[derive(Debug, Clone)]
pub struct Peer<'a> {
    /// The network's id of the chat (for a private chat, the person's user id).
    pub peer_id: &'a str,
    /// `private`, `group` or `channel`.
    pub kind: &'a str,
    pub title: &'a str,
    pub username: &'a str,
}

/// Opens the conversation with a peer, or refreshes its title and username when it exists;
/// a private chat without a contact is linked to the contact carrying that Telegram user id.
/// Returns the conversation's id.
pub async fn open_conversation(
    tx: &mut Tx,
    account: Account,
    peer: &Peer<'_>,
) -> Result<ConversationId, AppError> {
    let search = format!("{} {}", peer.title, peer.username).to_lowercase();
    let id: ConversationId = sqlx::query_scalar(
        "INSERT INTO conversations (workspace_id, account_id, peer_id, kind, title, username, search_text, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (account_id, peer_id) DO UPDATE SET title = excluded.title, username = excluded.username, \
         search_text = excluded.search_text RETURNING id",
    )
    .bind(account.workspace_id)
    .bind(account.id)
    .bind(peer.peer_id)
    .bind(peer.kind)
    .bind(peer.title)
    .bind(peer.username)
    .bind(search)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    match_contact(tx, account.workspace_id, id).await?;
    Ok(id)
}

/// Links a private chat that has no contact to the workspace's contact carrying the peer's
/// Telegram user id (the oldest, when several do). Nothing else is matched, and no contact is
/// created: a rep creates one from the chat's panel, where it takes the Telegram id with it.
async fn match_contact(
    tx: &mut Tx,
    workspace_id: i64,
    conversation_id: ConversationId,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE conversations SET contact_id = (SELECT MIN(ct.id) FROM contacts ct \
         WHERE ct.workspace_id = $1 AND ct.telegram_user_id = CAST(conversations.peer_id AS BIGINT)) \
         WHERE id = $2 AND kind = 'private' AND contact_id IS NULL",
    )
    .bind(workspace_id)
    .bind(conversation_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How a message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Just now: an inbound message counts as unread and is announced.
    Live,
    /// Imported history: read already, and announced by the caller once for the whole batch.
    History,
}

/// A message as the network delivered it.
pub struct Inbound {
    pub external_id: String,
    pub direction: Direction,
    pub sender_name: String,
    pub text: String,
    /// The attachment, or why the network would not hand it over (noted on the message).
    pub attachment: Result<Option<Upload>, String>,
    /// The external id of the message in the same chat this one replies to.
    pub reply_to: Option<String>,
    pub sent_at: i64,
    pub edited_at: Option<i64>,
}

/// Stores a message in a conversation once (announcing it when it is live); answers whether
/// it was new.
pub async fn message(
    uow: &mut UnitOfWork<'_>,
    account: Account,
    conversation_id: ConversationId,
    m: Inbound,
    arrival: Arrival,
) -> Result<bool, AppError> {
    let ws = account.workspace_id;
    if stored(uow, conversation_id, &m.external_id)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let (media_id, error) = match &m.attachment {
        Ok(Some(upload)) => {
            let state = uow.state();
            (
                Some(media::insert(state, uow, ws, upload).await?),
                String::new(),
            )
        }
        Ok(None) => (None, String::new()),
        Err(why) => (
            None,
            format!("The attachment could not be downloaded: {why}"),
        ),
    };
    let reply_to = match &m.reply_to {
        Some(external) => stored(uow, conversation_id, external).await?,
        None => None,
    };
    let delivery = match (m.direction, arrival) {
        (Direction::Out, _) => MessageState::Sent,
        (Direction::In, Arrival::Live) => MessageState::Delivered,
        (Direction::In, Arrival::History) => MessageState::Read,
    };
    let direction = m.direction.as_str();
    let now = now_ms();
    let inserted: Option<MessageId> = sqlx::query_scalar(
        "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, text, media_id, reply_to_id, \
         state, error, external_id, sent_at, edited_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
         ON CONFLICT (conversation_id, external_id) DO NOTHING RETURNING id",
    )
    .bind(ws)
    .bind(conversation_id)
    .bind(direction)
    .bind(&m.sender_name)
    .bind(&m.text)
    .bind(media_id)
    .bind(reply_to)
    .bind(delivery.as_str())
    .bind(&error)
    .bind(&m.external_id)
    .bind(m.sent_at)
    .bind(m.edited_at)
    .bind(now)
    .fetch_optional(uow.conn())
    .await?;
    let Some(id) = inserted else {
        return Ok(false);
    };
    metrics::counter!("parley_messages_total", "channel" => account.kind, "direction" => direction)
        .increment(1);
    let unread = i64::from(m.direction == Direction::In && arrival == Arrival::Live);
    // Messages can arrive out of order (history, retried updates): only a newer one becomes
    // the chat list's last message.
    sqlx::query(
        "UPDATE conversations SET unread_count = unread_count + $1, \
         last_message_id = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $3 ELSE last_message_id END, \
         last_message_text = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $4 ELSE last_message_text END, \
         last_message_at = CASE WHEN last_message_at IS NULL OR last_message_at <= $2 THEN $2 ELSE last_message_at END, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(unread)
    .bind(m.sent_at)
    .bind(id)
    .bind(preview(&m.text, media_id.is_some()))
    .bind(now)
    .bind(conversation_id)
    .execute(uow.conn())
    .await?;
    if m.direction == Direction::In {
        // A contact given the Telegram id since the chat was opened is linked now.
        match_contact(uow, ws, conversation_id).await?;
    }
    if arrival == Arrival::Live {
        let message = message_in(uow, ws, id).await?;
        let conversation = conversation_in(uow, ws, conversation_id).await?;
        let event = MessagingEvent::MessageReceived {
            message,
            conversation,
        };
        uow.record(WorkspaceId(ws), None, &event).await?;
    }
    Ok(true)
}

/// The id of a stored message of a conversation, by its external id.
pub async fn stored(
    tx: &mut Tx,
    conversation_id: ConversationId,
    external_id: &str,
) -> Result<Option<MessageId>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2",
    )
    .bind(conversation_id)
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A message edited on the network.
#[derive(Debug)]
pub struct Edit<'a> {
    pub external_id: &'a str,
    pub text: &'a str,
    pub edited_at: i64,
}

/// Applies an edit to a stored message; a message never stored is ignored.
pub async fn edit(
    uow: &mut UnitOfWork<'_>,
    workspace_id: i64,
    conversation_id: ConversationId,
    e: Edit<'_>,
) -> Result<(), AppError> {
    let Some(id) = stored(uow, conversation_id, e.external_id).await? else {
        return Ok(());
    };
    sqlx::query("UPDATE messages SET text = $1, edited_at = $2, updated_at = $3 WHERE id = $4")
        .bind(e.text)
        .bind(e.edited_at)
        .bind(now_ms())
        .bind(id)
        .execute(uow.conn())
        .await?;
    updated(uow, workspace_id, id).await
}

/// Records `message.updated` for a stored message (edited, deleted, read on the network).
pub async fn updated(
    uow: &mut UnitOfWork<'_>,
    workspace_id: i64,
    id: MessageId,
) -> Result<(), AppError> {
    let message = message_in(uow, workspace_id, id).await?;
    uow.record(
        WorkspaceId(workspace_id),
        None,
        &MessagingEvent::MessageUpdated { message },
    )
    .await
}
