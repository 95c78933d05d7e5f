//! Receiving by long polling. A supervisor on every instance starts a poller for each bot
//! that receives by polling, once it holds the bot's lease (`lease_owner`, `lease_until`):
//! Telegram allows one `getUpdates` at a time per bot, so exactly one instance polls it. A
//! poller renews the lease on every round; when it stops (crash, shutdown), the lease runs
//! out and another instance takes over, resuming from the stored offset.

use super::inbound::{store_update, Receiver};
use super::{BotClient, BotError};
use crate::channels::lease;
use crate::messaging::server::health::{self, Health};
use crate::server::{now_ms, AppState};
use sqlx::Row as _;
use std::time::Duration;

/// Seconds a `getUpdates` call waits for news.
const POLL_SECONDS: u64 = 25;

/// Starts and watches the pollers of this instance until shutdown.
pub async fn supervise(state: AppState) {
    let candidates = |s: AppState| async move { polling_accounts(&s).await };
    lease::supervise(state, Duration::from_secs(5), candidates, poll, |_| {}).await
}

async fn polling_accounts(state: &AppState) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM channel_accounts WHERE kind = 'telegram_bot' AND receive_mode = 'polling' \
         AND status NOT IN ('disconnected', 'needs_relogin') AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2)",
    )
    .bind(now_ms())
    .bind(&state.instance_id)
    .fetch_all(&state.db.pool)
    .await
}

struct Account {
    workspace_id: i64,
    secret: String,
    offset: i64,
    flood_wait_until: Option<i64>,
}

async fn load(state: &AppState, id: i64) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT workspace_id, secret, poll_offset, flood_wait_until FROM channel_accounts \
         WHERE id = $1 AND status NOT IN ('disconnected', 'needs_relogin') AND receive_mode = 'polling'",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|r| {
        Ok(Account {
            workspace_id: r.try_get("workspace_id")?,
            secret: r.try_get("secret")?,
            offset: r.try_get("poll_offset")?,
            flood_wait_until: r.try_get("flood_wait_until")?,
        })
    })
    .transpose()
}

/// Polls one bot while this instance holds its lease.
async fn poll(state: AppState, id: i64) {
    let mut failures: u32 = 0;
    loop {
        match round(&state, id).await {
            Ok(true) => failures = 0,
            Ok(false) => return,
            Err(e) => {
                failures += 1;
                let wait = Duration::from_secs((1u64 << failures.min(5)).min(30));
                tracing::warn!(account = id, error = %e, "polling a bot failed");
                let _ = health::set(&state, id, Health::Reconnecting(&e)).await;
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// One `getUpdates` round; `Ok(false)` when this poller should stop.
async fn round(state: &AppState, id: i64) -> Result<bool, String> {
    if !lease::take(state, id).await.map_err(|e| e.to_string())? {
        return Ok(false);
    }
    let Some(account) = load(state, id).await.map_err(|e| e.to_string())? else {
        return Ok(false);
    };
    if let Some(until) = account.flood_wait_until.filter(|u| *u > now_ms()) {
        tokio::time::sleep(Duration::from_millis((until - now_ms()).max(0) as u64)).await;
    }
    let token = state
        .secrets
        .open(&account.secret)
        .map_err(|e| e.to_string())?;
    let client = BotClient::new(state.http.clone(), &state.settings.telegram_api_base, token);
    let updates = match client.get_updates(account.offset, POLL_SECONDS).await {
        Ok(updates) => updates,
        Err(BotError::RetryAfter(secs)) => {
            let until = now_ms() + secs as i64 * 1000;
            health::set(state, id, Health::FloodWait(until))
                .await
                .map_err(|e| e.error)?;
            return Ok(true);
        }
        Err(BotError::Unauthorized) => {
            let relogin = Health::NeedsRelogin {
                reason: "Telegram no longer accepts this bot's token",
                tell_owner: false,
            };
            let _ = health::set(state, id, relogin).await;
            return Ok(false);
        }
        Err(BotError::Api { code: 409, .. }) => {
            // A webhook is set (by another tool, or before): polling needs it removed.
            client.delete_webhook().await.map_err(|e| e.to_string())?;
            return Ok(true);
        }
        Err(e) => return Err(e.to_string()),
    };
    let to = Receiver {
        account_id: id,
        workspace_id: account.workspace_id,
    };
    for update in &updates {
        store_update(state, &client, to, update)
            .await
            .map_err(|e| e.error)?;
    }
    if updates.is_empty() {
        // A quiet round still proves the connection works.
        let _ = sqlx::query("UPDATE channel_accounts SET last_sync_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(state.db.writer())
            .await;
        let _ = health::set(state, id, Health::Connected).await;
    }
    Ok(true)
}
