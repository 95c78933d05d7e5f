//! An account's health as the team sees it: `connected`, `reconnecting`, `flood_wait` until a
//! time (sends wait, the account page counts down), `needs_relogin` (the owner is told), each
//! change announced as an `account.*` event.

use super::boundary::MtError;
use super::store::Account;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::realtime::server::record;
use crate::server::{now_ms, AppState};

async fn account(state: &AppState, id: i64) -> Result<Option<Account>, AppError> {
    let row: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT workspace_id, owner_id FROM channel_accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(row.map(|(workspace_id, owner_id)| Account {
        id,
        workspace_id,
        owner_id,
    }))
}

pub(super) async fn set_status(
    state: &AppState,
    id: i64,
    status: &str,
    error: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE channel_accounts SET status = $1, last_error = $2, \
         flood_wait_until = CASE WHEN $1 = 'flood_wait' THEN flood_wait_until ELSE NULL END, updated_at = $3 \
         WHERE id = $4 AND status NOT IN ('disconnected', 'needs_relogin')",
    )
    .bind(status)
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .execute(state.db.writer())
    .await?;
    Ok(())
}

/// Records a flood wait on the account: its sends wait until then, the UI counts down.
pub async fn flood_wait(state: &AppState, id: i64, until: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE channel_accounts SET status = 'flood_wait', flood_wait_until = $1, updated_at = $2 \
         WHERE id = $3 AND status NOT IN ('disconnected', 'needs_relogin')",
    )
    .bind(until)
    .bind(now_ms())
    .bind(id)
    .execute(state.db.writer())
    .await?;
    if let Some(account) = account(state, id).await? {
        announce(state, account).await?;
    }
    Ok(())
}

/// Telegram ended the session: the account needs its owner to connect it again, and the owner
/// is told (bell notification through the account's event).
pub async fn needs_relogin(state: &AppState, id: i64) -> Result<(), AppError> {
    let Some(account) = account(state, id).await? else {
        return Ok(());
    };
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE channel_accounts SET status = 'needs_relogin', last_error = $1, lease_owner = NULL, \
         lease_until = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(MtError::SessionRevoked.to_string())
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let event = record(
        &mut tx,
        WorkspaceId(account.workspace_id),
        None,
        "account.needs_relogin",
        serde_json::json!({ "id": id, "ownerId": account.owner_id }),
    )
    .await?;
    // The owner hears it by email too: they may not be looking at Parley.
    let owner: Option<(String, String, String)> = sqlx::query_as(
        "SELECT u.email, u.locale, a.name FROM channel_accounts a JOIN users u ON u.id = a.owner_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((email, locale, name)) = owner {
        let url = format!("{}/inbox/telegram/connect", state.settings.app_url());
        let mail = crate::email::server::templates::render(
            &crate::email::server::templates::Template::TelegramRelogin {
                account: &name,
                url: &url,
            },
            &locale,
            &email,
        );
        crate::email::server::queue(&mut tx, state, Some(account.workspace_id), &mail).await?;
    }
    tx.commit().await?;
    state.hub.publish([event]);
    state.jobs_wake.notify_one();
    Ok(())
}

/// Announces the account's health as it now is.
pub(super) async fn announce(state: &AppState, account: Account) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let event = record(
        &mut tx,
        WorkspaceId(account.workspace_id),
        None,
        "account.updated",
        serde_json::json!({ "id": account.id }),
    )
    .await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(())
}
