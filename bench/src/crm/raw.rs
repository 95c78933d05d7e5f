//! The point-read baseline: a minimal axum server reading one contact by id with a plain sqlx
//! pool of the backend's own type (no `Any`), run as
//! `parley-bench raw-contacts <database-url> <workspace-id> <port>`.
//!
//! It runs the same query as Parley's `GET /api/crm/contacts/{id}` (same joins, scoped to the
//! workspace) on a pool of the same size and SQLite settings, and answers a similar JSON body,
//! but without sessions, HTTP layers or the `Any` driver.
//!
//! `GET /contacts?search=<term>` (the search page's baseline) runs Parley's two queries for a
//! contacts page with a search of three or more letters — the total and the first 50 rows, by
//! the same full-text (SQLite) or trigram (PostgreSQL) match — every time, with no cache.
//!
//! `POST /contacts` (`parley-bench writes`' baseline) inserts the row Parley's create inserts
//! — same table, indexes and search-table trigger — as one statement in its own transaction:
//! no checks, activity, event or notification.

use anyhow::{Context, Result};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::net::Ipv4Addr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub const SUBCOMMAND: &str = "raw-contacts";

/// `contacts::server::SELECT … WHERE c.id = $1 AND c.workspace_id = $2`.
const SQL: &str = "SELECT c.id, c.first_name, c.last_name, c.display_name, c.email, c.phone, \
    c.telegram_user_id, c.telegram_username, c.company_id, co.name AS company_name, c.owner_id, \
    COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, c.created_at, c.updated_at \
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id \
    WHERE c.id = $1 AND c.workspace_id = $2";

/// Parley's contact search (`Conditions::search`, three letters or more) per backend: the
/// `WHERE` of both the total and the page.
const SQLITE_MATCH: &str = "+c.workspace_id = $1 AND c.id IN \
    (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $2)";
const POSTGRES_MATCH: &str = "c.workspace_id = $1 AND c.id IN \
    (SELECT id FROM contacts_search WHERE search_text LIKE $2 ESCAPE '\\')";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    first_name: String,
    last_name: String,
    display_name: String,
    email: String,
    phone: String,
    telegram_user_id: Option<i64>,
    telegram_username: String,
    company_id: Option<i64>,
    company_name: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// The same fields as Parley's `ContactView`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Contact {
    id: i64,
    first_name: String,
    last_name: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    telegram_user_id: Option<i64>,
    telegram_username: Option<String>,
    company_id: Option<i64>,
    company_name: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl From<Row> for Contact {
    fn from(r: Row) -> Contact {
        Contact {
            id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            display_name: r.display_name,
            email: non_empty(r.email),
            phone: non_empty(r.phone),
            telegram_user_id: r.telegram_user_id,
            telegram_username: non_empty(r.telegram_username),
            company_id: r.company_id,
            company_name: r.company_name,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

struct App {
    pool: Pool,
    workspace_id: i64,
}

pub fn main(args: &[String]) -> Result<()> {
    let usage = "usage: parley-bench raw-contacts <database-url> <workspace-id> <port>";
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
        .route("/contacts/{id}", get(contact))
        .route("/contacts", post(insert).get(search))
        .with_state(Arc::new(App { pool, workspace_id }));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    axum::serve(listener, app).await.context("serving")
}

impl Pool {
    /// A plain pool of the backend's own type, sized and set up as in app/src/server/db.rs.
    pub(crate) async fn connect(url: &str) -> Result<Pool> {
        let pool = if url.starts_with("sqlite") {
            let options = SqliteConnectOptions::from_str(url)?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?,
            )
        } else {
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?,
            )
        };
        Ok(pool)
    }
}

/// The body of a `writes` create: Parley's `ContactInput` fields the benchmark sends.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewContact {
    first_name: String,
    last_name: String,
}

