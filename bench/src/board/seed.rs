//! Seeding the board: deals straight into the workspace's default pipeline with batched
//! multi-row INSERTs, spread evenly over its stages, in the same columns the deal service writes.
//!
//! `search_text` is the lower-cased title: what `deals::server::deal_search_text` builds for a
//! deal without contact or company. On SQLite the `deals_fts` index follows by itself (its
//! triggers are in migrations/sqlite/0005_search.sql).

use crate::crm::seed::{self as crm_seed, placeholders, search_text, Rng, BATCH};
use anyhow::{ensure, Context, Result};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::time::{Duration, Instant};

/// Rows per transaction.
const COMMIT_EVERY: usize = 10_000;
/// Positions in a column are spaced like the service spaces them.
const GAP: i64 = 1024;
const CURRENCIES: &[&str] = &["USD", "EUR", "GBP"];
const ACCOUNTS: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Granite",
    "Summit",
    "Harbor",
    "Aurora",
    "Cedar",
    "Falcon",
    "Juniper",
    "Meridian",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Sterling",
    "Vertex",
];
const KINDS: &[&str] = &[
    "renewal",
    "expansion",
    "pilot",
    "upgrade",
    "licences",
    "support plan",
    "onboarding",
];

/// What the seeder wrote.
pub struct Seeded {
    /// The pipeline's stages, in board order.
    pub stage_ids: Vec<i64>,
    /// Every deal of the workspace, in insertion order.
    pub deal_ids: Vec<i64>,
    pub elapsed: Duration,
}

/// Seeds `deals` deals, owned by `owner_id`, into the workspace's default pipeline.
pub async fn seed(url: &str, workspace_id: i64, owner_id: i64, deals: usize) -> Result<Seeded> {
    let started = Instant::now();
    let pool = crm_seed::connect(url).await?;
    let pipeline_id: i64 = sqlx::query_scalar(
        "SELECT id FROM pipelines WHERE workspace_id = $1 AND is_default = 1 ORDER BY id LIMIT 1",
    )
    .bind(workspace_id)
    .fetch_one(&pool)
    .await
    .context("reading the default pipeline")?;
    let stage_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM stages WHERE workspace_id = $1 AND pipeline_id = $2 ORDER BY position",
    )
    .bind(workspace_id)
    .bind(pipeline_id)
    .fetch_all(&pool)
    .await
    .context("reading the pipeline's stages")?;
    ensure!(
        stage_ids.len() >= 2,
        "the default pipeline has {} stages; the board benchmark needs at least 2",
        stage_ids.len()
    );

    let stages = stage_ids.len();
    let mut rng = Rng::new(0xB0A2D);
    let now = crm_seed::now_ms();
    let mut tx = pool.begin().await?;
    for start in (0..deals).step_by(BATCH) {
        let end = (start + BATCH).min(deals);
        let sql = format!(
            "INSERT INTO deals (workspace_id, title, value_minor, currency, pipeline_id, \
             stage_id, owner_id, position, stage_entered_at, search_text, created_at, \
             updated_at) VALUES {}",
            placeholders(end - start, 12)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for n in start..end {
            // Round-robin over the stages; the rank within the column gives a distinct position.
            let (stage, rank) = (n % stages, n / stages);
            let title = format!("{} {} {n}", rng.pick(ACCOUNTS), rng.pick(KINDS));
            let value_minor = 100 * (500 + rng.below(50_000) as i64);
            q = q
                .bind(workspace_id)
                .bind(title.clone())
                .bind(value_minor)
                .bind(CURRENCIES[rank % CURRENCIES.len()])
                .bind(pipeline_id)
                .bind(stage_ids[stage])
                .bind(owner_id)
                .bind((rank as i64 + 1) * GAP)
                .bind(now)
                .bind(search_text(&[&title]))
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *tx).await.context("inserting deals")?;
        if end.is_multiple_of(COMMIT_EVERY) {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    crm_seed::analyze_postgres(&pool, url).await?;
    let deal_ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM deals WHERE workspace_id = $1 ORDER BY id")
            .bind(workspace_id)
            .fetch_all(&pool)
            .await?;
    ensure!(
        deal_ids.len() == deals,
        "seeded {} deals, expected {deals}",
        deal_ids.len()
    );
    pool.close().await;
    Ok(Seeded {
        stage_ids,
        deal_ids,
        elapsed: started.elapsed(),
    })
}

/// A read-only view of the seeded workspace between runs.
pub struct Inspect {
    pool: AnyPool,
    workspace_id: i64,
}

impl Inspect {
    pub async fn open(url: &str, workspace_id: i64) -> Result<Inspect> {
        Ok(Inspect {
            pool: crm_seed::connect(url).await?,
            workspace_id,
        })
    }

    /// Rows of the stage history: one per real move (a "move" to the deal's own stage writes
    /// none).
    pub async fn moves(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM stage_history WHERE workspace_id = $1")
                .bind(self.workspace_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Each deal's current stage, by deal id.
    pub async fn current_stages(&self) -> Result<Vec<(i64, i64)>> {
        let rows =
            sqlx::query("SELECT id, stage_id FROM deals WHERE workspace_id = $1 ORDER BY id")
                .bind(self.workspace_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
