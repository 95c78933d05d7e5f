//! Leases on channel accounts: one instance at a time receives for an account (a bot's poller,
//! a user account's worker). The holder renews the lease on every round; when it stops (crash,
//! shutdown) the lease runs out and another instance takes over.

use crate::server::{now_ms, AppState};

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
