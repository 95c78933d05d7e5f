//! The control API under `/_control/`: what tests use to set the scene and inspect what
//! the client did. Not part of the Bot API; errors use the same `{ok:false,...}` shape.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::inject;
use crate::reply::Reply;
use crate::state::{Bot, Hub, RateLimitRule};
use crate::types::{Inject, LogEntry, NewBot, RateLimit, SentMessage};

/// The `/_control/` routes.
pub fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/_control/bots", post(bots))
        .route("/_control/inject", post(inject_route))
        .route("/_control/rate-limit", post(rate_limit_route))
        .route("/_control/revoke", post(revoke_route))
        .route("/_control/log", get(log_route))
        .route("/_control/sent", get(sent_route))
        .route("/_control/reset", post(reset_route))
}

/// Registers a bot (replacing one with the same token); answers its User object.
pub fn add_bot(hub: &Hub, bot: NewBot) -> Result<Value, Reply> {
    let id = match bot.token.split_once(':') {
        Some((id, secret)) if !secret.is_empty() && !secret.contains('/') => id.parse::<i64>().ok(),
        _ => None,
    };
    let id =
        id.ok_or_else(|| Reply::bad_request("a token looks like \"<numeric id>:<secret>\""))?;
    let username = bot.username.trim_start_matches('@').to_owned();
    if username.is_empty() {
        return Err(Reply::bad_request("a bot needs a username"));
    }
    let first_name = bot.first_name.unwrap_or_else(|| username.clone());
    let registered = Bot::new(id, username, first_name);
    let user = registered.user_json();
    hub.lock().bots.insert(bot.token, registered);
    hub.notify();
    Ok(user)
}

/// Arms `count` 429 answers for the next calls of `method` (any method when `None`).
pub fn rate_limit(hub: &Hub, limit: RateLimit) -> Result<(), Reply> {
    let rule = RateLimitRule {
        method: limit.method.map(|m| m.to_ascii_lowercase()),
        remaining: limit.count,
        retry_after: limit.retry_after,
    };
    hub.with_bot(&limit.token, |bot| bot.rate_limits.push(rule))
        .ok_or_else(unknown_bot)
}

/// Revokes the bot's token, as BotFather's /revoke does: from now on every call answers 401.
/// Waiters are not woken, as Telegram does not end a long poll that is under way.
pub fn revoke(hub: &Hub, token: &str) -> Result<(), Reply> {
    hub.with_bot(token, |bot| bot.revoked = true)
        .ok_or_else(unknown_bot)
}

/// Every Bot API call the bot received, in arrival order.
pub fn call_log(hub: &Hub, token: &str) -> Result<Vec<LogEntry>, Reply> {
    hub.with_bot(token, |bot| bot.log.clone())
        .ok_or_else(unknown_bot)
}

/// Every message the bot sent, in order.
pub fn sent(hub: &Hub, token: &str) -> Result<Vec<SentMessage>, Reply> {
    hub.with_bot(token, |bot| bot.sent.clone())
        .ok_or_else(unknown_bot)
}

/// Forgets every bot and everything they saw; webhook workers stop.
pub fn reset(hub: &Hub) {
    hub.lock().bots.clear();
    hub.notify();
}

fn unknown_bot() -> Reply {
    Reply::error(404, "Not Found: unknown bot token")
}

fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, Reply> {
    payload
        .map(|Json(value)| value)
        .map_err(|rejection| Reply::bad_request(rejection.body_text()))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: String,
}

async fn bots(State(hub): State<Arc<Hub>>, payload: Result<Json<NewBot>, JsonRejection>) -> Reply {
    body(payload)
        .and_then(|bot| add_bot(&hub, bot))
        .map_or_else(|e| e, Reply::ok)
}

async fn inject_route(
    State(hub): State<Arc<Hub>>,
    payload: Result<Json<Inject>, JsonRejection>,
) -> Reply {
    body(payload)
        .and_then(|inject| inject::inject(&hub, inject))
        .map_or_else(|e| e, Reply::ok)
}

async fn rate_limit_route(
    State(hub): State<Arc<Hub>>,
    payload: Result<Json<RateLimit>, JsonRejection>,
) -> Reply {
    body(payload)
        .and_then(|limit| rate_limit(&hub, limit))
        .map_or_else(|e| e, |()| Reply::ok(json!(true)))
}

async fn revoke_route(
    State(hub): State<Arc<Hub>>,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Reply {
    token(query)
        .and_then(|token| revoke(&hub, &token))
        .map_or_else(|e| e, |()| Reply::ok(json!(true)))
}

fn token(query: Result<Query<TokenQuery>, QueryRejection>) -> Result<String, Reply> {
    query
        .map(|Query(q)| q.token)
        .map_err(|_| Reply::bad_request("the token query parameter is required"))
}

async fn log_route(
    State(hub): State<Arc<Hub>>,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Reply {
    token(query)
        .and_then(|token| call_log(&hub, &token))
        .map_or_else(|e| e, |log| Reply::ok(json!(log)))
}

async fn sent_route(
    State(hub): State<Arc<Hub>>,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Reply {
    token(query)
        .and_then(|token| sent(&hub, &token))
        .map_or_else(|e| e, |sent| Reply::ok(json!(sent)))
}

async fn reset_route(State(hub): State<Arc<Hub>>) -> Reply {
    reset(&hub);
    Reply::ok(json!(true))
}
