//! The send job: delivers one pending message to Telegram and records the outcome (see
//! `send.rs` for how messages are queued and why an interrupted call is not repeated).

use super::channel::{Outgoing, OutgoingFile, Recipient, SendError};
use super::health::{self, Health};
use super::media;
use super::message_in;
use crate::error::AppError;
use crate::ids::{MessageId, WorkspaceId};
use crate::messaging::{AccountStatus, MessageState, MessagingEvent};
use crate::realtime::server::UnitOfWork;
use crate::server::jobs::{self, backoff_ms, Job, JobKind, Outcome};
use crate::server::{now_ms, AppState};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

/// The job that delivers one outbound message.
pub struct SendMessage;

/// `{"messageId": …, "accountId": …}`: the account only when its connection lives on one
/// instance (a user account), which then runs the job.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendPayload {
    pub message_id: MessageId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
}

impl SendPayload {
    /// The job for `message_id`, pinned to the account's instance when its channel keeps
    /// the connection on one.
    pub fn new(
        state: &AppState,
        message_id: MessageId,
        account_id: i64,
        kind: &str,
    ) -> SendPayload {
        let on_one_instance = state
            .channels()
            .capabilities(kind)
            .is_some_and(|c| c.connection_on_one_instance);
        SendPayload {
            message_id,
            account_id: on_one_instance.then_some(account_id),
        }
    }
}

impl JobKind for SendMessage {
    const KIND: &'static str = "message.send";
    type Payload = SendPayload;

    fn affinity(payload: &SendPayload) -> Option<i64> {
        payload.account_id
    }

    async fn run(state: &AppState, job: &Job, payload: SendPayload) -> Result<(), AppError> {
        deliver(state, job, payload.message_id).await
    }
}

/// What the worker needs to deliver a message.
struct Delivery {
    workspace_id: i64,
    account_id: i64,
    kind: String,
    state: MessageState,
    text: String,
    peer_id: String,
    secret: String,
    account_status: AccountStatus,
    flood_wait_until: Option<i64>,
    reply_to_external: Option<String>,
    media: Option<(String, String, String, String)>,
}

