//! The printed results: human-readable lines, PASS/MISS per target, and one `JSON:` line.

use crate::load::LoadStats;
use crate::wasm::{Size, WasmSize};
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::time::Duration;

const IDLE_RSS_TARGET_MB: f64 = 60.0;
const RATIO_TARGET_PERCENT: f64 = 40.0;
const P99_TARGET_MS: f64 = 10.0;
const WASM_BROTLI_TARGET_KB: f64 = 600.0;
/// What recording metrics may cost in `/api/auth/me` throughput.
const METRICS_COST_TARGET_PERCENT: f64 = 5.0;
/// More failures than this means the numbers describe an error path, not the server.
pub const MAX_ERROR_RATE: f64 = 0.01;

const KB: f64 = 1024.0;
const MB: f64 = 1024.0 * 1024.0;

pub struct Report {
    pub cores: usize,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub idle_rss: u64,
    pub loaded_rss: u64,
    pub hello: LoadStats,
    pub parley: LoadStats,
    /// Metrics off and on, every run of each together.
    pub unmetered: LoadStats,
    pub metered: LoadStats,
    /// Throughput lost to metrics in each adjacent off/on pair, in percent of the off run.
    pub metrics_costs: Vec<f64>,
    pub wasm: Option<WasmSize>,
}

impl Report {
    fn ratio_percent(&self) -> f64 {
        100.0 * self.parley.requests_per_sec() / self.hello.requests_per_sec()
    }

