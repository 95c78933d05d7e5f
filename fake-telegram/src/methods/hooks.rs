//! `setWebhook`, `deleteWebhook` and `getWebhookInfo`.
//!
//! Deviation from Telegram: plain `http://` URLs on any port are accepted, because the
//! receivers are test servers on loopback; Telegram requires HTTPS on 443, 80, 88 or 8443.

use std::sync::Arc;

use serde_json::{json, Value};

use super::updates::allowed_updates;
use crate::params::Params;
use crate::reply::Reply;
use crate::state::{Hub, Webhook};
use crate::webhook;

/// `setWebhook`: an empty `url` removes the webhook, as Telegram documents.
pub fn set_webhook(hub: &Arc<Hub>, token: &str, params: &Params) -> Reply {
    let url = params.str("url").unwrap_or_default();
    if url.trim().is_empty() {
        return delete_webhook(hub, token, params);
    }
    match validate(&url, params) {
        Ok(secret) => install(hub, token, params, url, secret),
        Err(reply) => reply,
    }
}

fn validate(url: &str, params: &Params) -> Result<Option<String>, Reply> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| Reply::bad_request("invalid webhook URL specified"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Reply::bad_request(
            "bad webhook: An HTTPS URL must be provided for webhook",
        ));
    }
    let secret = params.str("secret_token").filter(|s| !s.is_empty());
    if let Some(secret) = &secret {
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if secret.len() > 256 || !secret.chars().all(allowed) {
            return Err(Reply::bad_request(
                "bad webhook: secret token contains unallowed characters",
            ));
        }
    }
    Ok(secret)
}

fn install(
    hub: &Arc<Hub>,
    token: &str,
    params: &Params,
    url: String,
    secret: Option<String>,
) -> Reply {
    let allowed = match allowed_updates(params) {
        Ok(allowed) => allowed,
        Err(reply) => return reply,
    };
    let drop_pending = params.bool("drop_pending_updates");
    let installed = hub.with_bot(token, |bot| {
        if drop_pending {
            bot.updates.clear();
        }
        if let Some(kinds) = allowed {
            bot.allowed_updates = kinds;
        }
        let unchanged = bot
            .webhook
            .as_ref()
            .is_some_and(|w| w.url == url && w.secret_token == secret);
        if unchanged {
            bot.delivery_epoch += 1;
            return None;
        }
        bot.webhook_generation += 1;
        bot.webhook = Some(Webhook {
            url,
            secret_token: secret,
            generation: bot.webhook_generation,
            last_error_date: None,
            last_error_message: None,
        });
        Some(bot.webhook_generation)
    });
    hub.notify();
    match installed {
        None => Reply::unauthorized(),
        Some(None) => Reply::ok_described(json!(true), "Webhook is already set"),
        Some(Some(generation)) => {
            tokio::spawn(webhook::deliver(hub.clone(), token.to_owned(), generation));
            Reply::ok_described(json!(true), "Webhook was set")
        }
    }
}

/// `deleteWebhook`: back to `getUpdates`; pending updates stay unless dropped.
pub fn delete_webhook(hub: &Hub, token: &str, params: &Params) -> Reply {
    let drop_pending = params.bool("drop_pending_updates");
    let had_webhook = hub.with_bot(token, |bot| {
        if drop_pending {
            bot.updates.clear();
        }
        bot.webhook_generation += 1;
        bot.webhook.take().is_some()
    });
    hub.notify();
    match had_webhook {
        None => Reply::unauthorized(),
        Some(true) => Reply::ok_described(json!(true), "Webhook was deleted"),
        Some(false) => Reply::ok_described(json!(true), "Webhook is already deleted"),
    }
}

/// `getWebhookInfo`: an empty `url` when the bot polls.
pub fn webhook_info(hub: &Hub, token: &str) -> Result<Value, Reply> {
    hub.with_bot(token, |bot| {
        let mut info = json!({
            "url": "",
            "has_custom_certificate": false,
            "pending_update_count": bot.updates.len(),
        });
        if let Some(hook) = &bot.webhook {
            info["url"] = json!(hook.url);
            info["max_connections"] = json!(40);
            if let Some(date) = hook.last_error_date {
                info["last_error_date"] = json!(date);
            }
            if let Some(message) = &hook.last_error_message {
                info["last_error_message"] = json!(message);
            }
            if !bot.allowed_updates.is_empty() {
                info["allowed_updates"] = json!(bot.allowed_updates);
            }
        }
        info
    })
    .ok_or_else(Reply::unauthorized)
}
