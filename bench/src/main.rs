//! `parley-bench`: measures the release Parley server against a raw axum hello-world, and
//! (`parley-bench crm …`) CRM reads on a seeded workspace against a raw axum+sqlx server, and
//! (`parley-bench board …`) the Kanban board: page render, stage moves and their WebSocket
//! fan-out, beside a raw axum+sqlx read and a bare WebSocket broadcast, and
//! (`parley-bench inbox …`) the inbox: chat list, conversation and search reads, inbound
//! latency from a fake Telegram server, and fan-out to 1,000 WebSocket clients, and
//! (`parley-bench writes …`) contact creates beside the same raw inserts, with what the
//! database waited for and reads during the creates.
//!
//! See `bench/README.md` for what is measured and how to read the output.

mod args;
mod board;
mod crm;
mod fresh;
mod hello;
mod http;
mod inbox;
mod load;
mod report;
mod server;
mod wasm;
mod writes;

use anyhow::{Context, Result};
use args::Args;
use load::{LoadPlan, LoadStats, Target};
use report::Report;
use server::{Hello, Parley};
use std::time::Duration;

/// Unrecorded load before each measurement, so connection setup and cold caches don't count.
pub const WARMUP: Duration = Duration::from_secs(2);
/// Settle time before reading the idle RSS: start-up allocations are done by then.
const SETTLE: Duration = Duration::from_secs(2);

fn main() -> Result<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    // The hello-world server is this same binary, re-executed, so it runs in its own process
    // with its own runtime, like Parley does.
    match argv.first().map(String::as_str) {
        Some(hello::SUBCOMMAND) => return hello::main(&argv[1..]),
        Some(crm::RAW_SUBCOMMAND) => return crm::raw_main(&argv[1..]),
        Some(crm::SUBCOMMAND) => return crm::main(&argv[1..]),
        Some(board::RAW_SUBCOMMAND) => return board::raw_main(&argv[1..]),
        Some(board::WS_SUBCOMMAND) => return board::ws_main(&argv[1..]),
        Some(board::SUBCOMMAND) => return board::main(&argv[1..]),
        Some(inbox::RAW_SUBCOMMAND) => return inbox::raw_main(&argv[1..]),
        Some(inbox::SUBCOMMAND) => return inbox::main(&argv[1..]),
        Some(writes::SUBCOMMAND) => return writes::main(&argv[1..]),
        _ => {}
    }
    let Some(args) = Args::parse(argv)? else {
        return Ok(());
    };
    // The load generator's runtime; both servers are separate processes.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    let report = runtime.block_on(run(&args))?;
    report.print();
    report.check_errors()
}

async fn run(args: &Args) -> Result<Report> {
    let plan = LoadPlan {
        connections: args.connections,
        warmup: WARMUP,
        duration: args.duration,
    };

    eprintln!("starting {} …", args.server.display());
    let parley = Parley::start(&args.server, &args.site_root).await?;
    tokio::time::sleep(SETTLE).await;
    let idle_rss = parley.rss_bytes()?;

    let token = http::sign_up(parley.addr).await?;
    http::check_me(parley.addr, &token).await?;

    let hello = Hello::start().await?;
    eprintln!("load: hello-world GET / ({plan}) …");
    let hello_stats = load::run(Target::new(hello.addr, "/", None)?, &plan).await?;
    // Stop it before Parley's run so an idle process doesn't hold memory or wake-ups.
    drop(hello);

    eprintln!("load: Parley GET /api/auth/me ({plan}) …");
    let target = Target::new(parley.addr, "/api/auth/me", Some(&token))?;
    let parley_stats = load::run(target.clone(), &plan).await?;
    let loaded_rss = parley.rss_bytes()?;

    // The same server with metrics recorded (a scrape token configured), beside the first:
    // measured in the order off, on, on, off, so neither side always runs later.
    let metrics_env = [("PARLEY_METRICS_TOKEN", "bench-scrape-token".to_string())];
    let metered = Parley::start_with(&args.server, &args.site_root, None, &metrics_env).await?;
    tokio::time::sleep(SETTLE).await;
    let metered_token = http::sign_up(metered.addr).await?;
    http::check_me(metered.addr, &metered_token).await?;
    let metered_target = Target::new(metered.addr, "/api/auth/me", Some(&metered_token))?;
    // Adjacent off/on pairs in the order off on, on off, off on, on off (the first off is the
    // run above): each pair's cost is measured under the same conditions, and their median
    // resists the odd run a shared 2-core machine produces.
    eprintln!(
        "load: Parley GET /api/auth/me, metrics on and off in turn, {} runs ({plan}) …",
        METERED_ORDER.len()
    );
    let mut offs = vec![parley_stats.clone()];
    let mut ons = Vec::new();
    for metered in METERED_ORDER {
        if metered {
            ons.push(load::run(metered_target.clone(), &plan).await?);
        } else {
            offs.push(load::run(target.clone(), &plan).await?);
        }
    }
    let metrics_costs: Vec<f64> = offs
        .iter()
        .zip(&ons)
        .map(|(off, on)| 100.0 * (1.0 - on.requests_per_sec() / off.requests_per_sec()))
        .collect();
    let off = combine(&offs)?;
    let on = combine(&ons)?;
    drop(metered);
    drop(parley);

    let wasm_path = args.site_root.join("pkg").join("parley.wasm");
    eprintln!("compressing {} (brotli q11) …", wasm_path.display());
    let wasm = wasm::measure(wasm_path).await?;

    Ok(Report {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        connections: args.connections,
        warmup: WARMUP,
        duration: args.duration,
        idle_rss,
        loaded_rss,
        hello: hello_stats,
        parley: parley_stats,
        unmetered: off,
        metered: on,
        metrics_costs,
        wasm,
    })
}

/// Whether each run after the first (metrics off) has metrics on: four adjacent off/on pairs.
const METERED_ORDER: [bool; 7] = [true, true, false, false, true, true, false];

/// The runs as one (their requests and latencies together).
fn combine(runs: &[LoadStats]) -> Result<LoadStats> {
    let (first, rest) = runs.split_first().context("no runs")?;
    rest.iter()
        .try_fold(first.clone(), |all, run| all.combined(run))
}
