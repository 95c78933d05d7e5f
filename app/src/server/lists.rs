//! List pages and search results, remembered until the workspace changes.
//!
//! A page is kept under its workspace, its query and the workspace's event sequence number
//! read before it was computed. Every change to what a list shows records an event, and a
//! write is acknowledged only once its event is numbered (see `realtime/server/sequencer.rs`),
//! so a request that starts after the acknowledgement reads a newer number and misses the old
//! page: a change is never served stale, on one instance or several (the number is read from
//! the database each time, and each instance keeps its own pages). A page computed after the
//! number was read can only be newer than the number says, never older.
//!
//! Memory is bounded by an estimate of each page's size; pages under an old number are never
//! asked for again and leave as the cache fills or after ten idle minutes.

use super::counts::Counts;
use super::db::Row;
use super::query::{order_by, Conditions};
use super::Db;
use crate::error::AppError;
use crate::listing::{ListQuery, Page};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use moka::sync::Cache;
use sqlx::Row as _;
use std::any::Any;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A remembered answer and, once a client has asked for it, its JSON: a repeated REST request
/// is a lookup and a copy of bytes.
pub struct Cached<T> {
    pub value: T,
    json: OnceLock<Bytes>,
}

impl<T: serde::Serialize> Cached<T> {
    pub fn json(&self) -> Result<JsonBytes, serde_json::Error> {
        if let Some(json) = self.json.get() {
            return Ok(JsonBytes(json.clone()));
        }
        let json = Bytes::from(serde_json::to_vec(&self.value)?);
        let _ = self.json.set(json.clone());
        Ok(JsonBytes(json))
    }
}

/// What a record list reads: its name (the cache key's first part), the table with its alias
/// as the total counts it, the `SELECT … FROM …` of a row, its sorts, and how a row is read.
pub struct ListSql<T> {
    pub name: &'static str,
    pub table: &'static str,
    pub select: &'static str,
    pub sorts: &'static [(&'static str, &'static str)],
    pub default_sort: &'static str,
    pub view: fn(&Row) -> Result<T, sqlx::Error>,
}

/// A JSON response already serialised.
pub struct JsonBytes(Bytes);

