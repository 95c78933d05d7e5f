//! The read baseline of `inbox`: a minimal axum server answering the inbox's reads straight
//! from the database with a plain sqlx pool of the backend's own type, run as
//! `parley-bench raw-inbox <database-url> <workspace-id> <port>`.
//!
//! It runs Parley's own SQL (`messaging::server`, verbatim): the chat list's `COUNT` and page
//! (`GET /chats?page=&limit=`), a conversation's newest messages (`GET
//! /conversations/{id}/messages?limit=`), and the message search of each backend (`GET
//! /search?q=`), on a pool of the same size and SQLite settings as Parley's
//! (`crm::raw::Pool`), answering the same JSON fields — but without sessions, HTTP layers, the
//! `Any` driver, the conversation check before the messages or the folders of the chat list.

use crate::crm::raw::Pool;
use anyhow::{Context, Result};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::net::Ipv4Addr;
use std::sync::Arc;

pub const SUBCOMMAND: &str = "raw-inbox";

/// `messaging::server::CONVERSATION_SELECT`.
const CONVERSATION_SELECT: &str = "SELECT c.id, c.account_id, c.kind, c.title, c.username, c.contact_id, \
    ct.display_name AS contact_name, c.deal_id, d.title AS deal_title, c.assignee_id, c.unread_count, \
    c.last_message_text, c.last_message_at, c.pinned \
    FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id LEFT JOIN deals d ON d.id = c.deal_id";
/// The columns of `messaging::server::MESSAGE_SELECT`.
const MESSAGE_COLUMNS: &str = "m.id, m.conversation_id, m.direction, m.sender_name, m.author_id, \
    m.text, m.media_id, md.kind AS media_kind, md.file_name AS media_file_name, md.mime_type AS media_mime_type, \
    md.size AS media_size, m.reply_to_id, m.state, m.error, m.external_id, m.sent_at, m.edited_at";
/// The matches of each backend, newest first (`messaging::server::search`).
const FTS_HITS: &str = "FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid \
    LEFT JOIN media md ON md.id = m.media_id \
    WHERE messages_fts MATCH $2 AND m.workspace_id = $1 ORDER BY f.rowid DESC";
const LIKE_HITS: &str = "FROM messages m LEFT JOIN media md ON md.id = m.media_id \
    WHERE m.workspace_id = $1 AND lower(m.text) LIKE $2 ESCAPE '\\' ORDER BY m.id DESC";

#[derive(sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
struct Conversation {
    id: i64,
    account_id: i64,
    kind: String,
    title: String,
    username: String,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    deal_id: Option<i64>,
    deal_title: Option<String>,
    assignee_id: Option<i64>,
    unread_count: i64,
    last_message_text: String,
    last_message_at: Option<i64>,
    pinned: i64,
}

#[derive(sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    id: i64,
    conversation_id: i64,
    direction: String,
    sender_name: String,
    author_id: Option<i64>,
    text: String,
    media_id: Option<i64>,
    media_kind: Option<String>,
    media_file_name: Option<String>,
    media_mime_type: Option<String>,
    media_size: Option<i64>,
    reply_to_id: Option<i64>,
    state: String,
    error: String,
    external_id: Option<String>,
    sent_at: i64,
    edited_at: Option<i64>,
}

#[derive(sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
struct Hit {
    #[sqlx(flatten)]
    message: Message,
    conversation_title: String,
}

#[derive(Deserialize)]
struct Params {
    page: Option<i64>,
    limit: Option<i64>,
    q: Option<String>,
}

struct App {
    pool: Pool,
    workspace_id: i64,
}

/// `$body` once per backend, with `$p` the backend's own pool.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

pub fn main(args: &[String]) -> Result<()> {
    let usage = "usage: parley-bench raw-inbox <database-url> <workspace-id> <port>";
    let [url, workspace_id, port] = args else {
        anyhow::bail!(usage);
    };
    let workspace_id: i64 = workspace_id.parse().context(usage)?;
    let port: u16 = port.parse().context(usage)?;
    serve(url, workspace_id, port)
}

