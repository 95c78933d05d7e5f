//! The printed results of `inbox`: figures beside their same-run baselines, PASS/MISS per
//! target of the inbox issue, Parley's memory with the fan-out clients connected, and one
//! `JSON:` line.

use super::fanout::FanoutRuns;
use super::inbound::InboundStats;
use super::reads::Read;
use crate::board::fanout::FanoutStats;
use crate::board::report::Samples;
use crate::crm::args::Backend;
use crate::load::LoadStats;
use crate::report::{round, run_json, verdict, MAX_ERROR_RATE};
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::time::Duration;

const INBOUND_P99_TARGET_MS: f64 = 200.0;
const FANOUT_P99_TARGET_MS: f64 = 100.0;
const MB: f64 = 1024.0 * 1024.0;

pub struct InboxReport {
    pub backend: Backend,
    pub load_average: String,
    pub conversations: usize,
    pub messages: usize,
    pub unread_chats: usize,
    pub rare_hits: usize,
    pub seed_secs: f64,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub reads: Vec<Read>,
    /// The reads again at more connections, for information: (connections, reads).
    pub saturation: Option<(usize, Vec<Read>)>,
    pub inbound: InboundStats,
    pub fanout: FanoutRuns,
}

impl InboxReport {
    fn inbound_pass(&self) -> bool {
        let i = &self.inbound;
        i.delivered == i.injected && i.latency.p99_ms() <= INBOUND_P99_TARGET_MS
    }

    fn fanout_pass(&self) -> bool {
        let f = &self.fanout.parley;
        f.send_errors == 0
            && f.delivered == f.expected()
            && f.latency.p99_ms() <= FANOUT_P99_TARGET_MS
    }

