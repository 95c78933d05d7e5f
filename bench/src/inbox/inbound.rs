//! Inbound latency: from a user's message reaching (the fake) Telegram to Parley's WebSocket
//! client seeing it.
//!
//! One client connects to `/ws` and resumes (as the board's fan-out clients do). Then `count`
//! messages, each with a unique text, are injected at the fake Telegram server [`PACE`] apart,
//! each from the Telegram user of a random seeded conversation (so it lands in that
//! conversation). The injection wakes the bot's pending `getUpdates`; Parley's poller stores
//! the update and publishes `message.received`. A message's latency is the instant its
//! `message.received` event (matched by `data.message.text`) reaches the client, minus the
//! instant just before the inject call.

use super::seed::Chat;
use crate::board::fanout::{self, Socket};
use crate::board::report::Samples;
use crate::crm::seed::Rng;
use anyhow::{bail, Context, Result};
use fake_telegram::{FakeTelegram, FromUser, Inject};
use futures_util::StreamExt;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// Time between two injected messages.
pub const PACE: Duration = Duration::from_millis(20);
/// After the last injection, how long the client may still wait for missing events.
const GRACE: Duration = Duration::from_secs(5);
/// How long to wait for Parley's poller to start polling the bot.
const POLLER_TIMEOUT: Duration = Duration::from_secs(30);

pub struct InboundStats {
    pub injected: usize,
    /// Messages whose event reached the client within [`GRACE`] of the last injection.
    pub delivered: usize,
    /// Receive time − inject time, over the delivered messages.
    pub latency: Samples,
}

/// Waits until Parley has called `getUpdates` for the bot: its poller is running.
pub async fn wait_for_poller(fake: &FakeTelegram, bot_token: &str) -> Result<()> {
    let deadline = Instant::now() + POLLER_TIMEOUT;
    loop {
        let log = fake.call_log(bot_token)?;
        if log
            .iter()
            .any(|e| e.method.eq_ignore_ascii_case("getUpdates"))
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!("Parley did not poll the bot within {POLLER_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn run(
    addr: SocketAddr,
    token: &str,
    fake: &FakeTelegram,
    bot_token: &str,
    chats: &[Chat],
    count: usize,
) -> Result<InboundStats> {
    let socket = fanout::connect(addr, Some(token.to_string())).await?;
    let mut rng = Rng::new(0x1AB0);
    // "Inbound 17 of 200: " makes every text unique; the rest reads like a message.
    let texts: Vec<String> = (0..count)
        .map(|k| {
            format!(
                "Inbound {k} of {count}: {}",
                super::words::message(k, &mut rng)
            )
        })
        .collect();
    let (stop, stopped) = watch::channel(false);
    let expected: HashSet<String> = texts.iter().cloned().collect();
    let mut receiver = tokio::spawn(receive(socket, expected, stopped));

    let mut tick = tokio::time::interval(PACE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sent: HashMap<String, Instant> = HashMap::with_capacity(count);
    for text in &texts {
        tick.tick().await;
        let person = &chats[rng.below(chats.len())].person;
        let from = FromUser {
            id: person.user_id,
            first_name: person.first.clone(),
            last_name: (!person.last.is_empty()).then(|| person.last.clone()),
            username: (!person.username.is_empty()).then(|| person.username.clone()),
            language_code: None,
        };
        let at = Instant::now();
        fake.inject_message(Inject::text(bot_token, from, text))
            .context("injecting a message at the fake Telegram server")?;
        sent.insert(text.clone(), at);
    }
    let received = match tokio::time::timeout(GRACE, &mut receiver).await {
        Ok(done) => done?,
        Err(_) => {
            // Some events never came: stop waiting for them.
            let _ = stop.send(true);
            receiver.await?
        }
    };
    let latencies: Vec<Duration> = received
        .iter()
        .filter_map(|(text, at)| sent.get(text).map(|s| at.saturating_duration_since(*s)))
        .collect();
    Ok(InboundStats {
        injected: count,
        delivered: latencies.len(),
        latency: Samples::new(latencies),
    })
}

/// Receive times of the expected `message.received` events, until all came or `stop` is set.
async fn receive(
    mut ws: Socket,
    expected: HashSet<String>,
    mut stop: watch::Receiver<bool>,
) -> Vec<(String, Instant)> {
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
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if v["type"] != "message.received" {
                    continue;
                }
                if let Some(body) = v["data"]["message"]["text"].as_str() {
                    if expected.contains(body) && seen.insert(body.to_string()) {
                        got.push((body.to_string(), at));
                    }
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => break,
        }
    }
    got
}
