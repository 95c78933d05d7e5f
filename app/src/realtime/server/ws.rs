//! `GET /ws`: streams the current workspace's events to an authenticated client.

use super::{events, StoredEvent};
use crate::ids::WorkspaceId;
use crate::realtime::{ClientMessage, RealtimeEvent, ServerControl};
use crate::server::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// The longest gap replayed on resume; beyond it the client is told to reload.
const MAX_REPLAY: i64 = 1000;

/// Who a stream is for. The access module implements it for its signed-in caller, so the
/// stream needs no knowledge of sessions or tokens.
pub trait Subscriber: Send + Sync + 'static {
    /// The workspace whose events the subscriber receives.
    fn workspace_id(&self) -> WorkspaceId;
    /// Whether the subscriber may still receive them (asked every 30 s).
    fn still_allowed(&self, state: &AppState) -> impl Future<Output = anyhow::Result<bool>> + Send;
}

pub async fn ws_handler<S>(State(state): State<AppState>, auth: S, ws: WebSocketUpgrade) -> Response
where
    S: Subscriber + FromRequestParts<AppState>,
    S::Rejection: IntoResponse,
{
    ws.on_upgrade(move |socket| async move {
        let mut stream = Stream {
            socket,
            state,
            auth,
            last_sent: 0,
        };
        let clients = metrics::gauge!("parley_websocket_clients");
        clients.increment(1.0);
        if let Err(e) = stream.run().await {
            tracing::debug!(error = %e, "websocket closed");
        }
        clients.decrement(1.0);
    })
}

struct Stream<S> {
    socket: WebSocket,
    state: AppState,
    auth: S,
    /// The newest sequence number this client has (or was offered).
    last_sent: i64,
}

impl<S: Subscriber> Stream<S> {
    async fn run(&mut self) -> anyhow::Result<()> {
        // Subscribe before reading the current position so nothing falls in between.
        let mut rx = self.state.hub().subscribe();
        self.last_sent = events::latest_seq(&self.state.db, self.auth.workspace_id()).await?;
        let mut ping = tokio::time::interval(Duration::from_secs(25));
        let mut check = tokio::time::interval(Duration::from_secs(30));
        let mut shutdown = self.state.shutdown.subscribe();
        loop {
            tokio::select! {
                _ = async { shutdown.wait_for(|stopping| *stopping).await.map(|_| ()) } => {
                    let _ = self.socket.send(Message::Close(None)).await;
                    return Ok(());
                },
                msg = self.socket.recv() => match msg {
                    Some(Ok(Message::Text(text))) => self.on_client_message(&text).await?,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => {}
                },
                received = rx.recv() => match received {
                    Ok(e) => self.forward(&e).await?,
                    Err(RecvError::Lagged(_)) => self.replay(self.last_sent).await?,
                    Err(RecvError::Closed) => return Ok(()),
                },
                _ = ping.tick() => self.socket.send(Message::Ping(Vec::new().into())).await?,
                _ = check.tick() => {
                    if !self.auth.still_allowed(&self.state).await? {
                        self.socket.send(Message::Close(None)).await?;
                        return Ok(());
                    }
                }
            }
        }
    }

    async fn on_client_message(&mut self, text: &str) -> anyhow::Result<()> {
        match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Resume { after: Some(after) }) => self.replay(after).await,
            Ok(ClientMessage::Resume { after: None }) => {
                self.send_control(&ServerControl::Resumed {
                    seq: self.last_sent,
                })
                .await
            }
            Ok(ClientMessage::Ping) => self.send_control(&ServerControl::Pong).await,
            Err(_) => Ok(()), // unknown messages are ignored, as the protocol allows growth
        }
    }

    async fn forward(&mut self, e: &Arc<StoredEvent>) -> anyhow::Result<()> {
        if e.workspace_id != self.auth.workspace_id() || e.event.seq <= self.last_sent {
            return Ok(());
        }
        if e.event.seq > self.last_sent + 1 {
            // A gap: events committed out of order reach us late; read them from the table.
            return self.replay(self.last_sent).await;
        }
        self.socket.send(Message::Text(e.frame()?)).await?;
        self.last_sent = e.event.seq;
        Ok(())
    }

    async fn replay(&mut self, after: i64) -> anyhow::Result<()> {
        let missed = events::since(
            &self.state.db,
            self.auth.workspace_id(),
            after,
            MAX_REPLAY + 1,
        )
        .await?;
        if missed.len() as i64 > MAX_REPLAY {
            self.last_sent = events::latest_seq(&self.state.db, self.auth.workspace_id()).await?;
            return self.send_control(&ServerControl::Reload).await;
        }
        self.last_sent = after;
        for event in &missed {
            self.send_event(event).await?;
        }
        self.send_control(&ServerControl::Resumed {
            seq: self.last_sent,
        })
        .await
    }

    async fn send_event(&mut self, event: &RealtimeEvent) -> anyhow::Result<()> {
        self.socket
            .send(Message::Text(serde_json::to_string(event)?.into()))
            .await?;
        self.last_sent = self.last_sent.max(event.seq);
        Ok(())
    }

    async fn send_control(&mut self, control: &ServerControl) -> anyhow::Result<()> {
        self.socket
            .send(Message::Text(serde_json::to_string(control)?.into()))
            .await?;
        Ok(())
    }
}
