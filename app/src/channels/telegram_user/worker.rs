//! The account worker: one per connected Telegram user account across all instances. A
//! supervisor on every instance takes the lease of each account nobody holds (see
//! `channels/lease.rs`) and runs its worker; the worker renews the lease every round and stops
//! when it loses it, so two instances never drive one account.
//!
//! A worker connects with the stored session, then loops: reload chats and folders when a
//! resync was asked for (and right after login), import the next queued chat's history (one
//! chat at a time, with a pause between requests), and store live updates as they come. Flood
//! waits put the account in `flood_wait` until they pass; a revoked session marks it
//! `needs_relogin` and tells its owner; a lost connection shows `reconnecting` and retries with
//! backoff.

use super::boundary::{MtError, RemoteUpdate, UserClient};
use super::store::{self, Account};
use crate::channels::lease;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::server::health::{self, Health};
use crate::messaging::{AccountStatus, MessagingEvent};
use crate::realtime::server::UnitOfWork;
use crate::server::{now_ms, AppState};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How often a worker looks at its queue (and renews its lease) when nothing happens.
const TICK: Duration = Duration::from_secs(2);
/// At most one typing announcement per chat in this time.
const TYPING_EVERY_MS: i64 = 4_000;

/// Starts and watches this instance's account workers until shutdown.
pub async fn supervise(state: AppState) {
    let candidates = |s: AppState| async move { accounts_to_run(&s).await };
    let clients = state.clone();
    let stopped = move |id| clients.telegram().set_client(id, None);
    lease::supervise(state, TICK, candidates, run, stopped).await
}

async fn accounts_to_run(state: &AppState) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM channel_accounts WHERE kind = 'telegram_user' \
         AND status NOT IN ('disconnected', 'needs_relogin') AND secret <> '' \
         AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2)",
    )
    .bind(now_ms())
    .bind(&state.instance_id)
    .fetch_all(&state.db.pool)
    .await
}

/// Why a connection ended.
enum End {
    /// Disconnected, lease lost, or shutting down: the worker stops.
    Stop,
    /// This instance cannot open the sealed session (its `secret_key` differs from the one
    /// that sealed it): another instance should drive the account.
    Sealed,
    Mt(MtError),
    App(AppError),
}

impl From<MtError> for End {
    fn from(e: MtError) -> End {
        End::Mt(e)
    }
}

impl From<AppError> for End {
    fn from(e: AppError) -> End {
        End::App(e)
    }
}

impl From<sqlx::Error> for End {
    fn from(e: sqlx::Error) -> End {
        End::App(e.into())
    }
}

