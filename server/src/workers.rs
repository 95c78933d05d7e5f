//! Background work: the cross-instance event listener, due reminders, the durable job worker,
//! the Telegram bot pollers, the Telegram user-account workers, and periodic housekeeping
//! (expired sessions, the throttles' memory).

use app::server::{now_ms, AppState};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The background tasks: those that stop by themselves when the server shuts down (and
/// finish their work first: the job worker, the bot pollers releasing their leases), and
/// those that are simply stopped.
pub struct Workers {
    pub graceful: Vec<JoinHandle<()>>,
    pub others: Vec<JoinHandle<()>>,
}

pub fn spawn(state: AppState) -> Workers {
    Workers {
        graceful: vec![
            tokio::spawn(app::server::jobs::worker::work(state.clone())),
            tokio::spawn(app::realtime::server::consumers::run(state.clone())),
            tokio::spawn(app::channels::telegram_bot::poller::supervise(
                state.clone(),
            )),
            tokio::spawn(app::channels::telegram_user::worker::supervise(
                state.clone(),
            )),
        ],
        others: vec![
            tokio::spawn(app::realtime::server::listener::run(state.clone())),
            tokio::spawn(due_reminders(state.clone())),
            tokio::spawn(checkpoints(state.clone())),
            tokio::spawn(housekeeping(state)),
        ],
    }
}

/// Lets the graceful workers finish (at most a few seconds), then stops the others.
pub async fn stop(workers: Workers) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    for mut task in workers.graceful {
        if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
            task.abort();
        }
    }
    for task in workers.others {
        task.abort();
    }
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

/// SQLite: copies the WAL back into the database four times a second, beside the writer.
async fn checkpoints(state: AppState) {
    if state.db.backend != app::server::db::Backend::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        if let Err(e) = state.db.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.signin_throttle().retain_recent();
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
