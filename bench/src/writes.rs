//! `parley-bench writes`: how fast contacts are created, on SQLite or PostgreSQL, beside the
//! same inserts without Parley, in one run on one fresh database.
//!
//! 1. Raw inserts: `POST /contacts` on the raw axum+sqlx server (`crm/raw.rs`): the row Parley
//!    inserts (same table, indexes and search-table trigger), one statement per transaction.
//! 2. Parley: `POST /api/crm/contacts` with the same bodies, at the same concurrency.
//! 3. Mixed: Parley creating on a few connections while many read contacts by id; the reads'
//!    p99 is what a team feels while one rep imports leads.
//!
//! On PostgreSQL, the database's backends are sampled during Parley's creates (every 20 ms,
//! `pg_stat_activity`), so the report shows what they waited for: where a create's time goes.

use crate::crm::args::Backend;
use crate::fresh::{self, Fresh};
use crate::http;
use crate::load::{self, LoadPlan, LoadStats, Target};
use crate::server::Helper;
use anyhow::{bail, ensure, Context, Result};
use hyper::Method;
use serde_json::json;
use sqlx::{Connection, PgConnection, Row};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const SUBCOMMAND: &str = "writes";

const USAGE: &str = "\
usage: parley-bench writes [--backend sqlite|postgres] [--duration SECS] [--connections N]
                           [--pg-url URL] [--server PATH]

  --backend B        the database under test (default sqlite)
  --duration SECS    measured seconds per run, after a 2 s warm-up (default 10)
  --connections N    connections creating contacts (default 16)
  --pg-url URL       PostgreSQL admin connection; a throwaway database is created next to it
                     (default postgres://postgres@127.0.0.1:5432/postgres)
  --server PATH      the release Parley binary (default target/release/parley)";

/// Parley's creates against the raw insert rate.
const TARGET_RATIO_PERCENT: f64 = 40.0;
const TARGET_CREATE_P99_MS: f64 = 25.0;
const TARGET_MIXED_READ_P99_MS: f64 = 5.0;
/// The mixed run: creating and reading connections.
const MIXED_WRITERS: usize = 8;
const MIXED_READERS: usize = 32;
/// Distinct bodies sent in turn (names need not be unique).
const BODIES: usize = 10_000;

struct WritesArgs {
    backend: Backend,
    duration: Duration,
    connections: usize,
    pg_url: String,
    server: PathBuf,
}

impl WritesArgs {
    fn parse(argv: &[String]) -> Result<Option<WritesArgs>> {
        let mut args = WritesArgs {
            backend: Backend::Sqlite,
            duration: Duration::from_secs(10),
            connections: 16,
            pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
            server: PathBuf::from("target/release/parley"),
        };
        let mut argv = argv.iter();
        while let Some(flag) = argv.next() {
            if matches!(flag.as_str(), "-h" | "--help") {
                println!("{USAGE}");
                return Ok(None);
            }
            let value = argv
                .next()
                .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))?;
            match flag.as_str() {
                "--backend" => {
                    args.backend = match value.as_str() {
                        "sqlite" => Backend::Sqlite,
                        "postgres" => Backend::Postgres,
                        other => bail!("unknown backend {other}\n\n{USAGE}"),
                    }
                }
                "--duration" => args.duration = Duration::from_secs(value.parse()?),
                "--connections" => args.connections = value.parse()?,
                "--pg-url" => args.pg_url = value.clone(),
                "--server" => args.server = value.into(),
                other => bail!("unknown option {other}\n\n{USAGE}"),
            }
        }
        ensure!(
            args.connections > 0 && !args.duration.is_zero(),
            "--duration and --connections must be at least 1"
        );
        Ok(Some(args))
    }
}

pub fn main(argv: &[String]) -> Result<()> {
    let Some(args) = WritesArgs::parse(argv)? else {
        return Ok(());
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    let report = runtime.block_on(run(&args))?;
    report.print();
    ensure!(
        report.raw.errors == 0 && report.parley.errors == 0 && report.mixed_writes.errors == 0,
        "some requests failed"
    );
    Ok(())
}

struct WritesReport {
    backend: Backend,
    load_average: String,
    plan: String,
    raw: LoadStats,
    parley: LoadStats,
    waits: Option<Waits>,
    mixed_writes: LoadStats,
    mixed_reads: LoadStats,
}

async fn run(args: &WritesArgs) -> Result<WritesReport> {
    let load_average = fresh::load_average();
    let Fresh {
        database,
        parley,
        db_url,
        token,
        workspace_id,
        ..
    } = Fresh::start(&args.server, args.backend, &args.pg_url, &[]).await?;

    let plan = LoadPlan {
        connections: args.connections,
        warmup: crate::WARMUP,
        duration: args.duration,
    };
    let bodies: Vec<serde_json::Value> = (0..BODIES)
        .map(|n| json!({"firstName": format!("Lead{n}"), "lastName": format!("Bench{}", n % 97)}))
        .collect();
    let requests = |path: &str| -> Vec<(String, serde_json::Value)> {
        bodies
            .iter()
            .map(|b| (path.to_string(), b.clone()))
            .collect()
    };

    let raw = Helper::start(
        "raw axum+sqlx",
        &[
            crate::crm::RAW_SUBCOMMAND.into(),
            db_url.clone(),
            workspace_id.to_string(),
        ],
        "/ready",
    )
    .await?;
    eprintln!("load: raw INSERT via POST /contacts ({plan}) …");
    let raw_target = Target::json_requests(raw.addr, Method::POST, &requests("/contacts"), None)?;
    let raw_stats = load::run(raw_target, &plan).await?;
    drop(raw);

    eprintln!("load: Parley POST /api/crm/contacts ({plan}) …");
    let parley_target = Target::json_requests(
        parley.addr,
        Method::POST,
        &requests("/api/crm/contacts"),
        Some(&token),
    )?;
    let sampler = match &database {
        Some(d) => Some(Sampler::start(&d.url).await?),
        None => None,
    };
    let parley_stats = load::run(parley_target.clone(), &plan).await?;
    let waits = match sampler {
        Some(s) => Some(s.stop().await?),
        None => None,
    };

    // Reads by id over what was just created, while a few connections keep creating.
    let ids = http::get_json(parley.addr, "/api/crm/contacts?limit=200", &token).await?;
    let paths: Vec<String> = ids["items"]
        .as_array()
        .context("no contacts listed")?
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .map(|id| format!("/api/crm/contacts/{id}"))
        .collect();
    let read_target = Target::rotating(parley.addr, &paths, Some(&token))?;
    let writers = LoadPlan {
        connections: MIXED_WRITERS,
        ..plan
    };
    let readers = LoadPlan {
        connections: MIXED_READERS,
        ..plan
    };
    eprintln!(
        "load: Parley mixed, {MIXED_WRITERS} connections creating and {MIXED_READERS} reading …"
    );
    let (mixed_writes, mixed_reads) = tokio::join!(
        load::run(parley_target, &writers),
        load::run(read_target, &readers)
    );
    drop(parley);
    Ok(WritesReport {
        backend: args.backend,
        load_average,
        plan: plan.to_string(),
        raw: raw_stats,
        parley: parley_stats,
        waits,
        mixed_writes: mixed_writes?,
        mixed_reads: mixed_reads?,
    })
}

/// What the database's busy backends were waiting for, sampled during a run.
struct Waits {
    samples: u64,
    /// `wait_event_type: wait_event` (or `on CPU`) → backends seen in that state, summed.
    seen: BTreeMap<String, u64>,
}

struct Sampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<Waits>>,
}

