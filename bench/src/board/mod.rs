//! `parley-bench board`: the Kanban board of issue 4 on a seeded pipeline, on SQLite or
//! PostgreSQL, each figure beside a baseline measured in the same run.
//!
//! 1. Starts Parley as `crm` mode does, signs up, and seeds deals straight into the default
//!    pipeline (`seed.rs`).
//! 2. Board page: sequential `GET /board` with the session cookie (`render.rs`).
//! 3. Point reads over shuffled deal ids: a raw axum+sqlx server (`raw.rs`), then Parley's
//!    `GET /api/crm/deals/{id}`.
//! 4. Stage moves: `PATCH /api/crm/deals/{id}/stage`, a different deal and stage each request.
//! 5. Fan-out of a move to connected WebSocket clients (`fanout.rs`): a bare axum broadcast
//!    (`bare_ws.rs`), then Parley's `PATCH` → `/ws`.

mod args;
mod bare_ws;
pub(crate) mod fanout;
mod raw;
mod render;
pub(crate) mod report;
mod seed;

use crate::crm::seed::{now_ms, Rng};
use crate::fresh::{self, Fresh};
use crate::http;
use crate::load::{self, LoadPlan, Target};
use crate::server::Helper;
use anyhow::{ensure, Context, Result};
use args::BoardArgs;
use fanout::Move;
use hyper::Method;
use report::BoardReport;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;

pub const SUBCOMMAND: &str = "board";
pub use bare_ws::{main as ws_main, SUBCOMMAND as WS_SUBCOMMAND};
pub use raw::{main as raw_main, SUBCOMMAND as RAW_SUBCOMMAND};

