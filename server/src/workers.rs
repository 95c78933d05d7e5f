//! Background work: the cross-instance event listener, due reminders, the durable job worker,
//! the Telegram bot pollers, and periodic housekeeping
//! (expired sessions, the throttles' memory).

use app::server::{now_ms, AppState};
use std::time::Duration;
use tokio::task::JoinHandle;

pub fn spawn(state: AppState) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(app::realtime::server::listener::run(state.clone())),
        tokio::spawn(due_reminders(state.clone())),
        tokio::spawn(app::server::jobs::work(state.clone())),
        tokio::spawn(app::channels::telegram_bot::poller::supervise(
            state.clone(),
        )),
        tokio::spawn(housekeeping(state)),
    ]
}

/// Announces reminders as they come due (each once, across instances).
async fn due_reminders(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        if let Err(e) = app::timeline::server::notify_due(&state).await {
            tracing::warn!(error = %e, "could not announce due reminders");
        }
    }
}

async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.signin_throttle.retain_recent();
        let idle_ms = state.settings.session_idle_minutes as i64 * 60_000;
        let now = now_ms();
        let swept =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(now)
                .bind(now - idle_ms)
                .execute(&state.db.pool)
                .await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "could not sweep expired sessions");
        }
    }
}
