//! Channel accounts, whatever their network: connecting by token through the account's channel,
//! the one upsert every channel stores its accounts with, listing, disconnecting.

use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::MessagingEvent;
use crate::messaging::{AccountView, ConnectAccount, ReachView};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Row;
use crate::server::{now_ms, AppState};
use sqlx::{AssertSqlSafe, Row as _};
use validator::Validate;

/// The account columns, its unread total and its lookups since `$1` (see [`super::reach`]).
const SELECT: &str = "SELECT a.id, a.kind, a.name, a.username, a.owner_id, a.time_zone, a.status, \
    a.flood_wait_until, a.last_error, a.last_sync_at, a.created_at, \
    CAST((SELECT COALESCE(SUM(c.unread_count), 0) FROM conversations c WHERE c.account_id = a.id) AS BIGINT) AS unread, \
    CAST((SELECT COUNT(*) FROM reaches r WHERE r.account_id = a.id AND r.created_at >= $1) AS BIGINT) AS reached \
    FROM channel_accounts a";

fn view(state: &AppState, row: &Row) -> Result<AccountView, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let used: i64 = row.try_get("reached")?;
    let reach = state
        .channels()
        .capabilities(&kind)
        .map(|c| c.reach)
        .filter(|r| r.per_day > 0)
        .map(|r| ReachView {
            by_username: r.by_username,
            by_phone: r.by_phone,
            per_day: r.per_day,
            used,
        });
    Ok(AccountView {
        reach,
        id: row.try_get("id")?,
        kind,
        name: row.try_get("name")?,
        username: row.try_get("username")?,
        owner_id: row.try_get("owner_id")?,
        time_zone: row.try_get("time_zone")?,
        status: crate::messaging::column(row, "status")?,
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
        "{SELECT} WHERE a.workspace_id = $2 AND a.status <> 'disconnected' ORDER BY a.created_at, a.id"
    )))
    .bind(super::reach::window_start(now_ms()))
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|row| view(state, row))
        .collect::<Result<_, _>>()?)
}

pub async fn get(state: &AppState, auth: &AuthContext, id: i64) -> Result<AccountView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE a.id = $2 AND a.workspace_id = $3"
    )))
    .bind(super::reach::window_start(now_ms()))
    .bind(id)
    .bind(auth.workspace_id.0)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Account"))?;
    Ok(view(state, &row)?)
}

/// Connects an account by token (a bot): the channel of `input.kind` checks the token with
/// its network and stores the account through [`upsert`].
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn connect(
    state: &AppState,
    auth: &AuthContext,
    input: ConnectAccount,
) -> Result<AccountView, AppError> {
    auth.require(Action::ConnectChannels)?;
    input.validate()?;
    let Some(channel) = state.channels().get(&input.kind) else {
        return Err(AppError::field(
            "type",
            "invalid",
            "No channel connects accounts of this type",
        ));
    };
    let id = channel
        .connect_by_token(state, auth, input.token.trim())
        .await?;
    state.channels_wake.notify_waiters();
    get(state, auth, id).await
}

/// An account as its channel found it on the network, to be stored.
pub struct NewAccount<'a> {
    pub kind: &'static str,
    /// The account's id on the network: one network account serves one workspace.
    pub external_id: &'a str,
    pub name: &'a str,
    pub username: &'a str,
    pub phone: &'a str,
    /// The credentials, sealed (`state.secrets.seal`).
    pub sealed_secret: &'a str,
    pub webhook_secret: &'a str,
    /// `polling`, `webhook` or `mtproto`.
    pub receive_mode: &'a str,
}

/// THE account upsert, for every channel: the account is stored connected, owned by the
/// caller, its chats to be listed again; a network account already connected to another
/// workspace is refused. Announces `account.connected` after the commit.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0))]
pub async fn upsert(
    state: &AppState,
    auth: &AuthContext,
    account: NewAccount<'_>,
) -> Result<i64, AppError> {
    let now = now_ms();
    let mut uow = UnitOfWork::begin(state).await?;
    let existing: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, workspace_id FROM channel_accounts WHERE kind = $1 AND external_id = $2",
    )
    .bind(account.kind)
    .bind(account.external_id)
    .fetch_optional(uow.conn())
    .await?;
    let id = match existing {
        Some((_, ws)) if ws != auth.workspace_id.0 => {
            return Err(AppError::conflict(
                "This account is already connected to another workspace",
            ))
        }
        Some((id, _)) => {
            sqlx::query(
                "UPDATE channel_accounts SET name = $1, username = $2, phone = $3, secret = $4, webhook_secret = $5, \
                 receive_mode = $6, status = 'connected', last_error = '', flood_wait_until = NULL, \
                 owner_id = $7, resync_requested_at = $8, updated_at = $8 WHERE id = $9",
            )
            .bind(account.name)
            .bind(account.username)
            .bind(account.phone)
            .bind(account.sealed_secret)
            .bind(account.webhook_secret)
            .bind(account.receive_mode)
            .bind(auth.user_id.0)
            .bind(now)
            .bind(id)
            .execute(uow.conn())
            .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO channel_accounts (workspace_id, kind, external_id, name, username, phone, owner_id, \
                 secret, webhook_secret, receive_mode, status, resync_requested_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'connected', $11, $11, $11) RETURNING id",
            )
            .bind(auth.workspace_id.0)
            .bind(account.kind)
            .bind(account.external_id)
            .bind(account.name)
            .bind(account.username)
            .bind(account.phone)
            .bind(auth.user_id.0)
            .bind(account.sealed_secret)
            .bind(account.webhook_secret)
            .bind(account.receive_mode)
            .bind(now)
            .fetch_one(uow.conn())
            .await?
        }
    };
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::AccountConnected {
            id,
            kind: account.kind.to_string(),
            name: account.name.to_string(),
        },
    )
    .await?;
    uow.commit().await?;
    state.channels_wake.notify_waiters();
    Ok(id)
}

/// Disconnects an account: its token is erased and receiving stops; its conversations and
/// messages stay. The owner of the account or a manager may do it.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, id))]
pub async fn disconnect(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::ConnectChannels)?;
    let account = get(state, auth, id).await?;
    auth.require_on(Action::ConnectChannels, account.owner_id)?;
    let mut uow = UnitOfWork::begin(state).await?;
    sqlx::query(
        "UPDATE channel_accounts SET status = 'disconnected', secret = '', lease_owner = NULL, \
         lease_until = NULL, updated_at = $1 WHERE id = $2 AND workspace_id = $3",
    )
    .bind(now_ms())
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(uow.conn())
    .await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &MessagingEvent::AccountDisconnected { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
