//! Across instances on PostgreSQL: every committed event is announced with NOTIFY
//! (`workspace:seq`); each instance listens and publishes events it did not write itself to
//! its own WebSocket clients, so a client on instance A sees a change made on instance B.

use super::{events, EventHub, StoredEvent};
use crate::ids::WorkspaceId;
use crate::server::{AppState, Backend};
use secrecy::ExposeSecret;
use sqlx::postgres::PgListener;
use std::time::Duration;

/// Runs until the server stops; reconnects after errors. Does nothing on SQLite.
pub async fn run(state: AppState) {
    if state.db.backend != Backend::Postgres {
        return;
    }
    loop {
        if let Err(e) = listen(&state).await {
            tracing::warn!(error = %e, "event listener lost its connection; reconnecting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen(state: &AppState) -> anyhow::Result<()> {
    let mut listener = PgListener::connect(state.settings.database_url().expose_secret()).await?;
    listener.listen("parley_events").await?;
    loop {
        let note = listener.recv().await?;
        let Some((ws, seq)) = parse(note.payload()) else {
            continue;
        };
        catch_up(state, state.hub(), ws, seq).await?;
    }
}

fn parse(payload: &str) -> Option<(WorkspaceId, i64)> {
    let (ws, seq) = payload.split_once(':')?;
    Some((WorkspaceId(ws.parse().ok()?), seq.parse().ok()?))
}

/// Publishes the events of `ws` up to `seq` that this instance has not seen.
async fn catch_up(
    state: &AppState,
    hub: &EventHub,
    ws: WorkspaceId,
    seq: i64,
) -> anyhow::Result<()> {
    let known = match hub.latest(ws) {
        Some(known) => known,
        None => {
            // Nobody here has looked at this workspace yet: only this event is new.
            hub.observe(ws, seq - 1);
            seq - 1
        }
    };
    if seq <= known {
        return Ok(());
    }
    let missed = events::since(&state.db, ws, known, seq - known).await?;
    hub.publish(missed.into_iter().map(|event| StoredEvent::new(ws, event)));
    Ok(())
}
