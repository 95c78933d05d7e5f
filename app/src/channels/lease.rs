//! Leases on channel accounts: one instance at a time receives for an account (a bot's poller,
//! a user account's worker), started by the supervisor below. The holder renews the lease as
//! it works; when it stops (crash, shutdown) the lease runs out and another instance takes over.

use crate::server::{now_ms, AppState};
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

/// How long a lease lasts without renewal.
pub const LEASE_MS: i64 = 60_000;

/// Takes or renews the lease on an account; `false` when another instance holds it.
pub async fn take(state: &AppState, id: i64) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let taken = sqlx::query(
        "UPDATE channel_accounts SET lease_owner = $1, lease_until = $2 WHERE id = $3 \
         AND status <> 'disconnected' AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < $4)",
    )
    .bind(&state.instance_id)
    .bind(now + LEASE_MS)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(taken)
}

/// Hands an account over at once (shutdown): the next instance need not wait for expiry.
pub async fn release(state: &AppState, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE channel_accounts SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
    )
    .bind(id)
    .bind(&state.instance_id)
    .execute(state.db.writer())
    .await?;
    Ok(())
}

/// Runs `work` for every account `candidates` lists whose lease this instance takes, looking
/// again every `every` (or when `channels_wake` fires), until shutdown; then stops the work and
/// hands the leases back at once, so another instance need not wait for them to run out.
/// `stopped` hears of each account let go that way.
pub async fn supervise<L, LF, W, WF>(
    state: AppState,
    every: Duration,
    candidates: L,
    work: W,
    stopped: impl Fn(i64),
) where
    L: Fn(AppState) -> LF,
    LF: Future<Output = Result<Vec<i64>, sqlx::Error>>,
    W: Fn(AppState, i64) -> WF,
    WF: Future<Output = ()> + Send + 'static,
{
    let mut running: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
    let mut stop = state.shutdown.subscribe();
    loop {
        running.retain(|_, task| !task.is_finished());
        match candidates(state.clone()).await {
            Ok(ids) => {
                for id in ids {
                    if running.contains_key(&id) {
                        continue;
                    }
                    match take(&state, id).await {
                        Ok(true) => {
                            running.insert(id, tokio::spawn(work(state.clone(), id)));
                        }
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(account = id, error = %e, "could not take an account's lease")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not list the accounts to receive for"),
        }
        tokio::select! {
            _ = state.channels_wake.notified() => {}
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
    }
    for (id, task) in running {
        task.abort();
        stopped(id);
        if let Err(e) = release(&state, id).await {
            tracing::warn!(account = id, error = %e, "could not release an account's lease");
        }
    }
}
