//! A fake Telegram Bot API server for tests: a real HTTP peer on loopback that speaks the
//! Bot API's JSON as <https://core.telegram.org/bots/api> documents it, so Parley's own
//! HTTP client is exercised end to end.
//!
//! Integration tests start it in-process with [`FakeTelegram::start`]; the Playwright suite
//! runs the `fake-telegram` binary. Tests drive it through the control API
//! (`/_control/...`, mirrored by methods on [`FakeTelegram`]): register bots, inject user
//! messages, arm 429 answers, and read the call and sent logs.
//!
//! Implemented methods: `getMe`, `getUpdates`, `sendMessage`, `sendPhoto`, `sendDocument`,
//! `sendChatAction`, `getChat`, `getFile`, `setWebhook`, `deleteWebhook`, `getWebhookInfo`.
//! Anything else answers 404, as Telegram answers an unknown method.
//!
//! Control API (JSON, answers in the Bot API envelope `{"ok":true,"result":...}`):
//! `POST /_control/bots`, `POST /_control/inject`, `POST /_control/rate-limit`,
//! `POST /_control/revoke?token=`,
//! `GET /_control/log?token=`, `GET /_control/sent?token=`, `POST /_control/reset`.
//!
//! Known deviations from Telegram: webhooks may be plain `http://` on any port; a photo keeps
//! a single `PhotoSize` (its real dimensions, or 0x0 for a format the fake cannot read); the
//! `url`/`mention`/`hashtag` entities Telegram detects in plain text are not produced.

mod api;
mod control;
mod imagesize;
mod inject;
mod markup;
mod message;
mod methods;
mod params;
mod reply;
mod state;
mod types;
mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use types::{FromUser, Inject, InjectFile, LogEntry, NewBot, RateLimit, SentMessage};
pub use webhook::{ATTEMPTS as WEBHOOK_ATTEMPTS, BACKOFF as WEBHOOK_BACKOFF};

use reply::Reply;
use state::Hub;

/// A running fake Bot API server. Dropping it stops the server.
pub struct FakeTelegram {
    addr: SocketAddr,
    hub: Arc<Hub>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FakeTelegram {
    /// Binds `addr` (use `127.0.0.1:0` for a free port) and serves in a background task.
    pub async fn start(addr: SocketAddr) -> anyhow::Result<FakeTelegram> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding the fake Telegram server to {addr}"))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let hub = Arc::new(Hub::new());
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(hub.clone());
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "The fake Telegram server failed.");
            }
        });
        tracing::info!(%addr, "The fake Telegram server is listening.");
        Ok(FakeTelegram {
            addr,
            hub,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: what Parley gets as `PARLEY_TELEGRAM_API_BASE`. Methods live
    /// at `{base}/bot{token}/{method}`, files at `{base}/file/bot{token}/{file_path}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers a bot (`POST /_control/bots`); answers its User object.
    pub fn add_bot(&self, bot: NewBot) -> anyhow::Result<Value> {
        control::add_bot(&self.hub, bot).map_err(into_anyhow)
    }

    /// A user sends the bot a message or edits one (`POST /_control/inject`); answers the
    /// update (`null` if the bot's `allowed_updates` exclude it).
    pub fn inject_message(&self, inject: Inject) -> anyhow::Result<Value> {
        inject::inject(&self.hub, inject).map_err(into_anyhow)
    }

    /// Makes the next `count` calls of `method` (any method if `None`) answer 429 with
    /// `retry_after` seconds (`POST /_control/rate-limit`).
    pub fn fail_next_with_429(
        &self,
        token: &str,
        method: Option<&str>,
        count: u32,
        retry_after: u64,
    ) -> anyhow::Result<()> {
        let limit = RateLimit {
            token: token.to_owned(),
            method: method.map(str::to_owned),
            count,
            retry_after,
        };
        control::rate_limit(&self.hub, limit).map_err(into_anyhow)
    }

    /// Revokes the bot's token (`POST /_control/revoke?token=…`): every later call answers 401,
    /// and a long poll under way is not woken.
    pub fn revoke_token(&self, token: &str) -> anyhow::Result<()> {
        control::revoke(&self.hub, token).map_err(into_anyhow)
    }

    /// Every Bot API call the bot received, in arrival order (`GET /_control/log`).
    pub fn call_log(&self, token: &str) -> anyhow::Result<Vec<LogEntry>> {
        control::call_log(&self.hub, token).map_err(into_anyhow)
    }

    /// Every message the bot sent (`GET /_control/sent`).
    pub fn sent_log(&self, token: &str) -> anyhow::Result<Vec<SentMessage>> {
        control::sent(&self.hub, token).map_err(into_anyhow)
    }

    /// The bytes of a file the bot knows, by `file_id`.
    pub fn file_bytes(&self, token: &str, file_id: &str) -> Option<Vec<u8>> {
        self.hub
            .with_bot(token, |bot| {
                bot.files.get(file_id).map(|f| f.bytes.as_ref().clone())
            })
            .flatten()
    }

    /// Forgets every bot, chat, update, file and log (`POST /_control/reset`).
    pub fn reset(&self) {
        control::reset(&self.hub);
    }

    /// Stops the server: waiting long polls answer at once, then in-flight requests finish.
    pub async fn shutdown(mut self) {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    fn signal_stop(&mut self) {
        self.hub.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// The whole HTTP surface: control routes, then the Bot API for everything else.
fn router(hub: Arc<Hub>) -> Router {
    control::routes()
        .fallback(api::handle)
        .layer(DefaultBodyLimit::max(params::MAX_BODY))
        .with_state(hub)
}

fn into_anyhow(reply: Reply) -> anyhow::Error {
    let description = reply.body["description"]
        .as_str()
        .unwrap_or("control call failed");
    anyhow::anyhow!("{description}")
}