impl IntoResponse for JsonBytes {
    fn into_response(self) -> Response {
        ([(http::header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

#[derive(Clone)]
struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    bytes: u32,
}

/// The pages, or `None` when the budget is zero.
pub struct Lists(Option<Cache<(i64, i64, String), Entry>>);

impl Lists {
    /// A cache of at most `budget_mb` MiB (estimated); `0` keeps nothing.
    pub fn new(budget_mb: u64) -> Lists {
        if budget_mb == 0 {
            return Lists(None);
        }
        Lists(Some(
            Cache::builder()
                .max_capacity(budget_mb * 1024 * 1024)
                .weigher(|key: &(i64, i64, String), entry: &Entry| {
                    entry.bytes.saturating_add(key.2.len() as u32)
                })
                .time_to_idle(Duration::from_secs(600))
                .build(),
        ))
    }

    /// The answer of `compute` for `query` in `workspace_id`, computed at most once per event
    /// sequence number. `query` names the list and every input of its answer; `bytes` is an
    /// estimate of the answer's size. `compute` is given the sequence number when it was read.
    pub async fn get_or_compute<T, E, F, Fut>(
        &self,
        db: &Db,
        workspace_id: i64,
        query: String,
        bytes: impl Fn(&T) -> usize,
        compute: F,
    ) -> Result<Arc<Cached<T>>, E>
    where
        T: Send + Sync + 'static,
        E: From<sqlx::Error>,
        F: FnOnce(Option<i64>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let fresh = |value| {
            Arc::new(Cached {
                value,
                json: OnceLock::new(),
            })
        };
        let Some(cache) = &self.0 else {
            return compute(None).await.map(fresh);
        };
        let seq: Option<i64> = sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_optional(&db.pool)
            .await?;
        let Some(seq) = seq else {
            // No such workspace (deleted meanwhile): nothing to keep.
            return compute(None).await.map(fresh);
        };
        let key = (workspace_id, seq, query);
        if let Some(hit) = cache.get(&key) {
            if let Ok(value) = hit.value.downcast::<Cached<T>>() {
                metrics::counter!("parley_list_cache_total", "outcome" => "hit").increment(1);
                return Ok(value);
            }
        }
        metrics::counter!("parley_list_cache_total", "outcome" => "miss").increment(1);
        let value = fresh(compute(Some(seq)).await?);
        // The page, and its JSON once asked for (about as large again).
        let bytes = u32::try_from(2 * bytes(&value.value)).unwrap_or(u32::MAX);
        cache.insert(
            key,
            Entry {
                value: value.clone(),
                bytes,
            },
        );
        Ok(value)
    }

    /// A page of the record list `list` matching `cond` (which must scope the workspace),
    /// from the cache, else counted (through `counts`) and read.
    pub async fn page<T>(
        &self,
        db: &Db,
        counts: &Counts,
        list: &ListSql<T>,
        workspace_id: i64,
        q: &ListQuery,
        cond: Conditions,
    ) -> Result<Arc<Cached<Page<T>>>, AppError>
    where
        T: Send + Sync + 'static,
    {
        let (page, limit) = q.bounds()?;
        let read = |seq| async move {
            let known = counts.known(workspace_id, seq, list.table, &cond);
            let (items, total) = match known {
                None if cond.is_search() => {
                    let bounds = (page, limit);
                    let (items, total) =
                        counted_page(db, counts, list, workspace_id, q, &cond, bounds).await?;
                    match total {
                        Some(total) => (items, total),
                        // Past the last match: nothing to count beside.
                        None => (
                            items,
                            counts
                                .total(db, workspace_id, seq, list.table, &cond)
                                .await?,
                        ),
                    }
                }
                _ => {
                    let total = match known {
                        Some(total) => total,
                        None => {
                            counts
                                .total(db, workspace_id, seq, list.table, &cond)
                                .await?
                        }
                    };
                    let n = cond.next_placeholder();
                    let sql = format!(
                        "{} WHERE {} ORDER BY {} LIMIT ${n} OFFSET ${}",
                        list.select,
                        cond.sql(),
                        order_by(q.sort.as_deref(), list.sorts, list.default_sort),
                        n + 1
                    );
                    let rows = cond
                        .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
                        .bind(limit)
                        .bind(offset(page, limit))
                        .fetch_all(&db.pool)
                        .await?;
                    (rows.iter().map(list.view).collect::<Result<_, _>>()?, total)
                }
            };
            Ok::<_, AppError>(Page::new(items, page, limit, total))
        };
        self.get_or_compute(db, workspace_id, q.cache_key(list.name), Page::weight, read)
            .await
    }
}

/// A page of `list` and, in the same statement, the count of every row matching `cond` and
/// the workspace's sequence number (the count is remembered under it). One scan of the
/// matches instead of two, and one round trip: for a search, whose matches are few. The count
/// is `None` when the page is past the last match (no row carries it).
async fn counted_page<T>(
    db: &Db,
    counts: &Counts,
    list: &ListSql<T>,
    workspace_id: i64,
    q: &ListQuery,
    cond: &Conditions,
    (page, limit): (i64, i64),
) -> Result<(Vec<T>, Option<i64>), AppError> {
    let columns = list
        .select
        .strip_prefix("SELECT ")
        .expect("a list's select starts with SELECT");
    let n = cond.next_placeholder();
    let sql = format!(
        "SELECT COUNT(*) OVER () AS list_total, \
         (SELECT event_seq FROM workspaces WHERE id = ${n}) AS list_seq, {columns} \
         WHERE {} ORDER BY {} LIMIT ${} OFFSET ${}",
        cond.sql(),
        order_by(q.sort.as_deref(), list.sorts, list.default_sort),
        n + 1,
        n + 2
    );
    let rows = cond
        .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .bind(workspace_id)
        .bind(limit)
        .bind(offset(page, limit))
        .fetch_all(&db.pool)
        .await?;
    let total = match rows.first() {
        Some(row) => {
            let total: i64 = row.try_get("list_total")?;
            let seq: Option<i64> = row.try_get("list_seq")?;
            counts.remember(workspace_id, seq, list.table, cond, total);
            Some(total)
        }
        // The first page is empty only when nothing matches.
        None if page == 1 => Some(0),
        None => None,
    };
    let items = rows.iter().map(list.view).collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// A huge page number would overflow into a negative OFFSET, which PostgreSQL refuses.
fn offset(page: i64, limit: i64) -> i64 {
    (page - 1).saturating_mul(limit)
}
