//! Board queries: column totals grouped by the database, and column pages in card order.

use super::{BoardData, BoardQuery, ColumnSummary, CurrencyTotal, COLUMN_PAGE};
use crate::access::server::AuthContext;
use crate::deals::server::{view, SELECT};
use crate::deals::DealView;
use crate::error::AppError;
use crate::ids::{PipelineId, StageId};
use crate::server::query::Conditions;
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

/// The filter every board query shares.
fn conditions(
    state: &AppState,
    auth: &AuthContext,
    pipeline_id: PipelineId,
    q: &BoardQuery,
) -> Conditions {
    let mut cond = Conditions::in_workspace("d", auth.workspace_id.0);
    cond.eq("d.pipeline_id", Some(pipeline_id));
    cond.eq("d.owner_id", q.owner_id);
    let term = q.search.as_deref().unwrap_or("").trim().to_lowercase();
    let term: String = term.chars().take(100).collect();
    cond.search(
        state.db.backend,
        "d",
        "deals",
        (!term.is_empty()).then_some(term.as_str()),
    );
    cond
}

/// Count and per-currency totals of every column, from one grouped query.
pub async fn summaries(
    state: &AppState,
    auth: &AuthContext,
    pipeline_id: PipelineId,
    q: &BoardQuery,
) -> Result<Vec<ColumnSummary>, AppError> {
    let stages = crate::pipelines::server::stages(state, auth, pipeline_id).await?;
    let cond = conditions(state, auth, pipeline_id, q);
    let rows = cond
        .bind(sqlx::query(AssertSqlSafe(format!(
            "SELECT d.stage_id, d.currency, COUNT(*) AS n, CAST(SUM(d.value_minor) AS BIGINT) AS total, \
             CAST(SUM(d.value_minor * COALESCE(d.probability, s.probability)) AS BIGINT) AS weighted \
             FROM deals d JOIN stages s ON s.id = d.stage_id WHERE {} \
             GROUP BY d.stage_id, d.currency ORDER BY d.stage_id, d.currency",
            cond.sql()
        ))))
        .fetch_all(&state.db.pool)
        .await?;
    let mut out: Vec<ColumnSummary> = stages
        .iter()
        .map(|s| ColumnSummary {
            stage_id: s.id,
            count: 0,
            totals: Vec::new(),
        })
        .collect();
    for r in rows {
        let stage_id: StageId = r.try_get("stage_id")?;
        let n: i64 = r.try_get("n")?;
        let total: i64 = r.try_get("total")?;
        let weighted: i64 = r.try_get("weighted")?;
        if let Some(column) = out.iter_mut().find(|c| c.stage_id == stage_id) {
            column.count += n;
            column.totals.push(CurrencyTotal {
                currency: r.try_get("currency")?,
                value_minor: total,
                weighted_minor: weighted / 100,
            });
        }
    }
    Ok(out)
}

/// One page of a column, in card order.
pub async fn column(
    state: &AppState,
    auth: &AuthContext,
    pipeline_id: PipelineId,
    stage_id: StageId,
    q: &BoardQuery,
    offset: i64,
) -> Result<Vec<DealView>, AppError> {
    // A stage of another pipeline or workspace answers 404, as a missing one does.
    let stage =
        crate::pipelines::server::stage_in(&state.db.pool, auth.workspace_id.0, stage_id).await?;
    if stage.is_none_or(|s| s.pipeline_id != pipeline_id) {
        return Err(AppError::not_found("Stage"));
    }
    let mut cond = conditions(state, auth, pipeline_id, q);
    cond.eq("d.stage_id", Some(stage_id));
    let n = cond.next_placeholder();
    let rows = cond
        .bind(sqlx::query(AssertSqlSafe(format!(
            "{SELECT} WHERE {} ORDER BY d.position, d.id LIMIT ${n} OFFSET ${}",
            cond.sql(),
            n + 1
        ))))
        .bind(COLUMN_PAGE)
        .bind(offset.clamp(0, i64::MAX / 2))
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.iter().map(view).collect::<Result<_, _>>()?)
}

/// The whole first view of a board: the pipelines, the chosen one, totals and first pages.
pub async fn board(
    state: &AppState,
    auth: &AuthContext,
    q: &BoardQuery,
) -> Result<BoardData, AppError> {
    let pipelines = crate::pipelines::server::list(state, auth).await?;
    let pipeline = match q.pipeline_id {
        Some(id) => pipelines
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| AppError::not_found("Pipeline"))?,
        None => pipelines
            .iter()
            .find(|p| p.is_default)
            .or(pipelines.first())
            .cloned()
            .ok_or_else(|| AppError::not_found("Pipeline"))?,
    };
    let summaries = summaries(state, auth, pipeline.id, q).await?;
    let mut cards = Vec::with_capacity(pipeline.stages.len());
    for stage in &pipeline.stages {
        cards.push(column(state, auth, pipeline.id, stage.id, q, 0).await?);
    }
    Ok(BoardData {
        pipelines,
        pipeline,
        summaries,
        cards,
    })
}