    pub fn print(&self) {
        println!("Parley inbox benchmark ({})", self.backend.name());
        println!(
            "  data: {} conversations ({} with unread messages), {} messages, seeded in {:.1} s",
            self.conversations, self.unread_chats, self.messages, self.seed_secs
        );
        println!(
            "  machine: {} cores, shared by the load generator, the WebSocket clients, the fake \
             Telegram server and the servers; load average {} at the start",
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
        print_reads(self.connections, &self.reads);
        for r in &self.reads {
            let p99 = r.parley.p99_ms();
            println!(
                "  {:<24} p99 {p99:7.2} ms   target <= {} ms   {}",
                r.label,
                r.target_ms,
                verdict(p99 <= r.target_ms)
            );
        }
        println!(
            "  (rare word \"{}\": {} seeded messages contain it)",
            super::words::RARE_WORD,
            self.rare_hits
        );
        if let Some((connections, reads)) = &self.saturation {
            println!();
            println!(
                "At saturation, for information (no target): the {connections} connections queue for \
                 the 2 cores, raw baseline and Parley alike"
            );
            print_reads(*connections, reads);
        }
        println!();
        let i = &self.inbound;
        println!(
            "Inbound: {} messages injected at the fake Telegram server {} ms apart",
            i.injected,
            super::inbound::PACE.as_millis()
        );
        println!(
            "  {:<40} {:>9} {:>9} {:>9}  {:>15}",
            "latency, inject → /ws event", "p50 ms", "p99 ms", "max ms", "delivered"
        );
        println!(
            "  {:<40} {:>9.2} {:>9.2} {:>9.2}  {:>6} of {:<6}",
            "Parley getUpdates → store → /ws",
            i.latency.p50_ms(),
            i.latency.p99_ms(),
            i.latency.max_ms(),
            i.delivered,
            i.injected
        );
        println!(
            "  inbound p99              {:7.2} ms   target <= {INBOUND_P99_TARGET_MS} ms, all delivered  {}",
            i.latency.p99_ms(),
            verdict(self.inbound_pass())
        );
        println!();
        let f = &self.fanout;
        println!(
            "Fan-out: {} WebSocket clients, {} conversations marked read {} ms apart",
            f.parley.clients,
            f.parley.moves,
            crate::board::fanout::PACE.as_millis()
        );
        println!(
            "  {:<40} {:>9} {:>9} {:>9}  {:>17}",
            "latency, send → receive", "p50 ms", "p99 ms", "max ms", "delivered"
        );
        print_fanout("bare WebSocket broadcast", &f.bare);
        print_fanout("Parley POST …/read → /ws", &f.parley);
        println!(
            "  Parley read requests alone: p50 {:.2} ms, p99 {:.2} ms; {} failed; clients \
             connected in {:.1} s",
            f.parley.request.p50_ms(),
            f.parley.request.p99_ms(),
            f.parley.send_errors,
            f.parley.connect_secs
        );
        println!(
            "  fan-out p99              {:7.2} ms   target <= {FANOUT_P99_TARGET_MS} ms, all delivered  {}",
            f.parley.latency.p99_ms(),
            verdict(self.fanout_pass())
        );
        println!(
            "  Parley VmRSS             {:7.1} MB with {} clients connected ({:.1} MB before they connected)",
            f.rss_connected as f64 / MB,
            f.parley.clients,
            f.rss_before as f64 / MB
        );
        println!();
        println!("JSON: {}", self.json());
    }

    fn json(&self) -> Value {
        let saturation = self.saturation.as_ref().map(|(connections, reads)| {
            json!({ "connections": connections, "reads": reads_json(reads) })
        });
        let read_pass = |i: usize| self.reads.get(i).map(|r| r.parley.p99_ms() <= r.target_ms);
        let search_pass = read_pass(2).zip(read_pass(3)).map(|(a, b)| a && b);
        let i = &self.inbound;
        let f = &self.fanout;
        json!({
            "mode": "inbox",
            "backend": self.backend.name(),
            "load_average": self.load_average,
            "conversations": self.conversations,
            "messages": self.messages,
            "unread_conversations": self.unread_chats,
            "rare_word_messages": self.rare_hits,
            "seed_secs": round(self.seed_secs),
            "connections": self.connections,
            "warmup_secs": self.warmup.as_secs(),
            "duration_secs": self.duration.as_secs(),
            "reads": reads_json(&self.reads),
            "saturation": saturation,
            "inbound": {
                "injected": i.injected,
                "delivered": i.delivered,
                "pace_ms": super::inbound::PACE.as_millis() as u64,
                "latency": samples_json(&i.latency),
            },
            "bare_fanout": fanout_json(&f.bare),
            "parley_fanout": fanout_json(&f.parley),
            "rss_before_clients_mb": round(f.rss_before as f64 / MB),
            "rss_clients_connected_mb": round(f.rss_connected as f64 / MB),
            "pass": {
                "chat_list_p99": read_pass(0),
                "open_conversation_p99": read_pass(1),
                "search_p99": search_pass,
                "inbound_p99": self.inbound_pass(),
                "fanout_p99": self.fanout_pass(),
            },
        })
    }

    /// The targets are informational; only a run dominated by errors is a failure.
    pub fn check_errors(&self) -> Result<()> {
        let saturated = self.saturation.iter().flat_map(|(_, reads)| reads);
        for r in self.reads.iter().chain(saturated) {
            for (side, stats) in [("raw", &r.raw), ("Parley", &r.parley)] {
                if stats.requests == 0 || stats.error_rate() > MAX_ERROR_RATE {
                    bail!(
                        "{side} {}: {} of {} requests failed (more than {}%): the results are not valid",
                        r.label,
                        stats.errors,
                        stats.requests,
                        MAX_ERROR_RATE * 100.0
                    );
                }
            }
        }
        for (name, f) in [
            ("bare fan-out", &self.fanout.bare),
            ("Parley fan-out", &self.fanout.parley),
        ] {
            if f.send_errors > 0 {
                bail!("{name}: {} of {} events failed", f.send_errors, f.moves);
            }
        }
        Ok(())
    }
}

fn print_reads(connections: usize, reads: &[Read]) {
    println!(
        "Reads, {connections} connections             {:>8} {:>9} {:>9} {:>9} {:>8}",
        "req/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    for r in reads {
        print_run(&format!("raw    {}", r.label), &r.raw);
        print_run(&format!("Parley {}", r.label), &r.parley);
    }
}

fn reads_json(reads: &[Read]) -> Vec<Value> {
    reads
        .iter()
        .map(|r| {
            json!({
                "read": r.label,
                "target_p99_ms": r.target_ms,
                "raw": run_json(&r.raw),
                "parley": run_json(&r.parley),
            })
        })
        .collect()
}

fn print_run(name: &str, stats: &LoadStats) {
    println!(
        "  {name:<33} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>8}",
        stats.requests_per_sec(),
        stats.p50_ms(),
        stats.p99_ms(),
        stats.max_ms(),
        stats.errors
    );
}

fn print_fanout(name: &str, f: &FanoutStats) {
    println!(
        "  {name:<40} {:>9.2} {:>9.2} {:>9.2}  {:>7} of {:<7}",
        f.latency.p50_ms(),
        f.latency.p99_ms(),
        f.latency.max_ms(),
        f.delivered,
        f.expected()
    );
}

fn samples_json(s: &Samples) -> Value {
    json!({
        "samples": s.len(),
        "p50_ms": round(s.p50_ms()),
        "p99_ms": round(s.p99_ms()),
        "max_ms": round(s.max_ms()),
    })
}

fn fanout_json(f: &FanoutStats) -> Value {
    json!({
        "clients": f.clients,
        "events": f.moves,
        "sent": f.sent,
        "send_errors": f.send_errors,
        "expected": f.expected(),
        "delivered": f.delivered,
        "connect_secs": round(f.connect_secs),
        "latency": samples_json(&f.latency),
        "request": samples_json(&f.request),
    })
}