/// `contacts::server::create_in`'s INSERT, with the same search text Parley builds for a
/// contact with only a name.
const INSERT: &str = "INSERT INTO contacts (workspace_id, first_name, last_name, display_name, email, phone, \
    telegram_user_id, telegram_username, company_id, owner_id, search_text, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, '', '', NULL, '', NULL, NULL, $5, $6, $6) RETURNING id";

async fn insert(
    State(app): State<Arc<App>>,
    Json(c): Json<NewContact>,
) -> Result<(StatusCode, Json<serde_json::Value>), StatusCode> {
    let display = format!("{} {}", c.first_name, c.last_name);
    let search = display.to_lowercase();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let id: Result<i64, sqlx::Error> = match &app.pool {
        Pool::Sqlite(pool) => {
            sqlx::query_scalar(INSERT)
                .bind(app.workspace_id)
                .bind(&c.first_name)
                .bind(&c.last_name)
                .bind(&display)
                .bind(&search)
                .bind(now)
                .fetch_one(pool)
                .await
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar(INSERT)
                .bind(app.workspace_id)
                .bind(&c.first_name)
                .bind(&c.last_name)
                .bind(&display)
                .bind(&search)
                .bind(now)
                .fetch_one(pool)
                .await
        }
    };
    match id {
        Ok(id) => Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id })))),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

async fn contact(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Json<Contact>, StatusCode> {
    let row = match &app.pool {
        Pool::Sqlite(pool) => {
            sqlx::query_as::<_, Row>(SQL)
                .bind(id)
                .bind(app.workspace_id)
                .fetch_optional(pool)
                .await
        }
        Pool::Postgres(pool) => {
            sqlx::query_as::<_, Row>(SQL)
                .bind(id)
                .bind(app.workspace_id)
                .fetch_optional(pool)
                .await
        }
    };
    match row {
        Ok(Some(row)) => Ok(Json(row.into())),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

#[derive(serde::Deserialize)]
struct SearchQuery {
    search: String,
}

/// A page as Parley answers it: the items and the total.
#[derive(Serialize)]
struct SearchPage {
    items: Vec<Contact>,
    total: i64,
}

async fn search(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<SearchQuery>,
) -> Result<Json<SearchPage>, StatusCode> {
    let term = q.search.trim().to_lowercase();
    let from = "FROM contacts c LEFT JOIN companies co ON co.id = c.company_id \
        LEFT JOIN users u ON u.id = c.owner_id";
    let select = &SQL[..SQL.find(" FROM ").unwrap_or(SQL.len())];
    let page = |matching: &str| {
        format!("{select} {from} WHERE {matching} ORDER BY c.id DESC LIMIT 50 OFFSET 0")
    };
    let count = |matching: &str| format!("SELECT COUNT(*) FROM contacts c WHERE {matching}");
    let answer: Result<(i64, Vec<Row>), sqlx::Error> = match &app.pool {
        Pool::Sqlite(pool) => {
            let pattern = format!("\"{}\"", term.replace('"', "\"\""));
            async {
                let total = sqlx::query_scalar(sqlx::AssertSqlSafe(count(SQLITE_MATCH)))
                    .bind(app.workspace_id)
                    .bind(&pattern)
                    .fetch_one(pool)
                    .await?;
                let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(page(SQLITE_MATCH)))
                    .bind(app.workspace_id)
                    .bind(&pattern)
                    .fetch_all(pool)
                    .await?;
                Ok((total, rows))
            }
            .await
        }
        Pool::Postgres(pool) => {
            let escaped = term
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            async {
                let total = sqlx::query_scalar(sqlx::AssertSqlSafe(count(POSTGRES_MATCH)))
                    .bind(app.workspace_id)
                    .bind(&pattern)
                    .fetch_one(pool)
                    .await?;
                let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(page(POSTGRES_MATCH)))
                    .bind(app.workspace_id)
                    .bind(&pattern)
                    .fetch_all(pool)
                    .await?;
                Ok((total, rows))
            }
            .await
        }
    };
    match answer {
        Ok((total, rows)) => Ok(Json(SearchPage {
            items: rows.into_iter().map(Contact::from).collect(),
            total,
        })),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}
