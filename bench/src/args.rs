//! Command-line options (hand-rolled: four flags don't justify a parser dependency).

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "\
usage: parley-bench [--duration SECS] [--connections N] [--server PATH] [--site-root PATH]

  --duration SECS    measured seconds per run, after a 2 s warm-up (default 10)
  --connections N    concurrent keep-alive connections (default 64)
  --server PATH      the release Parley binary (default target/release/parley)
  --site-root PATH   the built site with pkg/parley.wasm (default target/site)";

#[derive(Debug)]
pub struct Args {
    pub duration: Duration,
    pub connections: usize,
    pub server: PathBuf,
    pub site_root: PathBuf,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            duration: Duration::from_secs(10),
            connections: 64,
            server: PathBuf::from("target/release/parley"),
            site_root: PathBuf::from("target/site"),
        }
    }
}

impl Args {
    /// `None` when `--help` was asked for (the usage is printed).
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Option<Args>> {
        let mut args = Args::default();
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
                "--duration" => {
                    let secs: u64 = number(&flag, &value)?;
                    args.duration = Duration::from_secs(secs);
                }
                "--connections" => args.connections = number(&flag, &value)?,
                "--server" => args.server = value.into(),
                "--site-root" => args.site_root = value.into(),
                _ => bail!("unknown option {flag}\n\n{USAGE}"),
            }
        }
        if args.duration.is_zero() || args.connections == 0 {
            bail!("--duration and --connections must be at least 1");
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
