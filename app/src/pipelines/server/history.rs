//! The stage history: every move of a deal between stages, with who, when, why and how.

use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{DealId, StageId};
use crate::listing::{ListQuery, Page};
use crate::pipelines::StageMove;
use crate::server::db::{Row, Tx};
use crate::server::query::values_list;
use crate::server::{now_ms, AppState};
use sqlx::{AssertSqlSafe, Row as _};

/// How a move was made: the app, the REST API, a rule, a campaign or Parley itself.
pub fn source(auth: &AuthContext) -> &'static str {
    auth.source()
}

/// Records a move (`from` is `None` for a deal's creation) in the writing transaction.
pub async fn write(
    tx: &mut Tx,
    auth: &AuthContext,
    deal: DealId,
    from: Option<StageId>,
    to: StageId,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO stage_history (workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(auth.workspace_id.0)
    .bind(deal)
    .bind(from)
    .bind(to)
    .bind(auth.user_id.0)
    .bind(reason)
    .bind(source(auth))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One move for [`write_many`].
pub struct Entry<'a> {
    pub auth: &'a AuthContext,
    pub deal: DealId,
    pub from: StageId,
    pub to: StageId,
    pub reason: &'a str,
}

/// Records several moves with one `INSERT`, in the writing transaction.
pub async fn write_many(tx: &mut Tx, entries: &[Entry<'_>]) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO stage_history (workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at) VALUES {}",
        values_list(entries.len(), 8)
    );
    let now = now_ms();
    let mut insert = sqlx::query(AssertSqlSafe(sql));
    for e in entries {
        insert = insert
            .bind(e.auth.workspace_id.0)
            .bind(e.deal)
            .bind(e.from)
            .bind(e.to)
            .bind(e.auth.user_id.0)
            .bind(e.reason.to_string())
            .bind(source(e.auth))
            .bind(now);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

const SELECT: &str = "SELECT h.id, h.deal_id, d.title AS deal_title, h.from_stage_id, fs.name AS from_stage_name, \
    h.to_stage_id, ts.name AS to_stage_name, h.actor_id, COALESCE(NULLIF(u.name, ''), u.email) AS actor_name, \
    h.reason, h.source, h.created_at \
    FROM stage_history h JOIN deals d ON d.id = h.deal_id \
    LEFT JOIN stages fs ON fs.id = h.from_stage_id LEFT JOIN stages ts ON ts.id = h.to_stage_id \
    LEFT JOIN users u ON u.id = h.actor_id";

fn view(r: &Row) -> Result<StageMove, sqlx::Error> {
    Ok(StageMove {
        id: r.try_get("id")?,
        deal_id: r.try_get("deal_id")?,
        deal_title: r.try_get("deal_title")?,
        from_stage_id: r.try_get("from_stage_id")?,
        from_stage_name: r.try_get("from_stage_name")?,
        to_stage_id: r.try_get("to_stage_id")?,
        to_stage_name: r.try_get("to_stage_name")?,
        actor_id: r.try_get("actor_id")?,
        actor_name: r.try_get("actor_name")?,
        reason: r.try_get("reason")?,
        source: r.try_get("source")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A deal's moves, newest first (404 for a deal of another workspace).
pub async fn of_deal(
    state: &AppState,
    auth: &AuthContext,
    deal_id: DealId,
) -> Result<Vec<StageMove>, AppError> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM deals WHERE id = $1 AND workspace_id = $2")
            .bind(deal_id)
            .bind(auth.workspace_id.0)
            .fetch_optional(&state.db.pool)
            .await?;
    exists.ok_or_else(|| AppError::not_found("Deal"))?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE h.deal_id = $1 AND h.workspace_id = $2 ORDER BY h.id DESC LIMIT 500"
    )))
    .bind(deal_id)
    .bind(auth.workspace_id.0)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.iter().map(view).collect::<Result<_, _>>()?)
}

/// Moves into and out of a stage, newest first, a page at a time (404 for a stage of
/// another workspace). Time in stage is the gap between a deal's move in and its move out.
pub async fn of_stage(
    state: &AppState,
    auth: &AuthContext,
    stage_id: StageId,
    q: &ListQuery,
) -> Result<Page<StageMove>, AppError> {
    let (page, limit) = q.bounds()?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM stages WHERE id = $1 AND workspace_id = $2")
            .bind(stage_id)
            .bind(auth.workspace_id.0)
            .fetch_optional(&state.db.pool)
            .await?;
    exists.ok_or_else(|| AppError::not_found("Stage"))?;
    let scope = "h.workspace_id = $1 AND (h.to_stage_id = $2 OR h.from_stage_id = $2)";
    let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM stage_history h WHERE {scope}"
    )))
    .bind(auth.workspace_id.0)
    .bind(stage_id)
    .fetch_one(&state.db.pool)
    .await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{SELECT} WHERE {scope} ORDER BY h.id DESC LIMIT $3 OFFSET $4"
    )))
    .bind(auth.workspace_id.0)
    .bind(stage_id)
    .bind(limit)
    .bind((page - 1).saturating_mul(limit))
    .fetch_all(&state.db.pool)
    .await?;
    let items = rows.iter().map(view).collect::<Result<_, _>>()?;
    Ok(Page::new(items, page, limit, total))
}
