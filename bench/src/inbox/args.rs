//! Options of `parley-bench inbox`.

use crate::crm::args::Backend;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "\
usage: parley-bench inbox [--backend sqlite|postgres] [--conversations N] [--messages N]
                          [--connections N] [--saturation N] [--inbound N] [--clients N] [--events N]
                          [--duration SECS] [--pg-url URL] [--server PATH]

  --backend B          the database under test (default sqlite)
  --conversations N    conversations seeded for the connected bot (default 5000)
  --messages N         messages seeded over them (default 1000000)
  --connections N      connections of the read load runs the targets are judged at (default 8:
                       a busy team's reads in flight at once)
  --saturation N       then the reads again at N connections, printed for information (default
                       32; 0 skips): on 2 cores shared with the load generator this measures the
                       queue in front of the saturated machine, raw baseline and Parley alike
  --inbound N          messages injected at the fake Telegram server, 20 ms apart (default 200)
  --clients N          WebSocket clients of the fan-out runs (default 1000)
  --events N           conversations marked read in each fan-out run, 20 ms apart; at most
                       the conversations with unread messages (default 200)
  --duration SECS      measured seconds per load run, after a 2 s warm-up (default 10)
  --pg-url URL         PostgreSQL admin connection; a throwaway database is created
                       next to it and dropped afterwards
                       (default postgres://postgres@127.0.0.1:5432/postgres)
  --server PATH        the release Parley binary (default target/release/parley)";

#[derive(Debug)]
pub struct InboxArgs {
    pub backend: Backend,
    pub conversations: usize,
    pub messages: usize,
    pub connections: usize,
    pub saturation: usize,
    pub inbound: usize,
    pub clients: usize,
    pub events: usize,
    pub duration: Duration,
    pub pg_url: String,
    pub server: PathBuf,
}

impl Default for InboxArgs {
    fn default() -> InboxArgs {
        InboxArgs {
            backend: Backend::Sqlite,
            conversations: 5_000,
            messages: 1_000_000,
            connections: 8,
            saturation: 32,
            inbound: 200,
            clients: 1_000,
            events: 200,
            duration: Duration::from_secs(10),
            pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
            server: PathBuf::from("target/release/parley"),
        }
    }
}

impl InboxArgs {
    /// `None` when `--help` was asked for (the usage is printed).
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Option<InboxArgs>> {
        let mut args = InboxArgs::default();
        let mut argv = argv.into_iter();
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
                        _ => bail!("--backend is sqlite or postgres, got {value:?}"),
                    }
                }
                "--conversations" => args.conversations = number(&flag, &value)?,
                "--messages" => args.messages = number(&flag, &value)?,
                "--connections" => args.connections = number(&flag, &value)?,
                "--saturation" => args.saturation = number(&flag, &value)?,
                "--inbound" => args.inbound = number(&flag, &value)?,
                "--clients" => args.clients = number(&flag, &value)?,
                "--events" => args.events = number(&flag, &value)?,
                "--duration" => args.duration = Duration::from_secs(number(&flag, &value)?),
                "--pg-url" => args.pg_url = value,
                "--server" => args.server = value.into(),
                _ => bail!("unknown option {flag}\n\n{USAGE}"),
            }
        }
        let counts = [
            args.conversations,
            args.connections,
            args.inbound,
            args.clients,
            args.events,
        ];
        if args.duration.is_zero() || counts.contains(&0) {
            bail!("--duration, --conversations, --connections, --inbound, --clients and --events must be at least 1");
        }
        if args.messages < args.conversations {
            bail!("--messages must be at least --conversations (every conversation has a message)");
        }
        Ok(Some(args))
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T> {
    value
        .parse()
        .ok()
        .with_context(|| format!("{flag} expects a whole number, got {value:?}"))
}
