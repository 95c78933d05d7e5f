//! Options of `parley-bench board`.

use crate::crm::args::Backend;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "\
usage: parley-bench board [--backend sqlite|postgres] [--deals N] [--connections N]
                          [--clients N] [--moves N] [--renders N] [--duration SECS]
                          [--pg-url URL] [--server PATH]

  --backend B        the database under test (default sqlite)
  --deals N          deals seeded into the default pipeline (default 10000)
  --connections N    connections for the point reads and the stage moves (default 32)
  --clients N        WebSocket clients of the fan-out runs (default 200)
  --moves N          stage moves of each fan-out run, 20 ms apart (default 200)
  --renders N        measured GET /board requests, after 5 warm-up ones (default 50)
  --duration SECS    measured seconds per load run, after a 2 s warm-up (default 10)
  --pg-url URL       PostgreSQL admin connection; a throwaway database is created
                     next to it and dropped afterwards
                     (default postgres://postgres@127.0.0.1:5432/postgres)
  --server PATH      the release Parley binary (default target/release/parley)";

#[derive(Debug)]
pub struct BoardArgs {
    pub backend: Backend,
    pub deals: usize,
    pub connections: usize,
    pub clients: usize,
    pub moves: usize,
    pub renders: usize,
    pub duration: Duration,
    pub pg_url: String,
    pub server: PathBuf,
}

impl Default for BoardArgs {
    fn default() -> BoardArgs {
        BoardArgs {
            backend: Backend::Sqlite,
            deals: 10_000,
            connections: 32,
            clients: 200,
            moves: 200,
            renders: 50,
            duration: Duration::from_secs(10),
            pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
            server: PathBuf::from("target/release/parley"),
        }
    }
}

impl BoardArgs {
    /// `None` when `--help` was asked for (the usage is printed).
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Option<BoardArgs>> {
        let mut args = BoardArgs::default();
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
                "--deals" => args.deals = number(&flag, &value)?,
                "--connections" => args.connections = number(&flag, &value)?,
                "--clients" => args.clients = number(&flag, &value)?,
                "--moves" => args.moves = number(&flag, &value)?,
                "--renders" => args.renders = number(&flag, &value)?,
                "--duration" => args.duration = Duration::from_secs(number(&flag, &value)?),
                "--pg-url" => args.pg_url = value,
                "--server" => args.server = value.into(),
                _ => bail!("unknown option {flag}\n\n{USAGE}"),
            }
        }
        if args.duration.is_zero()
            || args.deals == 0
            || args.connections == 0
            || args.clients == 0
            || args.moves == 0
            || args.renders == 0
        {
            bail!("--duration, --deals, --connections, --clients, --moves and --renders must be at least 1");
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
