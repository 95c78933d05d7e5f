//! The inbox's reads under load, each beside the raw axum+sqlx baseline (`raw.rs`) answering
//! the same SQL: the chat list, opening a conversation, and message search (a mix of terms,
//! then one rare word). All the raw runs come first, then the raw server is stopped and
//! Parley's runs follow, with the same paths under `/api/messaging`.

use super::seed::Chat;
use super::words::{RARE_WORD, SEARCH_TERMS};
use crate::crm::seed::Rng;
use crate::http;
use crate::load::{self, LoadPlan, LoadStats, Target};
use crate::server::Helper;
use anyhow::Result;
use std::net::SocketAddr;

/// Chat-list pages requested: random among the first ten (fewer when there are fewer).
const PAGES: usize = 10;
const PAGE_SIZE: usize = 50;
/// Length of each run's shuffled path list (the chat pages and search terms repeat).
const PATHS: usize = 1000;
/// Where Parley's messaging routes live; the raw server answers the same paths at its root.
const PREFIX: &str = "/api/messaging";

/// One read, measured on both servers.
pub struct Read {
    pub label: &'static str,
    pub target_ms: f64,
    pub raw: LoadStats,
    pub parley: LoadStats,
}

/// The runs' paths, as the raw server answers them.
struct Plan {
    label: &'static str,
    target_ms: f64,
    paths: Vec<String>,
}

fn plans(chats: &[Chat]) -> Vec<Plan> {
    let mut rng = Rng::new(0x5EAD);
    let pages = PAGES.min(chats.len().div_ceil(PAGE_SIZE)).max(1);
    let list = (0..PATHS)
        .map(|_| format!("/chats?page={}&limit={PAGE_SIZE}", 1 + rng.below(pages)))
        .collect();
    let mut ids: Vec<i64> = chats.iter().map(|c| c.id).collect();
    rng.shuffle(&mut ids);
    let open = ids
        .iter()
        .map(|id| format!("/conversations/{id}/messages?limit=50"))
        .collect();
    let search = (0..PATHS)
        .map(|_| format!("/search?q={}", rng.pick(SEARCH_TERMS)))
        .collect();
    vec![
        Plan {
            label: "chat list, 50 a page",
            target_ms: 20.0,
            paths: list,
        },
        Plan {
            label: "conversation, last 50",
            target_ms: 20.0,
            paths: open,
        },
        Plan {
            label: "search, mixed terms",
            target_ms: 50.0,
            paths: search,
        },
        Plan {
            label: "search, a rare word",
            target_ms: 50.0,
            paths: vec![format!("/search?q={RARE_WORD}")],
        },
    ]
}

/// Runs every read on the raw server, then on Parley.
pub async fn run(
    parley: SocketAddr,
    token: &str,
    db_url: &str,
    workspace_id: i64,
    chats: &[Chat],
    plan: &LoadPlan,
) -> Result<Vec<Read>> {
    let plans = plans(chats);
    let raw = Helper::start(
        "raw axum+sqlx",
        &[
            super::RAW_SUBCOMMAND.into(),
            db_url.to_string(),
            workspace_id.to_string(),
        ],
        "/ready",
    )
    .await?;
    eprintln!("raw server pid {}", raw.pid());
    let mut raw_stats = Vec::with_capacity(plans.len());
    for p in &plans {
        http::get_json(raw.addr, &p.paths[0], "").await?;
        eprintln!("load: raw axum+sqlx {} ({plan}) …", p.label);
        raw_stats.push(load::run(Target::rotating(raw.addr, &p.paths, None)?, plan).await?);
    }
    drop(raw);

    let mut reads = Vec::with_capacity(plans.len());
    for (p, raw) in plans.into_iter().zip(raw_stats) {
        let paths: Vec<String> = p.paths.iter().map(|s| format!("{PREFIX}{s}")).collect();
        let answer = http::get_json(parley, &paths[0], token).await?;
        if p.paths.len() == 1 {
            let hits = answer.as_array().map_or(0, Vec::len);
            eprintln!("Parley {} answers {hits} hits", paths[0]);
        }
        eprintln!("load: Parley {} ({plan}) …", p.label);
        let target = Target::rotating(parley, &paths, Some(token))?;
        reads.push(Read {
            label: p.label,
            target_ms: p.target_ms,
            raw,
            parley: load::run(target, plan).await?,
        });
    }
    Ok(reads)
}
