//! Layered configuration: defaults, then an optional TOML file, then `PARLEY_*` variables.
//!
//! The file is `parley.toml` in the working directory, or the path in `PARLEY_CONFIG`.
//! `DATABASE_URL` is honoured as well as `PARLEY_DATABASE_URL`. Secrets are `SecretString`s,
//! so printing the settings never shows them.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Listen address (`PARLEY_ADDR`).
    pub addr: SocketAddr,
    /// Where the SQLite file and other local data live (`PARLEY_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://…` switches to PostgreSQL; unset means SQLite under `data_dir`.
    pub database_url: Option<SecretString>,
    /// Where the built site (`pkg/`, assets) is served from (`PARLEY_SITE_ROOT`).
    pub site_root: PathBuf,
    /// `json` for one JSON object per log line, `text` for humans.
    pub log_format: LogFormat,
    /// Set when the server is reached over HTTPS (directly or behind a proxy): marks cookies
    /// `Secure` and sends HSTS.
    pub tls: bool,
    /// Origins allowed to call the API cross-origin (CORS); empty means none.
    pub cors_origins: Vec<String>,
    /// Requests per second each client IP may make, and the burst above that.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    /// Sign-in attempts allowed per minute per account and per IP.
    pub signin_per_minute_per_account: u32,
    pub signin_per_minute_per_ip: u32,
    /// A session ends after this long without use, and after `session_absolute_hours` anyway.
    pub session_idle_minutes: u64,
    pub session_absolute_hours: u64,
    /// The largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// The memory list pages may take in the list cache, in MiB (0: no cache, every list is
    /// read from the database).
    pub list_cache_mb: u64,
    /// Whether to trust `X-Forwarded-For` for the client IP (only behind a proxy you run).
    pub trust_proxy: bool,
    /// 32 bytes, base64: the key that seals bot tokens and sessions at rest. Absent: a key
    /// generated into the data directory (set it when instances share a database).
    pub secret_key: Option<SecretString>,
    /// The Telegram Bot API (`PARLEY_TELEGRAM_API_BASE`); tests point it at a fake server.
    pub telegram_api_base: String,
    /// Where media files are kept (content-addressed). Absent: `<data_dir>/media`.
    pub media_dir: Option<PathBuf>,
    /// The address the world reaches this server at (`https://crm.example.com`). When set,
    /// bots receive by webhook there; otherwise by long polling.
    pub public_url: Option<String>,
    /// The address links in emails point at (`https://crm.example.com`); absent: `public_url`,
    /// else `http://<addr>`.
    pub app_url: Option<String>,
    /// Outgoing mail. Without `smtp_host`, mail is written to `<data_dir>/outbox` instead and
    /// listed to admins in the app.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `starttls` (upgrade a plain connection, port 587), `tls` (TLS from the start, port 465)
    /// or `none` (plain text: only for a relay on the same machine or tests).
    pub smtp_tls: SmtpTls,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<SecretString>,
    /// The sender of every email.
    pub mail_from: String,
    /// What Telegram user accounts talk to: `grammers` (Telegram itself, over MTProto) or
    /// `simulated` (an in-process Telegram for tests and demos, driven through
    /// `/api/simulated-telegram`; never for real accounts).
    pub telegram_user_backend: TelegramUserBackend,
    /// Messages imported from each picked chat's history.
    pub telegram_history_limit: u32,
    /// The pause between two history requests, respecting Telegram's limits.
    pub telegram_history_pause_ms: u64,
    /// Prometheus metrics on a listener of their own (`PARLEY_METRICS_ADDR`, e.g.
    /// `127.0.0.1:9464`): only `/metrics` is served there, without a token.
    pub metrics_addr: Option<SocketAddr>,
    /// Prometheus metrics at `/metrics` on the main address, for a scraper sending
    /// `Authorization: Bearer <token>` (`PARLEY_METRICS_TOKEN`). Without either setting,
    /// metrics are neither recorded nor served.
    pub metrics_token: Option<SecretString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TelegramUserBackend {
    Grammers,
    Simulated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Serialize)]
