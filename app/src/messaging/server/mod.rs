//! Messaging queries and services: the chat list, a conversation's history, reading.
//! Accounts, inbound storage, sending and media have their own files.

pub mod accounts;
pub mod channel;
pub mod check;
pub mod deliver;
pub mod folders;
pub mod health;
pub mod ingest;
pub mod links;
pub mod look_up;
pub mod media;
pub mod reach;
pub mod read_remote;
pub mod relogin;
pub mod search;
pub mod send;
pub mod typing;

use super::MessagingEvent;
use super::{ChatQuery, ConversationView, MediaView, MessagePage, MessageQuery, MessageView};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::listing::{ListQuery, Page};
use crate::realtime::server::UnitOfWork;
use crate::server::db::{Row, Tx};
use crate::server::query::values_list;
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

/// The inbox's consumers of the event log.
pub fn register_consumers(consumers: &mut crate::realtime::server::consumers::ConsumerRegistry) {
    consumers.register::<relogin::ReloginEmail>();
}

/// The inbox's job kinds.
pub fn register_jobs(jobs: &mut crate::server::jobs::JobRegistry) {
    jobs.register::<send::SendMessage>();
    jobs.register::<read_remote::MarkRead>();
    jobs.register::<look_up::ReachPeer>();
    jobs.register::<typing::ShowTyping>();
    jobs.register::<check::CheckAccount>();
}

const CONVERSATION_SELECT: &str = "SELECT c.id, c.account_id, c.kind, c.title, c.username, c.contact_id, \
    ct.display_name AS contact_name, c.deal_id, d.title AS deal_title, c.assignee_id, c.unread_count, \
    c.last_message_text, c.last_message_at, c.pinned \
    FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id LEFT JOIN deals d ON d.id = c.deal_id";

/// The columns [`message_view`] reads, from `messages m` and `media md`.
macro_rules! message_columns {
    () => {
        "m.id, m.conversation_id, m.direction, m.sender_name, m.author_id, \
         m.text, m.media_id, md.kind AS media_kind, md.file_name AS media_file_name, md.mime_type AS media_mime_type, \
         md.size AS media_size, m.reply_to_id, m.state, m.error, m.external_id, m.sent_at, m.edited_at, m.deleted_at"
    };
}
pub(crate) use message_columns;

pub(crate) const MESSAGE_SELECT: &str = concat!(
    "SELECT ",
    message_columns!(),
    " FROM messages m LEFT JOIN media md ON md.id = m.media_id"
);

fn conversation_view(row: &Row) -> Result<ConversationView, sqlx::Error> {
    Ok(ConversationView {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        kind: crate::messaging::column(row, "kind")?,
        title: row.try_get("title")?,
        username: row.try_get("username")?,
        contact_id: row.try_get("contact_id")?,
        contact_name: row.try_get("contact_name")?,
        deal_id: row.try_get("deal_id")?,
        deal_title: row.try_get("deal_title")?,
        assignee_id: row.try_get("assignee_id")?,
        unread_count: row.try_get("unread_count")?,
        last_message_text: row.try_get("last_message_text")?,
        last_message_at: row.try_get("last_message_at")?,
        pinned: row.try_get::<i64, _>("pinned")? != 0,
        folder_ids: Vec::new(),
    })
}

