//! `getUpdates`: offset confirmation, `limit`, `allowed_updates` and long polling.

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::time::{Duration, Instant};

use crate::params::Params;
use crate::reply::Reply;
use crate::state::{Bot, Hub};

const WEBHOOK_ACTIVE: &str =
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
/// The longest long poll the fake honours (a day), so no timeout overflows the clock.
const MAX_TIMEOUT: u64 = 86_400;
const SUPERSEDED: &str =
    "terminated by other getUpdates request; make sure that only one bot instance is running";

/// `getUpdates`: answers pending updates at once, or waits up to `timeout` seconds for one.
///
/// A newer `getUpdates` for the same bot ends a waiting one with 409, as Telegram does.
pub async fn get_updates(hub: &Arc<Hub>, token: &str, params: &Params) -> Result<Value, Reply> {
    let offset = params.i64("offset")?;
    let limit = params.i64("limit")?.unwrap_or(100).clamp(1, 100) as usize;
    let timeout = params.i64("timeout")?.unwrap_or(0).max(0) as u64;
    let allowed = allowed_updates(params)?;
    let deadline = Instant::now() + Duration::from_secs(timeout.min(MAX_TIMEOUT));
    let generation = hub
        .with_bot(token, |bot| {
            if bot.webhook.is_some() {
                return Err(Reply::conflict(WEBHOOK_ACTIVE));
            }
            if let Some(kinds) = allowed {
                bot.allowed_updates = kinds;
            }
            confirm(bot, offset);
            bot.poll_generation += 1;
            Ok(bot.poll_generation)
        })
        .ok_or_else(Reply::unauthorized)??;
    hub.notify();
    loop {
        let mut changes = hub.subscribe();
        let pending = hub
            .with_bot(token, |bot| {
                if bot.poll_generation != generation {
                    return Err(Reply::conflict(SUPERSEDED));
                }
                if bot.webhook.is_some() {
                    return Err(Reply::conflict(WEBHOOK_ACTIVE));
                }
                Ok(bot.updates.iter().take(limit).cloned().collect::<Vec<_>>())
            })
            .ok_or_else(Reply::unauthorized)??;
        if !pending.is_empty() || hub.is_closed() || Instant::now() >= deadline {
            return Ok(json!(pending));
        }
        // Either a change or the deadline; both lead back to a fresh look at the queue.
        let _ = tokio::time::timeout_at(deadline, changes.changed()).await;
    }
}

/// Forgets confirmed updates: those below a positive `offset`, or all but the last
/// `-offset` for a negative one.
fn confirm(bot: &mut Bot, offset: Option<i64>) {
    match offset {
        Some(offset) if offset > 0 => {
            while bot.updates.front().is_some_and(|u| update_id(u) < offset) {
                bot.updates.pop_front();
            }
        }
        Some(offset) if offset < 0 => {
            let keep = offset.unsigned_abs() as usize;
            while bot.updates.len() > keep {
                bot.updates.pop_front();
            }
        }
        _ => {}
    }
}

fn update_id(update: &Value) -> i64 {
    update["update_id"].as_i64().unwrap_or_default()
}

/// `allowed_updates` as a list of update kinds; `None` when the call leaves it unchanged.
pub fn allowed_updates(params: &Params) -> Result<Option<Vec<String>>, Reply> {
    let Some(value) = params.json("allowed_updates")? else {
        return Ok(None);
    };
    let kinds = value
        .as_array()
        .ok_or_else(|| Reply::bad_request("can't parse allowed updates"))?
        .iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    Ok(Some(kinds))
}