struct Defaults {
    addr: &'static str,
    data_dir: &'static str,
    site_root: &'static str,
    log_format: LogFormat,
    tls: bool,
    cors_origins: Vec<String>,
    rate_limit_per_second: u32,
    rate_limit_burst: u32,
    signin_per_minute_per_account: u32,
    signin_per_minute_per_ip: u32,
    session_idle_minutes: u64,
    session_absolute_hours: u64,
    body_limit_bytes: usize,
    list_cache_mb: u64,
    trust_proxy: bool,
    telegram_api_base: &'static str,
    smtp_port: u16,
    smtp_tls: SmtpTls,
    mail_from: &'static str,
    telegram_user_backend: TelegramUserBackend,
    telegram_history_limit: u32,
    telegram_history_pause_ms: u64,
}

const DEFAULTS: Defaults = Defaults {
    addr: "127.0.0.1:3000",
    data_dir: "./data",
    site_root: "target/site",
    log_format: LogFormat::Text,
    tls: false,
    cors_origins: Vec::new(),
    rate_limit_per_second: 50,
    rate_limit_burst: 200,
    signin_per_minute_per_account: 10,
    signin_per_minute_per_ip: 30,
    session_idle_minutes: 60 * 24 * 7,
    session_absolute_hours: 24 * 30,
    body_limit_bytes: 1024 * 1024,
    list_cache_mb: 64,
    trust_proxy: false,
    telegram_api_base: "https://api.telegram.org",
    smtp_port: 587,
    smtp_tls: SmtpTls::Starttls,
    mail_from: "Parley <parley@localhost>",
    telegram_user_backend: TelegramUserBackend::Grammers,
    telegram_history_limit: 100,
    telegram_history_pause_ms: 1500,
};

impl Settings {
    /// Reads the layers in order; later layers win.
    pub fn load() -> Result<Settings, Box<figment::Error>> {
        let file = std::env::var("PARLEY_CONFIG").unwrap_or_else(|_| "parley.toml".into());
        let mut figment = Figment::from(Serialized::defaults(DEFAULTS))
            .merge(Toml::file(file))
            .merge(Env::prefixed("PARLEY_").ignore(&["config"]));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.is_empty() {
                figment = figment.merge(Serialized::default("database_url", url));
            }
        }
        Ok(figment.extract()?)
    }

    /// Settings for tests and tools: the defaults with the given data directory.
    pub fn for_data_dir(data_dir: PathBuf) -> Result<Settings, Box<figment::Error>> {
        Figment::from(Serialized::defaults(DEFAULTS))
            .merge(Serialized::default("data_dir", data_dir))
            .extract()
            .map_err(Box::new)
    }

    /// The database URL in use: the configured one, or the SQLite file under `data_dir`.
    pub fn database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("parley.db");
                SecretString::from(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }

    pub fn media_dir(&self) -> PathBuf {
        self.media_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// Where links in emails point: `app_url`, else `public_url`, else this server's address.
    pub fn app_url(&self) -> String {
        let url = self
            .app_url
            .clone()
            .or_else(|| self.public_url.clone())
            .unwrap_or_else(|| format!("http://{}", self.addr));
        url.trim_end_matches('/').to_string()
    }

    /// Whether metrics are recorded (some way to read them is configured).
    pub fn metrics_enabled(&self) -> bool {
        self.metrics_addr.is_some() || self.metrics_token.is_some()
    }

    pub fn uses_postgres(&self) -> bool {
        let url = self.database_url();
        let url = url.expose_secret();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let mut s = Settings::for_data_dir("/tmp/x".into()).unwrap();
        s.database_url = Some(SecretString::from(
            "postgres://u:hunter2@db/parley".to_string(),
        ));
        let printed = format!("{s:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn sqlite_is_the_default_database() {
        let s = Settings::for_data_dir("/tmp/parley-x".into()).unwrap();
        assert!(!s.uses_postgres());
        assert_eq!(
            s.database_url().expose_secret(),
            "sqlite:///tmp/parley-x/parley.db?mode=rwc"
        );
    }
}