async fn load(state: &AppState, message_id: MessageId) -> Result<Option<Delivery>, AppError> {
    let row = sqlx::query(
        "SELECT m.workspace_id, m.state, m.text, c.peer_id, a.id AS account_id, a.kind, a.secret, a.status, \
         a.flood_wait_until, r.external_id AS reply_external, md.sha256, md.file_name, md.mime_type, md.kind AS media_kind \
         FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         JOIN channel_accounts a ON a.id = c.account_id \
         LEFT JOIN messages r ON r.id = m.reply_to_id LEFT JOIN media md ON md.id = m.media_id \
         WHERE m.id = $1",
    )
    .bind(message_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let sha: Option<String> = row.try_get("sha256")?;
    let media = match sha {
        Some(sha) => Some((
            sha,
            row.try_get("file_name")?,
            row.try_get("mime_type")?,
            row.try_get("media_kind")?,
        )),
        None => None,
    };
    Ok(Some(Delivery {
        workspace_id: row.try_get("workspace_id")?,
        account_id: row.try_get("account_id")?,
        kind: row.try_get("kind")?,
        state: crate::messaging::column(&row, "state")?,
        text: row.try_get("text")?,
        peer_id: row.try_get("peer_id")?,
        secret: row.try_get("secret")?,
        account_status: crate::messaging::column(&row, "status")?,
        flood_wait_until: row.try_get("flood_wait_until")?,
        reply_to_external: row.try_get("reply_external")?,
        media,
    }))
}

/// Runs one send job.
async fn deliver(state: &AppState, job: &Job, message_id: MessageId) -> Result<(), AppError> {
    let Some(d) = load(state, message_id).await? else {
        return finish(
            state,
            job,
            message_id,
            0,
            Outcome::Failed("The message is gone".into()),
            None,
        )
        .await;
    };
    if d.state != MessageState::Pending {
        return finish(state, job, message_id, d.workspace_id, Outcome::Done, None).await;
    }
    if job.taken_over {
        let why =
            "The server stopped while this message was being sent, so it may have been delivered. \
                   Check the chat in Telegram before sending it again.";
        return finish(
            state,
            job,
            message_id,
            d.workspace_id,
            Outcome::Failed(why.into()),
            None,
        )
        .await;
    }
    if d.account_status == AccountStatus::Disconnected || d.secret.is_empty() {
        let why = "The account was disconnected".to_string();
        return finish(
            state,
            job,
            message_id,
            d.workspace_id,
            Outcome::Failed(why),
            None,
        )
        .await;
    }
    let now = now_ms();
    if let Some(until) = d.flood_wait_until.filter(|u| *u > now) {
        let why = "Waiting for Telegram's flood limit to pass".to_string();
        return finish(
            state,
            job,
            message_id,
            d.workspace_id,
            Outcome::Later(until, why),
            None,
        )
        .await;
    }
    let Some(channel) = state.channels().get(&d.kind) else {
        let why = format!("No channel sends for {} accounts", d.kind);
        return finish(
            state,
            job,
            message_id,
            d.workspace_id,
            Outcome::Failed(why),
            None,
        )
        .await;
    };
    let file = match &d.media {
        Some((sha, file_name, mime_type, kind)) => Some(OutgoingFile {
            bytes: media::read_file(state, sha).await?,
            file_name: file_name.clone(),
            mime_type: mime_type.clone(),
            kind: kind.clone(),
        }),
        None => None,
    };
    let ws = d.workspace_id;
    let to = Recipient {
        account_id: d.account_id,
        secret: &d.secret,
        peer_id: &d.peer_id,
    };
    let message = Outgoing {
        text: d.text.clone(),
        reply_to: d.reply_to_external.clone(),
        file,
    };
    jobs::mark_in_flight(&state.db, job.id).await?;
    let sent = channel.send(state, &to, message).await;
    metrics::counter!("parley_sends_total", "channel" => d.kind.clone(), "outcome" => send_outcome(&sent))
        .increment(1);
    match sent {
        Ok(external) => finish(state, job, message_id, ws, Outcome::Done, Some(external)).await,
        Err(SendError::FloodWait(secs)) => {
            let until = now_ms() + secs as i64 * 1000;
            health::set(state, d.account_id, Health::FloodWait(until)).await?;
            let why = format!("The network asked to wait {secs} s");
            finish(state, job, message_id, ws, Outcome::Later(until, why), None).await
        }
        Err(SendError::NotHere(why)) => {
            // Nothing was sent: the account's connection is elsewhere or not up yet.
            let at = now_ms() + 2000;
            finish(state, job, message_id, ws, Outcome::Later(at, why), None).await
        }
        Err(SendError::Unreachable(why)) if job.attempts < job.max_attempts => {
            let at = now_ms() + backoff_ms(job.attempts);
            finish(state, job, message_id, ws, Outcome::Later(at, why), None).await
        }
        Err(SendError::Unanswered(why)) => {
            let why = format!("No answer from Telegram ({why}); the message may have been delivered. Check the chat before sending it again.");
            finish(state, job, message_id, ws, Outcome::Failed(why), None).await
        }
        Err(SendError::Unauthorized(why)) => {
            // The owner of an account on one instance (their own login) is told by email:
            // only they can log in again.
            let relogin = Health::NeedsRelogin {
                reason: &why,
                tell_owner: channel.capabilities().connection_on_one_instance,
            };
            health::set(state, d.account_id, relogin).await?;
            finish(state, job, message_id, ws, Outcome::Failed(why), None).await
        }
        Err(SendError::Unreachable(why) | SendError::Refused(why)) => {
            finish(state, job, message_id, ws, Outcome::Failed(why), None).await
        }
    }
}

/// Writes the job's outcome and the message's new state in one transaction.
async fn finish(
    state: &AppState,
    job: &Job,
    message_id: MessageId,
    ws: i64,
    outcome: Outcome,
    external_id: Option<String>,
) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    jobs::finish(&mut uow, job.id, &outcome).await?;
    let now = now_ms();
    let change = match (&outcome, &external_id) {
        (Outcome::Done, Some(external)) => Some(("sent", "", Some(external.clone()))),
        (Outcome::Failed(why), _) => Some(("failed", why.as_str(), None)),
        (Outcome::Later(_, why), _) => {
            sqlx::query("UPDATE messages SET error = $1, updated_at = $2 WHERE id = $3 AND state = 'pending'")
                .bind(why)
                .bind(now)
                .bind(message_id)
                .execute(uow.conn())
                .await?;
            None
        }
        _ => None,
    };
    if let Some((new_state, error, external)) = change {
        let updated = sqlx::query(
            "UPDATE messages SET state = $1, error = $2, external_id = COALESCE($3, external_id), \
             updated_at = $4 WHERE id = $5 AND state = 'pending'",
        )
        .bind(new_state)
        .bind(error)
        .bind(external)
        .bind(now)
        .bind(message_id)
        .execute(uow.conn())
        .await?;
        if updated.rows_affected() == 1 {
            let message = message_in(&mut uow, ws, message_id).await?;
            let event = MessagingEvent::MessageUpdated { message };
            uow.record(WorkspaceId(ws), None, &event).await?;
        }
    }
    uow.commit().await
}

/// A send's outcome as the metrics label it.
fn send_outcome(sent: &Result<String, SendError>) -> &'static str {
    match sent {
        Ok(_) => "sent",
        Err(SendError::FloodWait(_)) => "flood_wait",
        Err(SendError::Unreachable(_)) => "unreachable",
        Err(SendError::Unanswered(_)) => "unanswered",
        Err(SendError::Unauthorized(_)) => "unauthorized",
        Err(SendError::NotHere(_)) => "not_here",
        Err(SendError::Refused(_)) => "refused",
    }
}
