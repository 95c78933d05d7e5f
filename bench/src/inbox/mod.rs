//! `parley-bench inbox`: the inbox issue's benchmark on a seeded workspace (5k conversations,
//! 1M messages by default), on SQLite or PostgreSQL, each figure beside a same-run baseline.
//!
//! 1. Starts a fake Telegram Bot API server in this process (`fake_telegram`) with one bot,
//!    and Parley (as `crm` mode does) with `PARLEY_TELEGRAM_API_BASE` pointing at it. Signs
//!    up, connects the bot through `POST /api/messaging/accounts`, and seeds its conversations
//!    and messages straight into the database (`seed.rs`).
//! 2. Reads under load (`reads.rs`): chat list, open a conversation, message search — a raw
//!    axum+sqlx server on the same SQL (`raw.rs`), then Parley.
//! 3. Inbound latency (`inbound.rs`): messages injected at the fake → Parley's poller →
//!    `message.received` on a connected WebSocket client.
//! 4. Fan-out (`fanout.rs`): conversations marked read while many WebSocket clients are
//!    connected — a bare axum broadcast, then Parley, whose memory is read with the clients on.

mod args;
mod fanout;
mod inbound;
mod raw;
mod reads;
mod report;
mod seed;
mod words;

use crate::crm::seed::Rng;
use crate::fresh::{self, Fresh};
use crate::http;
use crate::load::LoadPlan;
use anyhow::{ensure, Context, Result};
use args::InboxArgs;
use fake_telegram::{FakeTelegram, NewBot};
use hyper::StatusCode;
use report::InboxReport;
use serde_json::{json, Value};
use std::net::SocketAddr;

pub const SUBCOMMAND: &str = "inbox";
pub use raw::{main as raw_main, SUBCOMMAND as RAW_SUBCOMMAND};

/// The bot the inbox belongs to, registered at the fake server.
const BOT_TOKEN: &str = "7100000001:AAbenchInboxBotTokenForTheFakeServer";
const BOT_USERNAME: &str = "parley_bench_bot";

pub fn main(argv: &[String]) -> Result<()> {
    let Some(args) = InboxArgs::parse(argv.iter().cloned())? else {
        return Ok(());
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    let report = runtime.block_on(run(&args))?;
    report.print();
    report.check_errors()
}

async fn run(args: &InboxArgs) -> Result<InboxReport> {
    fanout::check_open_files(args.clients)?;
    let load_average = fresh::load_average();
    let fake = FakeTelegram::start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    fake.add_bot(NewBot::new(BOT_TOKEN, BOT_USERNAME))?;
    eprintln!("fake Telegram on {}", fake.base_url());
    let env = [("PARLEY_TELEGRAM_API_BASE", fake.base_url())];
    let Fresh {
        database: _database,
        parley,
        db_url,
        token,
        workspace_id,
        user_id,
    } = Fresh::start(&args.server, args.backend, &args.pg_url, &env).await?;
    let account_id = connect_bot(parley.addr, &token).await?;

    eprintln!(
        "seeding {} conversations and {} messages with batched SQL …",
        args.conversations, args.messages
    );
    let seeded = seed::seed(
        &db_url,
        workspace_id,
        account_id,
        user_id,
        args.conversations,
        args.messages,
    )
    .await?;
    eprintln!("seeded in {:.1} s", seeded.elapsed.as_secs_f64());

    let read_runs = |connections| {
        let plan = LoadPlan {
            connections,
            warmup: crate::WARMUP,
            duration: args.duration,
        };
        let (token, db_url, chats) = (&token, &db_url, &seeded.chats);
        async move { reads::run(parley.addr, token, db_url, workspace_id, chats, &plan).await }
    };
    let reads = read_runs(args.connections).await?;
    let saturation = match args.saturation {
        0 => None,
        connections => Some((connections, read_runs(connections).await?)),
    };

    inbound::wait_for_poller(&fake, BOT_TOKEN).await?;
    eprintln!(
        "inbound: {} messages injected at the fake Telegram server …",
        args.inbound
    );
    let inbound = inbound::run(
        parley.addr,
        &token,
        &fake,
        BOT_TOKEN,
        &seeded.chats,
        args.inbound,
    )
    .await?;

    let mut unread = seed::unread_conversations(&db_url, workspace_id).await?;
    Rng::new(0xFA17).shuffle(&mut unread);
    unread.truncate(args.events);
    ensure!(
        !unread.is_empty(),
        "no conversation has unread messages to mark read"
    );
    if unread.len() < args.events {
        eprintln!(
            "only {} conversations have unread messages: {} fan-out events instead of {}",
            unread.len(),
            unread.len(),
            args.events
        );
    }
    let fanout = fanout::run(&parley, &token, account_id, user_id, &unread, args.clients).await?;
    drop(parley);
    drop(fake);

    Ok(InboxReport {
        backend: args.backend,
        load_average,
        conversations: seeded.chats.len(),
        messages: seeded.messages,
        unread_chats: seeded.unread_chats,
        rare_hits: seeded.rare_hits,
        seed_secs: seeded.elapsed.as_secs_f64(),
        connections: args.connections,
        warmup: crate::WARMUP,
        duration: args.duration,
        reads,
        saturation,
        inbound,
        fanout,
    })
}

/// Connects the bot through the API (Parley checks the token with `getMe` at the fake and
/// stores it sealed); answers the account id.
async fn connect_bot(addr: SocketAddr, token: &str) -> Result<i64> {
    let body = json!({ "type": "telegram_bot", "token": BOT_TOKEN });
    let req = http::post_json(addr, "/api/messaging/accounts", Some(token), &body)?;
    let (status, answer) = http::send(addr, req).await?;
    let text = String::from_utf8_lossy(&answer);
    ensure!(
        status == StatusCode::CREATED,
        "POST /api/messaging/accounts answered {status}: {text}"
    );
    let account: Value = serde_json::from_slice(&answer)?;
    account["id"]
        .as_i64()
        .with_context(|| format!("no account id in {text}"))
}
