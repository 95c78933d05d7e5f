//! The fan-out baseline: a bare axum WebSocket broadcast, run as
//! `parley-bench ws-broadcast <port>`.
//!
//! `POST /send` puts its body on a tokio broadcast channel; every `GET /ws` connection forwards
//! what the channel carries as a text message. A client's `{"type":"resume",…}` is answered
//! with `{"type":"resumed","seq":0}` once its subscription exists, as Parley answers it. No
//! authentication, no database, no per-workspace filtering: the floor under Parley's `/ws`.

use anyhow::{Context, Result};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::net::Ipv4Addr;
use tokio::sync::broadcast::{self, error::RecvError};

pub const SUBCOMMAND: &str = "ws-broadcast";
/// The same capacity as Parley's event hub.
const CAPACITY: usize = 4096;

type Sender = broadcast::Sender<Utf8Bytes>;

pub fn main(args: &[String]) -> Result<()> {
    let port: u16 = args
        .first()
        .and_then(|p| p.parse().ok())
        .context("usage: parley-bench ws-broadcast <port>")?;
    serve(port)
}

/// Default multi-thread runtime, as `parley` uses.
#[tokio::main]
async fn serve(port: u16) -> Result<()> {
    let (tx, _) = broadcast::channel::<Utf8Bytes>(CAPACITY);
    let app = Router::new()
        .route("/ready", get(|| async { "ready" }))
        .route("/ws", get(upgrade))
        .route("/send", post(send))
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    axum::serve(listener, app).await.context("serving")
}

async fn send(State(tx): State<Sender>, body: String) -> StatusCode {
    // No receivers is fine: nobody is connected.
    let _ = tx.send(body.into());
    StatusCode::NO_CONTENT
}

async fn upgrade(State(tx): State<Sender>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| stream(socket, tx))
}

async fn stream(mut socket: WebSocket, tx: Sender) {
    let mut rx = tx.subscribe();
    loop {
        tokio::select! {
            received = rx.recv() => match received {
                Ok(text) => {
                    if socket.send(Message::Text(text)).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) if text.contains("\"resume\"") => {
                    let resumed = Utf8Bytes::from_static(r#"{"type":"resumed","seq":0}"#);
                    if socket.send(Message::Text(resumed)).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
