//! Fan-out: how long a stage move takes to reach every other connected WebSocket client.
//!
//! C clients connect to `ws://<addr>/ws` (with the bearer token when given), send
//! `{"type":"resume","after":null}` and wait for `{"type":"resumed",…}`: from then on the
//! server has them subscribed. A separate keep-alive HTTP connection then sends the moves, one
//! every [`PACE`]; the instant just before each request is written is its send time. Every
//! `deal.stage_changed` event a client receives is matched to its move by `data.id` and
//! `data.stageId`; its latency is the receive time minus the send time. The receive time is
//! taken as soon as the client task gets the message, before parsing it.

use super::report::Samples;
use anyhow::{bail, Context, Result};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Time between two moves.
pub const PACE: Duration = Duration::from_millis(20);
/// After the last move, how long clients may still wait for missing events.
const GRACE: Duration = Duration::from_secs(5);
/// How long a client may take to connect and be told `resumed`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// (deal id, stage id it moves to): what identifies a move and its event. Other modes use
/// their own pair (`inbox`: the conversation id and 0).
pub type Key = (i64, i64);

/// One planned move.
pub struct Move {
    pub deal: i64,
    pub stage: i64,
    /// The deal as `GET /api/crm/deals/{id}` answers it, with `stageId` set to `stage`: what
    /// the baseline broadcasts, so both runs carry events of the same size.
    pub payload: Value,
}

/// The measured part of one fan-out run.
pub struct FanoutStats {
    pub clients: usize,
    pub moves: usize,
    /// Moves whose request answered 2xx.
    pub sent: usize,
    /// Moves whose request did not answer 2xx.
    pub send_errors: usize,
    /// (client, move) pairs whose event arrived, within [`GRACE`] of the last move.
    pub delivered: usize,
    /// Receive time − send time over the delivered pairs.
    pub latency: Samples,
    /// The move requests' own response times.
    pub request: Samples,
    pub connect_secs: f64,
}

impl FanoutStats {
    /// Every client should see every successful move.
    pub fn expected(&self) -> usize {
        self.clients * self.sent
    }
}

/// Connects `clients` clients to `addr`, sends `moves` made into requests by `request`, and
/// measures the delivery of their events.
pub async fn run(
    addr: SocketAddr,
    bearer: Option<&str>,
    clients: usize,
    moves: &[Move],
    request: impl Fn(usize, &Move) -> Result<Request<Full<Bytes>>>,
) -> Result<FanoutStats> {
    let connected = connect_all(addr, bearer, clients).await?;
    measure(addr, connected, moves, stage_change, request).await
}

/// Clients connected, subscribed and idle, waiting for [`measure`].
pub struct Connected {
    sockets: Vec<Socket>,
    connect_secs: f64,
}

/// Connects `clients` clients to `addr` at once; each is subscribed when this returns.
pub async fn connect_all(
    addr: SocketAddr,
    bearer: Option<&str>,
    clients: usize,
) -> Result<Connected> {
    let started = Instant::now();
    let mut connecting = JoinSet::new();
    for _ in 0..clients {
        connecting.spawn(connect(addr, bearer.map(str::to_string)));
    }
    let mut sockets = Vec::with_capacity(clients);
    while let Some(socket) = connecting.join_next().await {
        sockets.push(socket.context("connect task panicked")??);
    }
    Ok(Connected {
        sockets,
        connect_secs: started.elapsed().as_secs_f64(),
    })
}

