//! Custom folders: created, renamed and deleted by members who write; a conversation can sit
//! in several. Their unread totals come from the conversations' server-kept counts.

use super::conversation_in;
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ConversationId;
use crate::messaging::MessagingEvent;
use crate::messaging::{ConversationView, FolderInput, FolderView};
use crate::realtime::server::UnitOfWork;
use crate::server::{now_ms, AppState};
use sqlx::Row as _;
use validator::Validate;

const SELECT: &str = "SELECT f.id, f.name, f.position, CAST(COALESCE((SELECT SUM(c.unread_count) \
    FROM conversation_folders cf JOIN conversations c ON c.id = cf.conversation_id \
    WHERE cf.folder_id = f.id), 0) AS BIGINT) AS unread FROM folders f";

fn view(row: &crate::server::db::Row) -> Result<FolderView, sqlx::Error> {
    Ok(FolderView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        unread: row.try_get("unread")?,
    })
}

pub async fn list(state: &AppState, auth: &AuthContext) -> Result<Vec<FolderView>, AppError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE f.workspace_id = $1 ORDER BY f.position, f.id"
    )))
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.iter().map(view).collect::<Result<_, _>>()?)
}

async fn get(state: &AppState, auth: &AuthContext, id: i64) -> Result<FolderView, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE f.id = $1 AND f.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Folder"))?;
    Ok(view(&row)?)
}

pub async fn create(
    state: &AppState,
    auth: &AuthContext,
    input: FolderInput,
) -> Result<FolderView, AppError> {
    auth.require(Action::ManageFolders)?;
    let name = input.name.trim().to_string();
    FolderInput { name: name.clone() }.validate()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO folders (workspace_id, name, position, created_at) VALUES ($1, $2, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM folders WHERE workspace_id = $1), $3) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(&name)
    .bind(now_ms())
    .fetch_one(uow.conn())
    .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::FolderChanged { id, deleted: false },
    )
    .await?;
    uow.commit().await?;
    get(state, auth, id).await
}

pub async fn rename(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
    input: FolderInput,
) -> Result<FolderView, AppError> {
    auth.require(Action::ManageFolders)?;
    let name = input.name.trim().to_string();
    FolderInput { name: name.clone() }.validate()?;
    get(state, auth, id).await?;
    refuse_mirrored(state, id).await?;
    let mut uow = UnitOfWork::begin(state).await?;
    sqlx::query("UPDATE folders SET name = $1 WHERE id = $2 AND workspace_id = $3")
        .bind(&name)
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::FolderChanged { id, deleted: false },
    )
    .await?;
    uow.commit().await?;
    get(state, auth, id).await
}

/// Deletes a folder; its conversations stay where they are otherwise.
pub async fn delete(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::ManageFolders)?;
    get(state, auth, id).await?;
    refuse_mirrored(state, id).await?;
    let mut uow = UnitOfWork::begin(state).await?;
    sqlx::query("DELETE FROM conversation_folders WHERE folder_id = $1")
        .bind(id)
        .execute(uow.conn())
        .await?;
    sqlx::query("DELETE FROM folders WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::FolderChanged { id, deleted: true },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}

/// Puts a conversation in exactly these folders (all of the caller's workspace).
pub async fn set_for_conversation(
    state: &AppState,
    auth: &AuthContext,
    id: ConversationId,
    folder_ids: Vec<i64>,
) -> Result<ConversationView, AppError> {
    auth.require(Action::ManageFolders)?;
    let ws = auth.workspace_id.0;
    let mut uow = UnitOfWork::begin(state).await?;
    conversation_in(&mut uow, ws, id).await?;
    let mut ids = folder_ids;
    ids.sort_unstable();
    ids.dedup();
    for folder in &ids {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM folders WHERE id = $1 AND workspace_id = $2")
                .bind(folder)
                .bind(ws)
                .fetch_optional(uow.conn())
                .await?;
        if found.is_none() {
            return Err(AppError::field(
                "folderIds",
                "not_found",
                "No such folder in this workspace",
            ));
        }
    }
    sqlx::query("DELETE FROM conversation_folders WHERE conversation_id = $1")
        .bind(id)
        .execute(uow.conn())
        .await?;
    for folder in &ids {
        sqlx::query(
            "INSERT INTO conversation_folders (folder_id, conversation_id) VALUES ($1, $2)",
        )
        .bind(folder)
        .bind(id)
        .execute(uow.conn())
        .await?;
    }
    // The conversation as it now is (its folders included) goes out like any other change.
    super::links::finish(uow, auth, id).await
}

/// Folders mirrored from a Telegram account follow Telegram; only CRM folders are edited here.
async fn refuse_mirrored(state: &AppState, id: i64) -> Result<(), AppError> {
    let account: Option<i64> = sqlx::query_scalar("SELECT account_id FROM folders WHERE id = $1")
        .bind(id)
        .fetch_one(&state.db.pool)
        .await?;
    match account {
        Some(_) => Err(AppError::conflict(
            "This folder mirrors a Telegram folder; rename or delete it in Telegram",
        )),
        None => Ok(()),
    }
}
