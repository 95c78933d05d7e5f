//! Fan-out of one inbox event to many WebSocket clients, with the board's machinery
//! (`board::fanout`): the clients connect and resume first, then the events are caused one
//! [`PACE`](crate::board::fanout::PACE) apart from a separate keep-alive HTTP connection.
//!
//! The event is a conversation being marked read: `POST
//! /api/messaging/conversations/{id}/read` on a conversation with unread messages, which
//! publishes `message.read` (matched by `data.conversationId`) and `conversation.updated`.
//! The baseline is the bare WebSocket broadcast (`board::bare_ws`) carrying a `message.read`
//! event of the same shape. Parley's resident memory is read with all its clients connected.

use crate::board::fanout::{self, FanoutStats, Key, Move};
use crate::board::WS_SUBCOMMAND;
use crate::crm::seed::now_ms;
use crate::http;
use crate::server::{Helper, Parley};
use anyhow::Result;
use serde_json::{json, Value};

pub struct FanoutRuns {
    pub bare: FanoutStats,
    pub parley: FanoutStats,
    /// Parley's VmRSS just before its clients connect, and with all of them connected.
    pub rss_before: u64,
    pub rss_connected: u64,
}

/// `conversations` are marked read in turn (each must have unread messages, or no event).
pub async fn run(
    parley: &Parley,
    token: &str,
    account_id: i64,
    user_id: i64,
    conversations: &[i64],
    clients: usize,
) -> Result<FanoutRuns> {
    let events: Vec<Move> = conversations
        .iter()
        .map(|&id| Move {
            deal: id,
            stage: 0,
            payload: json!({ "conversationId": id, "accountId": account_id, "readBy": user_id }),
        })
        .collect();

    let bare = Helper::start(
        "bare WebSocket broadcast",
        &[WS_SUBCOMMAND.into()],
        "/ready",
    )
    .await?;
    eprintln!(
        "fan-out: bare WebSocket broadcast, {clients} clients, {} events …",
        events.len()
    );
    let connected = fanout::connect_all(bare.addr, None, clients).await?;
    let bare_stats = fanout::measure(bare.addr, connected, &events, read_key, |k, m| {
        let event = json!({"seq": k, "type": "message.read", "data": m.payload, "at": now_ms()});
        http::post_json(bare.addr, "/send", None, &event)
    })
    .await?;
    drop(bare);

    eprintln!(
        "fan-out: Parley POST …/read → /ws, {clients} clients, {} events …",
        events.len()
    );
    let rss_before = parley.rss_bytes()?;
    let connected = fanout::connect_all(parley.addr, Some(token), clients).await?;
    let rss_connected = parley.rss_bytes()?;
    eprintln!(
        "{clients} clients connected; Parley VmRSS {:.1} MB",
        rss_connected as f64 / 1048576.0
    );
    let parley_stats = fanout::measure(parley.addr, connected, &events, read_key, |_, m| {
        let path = format!("/api/messaging/conversations/{}/read", m.deal);
        http::post_json(parley.addr, &path, Some(token), &json!({}))
    })
    .await?;
    Ok(FanoutRuns {
        bare: bare_stats,
        parley: parley_stats,
        rss_before,
        rss_connected,
    })
}

/// `(data.conversationId, 0)` of a `message.read` event.
fn read_key(text: &str) -> Option<Key> {
    let v: Value = serde_json::from_str(text).ok()?;
    if v["type"] != "message.read" {
        return None;
    }
    Some((v["data"]["conversationId"].as_i64()?, 0))
}

/// Checks that this process may open a socket per client (and Parley, which inherits the
/// limit, one per connection): the soft `RLIMIT_NOFILE` from `/proc/self/limits`.
pub fn check_open_files(clients: usize) -> Result<()> {
    let limits = std::fs::read_to_string("/proc/self/limits")?;
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<usize>().ok());
    let needed = clients + 512;
    match soft {
        Some(limit) if limit < needed => anyhow::bail!(
            "{clients} WebSocket clients need about {needed} open files, but the limit is \
             {limit}: raise it first (`ulimit -n {}`) or pass a smaller --clients",
            needed.next_power_of_two()
        ),
        _ => Ok(()),
    }
}