/// Sends `moves` (as `request` makes them) to `addr` and measures the delivery of their events
/// to the connected clients; `key_of` tells which move an event belongs to (`None`: not one).
pub async fn measure(
    addr: SocketAddr,
    connected: Connected,
    moves: &[Move],
    key_of: fn(&str) -> Option<Key>,
    request: impl Fn(usize, &Move) -> Result<Request<Full<Bytes>>>,
) -> Result<FanoutStats> {
    let Connected {
        sockets,
        connect_secs,
    } = connected;
    let clients = sockets.len();
    let expected: Arc<HashSet<Key>> = Arc::new(moves.iter().map(|m| (m.deal, m.stage)).collect());
    let (stop, stopped) = watch::channel(false);
    let mut receivers = JoinSet::new();
    for socket in sockets {
        receivers.spawn(receive(
            socket,
            Arc::clone(&expected),
            key_of,
            stopped.clone(),
        ));
    }

    let (sent_at, request_times) = send_moves(addr, moves, request).await?;

    let deadline = tokio::time::Instant::now() + GRACE;
    let mut received = Vec::with_capacity(clients);
    loop {
        let next = match tokio::time::timeout_at(deadline, receivers.join_next()).await {
            Ok(next) => next,
            Err(_) => {
                // Some events never came: stop waiting for them.
                let _ = stop.send(true);
                receivers.join_next().await
            }
        };
        match next {
            Some(got) => received.push(got.context("receive task panicked")?),
            None => break,
        }
    }

    let sent: HashMap<Key, Instant> = moves
        .iter()
        .zip(&sent_at)
        .filter_map(|(m, at)| at.map(|at| ((m.deal, m.stage), at)))
        .collect();
    let latencies: Vec<Duration> = received
        .iter()
        .flatten()
        .filter_map(|(key, at)| sent.get(key).map(|s| at.saturating_duration_since(*s)))
        .collect();
    Ok(FanoutStats {
        clients,
        moves: moves.len(),
        sent: sent.len(),
        send_errors: moves.len() - sent.len(),
        delivered: latencies.len(),
        latency: Samples::new(latencies),
        request: Samples::new(request_times),
        connect_secs,
    })
}

/// One client: connected, resumed, subscribed.
pub async fn connect(addr: SocketAddr, bearer: Option<String>) -> Result<Socket> {
    let mut req = format!("ws://{addr}/ws").into_client_request()?;
    if let Some(token) = bearer {
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .with_context(|| format!("WebSocket connection to {addr}/ws"))?;
    ws.send(Message::Text(r#"{"type":"resume","after":null}"#.into()))
        .await?;
    let resumed = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let v: Value = serde_json::from_str(&text).unwrap_or_default();
                    if v["type"] == "resumed" {
                        return Ok(());
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => bail!("WebSocket error before `resumed`: {e}"),
                None => bail!("WebSocket closed before `resumed`"),
            }
        }
    };
    tokio::time::timeout(READY_TIMEOUT, resumed)
        .await
        .with_context(|| format!("no `resumed` within {READY_TIMEOUT:?}"))??;
    Ok(ws)
}

/// Collects the receive times of the expected events, until all came or `stop` is set.
async fn receive(
    mut ws: Socket,
    expected: Arc<HashSet<Key>>,
    key_of: fn(&str) -> Option<Key>,
    mut stop: watch::Receiver<bool>,
) -> Vec<(Key, Instant)> {
    let mut got = Vec::with_capacity(expected.len());
    let mut seen = HashSet::with_capacity(expected.len());
    while got.len() < expected.len() {
        let msg = tokio::select! {
            biased;
            _ = stop.changed() => break,
            msg = ws.next() => msg,
        };
        let at = Instant::now();
        match msg {
            Some(Ok(Message::Text(text))) => {
                if let Some(key) = key_of(&text) {
                    if expected.contains(&key) && seen.insert(key) {
                        got.push((key, at));
                    }
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => break,
        }
    }
    got
}

/// `(data.id, data.stageId)` of a `deal.stage_changed` event.
fn stage_change(text: &str) -> Option<Key> {
    let v: Value = serde_json::from_str(text).ok()?;
    if v["type"] != "deal.stage_changed" {
        return None;
    }
    Some((v["data"]["id"].as_i64()?, v["data"]["stageId"].as_i64()?))
}

/// Sends the moves one [`PACE`] apart on one keep-alive connection; returns each move's send
/// time (`None` if it did not answer 2xx) and the requests' response times.
async fn send_moves(
    addr: SocketAddr,
    moves: &[Move],
    request: impl Fn(usize, &Move) -> Result<Request<Full<Bytes>>>,
) -> Result<(Vec<Option<Instant>>, Vec<Duration>)> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut tick = tokio::time::interval(PACE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sent_at = Vec::with_capacity(moves.len());
    let mut times = Vec::with_capacity(moves.len());
    for (k, m) in moves.iter().enumerate() {
        tick.tick().await;
        let req = request(k, m)?;
        sender.ready().await.context("move connection")?;
        let sent = Instant::now();
        let res = sender.send_request(req).await.context("sending a move")?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        times.push(sent.elapsed());
        if status.is_success() {
            sent_at.push(Some(sent));
        } else {
            eprintln!(
                "move of deal {} answered {status}: {}",
                m.deal,
                String::from_utf8_lossy(&body)
            );
            sent_at.push(None);
        }
    }
    Ok((sent_at, times))
}