impl Sampler {
    async fn start(url: &str) -> Result<Sampler> {
        let mut conn = PgConnection::connect(url).await?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let task = tokio::spawn(async move {
            let mut waits = Waits {
                samples: 0,
                seen: BTreeMap::new(),
            };
            while !stopping.load(Ordering::Relaxed) {
                let rows = sqlx::query(
                    "SELECT COALESCE(wait_event_type || ': ' || wait_event, 'on CPU') AS what, \
                     COUNT(*) AS n FROM pg_stat_activity \
                     WHERE datname = current_database() AND state = 'active' \
                     AND pid <> pg_backend_pid() GROUP BY 1",
                )
                .fetch_all(&mut conn)
                .await?;
                waits.samples += 1;
                for row in rows {
                    let what: String = row.try_get("what")?;
                    let n: i64 = row.try_get("n")?;
                    *waits.seen.entry(what).or_default() += n as u64;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(waits)
        });
        Ok(Sampler { stop, task })
    }

    async fn stop(self) -> Result<Waits> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await?
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

impl WritesReport {
    fn print(&self) {
        println!("Parley write benchmark ({})", self.backend.name());
        println!(
            "  machine: 2 cores shared by the load generator and the servers; load average {} at the start",
            self.load_average
        );
        println!("  creates: {}", self.plan);
        println!();
        println!(
            "{:<40}{:>9}{:>10}{:>10}{:>10}{:>9}",
            "Creates", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        row("raw INSERT (one statement)", &self.raw);
        row("Parley POST /api/crm/contacts", &self.parley);
        let ratio = 100.0 * self.parley.requests_per_sec() / self.raw.requests_per_sec().max(1.0);
        println!(
            "  Parley / raw              {ratio:>6.1} %   target >= {TARGET_RATIO_PERCENT:.0} %   {}",
            verdict(ratio >= TARGET_RATIO_PERCENT)
        );
        let p99 = self.parley.p99_ms();
        println!(
            "  create p99                {p99:>6.2} ms  target <= {TARGET_CREATE_P99_MS:.0} ms  {}",
            verdict(p99 <= TARGET_CREATE_P99_MS)
        );
        if let Some(waits) = &self.waits {
            println!();
            println!(
                "Where PostgreSQL's busy backends were during Parley's creates ({} samples, 20 ms apart)",
                waits.samples
            );
            let total: u64 = waits.seen.values().sum();
            let mut seen: Vec<_> = waits.seen.iter().collect();
            seen.sort_by(|a, b| b.1.cmp(a.1));
            for (what, n) in seen.iter().take(8) {
                println!(
                    "  {what:<44}{:>6.1} %   {:>5.2} backends on average",
                    100.0 * **n as f64 / total.max(1) as f64,
                    **n as f64 / waits.samples.max(1) as f64
                );
            }
        }
        println!();
        println!(
            "{:<40}{:>9}{:>10}{:>10}{:>10}{:>9}",
            "Mixed", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        row(
            &format!("creates, {MIXED_WRITERS} connections"),
            &self.mixed_writes,
        );
        row(
            &format!("reads by id, {MIXED_READERS} connections"),
            &self.mixed_reads,
        );
        let read_p99 = self.mixed_reads.p99_ms();
        println!(
            "  read p99 while creating   {read_p99:>6.2} ms  target <= {TARGET_MIXED_READ_P99_MS:.0} ms   {}",
            verdict(read_p99 <= TARGET_MIXED_READ_P99_MS)
        );
    }
}

fn row(name: &str, s: &LoadStats) {
    println!(
        "  {name:<38}{:>9.0}{:>10.2}{:>10.2}{:>10.2}{:>9}",
        s.requests_per_sec(),
        s.p50_ms(),
        s.p99_ms(),
        s.max_ms(),
        s.errors
    );
}
