//! What every database-backed mode starts from: a fresh database (a temporary SQLite file, or
//! a throwaway PostgreSQL database dropped afterwards), Parley on it, and a signed-up owner.

use crate::crm::args::Backend;
use crate::crm::database::Throwaway;
use crate::http;
use crate::server::Parley;
use anyhow::{Context, Result};
use std::path::Path;

pub struct Fresh {
    /// First, so that destructured it is dropped last, after Parley has stopped.
    pub database: Option<Throwaway>,
    pub parley: Parley,
    /// The database as a plain sqlx URL (for seeding and the raw baselines).
    pub db_url: String,
    /// The owner's bearer token.
    pub token: String,
    pub workspace_id: i64,
    pub user_id: i64,
}

impl Fresh {
    /// Starts `server` on a fresh `backend` database (next to `pg_url` for PostgreSQL), with
    /// extra environment variables `env`, and signs up.
    pub async fn start(
        server: &Path,
        backend: Backend,
        pg_url: &str,
        env: &[(&str, String)],
    ) -> Result<Fresh> {
        let database = match backend {
            Backend::Postgres => Some(Throwaway::create(pg_url).await?),
            Backend::Sqlite => None,
        };
        eprintln!("starting {} on {} …", server.display(), backend.name());
        let parley = Parley::start_with(
            server,
            Path::new("target/site"),
            database.as_ref().map(|d| d.url.as_str()),
            env,
        )
        .await?;
        eprintln!("parley pid {}", parley.pid());
        let db_url = match &database {
            Some(d) => d.url.clone(),
            None => format!("sqlite://{}?mode=rw", parley.sqlite_path().display()),
        };
        let answer = http::sign_up_answer(parley.addr).await?;
        let token = answer["accessToken"]
            .as_str()
            .context("no token")?
            .to_string();
        let workspace_id = answer["workspace"]["id"]
            .as_i64()
            .context("no workspace id")?;
        let user_id = answer["user"]["id"].as_i64().context("no user id")?;
        Ok(Fresh {
            database,
            parley,
            db_url,
            token,
            workspace_id,
            user_id,
        })
    }
}

/// The machine's 1-minute load average: other work skews every number, so reports show it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
