//! The Bot API methods: authentication, the call log, armed 429s and dispatch by name
//! (method names are case-insensitive in the Bot API).

mod files;
mod hooks;
mod send;
mod updates;

pub use files::download;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::params::Params;
use crate::reply::Reply;
use crate::state::{now_ms, FileKind, Hub};
use crate::types::LogEntry;

static NEXT_SEQ: AtomicU64 = AtomicU64::new(1);

/// Answers one Bot API call from the bot with `token`, recording it in the call log.
pub async fn call(hub: &Arc<Hub>, token: &str, method: &str, params: Params) -> Reply {
    let seq = NEXT_SEQ.fetch_add(1, Ordering::Relaxed);
    let throttled = hub.with_bot(token, |bot| {
        let entry = LogEntry {
            method: method.to_owned(),
            params: params.to_log(),
            at_ms: now_ms(),
            status: 0,
            seq,
        };
        bot.log.push(entry);
        if bot.revoked {
            // Logged like any call, so a test can see who met the revoked token first.
            return Err(());
        }
        let lower = method.to_ascii_lowercase();
        let rule = bot
            .rate_limits
            .iter_mut()
            .find(|r| r.remaining > 0 && r.method.as_ref().is_none_or(|m| *m == lower));
        Ok(rule.map(|rule| {
            rule.remaining -= 1;
            rule.retry_after
        }))
    });
    let reply = match throttled {
        None | Some(Err(())) => Reply::unauthorized(),
        Some(Ok(Some(retry_after))) => Reply::too_many_requests(retry_after),
        Some(Ok(None)) => dispatch(hub, token, method, &params).await,
    };
    hub.with_bot(token, |bot| {
        if let Some(entry) = bot.log.iter_mut().rev().find(|e| e.seq == seq) {
            entry.status = reply.status.as_u16();
        }
    });
    tracing::debug!(
        method,
        status = reply.status.as_u16(),
        "Answered a Bot API call."
    );
    reply
}

async fn dispatch(hub: &Arc<Hub>, token: &str, method: &str, params: &Params) -> Reply {
    let result = match method.to_ascii_lowercase().as_str() {
        "getme" => get_me(hub, token),
        "getupdates" => updates::get_updates(hub, token, params).await,
        "sendmessage" => send::send_message(hub, token, params),
        "sendphoto" => send::send_media(hub, token, params, FileKind::Photo),
        "senddocument" => send::send_media(hub, token, params, FileKind::Document),
        "sendchataction" => send::send_chat_action(hub, token, params),
        "getchat" => send::get_chat(hub, token, params),
        "getfile" => files::get_file(hub, token, params),
        "setwebhook" => return hooks::set_webhook(hub, token, params),
        "deletewebhook" => return hooks::delete_webhook(hub, token, params),
        "getwebhookinfo" => hooks::webhook_info(hub, token),
        _ => Err(Reply::not_found()),
    };
    result.map(Reply::ok).unwrap_or_else(|error| error)
}

/// `getMe`: the bot's User object.
fn get_me(hub: &Hub, token: &str) -> Result<Value, Reply> {
    hub.with_bot(token, |bot| {
        let mut user = bot.user_json();
        user["can_join_groups"] = json!(true);
        user["can_read_all_group_messages"] = json!(false);
        user["supports_inline_queries"] = json!(false);
        user["can_connect_to_business"] = json!(false);
        user["has_main_web_app"] = json!(false);
        user
    })
    .ok_or_else(Reply::unauthorized)
}
