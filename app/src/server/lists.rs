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
        let Some(seq) = db.event_seq(workspace_id).await? else {
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
            // A search's total not known under the number just read is counted in the page's
            // statement. Without a number (no page cache) the page's statement reads one, and
            // the total remembered under it is looked up after. Any other list's total counts
            // every row of the workspace: counted apart, and remembered, so paging costs none.
            let count_here = seq.is_some() && known.is_none() && cond.is_search();
            let read = read_page(db, list, workspace_id, q, &cond, (page, limit), count_here);
            let PageRows {
                items,
                total,
                seq: read_at,
            } = read.await?;
            let total = match (known, total) {
                (Some(total), _) => total,
                (None, Some(total)) => {
                    counts.remember(workspace_id, read_at, list.table, &cond, total);
                    total
                }
                // The number read with the page finds a total counted before; else it is counted.
                (None, None) => {
                    let seq = read_at.or(seq);
                    counts
                        .total(db, workspace_id, seq, list.table, &cond)
                        .await?
                }
            };
            Ok::<_, AppError>(Page::new(items, page, limit, total))
        };
        self.get_or_compute(db, workspace_id, q.cache_key(list.name), Page::weight, read)
            .await
    }
}

/// A page's rows, and what the same statement read beside them.
struct PageRows<T> {
    items: Vec<T>,
    /// Every match's count, when asked for and known (see [`read_page`]).
    total: Option<i64>,
    /// The workspace's sequence number, when a row carries it.
    seq: Option<i64>,
}

/// A page of `list` matching `cond`, with the workspace's sequence number in the same
/// statement (one round trip) and, when `count` is set, the count of every match as a
/// subquery: the matches are scanned twice, as two statements would, but the database is asked
/// once. (`COUNT(*) OVER ()` scans once, yet materialises and sorts every joined match: 6×
/// slower on SQLite for 700 matches, slower on PostgreSQL too.) A page past the last match has
/// no row to carry either number; an empty first page means nothing matches.
async fn read_page<T>(
    db: &Db,
    list: &ListSql<T>,
    workspace_id: i64,
    q: &ListQuery,
    cond: &Conditions,
    (page, limit): (i64, i64),
    count: bool,
) -> Result<PageRows<T>, AppError> {
    let columns = list
        .select
        .strip_prefix("SELECT ")
        .expect("a list's select starts with SELECT");
    let n = cond.next_placeholder();
    let total = if count {
        // The condition's placeholders again: both backends bind a repeated `$k` once.
        format!(
            "(SELECT COUNT(*) FROM {} WHERE {}) AS list_total, ",
            list.table,
            cond.sql()
        )
    } else {
        String::new()
    };
    let order = order_by(q.sort.as_deref(), list.sorts, list.default_sort);
    // Newest first is the FTS walk's own order (SQLite); any other order needs every match.
    let from = format!("FROM {} ", list.table);
    debug_assert!(
        columns.contains(&from),
        "a list's select reads FROM its table"
    );
    let walk = (order == list.default_sort && list.default_sort.ends_with(".id DESC"))
        .then(|| cond.fts_walk(list.table))
        .flatten()
        .filter(|_| columns.contains(&from));
    let (columns, conditions, order) = match walk {
        Some(walk) => {
            let columns = columns.replacen(&from, &format!("FROM {} ", walk.from), 1);
            (columns, walk.conditions, walk.order)
        }
        None => (columns.to_string(), cond.sql(), order),
    };
    let sql = format!(
        "SELECT {total}(SELECT event_seq FROM workspaces WHERE id = ${n}) AS list_seq, \
         {columns} WHERE {conditions} ORDER BY {order} LIMIT ${} OFFSET ${}",
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
    let (total, seq) = match rows.first() {
        Some(row) => (
            match count {
                true => Some(row.try_get::<i64, _>("list_total")?),
                false => None,
            },
            row.try_get::<Option<i64>, _>("list_seq")?,
        ),
        None if page == 1 && count => (Some(0), None),
        None => (None, None),
    };
    let items = rows.iter().map(list.view).collect::<Result<_, _>>()?;
    Ok(PageRows { items, total, seq })
}

/// A huge page number would overflow into a negative OFFSET, which PostgreSQL refuses.
fn offset(page: i64, limit: i64) -> i64 {
    (page - 1).saturating_mul(limit)
}
