//! "typing…" on the network while a member writes. The composer asks at most every few
//! seconds; the channel shows it at once when this instance can reach the account, and
//! otherwise a short job pinned to the account's instance does, unless it is stale by then.
//! Nothing is stored: a lost indicator harms nobody.

use super::channel::{Recipient, SendError};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ConversationId;
use crate::messaging::AccountStatus;
use crate::server::jobs::{self, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use std::time::Duration;

/// Telegram shows a typing action for about five seconds; later than that it misleads.
const STALE_MS: i64 = 5_000;

/// The conversation's account and chat, as the channel needs them.
struct Target {
    /// Whether the account can write (not disconnected, not waiting for a new login).
    live: bool,
    assignee_id: Option<i64>,
    kind: String,
    account_id: i64,
    secret: String,
    peer_id: String,
}

impl Target {
    fn recipient(&self) -> Recipient<'_> {
        Recipient {
            account_id: self.account_id,
            secret: &self.secret,
            peer_id: &self.peer_id,
        }
    }
}

/// The conversation of the workspace, with its account.
async fn target(
    state: &AppState,
    workspace_id: i64,
    conversation_id: ConversationId,
) -> Result<Option<Target>, AppError> {
    let row = sqlx::query(
        "SELECT a.kind, a.id AS account_id, a.secret, a.status, c.peer_id, c.assignee_id \
         FROM conversations c JOIN channel_accounts a ON a.id = c.account_id \
         WHERE c.id = $1 AND c.workspace_id = $2",
    )
    .bind(conversation_id)
    .bind(workspace_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status: AccountStatus = crate::messaging::column(&row, "status")?;
    Ok(Some(Target {
        live: !matches!(
            status,
            AccountStatus::Disconnected | AccountStatus::NeedsRelogin
        ),
        assignee_id: row.try_get("assignee_id")?,
        kind: row.try_get("kind")?,
        account_id: row.try_get("account_id")?,
        secret: row.try_get("secret")?,
        peer_id: row.try_get("peer_id")?,
    }))
}

/// Shows the conversation's other side that the caller is typing. Answers whether it was
/// shown (or handed to the account's instance); `false` when the network cannot show it.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, conversation = conversation_id.0))]
pub async fn typing(
    state: &AppState,
    auth: &AuthContext,
    conversation_id: ConversationId,
) -> Result<bool, AppError> {
    auth.require(Action::ReplyInConversations)?;
    let target = target(state, auth.workspace_id.0, conversation_id)
        .await?
        .ok_or_else(|| AppError::not_found("Conversation"))?;
    auth.require_on(Action::ReplyInConversations, target.assignee_id)?;
    if !target.live {
        return Ok(false);
    }
    let Some(channel) = state.channels().get(&target.kind) else {
        return Ok(false);
    };
    if !channel.capabilities().typing {
        return Ok(false);
    }
    let to = target.recipient();
    match channel.typing(state, &to).await {
        Ok(()) => Ok(true),
        Err(SendError::NotHere(_)) => {
            let payload = TypingPayload {
                workspace_id: auth.workspace_id.0,
                conversation_id,
                account_id: target.account_id,
                at: now_ms(),
            };
            let mut tx = state.db.begin().await?;
            jobs::enqueue::<ShowTyping>(&mut tx, Some(auth.workspace_id.0), &payload, payload.at)
                .await?;
            tx.commit().await?;
            state.jobs_wake.notify_one();
            Ok(true)
        }
        Err(e) => {
            tracing::debug!(error = ?e, "typing was not shown");
            Ok(false)
        }
    }
}

/// Shows "typing…" from the instance holding the account's connection.
pub struct ShowTyping;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypingPayload {
    pub workspace_id: i64,
    pub conversation_id: ConversationId,
    pub account_id: i64,
    /// When the member typed (ms): a job run later than [`STALE_MS`] does nothing.
    pub at: i64,
}

impl JobKind for ShowTyping {
    const KIND: &'static str = "messaging.typing";
    const MAX_ATTEMPTS: i64 = 1;
    const TIMEOUT: Duration = Duration::from_secs(10);
    type Payload = TypingPayload;

    fn affinity(payload: &TypingPayload) -> Option<i64> {
        Some(payload.account_id)
    }

    async fn run(state: &AppState, job: &Job, payload: TypingPayload) -> Result<(), AppError> {
        if now_ms() - payload.at <= STALE_MS {
            let target = target(state, payload.workspace_id, payload.conversation_id).await?;
            if let Some(target) = target.filter(|t| t.live) {
                if let Some(channel) = state.channels().get(&target.kind) {
                    let to = target.recipient();
                    if let Err(e) = channel.typing(state, &to).await {
                        tracing::debug!(error = ?e, "typing was not shown");
                    }
                }
            }
        }
        Ok(jobs::finish_alone(&state.db, job.id, &Outcome::Done).await?)
    }
}
