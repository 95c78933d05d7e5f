//! The Telegram bot channel: the Bot API client, receiving by long polling (one poller per
//! bot across instances, through a lease) or by webhook, and sending through the messaging
//! job worker.

pub mod channel;
pub mod client;
pub mod inbound;
pub mod poller;
pub mod types;
pub mod webhook;

pub use client::{BotClient, BotError, FileKind};

/// A random secret Telegram sends back with every webhook call.
pub fn new_webhook_secret() -> String {
    use rand::Rng;
    let bytes: [u8; 24] = rand::thread_rng().gen();
    hex::encode(bytes)
}

/// Where Telegram posts a bot's updates when this server receives by webhook.
pub fn webhook_url(public_url: &str, account_id: i64) -> String {
    format!(
        "{}/api/telegram/webhook/{account_id}",
        public_url.trim_end_matches('/')
    )
}
