//! The printed results of `board`: figures beside their same-run baselines, PASS/MISS per
//! target of issue 4, and one `JSON:` line.

use super::fanout::FanoutStats;
use crate::crm::args::Backend;
use crate::load::LoadStats;
use crate::report::{round, run_json, verdict, MAX_ERROR_RATE};
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::time::Duration;

const RENDER_TARGET_MS: f64 = 100.0;
const MOVE_P99_TARGET_MS: f64 = 15.0;
const FANOUT_P99_TARGET_MS: f64 = 100.0;

/// Every latency of a run, sorted: exact percentiles (nearest rank) for small sample counts.
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn new(mut samples: Vec<Duration>) -> Samples {
        samples.sort_unstable();
        Samples(samples)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The nearest-rank quantile in milliseconds; NaN without samples.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        self.0[rank - 1].as_secs_f64() * 1000.0
    }

    pub fn p50_ms(&self) -> f64 {
        self.quantile_ms(0.50)
    }

    pub fn p99_ms(&self) -> f64 {
        self.quantile_ms(0.99)
    }

    pub fn max_ms(&self) -> f64 {
        self.quantile_ms(1.0)
    }

    fn json(&self) -> Value {
        json!({
            "samples": self.len(),
            "p50_ms": round(self.p50_ms()),
            "p99_ms": round(self.p99_ms()),
            "max_ms": round(self.max_ms()),
        })
    }
}

pub struct Render {
    pub warmup: usize,
    pub samples: Samples,
    /// Size of the last page.
    pub bytes: usize,
}

pub struct BoardReport {
    pub backend: Backend,
    /// The 1-minute load average when the run started.
    pub load_average: String,
    pub deals: usize,
    pub stages: usize,
    pub seed_secs: f64,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub render: Render,
    pub raw_read: LoadStats,
    pub parley_read: LoadStats,
    pub moves: LoadStats,
    /// Stage-history rows written during the move run, warm-up included.
    pub real_moves: i64,
    pub bare_fanout: FanoutStats,
    pub parley_fanout: FanoutStats,
}

impl BoardReport {
    fn fanout_pass(&self) -> bool {
        let f = &self.parley_fanout;
        f.send_errors == 0
            && f.delivered == f.expected()
            && f.latency.p99_ms() <= FANOUT_P99_TARGET_MS
    }