    /// Throughput lost to metrics, in percent of the run without them (negative: noise): the
    /// median of the adjacent off/on pairs.
    fn metrics_cost_percent(&self) -> f64 {
        let mut costs = self.metrics_costs.clone();
        costs.sort_by(f64::total_cmp);
        match costs.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => costs[n / 2],
            n => (costs[n / 2 - 1] + costs[n / 2]) / 2.0,
        }
    }

    fn idle_rss_mb(&self) -> f64 {
        self.idle_rss as f64 / MB
    }

    pub fn print(&self) {
        self.print_setup();
        self.print_memory();
        self.print_load();
        self.print_wasm();
        println!();
        println!("JSON: {}", self.json());
    }

    fn print_setup(&self) {
        println!("Parley benchmark");
        println!(
            "  machine: {} cores; the load generator shares them with the server under test,",
            self.cores
        );
        println!("           so absolute numbers are lower than on a separate client machine");
        println!(
            "  load: {} keep-alive HTTP/1.1 connections, {} s warm-up + {} s measured per run",
            self.connections,
            self.warmup.as_secs(),
            self.duration.as_secs()
        );
        println!(
            "  rate limiting: Parley's per-IP limiter runs on every request but is set to {} req/s,",
            crate::server::RATE_LIMIT
        );
        println!("                 so it never refuses the benchmark");
    }

    fn print_memory(&self) {
        println!();
        println!("Memory (Parley, VmRSS)");
        let idle = self.idle_rss_mb();
        println!(
            "  idle                {idle:8.1} MB   target <= {IDLE_RSS_TARGET_MB} MB   {}",
            verdict(idle <= IDLE_RSS_TARGET_MB)
        );
        println!(
            "  after load          {:8.1} MB   (informational)",
            self.loaded_rss as f64 / MB
        );
    }

    fn print_load(&self) {
        println!();
        println!(
            "Throughput            {:>10} {:>9} {:>9} {:>9} {:>8}",
            "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        print_run("hello-world GET /", &self.hello);
        print_run("Parley GET /api/auth/me", &self.parley);
        let pairs = self.metrics_costs.len();
        print_run(&format!("  metrics off ({pairs} runs)"), &self.unmetered);
        print_run(&format!("  metrics on ({pairs} runs)"), &self.metered);
        let ratio = self.ratio_percent();
        let p99 = self.parley.p99_ms();
        println!(
            "  Parley / hello-world {ratio:7.1} %    target >= {RATIO_TARGET_PERCENT} %    {}",
            verdict(ratio >= RATIO_TARGET_PERCENT)
        );
        println!(
            "  Parley p99           {p99:7.2} ms   target <= {P99_TARGET_MS} ms   {}",
            verdict(p99 <= P99_TARGET_MS)
        );
        let cost = self.metrics_cost_percent();
        println!(
            "  metrics cost         {cost:7.1} %    target <= {METRICS_COST_TARGET_PERCENT} %     {}",
            verdict(cost <= METRICS_COST_TARGET_PERCENT)
        );
        let pairs: Vec<String> = self
            .metrics_costs
            .iter()
            .map(|c| format!("{c:.1} %"))
            .collect();
        println!(
            "    (median of {} adjacent off/on pairs: {})",
            pairs.len(),
            pairs.join(", ")
        );
    }

    fn print_wasm(&self) {
        println!();
        let Some(wasm) = &self.wasm else {
            println!("WASM bundle: not found, size not measured");
            println!(
                "  (build it with `cargo leptos build --release --split`, or pass --site-root)"
            );
            return;
        };
        let kb = |size: Size| (size.raw as f64 / KB, size.brotli as f64 / KB);
        println!(
            "WASM bundle ({}), raw and brotli (q11, w22)",
            wasm.path.display()
        );
        let (raw, brotli) = kb(wasm.main);
        println!("  main module                 {raw:8.1} KB {brotli:8.1} KB");
        for (group, size) in &wasm.groups {
            let (raw, brotli) = kb(*size);
            println!(
                "  first load of {:<14}{raw:8.1} KB {brotli:8.1} KB",
                short(group)
            );
        }
        let (raw, brotli) = kb(wasm.all);
        println!("  every file                  {raw:8.1} KB {brotli:8.1} KB");
        let (group, heaviest) = wasm.heaviest_first_load();
        let (_, brotli) = kb(heaviest);
        println!(
            "  heaviest first load ({}) {brotli:8.1} KB   target <= {WASM_BROTLI_TARGET_KB} KB  {}",
            short(&group),
            verdict(brotli <= WASM_BROTLI_TARGET_KB)
        );
    }

    fn json(&self) -> Value {
        let ratio = self.ratio_percent();
        let p99 = self.parley.p99_ms();
        let heaviest = self.wasm.as_ref().map(|w| w.heaviest_first_load().1);
        let wasm_brotli_kb = heaviest.map(|s| s.brotli as f64 / KB);
        json!({
            "cores": self.cores,
            "connections": self.connections,
            "warmup_secs": self.warmup.as_secs(),
            "duration_secs": self.duration.as_secs(),
            "idle_rss_mb": round(self.idle_rss_mb()),
            "loaded_rss_mb": round(self.loaded_rss as f64 / MB),
            "hello": run_json(&self.hello),
            "parley": run_json(&self.parley),
            "parley_metrics_off": run_json(&self.unmetered),
            "parley_metrics_on": run_json(&self.metered),
            "metrics_cost_percent": round(self.metrics_cost_percent()),
            "metrics_cost_pairs_percent": self.metrics_costs.iter().map(|c| round(*c)).collect::<Vec<_>>(),
            "ratio_percent": round(ratio),
            "wasm_raw_kb": heaviest.map(|s| round(s.raw as f64 / KB)),
            "wasm_main_brotli_kb": self.wasm.as_ref().map(|w| round(w.main.brotli as f64 / KB)),
            "wasm_all_brotli_kb": self.wasm.as_ref().map(|w| round(w.all.brotli as f64 / KB)),
            "wasm_brotli_kb": wasm_brotli_kb.map(round),
            "pass": {
                "idle_rss": self.idle_rss_mb() <= IDLE_RSS_TARGET_MB,
                "ratio": ratio >= RATIO_TARGET_PERCENT,
                "parley_p99": p99 <= P99_TARGET_MS,
                "metrics_cost": self.metrics_cost_percent() <= METRICS_COST_TARGET_PERCENT,
                "wasm_brotli": wasm_brotli_kb.map(|kb| kb <= WASM_BROTLI_TARGET_KB),
            },
        })
    }

    /// The targets are informational; only a run dominated by errors is a failure.
    pub fn check_errors(&self) -> Result<()> {
        let runs = [
            ("hello-world", &self.hello),
            ("Parley", &self.parley),
            ("Parley with metrics", &self.metered),
        ];
        for (name, stats) in runs {
            if stats.requests == 0 || stats.error_rate() > MAX_ERROR_RATE {
                bail!(
                    "{name}: {} of {} requests failed (more than {}%): the results are not valid",
                    stats.errors,
                    stats.requests,
                    MAX_ERROR_RATE * 100.0
                );
            }
        }
        Ok(())
    }
}

fn print_run(name: &str, stats: &LoadStats) {
    println!(
        "  {name:<24} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>8}",
        stats.requests_per_sec(),
        stats.p50_ms(),
        stats.p99_ms(),
        stats.max_ms(),
        stats.errors
    );
}

pub fn run_json(stats: &LoadStats) -> Value {
    json!({
        "requests": stats.requests,
        "errors": stats.errors,
        "requests_per_sec": round(stats.requests_per_sec()),
        "p50_ms": round(stats.p50_ms()),
        "p99_ms": round(stats.p99_ms()),
        "max_ms": round(stats.max_ms()),
    })
}

pub fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

/// Three decimals: enough for milliseconds and percentages, short enough to read.
pub fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A split's name without the hash the build appends (`inbox_page_1234…` → `inbox_page`).
fn short(split: &str) -> &str {
    match split.rsplit_once('_') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_digit()) => name,
        _ => split,
    }
}
