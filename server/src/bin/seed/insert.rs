//! Batched writes: multi-row `INSERT`s, committed every 20,000 rows so a running server's
//! writers are not kept waiting for the whole seed.

use anyhow::Context;
use app::server::db::Tx;
use app::server::{Backend, Db};
use sqlx::AssertSqlSafe;

/// One bound value.
pub enum V {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Bound parameters per statement, well under SQLite's limit of 32,766. On SQLite they are
/// plain `?`: sqlx looks each named one (`$N`) up with `sqlite3_bind_parameter_name`, which
/// walks the statement's list of names, so binding thousands of `$N` costs the square of
/// their number (three quarters of the time, measured).
const MAX_PARAMS: usize = 8_000;
const ROWS_PER_STATEMENT: usize = 500;
const ROWS_PER_TRANSACTION: usize = 20_000;

fn statement(backend: Backend, table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${n}")),
            }
        }
        sql.push(')');
    }
    sql
}

async fn execute(
    tx: &mut Tx,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<V>>,
) -> anyhow::Result<()> {
    let sql = statement(backend, table, columns, rows.len());
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in rows.into_iter().flatten() {
        query = match value {
            V::Int(v) => query.bind(v),
            V::OptInt(v) => query.bind(v),
            V::Text(v) => query.bind(v),
            V::OptText(v) => query.bind(v),
        };
    }
    query
        .execute(&mut **tx)
        .await
        .with_context(|| format!("inserting into {table}"))?;
    Ok(())
}

/// Inserts `count` rows made by `row(i)`; returns how many were written.
pub async fn insert_all(
    db: &Db,
    table: &str,
    columns: &[&str],
    count: usize,
    mut row: impl FnMut(usize) -> Vec<V>,
) -> anyhow::Result<usize> {
    let per_statement = ROWS_PER_STATEMENT.min(MAX_PARAMS / columns.len());
    let mut tx = db.begin().await?;
    let mut batch = Vec::with_capacity(per_statement);
    for i in 0..count {
        batch.push(row(i));
        let last = i + 1 == count;
        if batch.len() == per_statement || last {
            execute(
                &mut tx,
                db.backend,
                table,
                columns,
                std::mem::take(&mut batch),
            )
            .await?;
        }
        if (i + 1) % ROWS_PER_TRANSACTION == 0 && !last {
            tx.commit().await?;
            // The server's writer leaves checkpoints to a background task, which this
            // process does not run: without this, SQLite's WAL grows by every row seeded.
            db.checkpoint().await?;
            tx = db.begin().await?;
        }
    }
    tx.commit().await?;
    db.checkpoint().await?;
    Ok(count)
}

/// The largest id of a table before seeding, so the rows seeded after it can be read back.
pub async fn max_id(db: &Db, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(&db.pool)
        .await?)
}

/// A JSON object built in SQL from `(key, expression)` pairs, as text on either backend.
pub fn json_object(backend: Backend, pairs: &[(&str, &str)]) -> String {
    let args = pairs
        .iter()
        .map(|(k, v)| format!("'{k}', {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        Backend::Sqlite => format!("json_object({args})"),
        Backend::Postgres => format!("json_build_object({args})::text"),
    }
}

/// Runs one statement over the seeded rows (`INSERT … SELECT`), binding `values` as `$1`….
pub async fn run(db: &Db, sql: String, values: &[i64]) -> anyhow::Result<u64> {
    let mut tx = db.begin().await?;
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for v in values {
        query = query.bind(*v);
    }
    let done = query
        .execute(&mut *tx)
        .await
        .context("deriving rows from the seeded ones")?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
