//! `fake-telegram [--addr 127.0.0.1:PORT]`: runs the fake Bot API server until SIGTERM or
//! Ctrl-C. `FAKE_TELEGRAM_BOTS="token=username,token2=username2"` pre-registers bots.

use std::net::SocketAddr;

use anyhow::{bail, Context};
use fake_telegram::{FakeTelegram, NewBot};

const DEFAULT_ADDR: &str = "127.0.0.1:8081";
const USAGE: &str = "usage: fake-telegram [--addr 127.0.0.1:PORT]";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let addr = parse_addr(std::env::args().skip(1))?;
    let server = FakeTelegram::start(addr).await?;
    if let Ok(bots) = std::env::var("FAKE_TELEGRAM_BOTS") {
        for bot in parse_bots(&bots)? {
            server
                .add_bot(bot)
                .context("registering a bot from FAKE_TELEGRAM_BOTS")?;
        }
    }
    println!("listening on {}", server.base_url());
    stopped().await;
    server.shutdown().await;
    Ok(())
}

fn parse_addr(mut args: impl Iterator<Item = String>) -> anyhow::Result<SocketAddr> {
    let mut addr = DEFAULT_ADDR.to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().context(USAGE)?,
            other if other.starts_with("--addr=") => addr = other["--addr=".len()..].to_owned(),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    addr.parse()
        .with_context(|| format!("{addr:?} is not an address like 127.0.0.1:8081"))
}

fn parse_bots(spec: &str) -> anyhow::Result<Vec<NewBot>> {
    spec.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (token, username) = entry.rsplit_once('=').with_context(|| {
                format!("FAKE_TELEGRAM_BOTS entry {entry:?} is not token=username")
            })?;
            Ok(NewBot::new(token.trim(), username.trim()))
        })
        .collect()
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
