//! The two servers under test, each a child process killed when its guard is dropped.

use crate::http;
use anyhow::{bail, Context, Result};
use hyper::StatusCode;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const READY_TIMEOUT: Duration = Duration::from_secs(60);
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Effectively unlimited: the per-IP limiter still runs on every request (its cost is part of
/// the measurement) but never refuses the single-IP load generator.
pub const RATE_LIMIT: &str = "1000000000";

/// Kills the child on drop, so early returns and panics don't leave servers behind.
struct ChildGuard {
    name: &'static str,
    child: Child,
}

impl ChildGuard {
    fn spawn(name: &'static str, command: &mut Command) -> Result<ChildGuard> {
        // Server logs go to our stderr: stdout stays clean for the report and its JSON line.
        let child = command
            .stdin(Stdio::null())
            .stdout(std::io::stderr())
            .spawn()
            .with_context(|| format!("starting {name} ({command:?})"))?;
        Ok(ChildGuard { name, child })
    }

    /// Polls `GET path` until it answers 200, failing early if the process exits.
    async fn wait_ready(&mut self, addr: SocketAddr, path: &str) -> Result<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("{} exited during start-up: {status}", self.name);
            }
            if let Ok((StatusCode::OK, _)) = http::send(addr, http::get(addr, path, None)?).await {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} not ready on {addr}{path} after {READY_TIMEOUT:?}",
                    self.name
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // Errors mean it has already exited; nothing more to do either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release Parley server on a fresh SQLite database (or the PostgreSQL one it is given).
pub struct Parley {
    pub addr: SocketAddr,
    // Declared before the data dir: fields drop in order, so the server is killed before
    // its database files are deleted.
    child: ChildGuard,
    data_dir: TempDir,
}

impl Parley {
    pub async fn start(binary: &Path, site_root: &Path) -> Result<Parley> {
        Parley::start_on(binary, site_root, None).await
    }

    /// Like [`Parley::start`], on `database_url` when given (PostgreSQL); SQLite otherwise.
    pub async fn start_on(
        binary: &Path,
        site_root: &Path,
        database_url: Option<&str>,
    ) -> Result<Parley> {
        Parley::start_with(binary, site_root, database_url, &[]).await
    }

    /// Like [`Parley::start_on`], with extra environment variables (e.g.
    /// `PARLEY_TELEGRAM_API_BASE` pointing at a fake Telegram server).
    pub async fn start_with(
        binary: &Path,
        site_root: &Path,
        database_url: Option<&str>,
        env: &[(&str, String)],
    ) -> Result<Parley> {
        if !binary.is_file() {
            bail!(
                "{} not found: build it first with `cargo leptos build --release`",
                binary.display()
            );
        }
        let data_dir = tempfile::Builder::new()
            .prefix("parley-bench-")
            .tempdir()
            .context("creating a temporary data dir")?;
        let addr = free_addr()?;
        let mut command = Command::new(binary);
        command
            .env("PARLEY_ADDR", addr.to_string())
            .env("PARLEY_DATA_DIR", data_dir.path())
            .env("PARLEY_SITE_ROOT", site_root)
            .env("RUST_LOG", "warn")
            .env("PARLEY_RATE_LIMIT_PER_SECOND", RATE_LIMIT)
            .env("PARLEY_RATE_LIMIT_BURST", RATE_LIMIT)
            // Reproducible runs: no developer `parley.toml` and no PostgreSQL from the
            // environment; always the built-in defaults on SQLite.
            .env("PARLEY_CONFIG", data_dir.path().join("absent.toml"))
            .env_remove("DATABASE_URL")
            .env_remove("PARLEY_DATABASE_URL");
        if let Some(url) = database_url {
            command.env("PARLEY_DATABASE_URL", url);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = ChildGuard::spawn("parley", &mut command)?;
        child.wait_ready(addr, "/readyz").await?;
        Ok(Parley {
            addr,
            child,
            data_dir,
        })
    }

    /// Resident memory right now, in bytes.
    pub fn rss_bytes(&self) -> Result<u64> {
        rss_bytes(self.child.child.id())
    }

    pub fn pid(&self) -> u32 {
        self.child.child.id()
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// The SQLite database file this server uses (when it was not given PostgreSQL).
    pub fn sqlite_path(&self) -> std::path::PathBuf {
        self.data_dir.path().join("parley.db")
    }
}

/// A bench subcommand server: this binary re-executed as `parley-bench <args…>`, ready when
/// `GET ready_path` answers 200.
pub struct Helper {
    pub addr: SocketAddr,
    child: ChildGuard,
}

impl Helper {
    pub async fn start(name: &'static str, args: &[String], ready_path: &str) -> Result<Helper> {
        let addr = free_addr()?;
        let exe = std::env::current_exe().context("locating the bench binary")?;
        let mut command = Command::new(exe);
        command.args(args).arg(addr.port().to_string());
        let mut child = ChildGuard::spawn(name, &mut command)?;
        child.wait_ready(addr, ready_path).await?;
        Ok(Helper { addr, child })
    }

    pub fn pid(&self) -> u32 {
        self.child.child.id()
    }
}

/// The raw axum hello-world baseline: this binary re-executed as `parley-bench hello <port>`.
pub struct Hello {
    pub addr: SocketAddr,
    _child: ChildGuard,
}

impl Hello {
    pub async fn start() -> Result<Hello> {
        let addr = free_addr()?;
        let exe = std::env::current_exe().context("locating the bench binary")?;
        let mut command = Command::new(exe);
        command
            .arg(crate::hello::SUBCOMMAND)
            .arg(addr.port().to_string());
        let mut child = ChildGuard::spawn("hello-world", &mut command)?;
        child.wait_ready(addr, "/").await?;
        Ok(Hello {
            addr,
            _child: child,
        })
    }
}

/// A loopback port nobody listens on. The OS picks it; we release it for the child to bind,
/// which is racy in theory but fine on a dev machine.
fn free_addr() -> Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?)
}

/// `VmRSS` from `/proc/<pid>/status` (Linux only), in bytes.
fn rss_bytes(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .with_context(|| format!("no VmRSS line in {path}"))?;
    Ok(kib * 1024)
}
