//! Exact list totals, remembered until the workspace changes.
//!
//! Every write records an event, and is acknowledged only once its event is numbered, which
//! advances `workspaces.event_seq` (in the write's transaction on SQLite, by the sequencer
//! right after its commit on PostgreSQL). A total is counted in the same statement that reads
//! the sequence number, and kept under that number: a write acknowledged before a request
//! began has moved the number that request reads, so the remembered total is never older than
//! what a fresh `COUNT(*)` would answer. Paging through a list, or a search typed again, then costs
//! one primary-key read instead of a count over every match.

use super::query::Conditions;
use super::Db;
use moka::sync::Cache;
use sqlx::{AssertSqlSafe, Row as _};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

pub struct Counts(Cache<(i64, i64, u64), i64>);

impl Default for Counts {
    fn default() -> Self {
        Counts(
            Cache::builder()
                .max_capacity(20_000)
                .time_to_idle(Duration::from_secs(600))
                .build(),
        )
    }
}

impl Counts {
    /// `SELECT COUNT(*) FROM {from} WHERE {cond}` for `workspace_id` (which `cond` must scope).
    /// `seq` is the workspace's event sequence number when the caller has just read it.
    pub async fn total(
        &self,
        db: &Db,
        workspace_id: i64,
        seq: Option<i64>,
        from: &str,
        cond: &Conditions,
    ) -> Result<i64, sqlx::Error> {
        let seq: Option<i64> = match seq {
            Some(seq) => Some(seq),
            None => db.event_seq(workspace_id).await?,
        };
        if let Some(total) = self.known(workspace_id, seq, from, cond) {
            return Ok(total);
        }
        let n = cond.next_placeholder();
        let row = cond
            .bind(sqlx::query(AssertSqlSafe(format!(
                "SELECT (SELECT event_seq FROM workspaces WHERE id = ${n}) AS seq, COUNT(*) AS total \
                 FROM {from} WHERE {}",
                cond.sql()
            ))))
            .bind(workspace_id)
            .fetch_one(&db.pool)
            .await?;
        let (seq, total): (Option<i64>, i64) = (row.try_get("seq")?, row.try_get("total")?);
        self.remember(workspace_id, seq, from, cond, total);
        Ok(total)
    }

    /// The total remembered for `from` matching `cond` at sequence number `seq`, if any.
    pub fn known(
        &self,
        workspace_id: i64,
        seq: Option<i64>,
        from: &str,
        cond: &Conditions,
    ) -> Option<i64> {
        let seq = seq?;
        self.0.get(&(workspace_id, seq, query_key(from, cond)))
    }

    /// Remembers `total`, counted in the statement that read `seq` (see the module's comment).
    pub fn remember(
        &self,
        workspace_id: i64,
        seq: Option<i64>,
        from: &str,
        cond: &Conditions,
        total: i64,
    ) {
        if let Some(seq) = seq {
            self.0
                .insert((workspace_id, seq, query_key(from, cond)), total);
        }
    }
}

fn query_key(from: &str, cond: &Conditions) -> u64 {
    let mut hasher = DefaultHasher::new();
    from.hash(&mut hasher);
    cond.hash(&mut hasher);
    hasher.finish()
}
