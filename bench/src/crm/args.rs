//! Options of `parley-bench crm`.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "\
usage: parley-bench crm [--backend sqlite|postgres] [--contacts N] [--duration SECS]
                        [--connections N] [--search-connections N] [--import-rows N]
                        [--pg-url URL] [--server PATH]

  --backend B              the database under test (default sqlite)
  --contacts N             contacts seeded into the workspace (default 100000)
  --duration SECS          measured seconds per run, after a 2 s warm-up (default 10)
  --connections N          connections for the point reads (default 64)
  --search-connections N   connections for the search page (default 8)
  --import-rows N          rows of the timed CSV import; 0 skips it (default 10000)
  --pg-url URL             PostgreSQL admin connection; a throwaway database is created
                           next to it and dropped afterwards
                           (default postgres://postgres@127.0.0.1:5432/postgres)
  --server PATH            the release Parley binary (default target/release/parley)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug)]
pub struct CrmArgs {
    pub backend: Backend,
    pub contacts: usize,
    pub duration: Duration,
    pub connections: usize,
    pub search_connections: usize,
    pub import_rows: usize,
    pub pg_url: String,
    pub server: PathBuf,
}

impl Default for CrmArgs {
    fn default() -> CrmArgs {
        CrmArgs {
            backend: Backend::Sqlite,
            contacts: 100_000,
            duration: Duration::from_secs(10),
            connections: 64,
            search_connections: 8,
            import_rows: 10_000,
            pg_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
            server: PathBuf::from("target/release/parley"),
        }
    }
}

impl CrmArgs {
    /// `None` when `--help` was asked for (the usage is printed).
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Option<CrmArgs>> {
        let mut args = CrmArgs::default();
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
                "--contacts" => args.contacts = number(&flag, &value)?,
                "--duration" => args.duration = Duration::from_secs(number(&flag, &value)?),
                "--connections" => args.connections = number(&flag, &value)?,
                "--search-connections" => args.search_connections = number(&flag, &value)?,
                "--import-rows" => args.import_rows = number(&flag, &value)?,
                "--pg-url" => args.pg_url = value,
                "--server" => args.server = value.into(),
                _ => bail!("unknown option {flag}\n\n{USAGE}"),
            }
        }
        if args.duration.is_zero()
            || args.connections == 0
            || args.search_connections == 0
            || args.contacts == 0
        {
            bail!("--duration, --contacts and the connection counts must be at least 1");
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