/// Default multi-thread runtime, as `parley` uses.
#[tokio::main]
async fn serve(url: &str, workspace_id: i64, port: u16) -> Result<()> {
    let pool = Pool::connect(url).await?;
    let app = Router::new()
        .route("/ready", get(|| async { "ready" }))
        .route("/chats", get(chats))
        .route("/conversations/{id}/messages", get(messages))
        .route("/search", get(search))
        .with_state(Arc::new(App { pool, workspace_id }));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    axum::serve(listener, app).await.context("serving")
}

fn failed(e: sqlx::Error) -> StatusCode {
    eprintln!("raw-inbox: {e}");
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn chats(
    State(app): State<Arc<App>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, StatusCode> {
    let (page, limit) = (
        p.page.unwrap_or(1).max(1),
        p.limit.unwrap_or(50).clamp(1, 200),
    );
    let ws = app.workspace_id;
    let count = "SELECT COUNT(*) AS n FROM conversations c WHERE c.workspace_id = $1 AND $2 = $2";
    let list = format!(
        "{CONVERSATION_SELECT} WHERE c.workspace_id = $1 AND $2 = $2 \
         ORDER BY c.pinned DESC, c.last_message_at DESC, c.id DESC LIMIT {limit} OFFSET {}",
        (page - 1) * limit
    );
    let (total, items): (i64, Vec<Conversation>) = on_pool!(&app.pool, |pool| {
        let total = sqlx::query_scalar(count)
            .bind(ws)
            .bind(0_i64)
            .fetch_one(pool)
            .await;
        let items = sqlx::query_as(sqlx::AssertSqlSafe(list))
            .bind(ws)
            .bind(0_i64)
            .fetch_all(pool)
            .await;
        (total.map_err(failed)?, items.map_err(failed)?)
    });
    Ok(Json(
        json!({ "items": items, "pagination": { "page": page, "limit": limit, "total": total } }),
    ))
}

async fn messages(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, StatusCode> {
    let limit = p.limit.unwrap_or(50).clamp(1, 200);
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m LEFT JOIN media md ON md.id = m.media_id \
         WHERE m.conversation_id = $1 AND m.workspace_id = $2 AND ($3 = 0 OR m.id < $3) \
         ORDER BY m.id DESC LIMIT $4"
    );
    let mut items: Vec<Message> = on_pool!(&app.pool, |pool| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(app.workspace_id)
            .bind(0_i64)
            .bind(limit + 1)
            .fetch_all(pool)
            .await
            .map_err(failed)?
    });
    let next_before = match items.len() as i64 > limit {
        true => {
            items.truncate(limit as usize);
            items.last().map(|m| m.id)
        }
        false => None,
    };
    Ok(Json(json!({ "items": items, "nextBefore": next_before })))
}

async fn search(
    State(app): State<Arc<App>>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, StatusCode> {
    let term =
        p.q.unwrap_or_default()
            .replace('\0', "")
            .trim()
            .to_lowercase();
    let trigram = term.chars().count() >= 3;
    let sqlite = matches!(app.pool, Pool::Sqlite(_));
    let (hits, value) = if sqlite && trigram {
        (FTS_HITS, format!("\"{}\"", term.replace('"', "\"\"")))
    } else {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        (LIKE_HITS, format!("%{escaped}%"))
    };
    let sql = format!(
        "SELECT q.*, c.title AS conversation_title FROM (SELECT {MESSAGE_COLUMNS} {hits} LIMIT 50) q \
         JOIN conversations c ON c.id = q.conversation_id ORDER BY q.id DESC"
    );
    let hits: Vec<Hit> = on_pool!(&app.pool, |pool| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(app.workspace_id)
            .bind(value)
            // As Parley: planned for the pattern, so PostgreSQL can use the trigram index.
            .persistent(false)
            .fetch_all(pool)
            .await
            .map_err(failed)?
    });
    Ok(Json(json!(hits)))
}
