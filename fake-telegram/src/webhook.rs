//! Webhook delivery: one worker per `setWebhook` POSTs pending updates in order.
//!
//! An update stays pending until a receiver answers 2xx. A failed delivery is retried
//! [`ATTEMPTS`] times, [`BACKOFF`] apart; after that the worker waits for the next change
//! (a new update, another `setWebhook`) before trying again, so a broken receiver sees a
//! bounded number of requests. A 2xx body naming a `method` is executed, as Telegram allows.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::methods;
use crate::params::Params;
use crate::state::{now_unix, Hub};

/// Delivery attempts per burst.
pub const ATTEMPTS: u32 = 5;
/// Pause between attempts.
pub const BACKOFF: Duration = Duration::from_millis(200);
const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

struct Target {
    url: String,
    secret: Option<String>,
    update: Option<Value>,
    epoch: u64,
}

/// Runs until the webhook of `token` is replaced or deleted, or the server stops.
pub async fn deliver(hub: Arc<Hub>, token: String, generation: u64) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(error) => return tracing::error!(%error, "Could not build the webhook HTTP client."),
    };
    // The epoch at which a burst last failed: until it moves, there is nothing new to try.
    let mut stalled_at = None;
    loop {
        let mut changes = hub.subscribe();
        let Some(target) = current(&hub, &token, generation) else {
            return;
        };
        if stalled_at != Some(target.epoch) {
            if let Some(update) = &target.update {
                if deliver_one(&hub, &client, &token, generation, &target, update).await {
                    stalled_at = None;
                    continue;
                }
                stalled_at = Some(target.epoch);
            }
        }
        if changes.changed().await.is_err() {
            return;
        }
    }
}

/// The webhook's target and oldest pending update, or `None` if this worker is stale.
fn current(hub: &Hub, token: &str, generation: u64) -> Option<Target> {
    if hub.is_closed() {
        return None;
    }
    hub.with_bot(token, |bot| {
        let hook = bot
            .webhook
            .as_ref()
            .filter(|w| w.generation == generation)?;
        Some(Target {
            url: hook.url.clone(),
            secret: hook.secret_token.clone(),
            update: bot.updates.front().cloned(),
            epoch: bot.delivery_epoch,
        })
    })
    .flatten()
}

/// One burst of attempts; `true` once the update was accepted (and dequeued).
async fn deliver_one(
    hub: &Arc<Hub>,
    client: &reqwest::Client,
    token: &str,
    generation: u64,
    target: &Target,
    update: &Value,
) -> bool {
    let url = target.url.as_str();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(BACKOFF).await;
        }
        if current(hub, token, generation).is_none() {
            return false;
        }
        let mut request = client.post(url).json(update);
        if let Some(secret) = &target.secret {
            request = request.header(SECRET_HEADER, secret);
        }
        let error = match request.send().await {
            Ok(response) if response.status().is_success() => {
                let body = response.bytes().await.unwrap_or_default();
                dequeue(hub, token, update);
                reply_method(hub, token, &body).await;
                return true;
            }
            Ok(response) => format!("Wrong response from the webhook: {}", response.status()),
            Err(error) => format!("Connection failed: {error}"),
        };
        tracing::debug!(url, attempt, %error, "A webhook delivery failed.");
        record_error(hub, token, generation, error);
    }
    false
}

fn dequeue(hub: &Hub, token: &str, update: &Value) {
    hub.with_bot(token, |bot| {
        if bot
            .updates
            .front()
            .is_some_and(|u| u["update_id"] == update["update_id"])
        {
            bot.updates.pop_front();
        }
    });
}

fn record_error(hub: &Hub, token: &str, generation: u64, error: String) {
    hub.with_bot(token, |bot| {
        if let Some(hook) = bot.webhook.as_mut().filter(|w| w.generation == generation) {
            hook.last_error_date = Some(now_unix());
            hook.last_error_message = Some(error);
        }
    });
}

/// Executes a Bot API call returned in the webhook response body, if there is one.
async fn reply_method(hub: &Arc<Hub>, token: &str, body: &[u8]) {
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let Some(Value::String(method)) = fields.remove("method") else {
        return;
    };
    let reply = methods::call(hub, token, &method, Params::from_object(fields)).await;
    tracing::debug!(
        method,
        status = reply.status.as_u16(),
        "Ran the method a webhook answered with."
    );
}