pub fn main(argv: &[String]) -> Result<()> {
    let Some(args) = BoardArgs::parse(argv.iter().cloned())? else {
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

async fn run(args: &BoardArgs) -> Result<BoardReport> {
    let load_average = fresh::load_average();
    let Fresh {
        database: _database,
        parley,
        db_url,
        token,
        workspace_id,
        user_id,
    } = Fresh::start(&args.server, args.backend, &args.pg_url, &[]).await?;

    eprintln!("seeding {} deals with batched SQL …", args.deals);
    let seeded = seed::seed(&db_url, workspace_id, user_id, args.deals).await?;
    eprintln!("seeded in {:.1} s", seeded.elapsed.as_secs_f64());
    // Indexes into `seeded.deal_ids`, shuffled: the order of the point reads and the moves.
    let mut order: Vec<usize> = (0..seeded.deal_ids.len()).collect();
    Rng::new(42).shuffle(&mut order);

    eprintln!(
        "board: GET /board, {} + {} requests …",
        render::WARMUP,
        args.renders
    );
    let render = render::run(parley.addr, &token, args.renders).await?;

    let plan = LoadPlan {
        connections: args.connections,
        warmup: crate::WARMUP,
        duration: args.duration,
    };
    let raw = Helper::start(
        "raw axum+sqlx",
        &[
            RAW_SUBCOMMAND.into(),
            db_url.clone(),
            workspace_id.to_string(),
        ],
        "/ready",
    )
    .await?;
    eprintln!("raw server pid {}", raw.pid());
    let ids = |prefix: &str| -> Vec<String> {
        let deals = order.iter().map(|&i| seeded.deal_ids[i]);
        deals.map(|id| format!("{prefix}{id}")).collect()
    };
    let raw_paths = ids("/deals/");
    http::get_json(raw.addr, &raw_paths[0], "").await?;
    eprintln!("load: raw axum+sqlx GET /deals/{{id}} ({plan}) …");
    let raw_read = load::run(Target::rotating(raw.addr, &raw_paths, None)?, &plan).await?;
    drop(raw);

    let paths = ids("/api/crm/deals/");
    http::get_json(parley.addr, &paths[0], &token).await?;
    eprintln!("load: Parley GET /api/crm/deals/{{id}} ({plan}) …");
    let parley_read =
        load::run(Target::rotating(parley.addr, &paths, Some(&token))?, &plan).await?;

    let entries = move_entries(&seeded, &order);
    // The last entry is one the run is unlikely to reach: check that a move really succeeds.
    let (path, body) = entries.last().context("no moves")?;
    let req = http::json_request(parley.addr, Method::PATCH, path, Some(&token), body)?;
    let (status, answer) = http::send(parley.addr, req).await?;
    ensure!(
        status.is_success(),
        "PATCH {path} answered {status}: {}",
        String::from_utf8_lossy(&answer)
    );
    let inspect = seed::Inspect::open(&db_url, workspace_id).await?;
    let history_before = inspect.moves().await?;
    eprintln!("load: Parley PATCH /api/crm/deals/{{id}}/stage ({plan}) …");
    let target = Target::json_requests(parley.addr, Method::PATCH, &entries, Some(&token))?;
    let moves = load::run(target, &plan).await?;
    let real_moves = inspect.moves().await? - history_before;

    let current: HashMap<i64, i64> = inspect.current_stages().await?.into_iter().collect();
    inspect.close().await;
    let planned = plan_moves(parley.addr, &token, &seeded, &current, args.moves).await?;

    let bare = Helper::start(
        "bare WebSocket broadcast",
        &[WS_SUBCOMMAND.into()],
        "/ready",
    )
    .await?;
    eprintln!(
        "fan-out: bare WebSocket broadcast, {} clients, {} moves …",
        args.clients,
        planned.len()
    );
    let bare_fanout = fanout::run(bare.addr, None, args.clients, &planned, |k, m| {
        let event =
            json!({"seq": k, "type": "deal.stage_changed", "data": m.payload, "at": now_ms()});
        http::post_json(bare.addr, "/send", None, &event)
    })
    .await?;
    drop(bare);

    eprintln!(
        "fan-out: Parley PATCH → /ws, {} clients, {} moves …",
        args.clients,
        planned.len()
    );
    let parley_fanout = fanout::run(parley.addr, Some(&token), args.clients, &planned, |_, m| {
        let path = format!("/api/crm/deals/{}/stage", m.deal);
        let body = json!({ "stageId": m.stage });
        http::json_request(parley.addr, Method::PATCH, &path, Some(&token), &body)
    })
    .await?;
    drop(parley);

    Ok(BoardReport {
        backend: args.backend,
        load_average,
        deals: seeded.deal_ids.len(),
        stages: seeded.stage_ids.len(),
        seed_secs: seeded.elapsed.as_secs_f64(),
        connections: args.connections,
        warmup: crate::WARMUP,
        duration: args.duration,
        render,
        raw_read,
        parley_read,
        moves,
        real_moves,
        bare_fanout,
        parley_fanout,
    })
}

/// The stage-move run's requests: one pass over the shuffled deals per stage, pass `p` moving
/// each deal `p + 1` stages on from where it was seeded. A deal visited again comes back in a
/// later pass, one stage further on, so nearly every request is a real move.
fn move_entries(seeded: &seed::Seeded, order: &[usize]) -> Vec<(String, Value)> {
    let stages = &seeded.stage_ids;
    let mut entries = Vec::with_capacity(order.len() * stages.len());
    for pass in 0..stages.len() {
        for &i in order {
            // The seeder put deal `i` in stage `i % stages`.
            let stage = stages[(i % stages.len() + pass + 1) % stages.len()];
            let path = format!("/api/crm/deals/{}/stage", seeded.deal_ids[i]);
            entries.push((path, json!({ "stageId": stage })));
        }
    }
    entries
}

/// `count` moves of distinct deals, each to the stage after its current one (so each writes an
/// event), with the deal's JSON as `GET /api/crm/deals/{id}` answers it.
async fn plan_moves(
    addr: SocketAddr,
    token: &str,
    seeded: &seed::Seeded,
    current: &HashMap<i64, i64>,
    count: usize,
) -> Result<Vec<Move>> {
    let mut deals = seeded.deal_ids.clone();
    Rng::new(7).shuffle(&mut deals);
    let stages = &seeded.stage_ids;
    let mut moves = Vec::with_capacity(count);
    for &deal in deals.iter().take(count) {
        let now = current.get(&deal).context("a seeded deal went missing")?;
        let at = stages.iter().position(|s| s == now).unwrap_or(0);
        let stage = stages[(at + 1) % stages.len()];
        let mut payload = http::get_json(addr, &format!("/api/crm/deals/{deal}"), token).await?;
        payload["stageId"] = stage.into();
        moves.push(Move {
            deal,
            stage,
            payload,
        });
    }
    Ok(moves)
}