    pub fn print(&self) {
        println!("Parley board benchmark ({})", self.backend.name());
        println!(
            "  data: {} deals over the {} stages of the default pipeline, seeded in {:.1} s",
            self.deals, self.stages, self.seed_secs
        );
        println!(
            "  machine: {} cores, shared by the load generator, the WebSocket clients and the \
             servers; load average {} at the start",
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            self.load_average
        );
        println!(
            "  load runs: {} keep-alive HTTP/1.1 connections, {} s warm-up + {} s measured",
            self.connections,
            self.warmup.as_secs(),
            self.duration.as_secs()
        );
        println!();
        let r = &self.render;
        println!(
            "Board page GET /board, one request at a time  {:>9} {:>9} {:>9}",
            "p50 ms", "p99 ms", "max ms"
        );
        let label = format!(
            "{} requests after {} warm-up, {:.0} KB",
            r.samples.len(),
            r.warmup,
            r.bytes as f64 / 1024.0
        );
        println!(
            "  {label:<44} {:>9.2} {:>9.2} {:>9.2}",
            r.samples.p50_ms(),
            r.samples.p99_ms(),
            r.samples.max_ms()
        );
        let p99 = r.samples.p99_ms();
        println!(
            "  render p99               {p99:7.2} ms   target <= {RENDER_TARGET_MS} ms  {}",
            verdict(p99 <= RENDER_TARGET_MS)
        );
        println!();
        println!(
            "Point reads, {} connections         {:>8} {:>9} {:>9} {:>9} {:>8}",
            self.connections, "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        print_run("raw axum+sqlx GET /deals/{id}", &self.raw_read);
        print_run("Parley GET /api/crm/deals/{id}", &self.parley_read);
        println!(
            "  Parley / raw             {:7.1} %    (baseline, informational)",
            self.read_ratio_percent()
        );
        println!();
        println!(
            "Stage moves, {} connections         {:>8} {:>9} {:>9} {:>9} {:>8}",
            self.connections, "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        print_run("Parley PATCH …/deals/{id}/stage", &self.moves);
        println!(
            "  real moves written       {:>7} (stage-history rows, warm-up included)",
            self.real_moves
        );
        let p99 = self.moves.p99_ms();
        println!(
            "  move p99                 {p99:7.2} ms   target <= {MOVE_P99_TARGET_MS} ms   {}",
            verdict(p99 <= MOVE_P99_TARGET_MS)
        );
        println!();
        let f = &self.parley_fanout;
        println!(
            "Fan-out: {} WebSocket clients, {} moves {} ms apart",
            f.clients,
            f.moves,
            super::fanout::PACE.as_millis()
        );
        println!(
            "  {:<44} {:>9} {:>9} {:>9}  {:>17}",
            "latency, send → receive", "p50 ms", "p99 ms", "max ms", "delivered"
        );
        print_fanout("bare WebSocket broadcast", &self.bare_fanout);
        print_fanout("Parley PATCH → /ws", f);
        println!(
            "  Parley move requests alone: p50 {:.2} ms, p99 {:.2} ms; {} failed",
            f.request.p50_ms(),
            f.request.p99_ms(),
            f.send_errors
        );
        println!(
            "  fan-out p99              {:7.2} ms   target <= {FANOUT_P99_TARGET_MS} ms, all delivered  {}",
            f.latency.p99_ms(),
            verdict(self.fanout_pass())
        );
        println!();
        println!("JSON: {}", self.json());
    }

    fn read_ratio_percent(&self) -> f64 {
        100.0 * self.parley_read.requests_per_sec() / self.raw_read.requests_per_sec()
    }

    fn json(&self) -> Value {
        let r = &self.render;
        json!({
            "mode": "board",
            "backend": self.backend.name(),
            "load_average": self.load_average,
            "deals": self.deals,
            "stages": self.stages,
            "seed_secs": round(self.seed_secs),
            "connections": self.connections,
            "warmup_secs": self.warmup.as_secs(),
            "duration_secs": self.duration.as_secs(),
            "render": { "warmup": r.warmup, "bytes": r.bytes, "latency": r.samples.json() },
            "raw_read": run_json(&self.raw_read),
            "parley_read": run_json(&self.parley_read),
            "read_ratio_percent": round(self.read_ratio_percent()),
            "moves": run_json(&self.moves),
            "real_moves": self.real_moves,
            "bare_fanout": fanout_json(&self.bare_fanout),
            "parley_fanout": fanout_json(&self.parley_fanout),
            "pass": {
                "render_p99": r.samples.p99_ms() <= RENDER_TARGET_MS,
                "move_p99": self.moves.p99_ms() <= MOVE_P99_TARGET_MS,
                "fanout_p99": self.fanout_pass(),
            },
        })
    }

    /// The targets are informational; only a run dominated by errors is a failure.
    pub fn check_errors(&self) -> Result<()> {
        for (name, stats) in [
            ("raw read", &self.raw_read),
            ("Parley read", &self.parley_read),
            ("stage moves", &self.moves),
        ] {
            if stats.requests == 0 || stats.error_rate() > MAX_ERROR_RATE {
                bail!(
                    "{name}: {} of {} requests failed (more than {}%): the results are not valid",
                    stats.errors,
                    stats.requests,
                    MAX_ERROR_RATE * 100.0
                );
            }
        }
        for (name, f) in [
            ("bare fan-out", &self.bare_fanout),
            ("Parley fan-out", &self.parley_fanout),
        ] {
            if f.send_errors > 0 {
                bail!("{name}: {} of {} moves failed", f.send_errors, f.moves);
            }
        }
        Ok(())
    }
}

fn print_run(name: &str, stats: &LoadStats) {
    println!(
        "  {name:<34} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>8}",
        stats.requests_per_sec(),
        stats.p50_ms(),
        stats.p99_ms(),
        stats.max_ms(),
        stats.errors
    );
}

fn print_fanout(name: &str, f: &FanoutStats) {
    println!(
        "  {name:<44} {:>9.2} {:>9.2} {:>9.2}  {:>7} of {:<6}",
        f.latency.p50_ms(),
        f.latency.p99_ms(),
        f.latency.max_ms(),
        f.delivered,
        f.expected()
    );
}

fn fanout_json(f: &FanoutStats) -> Value {
    json!({
        "clients": f.clients,
        "moves": f.moves,
        "pace_ms": super::fanout::PACE.as_millis() as u64,
        "sent": f.sent,
        "send_errors": f.send_errors,
        "expected": f.expected(),
        "delivered": f.delivered,
        "connect_secs": round(f.connect_secs),
        "latency": f.latency.json(),
        "request": f.request.json(),
    })
}
