//! A conversation's place in the CRM: its contact and deal (linked, or created from the chat
//! in one step), its assignee, and pinning.

use super::conversation_in;
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::contacts::server as contacts;
use crate::contacts::ContactEvent;
use crate::deals::server as deals;
use crate::error::AppError;
use crate::ids::{ContactId, ConversationId, DealId};
use crate::messaging::MessagingEvent;
use crate::messaging::{ChatToCrm, ConversationView};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Tx;
use crate::server::{now_ms, refs, AppState};

/// Creates the contact and, when asked, a deal for it, and links both to the conversation —
/// all in one transaction.
pub async fn create_from_chat(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
    input: ChatToCrm,
) -> Result<ConversationView, AppError> {
    auth.require(Action::CreateRecords)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let conversation = conversation_in(&mut uow, ws, id).await?;
    auth.require_on(Action::ReplyInConversations, conversation.assignee_id)?;
    let mut contact = input.contact.normalized();
    if conversation.kind == crate::messaging::ConversationKind::Private {
        if contact.telegram_user_id.is_none() {
            contact.telegram_user_id = peer_user_id(&mut uow, id).await?;
        }
        if contact
            .telegram_username
            .as_deref()
            .unwrap_or("")
            .is_empty()
            && !conversation.username.is_empty()
        {
            contact.telegram_username = Some(conversation.username.clone());
        }
    }
    contacts::check(&mut uow, auth, &contact).await?;
    let created = contacts::create_in(&mut uow, auth, &contact).await?;
    let event = ContactEvent::Created(created.clone());
    uow.record(auth.workspace_id, Some(auth.user_id), &event)
        .await?;
    let deal_id = match input.deal {
        Some(mut deal) => {
            deal.contact_id = Some(created.id);
            let (deal, event) = deals::create_in(&mut uow, auth, deal).await?;
            uow.record_new(event);
            Some(deal.id)
        }
        None => conversation.deal_id,
    };
    sqlx::query(
        "UPDATE conversations SET contact_id = $1, deal_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(created.id)
    .bind(deal_id)
    .bind(now_ms())
    .bind(id)
    .execute(uow.conn())
    .await?;
    finish(uow, auth, id).await
}

/// A private chat's peer id is the Telegram user id.
async fn peer_user_id(tx: &mut Tx, id: ConversationId) -> Result<Option<i64>, AppError> {
    let peer: String = sqlx::query_scalar("SELECT peer_id FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(peer.parse().ok())
}

/// Links (or, with `None`, unlinks) an existing contact and deal.
pub async fn link(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
    contact_id: Option<ContactId>,
    deal_id: Option<DealId>,
) -> Result<ConversationView, AppError> {
    auth.require(Action::ReplyInConversations)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let conversation = conversation_in(&mut uow, ws, id).await?;
    auth.require_on(Action::ReplyInConversations, conversation.assignee_id)?;
    refs::contact(&mut uow, ws, contact_id, "contactId").await?;
    refs::deal(&mut uow, ws, deal_id, "dealId").await?;
    sqlx::query(
        "UPDATE conversations SET contact_id = $1, deal_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(contact_id)
    .bind(deal_id)
    .bind(now_ms())
    .bind(id)
    .execute(uow.conn())
    .await?;
    finish(uow, auth, id).await
}

/// Assigns the conversation to a member (or to nobody).
pub async fn assign(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
    assignee_id: Option<i64>,
) -> Result<ConversationView, AppError> {
    auth.require(Action::AssignConversations)?;
    auth.require_on(Action::AssignConversations, assignee_id)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let conversation = conversation_in(&mut uow, ws, id).await?;
    auth.require_on(Action::AssignConversations, conversation.assignee_id)?;
    refs::member(&mut uow, ws, assignee_id, "assigneeId").await?;
    sqlx::query("UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee_id)
        .bind(now_ms())
        .bind(id)
        .execute(uow.conn())
        .await?;
    finish(uow, auth, id).await
}

/// Pins the conversation to the top of the chat list (for everyone), or unpins it.
pub async fn pin(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
    pinned: bool,
) -> Result<ConversationView, AppError> {
    auth.require(Action::ReplyInConversations)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let conversation = conversation_in(&mut uow, auth.workspace_id.0, id).await?;
    auth.require_on(Action::ReplyInConversations, conversation.assignee_id)?;
    sqlx::query("UPDATE conversations SET pinned = $1, updated_at = $2 WHERE id = $3")
        .bind(pinned as i64)
        .bind(now_ms())
        .bind(id)
        .execute(uow.conn())
        .await?;
    finish(uow, auth, id).await
}

/// Announces the conversation as it now is, commits, publishes.
pub(super) async fn finish(
    mut uow: UnitOfWork<'_>,
    auth: &AuthContext,
    id: ConversationId,
) -> Result<ConversationView, AppError> {
    let after = conversation_in(&mut uow, auth.workspace_id.0, id).await?;
    let event = MessagingEvent::ConversationUpdated(after.clone());
    uow.record(auth.workspace_id, Some(auth.user_id), &event)
        .await?;
    uow.commit().await?;
    Ok(after)
}