pub(crate) fn message_view(row: &Row) -> Result<MessageView, sqlx::Error> {
    let media_id: Option<i64> = row.try_get("media_id")?;
    let media = match media_id {
        Some(id) => Some(MediaView {
            id,
            kind: row.try_get("media_kind")?,
            file_name: row.try_get("media_file_name")?,
            mime_type: row.try_get("media_mime_type")?,
            size: row.try_get("media_size")?,
        }),
        None => None,
    };
    Ok(MessageView {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        direction: crate::messaging::column(row, "direction")?,
        sender_name: row.try_get("sender_name")?,
        author_id: row.try_get("author_id")?,
        text: row.try_get("text")?,
        media,
        reply_to_id: row.try_get("reply_to_id")?,
        state: crate::messaging::column(row, "state")?,
        error: row.try_get("error")?,
        external_id: row.try_get("external_id")?,
        sent_at: row.try_get("sent_at")?,
        edited_at: row.try_get("edited_at")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

/// The chat list: pinned first, then by the last message, newest first.
pub async fn chats(
    state: &AppState,
    auth: &AuthContext,
    q: &ChatQuery,
) -> Result<Page<ConversationView>, AppError> {
    let (page, limit) = ListQuery {
        page: q.page,
        limit: q.limit,
        ..Default::default()
    }
    .bounds()?;
    let mut conditions = vec!["c.workspace_id = $1".to_string()];
    match q.filter.as_deref().unwrap_or("all") {
        "all" => {}
        "unread" => conditions.push("c.unread_count > 0".into()),
        "mine" => conditions.push("c.assignee_id = $2".into()),
        "unassigned" => conditions.push("c.assignee_id IS NULL".into()),
        _ => {
            return Err(AppError::field(
                "filter",
                "invalid",
                "The filter is all, unread, mine or unassigned",
            ))
        }
    }
    // Placeholders $3… are the optional filters, bound in this order.
    let mut values: Vec<i64> = Vec::new();
    let mut next = 3;
    if let Some(account) = q.account_id {
        conditions.push(format!("c.account_id = ${next}"));
        values.push(account);
        next += 1;
    }
    if let Some(folder) = q.folder_id {
        conditions.push(format!(
            "c.id IN (SELECT conversation_id FROM conversation_folders WHERE folder_id = ${next})"
        ));
        values.push(folder);
        next += 1;
    }
    let search = q
        .search
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    if search.is_some() {
        conditions.push(format!("c.search_text LIKE ${next} ESCAPE '\\'"));
    }
    let filter = conditions.join(" AND ");
    let bind = |sql: String| {
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(auth.workspace_id.0)
            .bind(auth.user_id.0);
        for v in &values {
            query = query.bind(*v);
        }
        if let Some(term) = &search {
            query = query.bind(format!("%{}%", escape_like(term)));
        }
        query
    };
    let total: i64 = bind(format!(
        "SELECT COUNT(*) AS n FROM conversations c WHERE {filter} AND $2 = $2"
    ))
    .fetch_one(&state.db.pool)
    .await?
    .try_get("n")?;
    let rows = bind(format!(
        "{CONVERSATION_SELECT} WHERE {filter} AND $2 = $2 \
         ORDER BY c.pinned DESC, c.last_message_at DESC, c.id DESC LIMIT {limit} OFFSET {}",
        (page - 1) * limit
    ))
    .fetch_all(&state.db.pool)
    .await?;
    let mut items = rows
        .iter()
        .map(conversation_view)
        .collect::<Result<Vec<_>, _>>()?;
    attach_folders(state, &mut items).await?;
    Ok(Page::new(items, page, limit, total))
}

/// `%` and `_` in a search term match themselves.
fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

async fn attach_folders(state: &AppState, items: &mut [ConversationView]) -> Result<(), AppError> {
    if items.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT conversation_id, folder_id FROM conversation_folders WHERE conversation_id IN {}",
        values_list(1, items.len())
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for c in items.iter() {
        query = query.bind(c.id);
    }
    for row in query.fetch_all(&state.db.pool).await? {
        let (conversation, folder): (ConversationId, i64) =
            (row.try_get("conversation_id")?, row.try_get("folder_id")?);
        if let Some(c) = items.iter_mut().find(|c| c.id == conversation) {
            c.folder_ids.push(folder);
        }
    }
    Ok(())
}

/// One conversation of the caller's workspace (404 otherwise).
pub async fn conversation(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
) -> Result<ConversationView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{CONVERSATION_SELECT} WHERE c.id = $1 AND c.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Conversation"))?;
    let mut view = [conversation_view(&row)?];
    attach_folders(state, &mut view).await?;
    let [view] = view;
    Ok(view)
}

pub(crate) async fn conversation_in(
    tx: &mut Tx,
    workspace_id: i64,
    id: ConversationId,
) -> Result<ConversationView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{CONVERSATION_SELECT} WHERE c.id = $1 AND c.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Conversation"))?;
    let mut view = conversation_view(&row)?;
    view.folder_ids = sqlx::query_scalar(
        "SELECT folder_id FROM conversation_folders WHERE conversation_id = $1 ORDER BY folder_id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(view)
}

/// A conversation's messages, newest first, `limit` at a time.
pub async fn messages(
    state: &AppState,
    auth: &AuthContext,
    conversation_id: ConversationId,
    q: &MessageQuery,
) -> Result<MessagePage, AppError> {
    let (_, limit) = ListQuery {
        limit: q.limit,
        ..Default::default()
    }
    .bounds()?;
    conversation(state, auth, conversation_id).await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.workspace_id = $2 AND ($3 = 0 OR m.id < $3) \
         ORDER BY m.id DESC LIMIT $4"
    )))
    .bind(conversation_id)
    .bind(auth.workspace_id.0)
    .bind(q.before.map_or(0, |m| m.0))
    .bind(limit + 1)
    .fetch_all(&state.db.pool)
    .await?;
    let mut items = rows
        .iter()
        .map(message_view)
        .collect::<Result<Vec<_>, _>>()?;
    let next_before = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|m| m.id)
    } else {
        None
    };
    Ok(MessagePage { items, next_before })
}

