//! The point-read baseline of `board`: a minimal axum server reading one deal by id with a plain
//! sqlx pool of the backend's own type, run as
//! `parley-bench raw-deals <database-url> <workspace-id> <port>`.
//!
//! It runs the query of Parley's `GET /api/crm/deals/{id}` (`deals::server::SELECT … WHERE
//! d.id = $1 AND d.workspace_id = $2`: same joins, scoped to the workspace) on a pool of the same
//! size and SQLite settings as Parley's (`crm::raw::Pool`), and answers the same JSON fields, but
//! without sessions, HTTP layers or the `Any` driver.

use crate::crm::raw::Pool;
use anyhow::{Context, Result};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::net::Ipv4Addr;
use std::sync::Arc;

pub const SUBCOMMAND: &str = "raw-deals";

/// `deals::server::SELECT` with the point read's `WHERE`, verbatim.
const SQL: &str = "SELECT d.id, d.title, d.value_minor, d.currency, d.pipeline_id, d.stage_id, s.name AS stage_name, \
    s.kind AS stage_kind, d.owner_id, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name, d.contact_id, \
    c.display_name AS contact_name, d.company_id, co.name AS company_name, d.expected_close_date, d.probability, \
    d.lost_reason, d.position, d.stage_entered_at, d.created_at, d.updated_at \
    FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN users u ON u.id = d.owner_id \
    LEFT JOIN contacts c ON c.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id \
    WHERE d.id = $1 AND d.workspace_id = $2";

/// The row, answered with the field names of Parley's `DealView`.
#[derive(sqlx::FromRow, Serialize)]
#[serde(rename_all = "camelCase")]
struct Deal {
    id: i64,
    title: String,
    value_minor: i64,
    currency: String,
    pipeline_id: i64,
    stage_id: i64,
    stage_name: String,
    stage_kind: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    company_id: Option<i64>,
    company_name: Option<String>,
    expected_close_date: Option<String>,
    probability: Option<i64>,
    lost_reason: String,
    position: i64,
    stage_entered_at: i64,
    created_at: i64,
    updated_at: i64,
}

struct App {
    pool: Pool,
    workspace_id: i64,
}

pub fn main(args: &[String]) -> Result<()> {
    let usage = "usage: parley-bench raw-deals <database-url> <workspace-id> <port>";
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
        .route("/deals/{id}", get(deal))
        .with_state(Arc::new(App { pool, workspace_id }));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    axum::serve(listener, app).await.context("serving")
}

async fn deal(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Result<Json<Deal>, StatusCode> {
    let row = match &app.pool {
        Pool::Sqlite(pool) => {
            sqlx::query_as::<_, Deal>(SQL)
                .bind(id)
                .bind(app.workspace_id)
                .fetch_optional(pool)
                .await
        }
        Pool::Postgres(pool) => {
            sqlx::query_as::<_, Deal>(SQL)
                .bind(id)
                .bind(app.workspace_id)
                .fetch_optional(pool)
                .await
        }
    };
    match row {
        Ok(Some(deal)) => Ok(Json(deal)),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(e) => {
            eprintln!("raw-deals: {e}");
            Err(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}
