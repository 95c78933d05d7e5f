//! A user account's chats: the list the worker loads from Telegram, the rep's pick of what is
//! synced ("nothing changes in Telegram; only what you pick is visible here"), Telegram's
//! folders mirrored into the inbox, and the resync action.

use super::boundary::{RemoteChat, RemoteFolder};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ConversationId;
use crate::messaging::server::ingest;
use crate::messaging::MessagingEvent;
use crate::messaging::{AccountChatView, AccountChats, PickChats, TelegramFolderView};
use crate::realtime::server::UnitOfWork;
use crate::server::{now_ms, AppState};
use sqlx::Row as _;
use std::collections::HashSet;
use validator::Validate;

/// A user account of the caller's workspace (404 for bots and other workspaces).
async fn account(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
) -> Result<crate::messaging::AccountView, AppError> {
    let account = crate::messaging::server::accounts::get(state, auth, id).await?;
    if account.kind != "telegram_user" {
        return Err(AppError::not_found("Account"));
    }
    Ok(account)
}

pub async fn list(state: &AppState, auth: &AuthContext, id: i64) -> Result<AccountChats, AppError> {
    account(state, auth, id).await?;
    let rows = sqlx::query(
        "SELECT peer_id, kind, title, username, unread, last_message_at, folder_ids, picked, history_state, \
         history_imported, history_error FROM account_chats WHERE account_id = $1 \
         ORDER BY picked DESC, COALESCE(last_message_at, 0) DESC, title",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let chats = rows
        .iter()
        .map(|r| {
            let folders: String = r.try_get("folder_ids")?;
            let folder_ids: Vec<i64> = serde_json::from_str(&folders).unwrap_or_default();
            Ok(AccountChatView {
                peer_id: r.try_get("peer_id")?,
                kind: r.try_get("kind")?,
                title: r.try_get("title")?,
                username: r.try_get("username")?,
                unread: r.try_get("unread")?,
                last_message_at: r.try_get("last_message_at")?,
                folder_ids: folder_ids.iter().map(i64::to_string).collect(),
                picked: r.try_get::<i64, _>("picked")? != 0,
                history_state: r.try_get("history_state")?,
                history_imported: r.try_get("history_imported")?,
                history_error: r.try_get("history_error")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let folders = sqlx::query_as::<_, (String, String)>(
        "SELECT external_id, name FROM folders WHERE account_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?
    .into_iter()
    .map(|(id, name)| TelegramFolderView { id, name })
    .collect();
    let listed: Option<i64> =
        sqlx::query_scalar("SELECT resync_requested_at FROM channel_accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db.pool)
            .await?;
    Ok(AccountChats {
        listed: listed.is_none() || !chats.is_empty(),
        chats,
        folders,
    })
}

/// Sets which chats are synced. Newly picked chats become conversations at once (empty) and
/// their history is queued for import; chats no longer picked stop receiving (what was
/// stored stays).
pub async fn pick(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
    input: PickChats,
) -> Result<AccountChats, AppError> {
    auth.require(Action::ConnectChannels)?;
    input.validate()?;
    let found = account(state, auth, id).await?;
    auth.require_on(Action::ConnectChannels, found.owner_id)?;
    let wanted: HashSet<String> = input.peer_ids.into_iter().collect();
    let now = now_ms();
    let mut uow = UnitOfWork::begin(state).await?;
    let rows: Vec<(String, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT peer_id, kind, title, username, picked, folder_ids FROM account_chats WHERE account_id = $1",
    )
    .bind(id)
    .fetch_all(uow.conn())
    .await?;
    let known: HashSet<&String> = rows.iter().map(|r| &r.0).collect();
    if let Some(unknown) = wanted.iter().find(|p| !known.contains(p)) {
        return Err(AppError::field(
            "peerIds",
            "not_found",
            format!("The account has no chat {unknown}"),
        ));
    }
    for (peer, kind, title, username, picked, folder_ids) in &rows {
        let pick = wanted.contains(peer);
        if pick == (*picked != 0) {
            continue;
        }
        sqlx::query(
            "UPDATE account_chats SET picked = $1, history_state = CASE WHEN $1 = 1 AND history_state <> 'done' \
             THEN 'queued' ELSE history_state END, updated_at = $2 WHERE account_id = $3 AND peer_id = $4",
        )
        .bind(i64::from(pick))
        .bind(now)
        .bind(id)
        .bind(peer)
        .execute(uow.conn())
        .await?;
        if pick {
            let chat = Chat {
                peer,
                kind,
                title,
                username,
                folder_ids,
            };
            open_conversation(&mut uow, auth.workspace_id.0, id, &chat).await?;
        }
    }
    uow.commit().await?;
    state.telegram().wake(id);
    list(state, auth, id).await
}

/// A row of `account_chats`, as picking reads it.
struct Chat<'a> {
    peer: &'a str,
    kind: &'a str,
    title: &'a str,
    username: &'a str,
    /// JSON array of Telegram folder ids.
    folder_ids: &'a str,
}

/// The conversation of a newly picked chat (created empty; history follows), in the mirrored
/// folders Telegram has it in.
async fn open_conversation(
    uow: &mut UnitOfWork<'_>,
    workspace_id: i64,
    account_id: i64,
    chat: &Chat<'_>,
) -> Result<(), AppError> {
    let Chat {
        peer,
        kind,
        title,
        username,
        folder_ids,
    } = *chat;
    let account = ingest::Account {
        id: account_id,
        workspace_id,
        kind: super::channel::KIND,
    };
    let peer = ingest::Peer {
        peer_id: peer,
        kind,
        title,
        username,
    };
    let conversation_id = ingest::open_conversation(uow, account, &peer).await?;
    let folders: Vec<i64> = serde_json::from_str(folder_ids).unwrap_or_default();
    for folder in folders {
        sqlx::query(
            "INSERT INTO conversation_folders (folder_id, conversation_id) \
             SELECT id, $1 FROM folders WHERE account_id = $2 AND external_id = $3 ON CONFLICT DO NOTHING",
        )
        .bind(conversation_id)
        .bind(account_id)
        .bind(folder.to_string())
        .execute(uow.conn())
        .await?;
    }
    let view =
        crate::messaging::server::conversation_in(uow, workspace_id, conversation_id).await?;
    let event = MessagingEvent::ConversationUpdated(view);
    uow.record(crate::ids::WorkspaceId(workspace_id), None, &event)
        .await
}

/// Asks the account's worker to reload chats and folders and to import what is missing.
pub async fn resync(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::ConnectChannels)?;
    let found = account(state, auth, id).await?;
    auth.require_on(Action::ConnectChannels, found.owner_id)?;
    let mut uow = UnitOfWork::begin(state).await?;
    sqlx::query(
        "UPDATE channel_accounts SET resync_requested_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now_ms())
    .bind(id)
    .execute(uow.conn())
    .await?;
    sqlx::query(
        "UPDATE account_chats SET history_state = 'queued', history_error = '' WHERE account_id = $1 AND picked = 1",
    )
    .bind(id)
    .execute(uow.conn())
    .await?;
    uow.commit().await?;
    state.telegram().wake(id);
    state.channels_wake.notify_waiters();
    Ok(())
}

/// Saves what the worker loaded from Telegram: every chat (picks and import progress kept),
/// the folders mirrored into the inbox's folders with the picked chats in them.
pub async fn save_listing(
    state: &AppState,
    account_id: i64,
    workspace_id: i64,
    chats: &[RemoteChat],
    folders: &[RemoteFolder],
) -> Result<(), AppError> {
    let now = now_ms();
    let mut uow = UnitOfWork::begin(state).await?;
    for chat in chats {
        let folder_ids = serde_json::to_string(&chat.folder_ids).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO account_chats (account_id, workspace_id, peer_id, kind, title, username, unread, \
             last_message_at, folder_ids, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (account_id, peer_id) DO UPDATE SET kind = excluded.kind, title = excluded.title, \
             username = excluded.username, unread = excluded.unread, last_message_at = excluded.last_message_at, \
             folder_ids = excluded.folder_ids, updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(workspace_id)
        .bind(chat.peer_id.to_string())
        .bind(&chat.kind)
        .bind(&chat.title)
        .bind(&chat.username)
        .bind(chat.unread)
        .bind(chat.last_message_at_ms)
        .bind(folder_ids)
        .bind(now)
        .execute(uow.conn())
        .await?;
    }
    let mut mirrored = Vec::new();
    for (position, folder) in folders.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO folders (workspace_id, name, position, account_id, external_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, external_id) DO UPDATE SET name = excluded.name, \
             position = excluded.position RETURNING id",
        )
        .bind(workspace_id)
        .bind(&folder.title)
        .bind(1000 + position as i64)
        .bind(account_id)
        .bind(folder.id.to_string())
        .bind(now)
        .fetch_one(uow.conn())
        .await?;
        mirrored.push((folder.id, id));
    }
    // Folders gone from Telegram go from the inbox too (CRM-only folders are untouched).
    let keep: Vec<String> = folders.iter().map(|f| f.id.to_string()).collect();
    let existing: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, external_id FROM folders WHERE account_id = $1")
            .bind(account_id)
            .fetch_all(uow.conn())
            .await?;
    for (id, external) in existing {
        if !keep.contains(&external) {
            sqlx::query("DELETE FROM folders WHERE id = $1")
                .bind(id)
                .execute(uow.conn())
                .await?;
        }
    }
    // The picked chats' conversations sit in the folders Telegram puts them in.
    for chat in chats {
        let conversation: Option<ConversationId> = sqlx::query_scalar(
            "SELECT c.id FROM conversations c JOIN account_chats a ON a.account_id = c.account_id AND a.peer_id = c.peer_id \
             WHERE c.account_id = $1 AND c.peer_id = $2 AND a.picked = 1",
        )
        .bind(account_id)
        .bind(chat.peer_id.to_string())
        .fetch_optional(uow.conn())
        .await?;
        let Some(conversation) = conversation else {
            continue;
        };
        sqlx::query(
            "DELETE FROM conversation_folders WHERE conversation_id = $1 AND folder_id IN \
             (SELECT id FROM folders WHERE account_id = $2)",
        )
        .bind(conversation)
        .bind(account_id)
        .execute(uow.conn())
        .await?;
        for (external, folder) in &mirrored {
            if chat.folder_ids.contains(external) {
                sqlx::query(
                    "INSERT INTO conversation_folders (folder_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(folder)
                .bind(conversation)
                .execute(uow.conn())
                .await?;
            }
        }
    }
    sqlx::query(
        "UPDATE channel_accounts SET resync_requested_at = NULL, last_sync_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(account_id)
    .execute(uow.conn())
    .await?;
    uow.record(
        crate::ids::WorkspaceId(workspace_id),
        None,
        &MessagingEvent::AccountUpdated {
            id: account_id,
            chats: Some(chats.len()),
        },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
