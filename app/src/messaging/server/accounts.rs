//! Channel accounts: connecting a Telegram bot by token, listing, disconnecting.

use crate::auth::server::AuthContext;
use crate::channels::telegram_bot::{BotClient, BotError};
use crate::error::AppError;
use crate::messaging::{AccountView, ConnectAccount};
use crate::realtime::server::record;
use crate::server::db::Row;
use crate::server::{now_ms, AppState};
use crate::team::permissions::Action;
use secrecy::SecretString;
use sqlx::{AssertSqlSafe, Row as _};
use validator::Validate;

const SELECT: &str = "SELECT a.id, a.kind, a.name, a.username, a.owner_id, a.time_zone, a.status, \
    a.flood_wait_until, a.last_error, a.last_sync_at, a.created_at, \
    CAST((SELECT COALESCE(SUM(c.unread_count), 0) FROM conversations c WHERE c.account_id = a.id) AS BIGINT) AS unread \
    FROM channel_accounts a";

fn view(row: &Row) -> Result<AccountView, sqlx::Error> {
    Ok(AccountView {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        username: row.try_get("username")?,
        owner_id: row.try_get("owner_id")?,
        time_zone: row.try_get("time_zone")?,
        status: row.try_get("status")?,
        flood_wait_until: row.try_get("flood_wait_until")?,
        last_error: row.try_get("last_error")?,
        last_sync_at: row.try_get("last_sync_at")?,
        unread: row.try_get("unread")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The workspace's connected accounts (disconnected ones keep their history but are not listed).
pub async fn list(state: &AppState, auth: &AuthContext) -> Result<Vec<AccountView>, AppError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE a.workspace_id = $1 AND a.status <> 'disconnected' ORDER BY a.created_at, a.id"
    )))
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.iter().map(view).collect::<Result<_, _>>()?)
}

pub async fn get(state: &AppState, auth: &AuthContext, id: i64) -> Result<AccountView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE a.id = $1 AND a.workspace_id = $2"
    )))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Account"))?;
    Ok(view(&row)?)
}

/// Connects a bot: the token is checked with `getMe`, sealed, and stored; the bot then
/// receives by long polling (or by webhook when a public URL is configured).
pub async fn connect(
    state: &AppState,
    auth: &AuthContext,
    input: ConnectAccount,
) -> Result<AccountView, AppError> {
    auth.require(Action::ConnectChannels)?;
    input.validate()?;
    if input.kind != "telegram_bot" {
        return Err(AppError::field(
            "type",
            "invalid",
            "Only telegram_bot accounts are connected by token",
        ));
    }
    let token = input.token.trim().to_string();
    let client = BotClient::new(
        state.http.clone(),
        &state.settings.telegram_api_base,
        SecretString::from(token.clone()),
    );
    let me = client.get_me().await.map_err(|e| match e {
        BotError::Unauthorized => AppError::field(
            "token",
            "invalid",
            "Telegram does not accept this bot token",
        ),
        other => AppError::bad_request(format!("Could not check the token: {other}")),
    })?;
    let external_id = me.id.to_string();
    let webhook_secret = crate::channels::telegram_bot::new_webhook_secret();
    let receive_mode = if state.settings.public_url.is_some() {
        "webhook"
    } else {
        "polling"
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let existing: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, workspace_id FROM channel_accounts WHERE kind = 'telegram_bot' AND external_id = $1",
    )
    .bind(&external_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match existing {
        Some((_, ws)) if ws != auth.workspace_id.0 => {
            return Err(AppError::conflict(
                "This bot is already connected to another workspace",
            ))
        }
        Some((id, _)) => {
            sqlx::query(
                "UPDATE channel_accounts SET name = $1, username = $2, secret = $3, webhook_secret = $4, \
                 receive_mode = $5, status = 'connected', last_error = '', flood_wait_until = NULL, \
                 owner_id = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(me.full_name())
            .bind(me.username.clone().unwrap_or_default())
            .bind(state.secrets.seal(&token))
            .bind(&webhook_secret)
            .bind(receive_mode)
            .bind(auth.user_id.0)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO channel_accounts (workspace_id, kind, external_id, name, username, owner_id, secret, \
                 webhook_secret, receive_mode, status, created_at, updated_at) \
                 VALUES ($1, 'telegram_bot', $2, $3, $4, $5, $6, $7, $8, 'connected', $9, $9) RETURNING id",
            )
            .bind(auth.workspace_id.0)
            .bind(&external_id)
            .bind(me.full_name())
            .bind(me.username.clone().unwrap_or_default())
            .bind(auth.user_id.0)
            .bind(state.secrets.seal(&token))
            .bind(&webhook_secret)
            .bind(receive_mode)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let event = record(
        &mut tx,
        auth.workspace_id,
        Some(auth.user_id),
        "account.connected",
        serde_json::json!({ "id": id, "type": "telegram_bot", "name": me.full_name() }),
    )
    .await?;
    tx.commit().await?;
    state.hub.publish([event]);
    // Switch Telegram to the way this server receives; a failure shows in the account's health.
    let switched = match &state.settings.public_url {
        Some(base) => client
            .set_webhook(
                &crate::channels::telegram_bot::webhook_url(base, id),
                &webhook_secret,
            )
            .await
            .map(|_| ()),
        None => client.delete_webhook().await.map(|_| ()),
    };
    if let Err(e) = switched {
        tracing::warn!(account = id, error = %e, "could not set how the bot receives");
    }
    state.channels_wake.notify_waiters();
    get(state, auth, id).await
}

/// Disconnects an account: its token is erased and receiving stops; its conversations and
/// messages stay. The owner of the account or a manager may do it.
pub async fn disconnect(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::ConnectChannels)?;
    let account = get(state, auth, id).await?;
    auth.require_on(Action::ConnectChannels, account.owner_id)?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE channel_accounts SET status = 'disconnected', secret = '', lease_owner = NULL, \
         lease_until = NULL, updated_at = $1 WHERE id = $2 AND workspace_id = $3",
    )
    .bind(now_ms())
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(&mut *tx)
    .await?;
    let event = record(
        &mut tx,
        auth.workspace_id,
        Some(auth.user_id),
        "account.disconnected",
        serde_json::json!({ "id": id }),
    )
    .await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(())
}