pub(crate) async fn message_in(
    tx: &mut Tx,
    workspace_id: i64,
    id: MessageId,
) -> Result<MessageView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.id = $1 AND m.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Message"))?;
    Ok(message_view(&row)?)
}

/// Marks a conversation read for everyone who shares it: its unread count drops to zero and
/// its inbound messages become `read`. Announced as `conversation.updated` and `message.read`.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn mark_read(
    state: &AppState,
    auth: &AuthContext,
    conversation_id: ConversationId,
) -> Result<ConversationView, AppError> {
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    let before = conversation_in(&mut uow, ws, conversation_id).await?;
    // A viewer's reading changes nothing: viewers never write, and the unread count is the
    // team's (the chat stays unread for those who answer it).
    if before.unread_count == 0
        || !auth
            .role
            .may(crate::access::permissions::Action::ReplyInConversations)
    {
        return Ok(before);
    }
    let now = crate::server::now_ms();
    sqlx::query("UPDATE conversations SET unread_count = 0, updated_at = $1 WHERE id = $2 AND workspace_id = $3")
        .bind(now)
        .bind(conversation_id)
        .bind(ws)
        .execute(uow.conn())
        .await?;
    sqlx::query(
        "UPDATE messages SET state = 'read', updated_at = $1 \
         WHERE conversation_id = $2 AND direction = 'in' AND state <> 'read'",
    )
    .bind(now)
    .bind(conversation_id)
    .execute(uow.conn())
    .await?;
    let after = conversation_in(&mut uow, ws, conversation_id).await?;
    // Where the channel can, the chat is marked read on the network too.
    let remote: Option<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT a.kind, c.peer_id, CAST((SELECT MAX(CAST(m.external_id AS BIGINT)) FROM messages m \
         WHERE m.conversation_id = c.id AND m.direction = 'in') AS BIGINT) \
         FROM conversations c JOIN channel_accounts a ON a.id = c.account_id WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_optional(uow.conn())
    .await?;
    if let Some((kind, peer, Some(max_id))) = remote {
        let account = (after.account_id, kind.as_str());
        read_remote::queue(state, &mut uow, ws, account, &peer, max_id).await?;
    }
    let read = MessagingEvent::MessageRead {
        conversation_id,
        account_id: after.account_id,
        read_by: Some(auth.user_id.0),
    };
    uow.record(auth.workspace_id, Some(auth.user_id), &read)
        .await?;
    let updated = MessagingEvent::ConversationUpdated(after.clone());
    uow.record(auth.workspace_id, Some(auth.user_id), &updated)
        .await?;
    uow.wake_jobs();
    uow.commit().await?;
    Ok(after)
}

/// What the chat list shows of a message.
pub fn preview(text: &str, has_media: bool) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line.chars().take(200).collect();
    match (line.is_empty(), has_media) {
        (true, true) => "📎".into(),
        (false, true) => format!("📎 {line}"),
        _ => line,
    }
}