async fn run(state: AppState, id: i64) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let end = connection(&state, id).await;
        state.telegram().set_client(id, None);
        match end {
            End::Stop => break,
            End::Sealed => {
                tracing::error!(account = id, "cannot open this account's session: instances sharing a database must share secret_key");
                let _ = lease::release(&state, id).await;
                // Stay "running" for a while, so this instance does not take the lease back
                // at once and another instance can.
                let mut stop = state.shutdown.subscribe();
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                    _ = stop.changed() => {}
                }
                break;
            }
            End::Mt(MtError::SessionRevoked) => {
                let relogin = Health::NeedsRelogin {
                    reason: &MtError::SessionRevoked.to_string(),
                    tell_owner: true,
                };
                if let Err(e) = health::set(&state, id, relogin).await {
                    tracing::warn!(account = id, error = %e, "could not mark the account for re-login");
                }
                break;
            }
            End::Mt(MtError::FloodWait(secs)) => {
                let until = now_ms() + secs as i64 * 1000;
                if let Err(e) = health::set(&state, id, Health::FloodWait(until)).await {
                    tracing::warn!(account = id, error = %e, "could not record a flood wait");
                }
                if !sleep_holding_lease(&state, id, Duration::from_secs(secs)).await {
                    break;
                }
            }
            End::Mt(e) => {
                tracing::info!(account = id, error = %e, "Telegram connection lost");
                let why = e.to_string();
                let _ = health::set(&state, id, Health::Reconnecting(&why)).await;
                if !sleep_holding_lease(&state, id, backoff).await {
                    break;
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            End::App(e) => {
                tracing::warn!(account = id, error = %e, "an account worker failed");
                if !sleep_holding_lease(&state, id, backoff).await {
                    break;
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// Waits, renewing the lease; `false` when the lease was lost or the server stops.
async fn sleep_holding_lease(state: &AppState, id: i64, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    let mut stop = state.shutdown.subscribe();
    while Instant::now() < until {
        if !matches!(lease::take(state, id).await, Ok(true)) || *stop.borrow() {
            return false;
        }
        let step = (until - Instant::now()).min(TICK);
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            _ = stop.changed() => return false,
        }
    }
    true
}

struct Loaded {
    account: Account,
    secret: String,
    resync: bool,
    status: AccountStatus,
    flood_wait_until: Option<i64>,
}

async fn load(state: &AppState, id: i64) -> Result<Option<Loaded>, sqlx::Error> {
    use sqlx::Row as _;
    let row = sqlx::query(
        "SELECT workspace_id, secret, resync_requested_at, status, flood_wait_until \
         FROM channel_accounts WHERE id = $1 AND kind = 'telegram_user'",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Loaded {
        account: Account {
            id,
            workspace_id: row.try_get("workspace_id")?,
        },
        secret: row.try_get("secret")?,
        resync: row
            .try_get::<Option<i64>, _>("resync_requested_at")?
            .is_some(),
        status: crate::messaging::column(&row, "status")?,
        flood_wait_until: row.try_get("flood_wait_until")?,
    }))
}

/// One connection: open, then work until something ends it.
async fn connection(state: &AppState, id: i64) -> End {
    match connected(state, id).await {
        Ok(()) => End::Stop,
        Err(end) => end,
    }
}

async fn connected(state: &AppState, id: i64) -> Result<(), End> {
    let Some(loaded) = load(state, id).await? else {
        return Err(End::Stop);
    };
    if loaded.status == AccountStatus::Disconnected || loaded.secret.is_empty() {
        return Err(End::Stop);
    }
    let account = loaded.account;
    let session = open_session(state, &loaded.secret)?;
    let api = super::telegram_app::credentials(state, account.workspace_id).await?;
    let client: Arc<dyn UserClient> = Arc::from(
        state
            .telegram()
            .connector
            .open(&api, Some(&session))
            .await?,
    );
    let me = client.me().await?;
    state.telegram().set_client(id, Some(client.clone()));
    sqlx::query(
        "UPDATE channel_accounts SET name = $1, username = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(&me.name)
    .bind(&me.username)
    .bind(now_ms())
    .bind(id)
    .execute(state.db.writer())
    .await?;
    let flood_waiting = loaded.flood_wait_until.is_some_and(|u| u > now_ms())
        && loaded.status == AccountStatus::FloodWait;
    if flood_waiting || !health::set(state, id, Health::Connected).await? {
        // Its name may have changed all the same.
        health::announce(state, id).await?;
    }
    let wake = state.telegram().waker(id);
    let mut stop = state.shutdown.subscribe();
    let mut next_import = Instant::now();
    let mut typing: HashMap<i64, i64> = HashMap::new();
    let pause = Duration::from_millis(state.settings.telegram_history_pause_ms);
    let mut renewed = Instant::now();
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        // Renewed well within its 60 s, not on every update.
        if renewed.elapsed() >= Duration::from_secs(10) {
            if !lease::take(state, id).await? {
                return Ok(());
            }
            renewed = Instant::now();
        }
        let Some(now) = load(state, id).await? else {
            return Ok(());
        };
        if now.status == AccountStatus::Disconnected || now.secret.is_empty() {
            return Ok(());
        }
        if now.status == AccountStatus::FloodWait
            && now.flood_wait_until.is_some_and(|u| u <= now_ms())
        {
            health::set(state, id, Health::Connected).await?;
        }
        if now.resync {
            let chats = client.chats().await?;
            let folders = client.folders().await?;
            super::chats::save_listing(state, id, account.workspace_id, &chats, &folders).await?;
            save_session(state, id, client.as_ref()).await?;
        } else if Instant::now() >= next_import
            && import_next(state, account, client.as_ref()).await?
        {
            next_import = Instant::now() + pause;
            continue;
        }
        tokio::select! {
            update = client.next_update() => {
                let update = update?;
                if let RemoteUpdate::Typing { peer_id, .. } = &update {
                    let last = typing.entry(*peer_id).or_insert(0);
                    if now_ms() - *last < TYPING_EVERY_MS {
                        continue;
                    }
                    *last = now_ms();
                }
                store::apply(state, account, &update).await?;
            }
            _ = wake.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => return Ok(()),
        }
    }
}

/// Imports the history of the next queued chat; `false` when none is queued.
async fn import_next(
    state: &AppState,
    account: Account,
    client: &dyn UserClient,
) -> Result<bool, End> {
    let peer: Option<String> = sqlx::query_scalar(
        "SELECT peer_id FROM account_chats WHERE account_id = $1 AND picked = 1 \
         AND history_state IN ('queued', 'importing') ORDER BY updated_at, peer_id LIMIT 1",
    )
    .bind(account.id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(peer) = peer else { return Ok(false) };
    let peer_id: i64 = peer.parse().unwrap_or(0);
    progress(state, account, &peer, "importing", 0, "").await?;
    let limit = state.settings.telegram_history_limit as usize;
    match client.history(peer_id, limit).await {
        Ok(messages) => {
            let new = store::import(state, account, peer_id, &messages).await?;
            progress(state, account, &peer, "done", new, "").await?;
            Ok(true)
        }
        Err(MtError::FloodWait(secs)) => {
            progress(state, account, &peer, "queued", 0, "").await?;
            Err(End::Mt(MtError::FloodWait(secs)))
        }
        Err(e @ (MtError::SessionRevoked | MtError::Network(_))) => Err(End::Mt(e)),
        Err(e) => {
            progress(state, account, &peer, "failed", 0, &e.to_string()).await?;
            Ok(true)
        }
    }
}

/// Records a chat's import state and announces it (the picker shows progress).
async fn progress(
    state: &AppState,
    account: Account,
    peer: &str,
    history_state: &str,
    imported: i64,
    error: &str,
) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    sqlx::query(
        "UPDATE account_chats SET history_state = $1, history_imported = history_imported + $2, \
         history_error = $3, updated_at = $4 WHERE account_id = $5 AND peer_id = $6",
    )
    .bind(history_state)
    .bind(imported)
    .bind(error)
    .bind(now_ms())
    .bind(account.id)
    .bind(peer)
    .execute(uow.conn())
    .await?;
    uow.record(
        WorkspaceId(account.workspace_id),
        None,
        &MessagingEvent::AccountSync {
            account_id: account.id,
            peer_id: peer.to_string(),
            state: history_state.to_string(),
        },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}

fn open_session(state: &AppState, sealed: &str) -> Result<Vec<u8>, End> {
    use base64::Engine as _;
    use secrecy::ExposeSecret;
    let opened = state.secrets.open(sealed).map_err(|_| End::Sealed)?;
    base64::engine::general_purpose::STANDARD
        .decode(opened.expose_secret())
        .map_err(|_| End::Mt(MtError::SessionRevoked))
}

/// Keeps the session's latest state (data centres, known peers, update state) sealed.
async fn save_session(state: &AppState, id: i64, client: &dyn UserClient) -> Result<(), AppError> {
    use base64::Engine as _;
    let sealed = state
        .secrets
        .seal(&base64::engine::general_purpose::STANDARD.encode(client.session()));
    sqlx::query("UPDATE channel_accounts SET secret = $1 WHERE id = $2 AND secret <> ''")
        .bind(sealed)
        .bind(id)
        .execute(state.db.writer())
        .await?;
    Ok(())
}
