//! Stage moves: the deal's place in the target column, the won value or lost reason, the
//! stage history, the timeline and the event — all in one transaction.

use super::get_in;
use crate::auth::server::AuthContext;
use crate::deals::{DealView, StageChange};
use crate::error::AppError;
use crate::pipelines::server::{history, stage_in};
use crate::pipelines::StageKind;
use crate::realtime::server::record;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};
use crate::timeline::server::{record_activity, Subject};
use validator::Validate;

/// Positions in a column are spaced this far apart, so a card can usually be put between two
/// others by writing one row; when a gap closes, the column is renumbered.
const GAP: i64 = 1024;

/// The position that puts a deal at the top of a stage's column.
pub async fn top_position(tx: &mut Tx, stage_id: i64) -> Result<i64, AppError> {
    let min: Option<i64> =
        sqlx::query_scalar("SELECT MIN(position) FROM deals WHERE stage_id = $1")
            .bind(stage_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(min.map_or(0, |m| m - GAP))
}

/// Renumbers a column `GAP, 2·GAP, …` in its current order.
async fn renumber(tx: &mut Tx, stage_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE deals SET position = r.n * 1024 FROM \
         (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n FROM deals WHERE stage_id = $1) r \
         WHERE deals.id = r.id",
    )
    .bind(stage_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The position for `deal` right after `after` in `stage`'s column (`None`: the top).
async fn position_after(
    tx: &mut Tx,
    workspace_id: i64,
    stage_id: i64,
    deal: i64,
    after: Option<i64>,
) -> Result<i64, AppError> {
    let Some(after) = after.filter(|a| *a != deal) else {
        return top_position(tx, stage_id).await;
    };
    for _ in 0..2 {
        let anchor: Option<i64> = sqlx::query_scalar(
            "SELECT position FROM deals WHERE id = $1 AND workspace_id = $2 AND stage_id = $3",
        )
        .bind(after)
        .bind(workspace_id)
        .bind(stage_id)
        .fetch_optional(&mut **tx)
        .await?;
        let anchor = anchor.ok_or_else(|| {
            AppError::field(
                "afterDealId",
                "invalid",
                "That deal is not in the target stage",
            )
        })?;
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(position) FROM deals WHERE stage_id = $1 AND id <> $2 \
             AND (position > $3 OR (position = $3 AND id > $4))",
        )
        .bind(stage_id)
        .bind(deal)
        .bind(anchor)
        .bind(after)
        .fetch_one(&mut **tx)
        .await?;
        match next {
            None => return Ok(anchor + GAP),
            Some(next) if next - anchor >= 2 => return Ok(anchor + (next - anchor) / 2),
            Some(_) => renumber(tx, stage_id).await?,
        }
    }
    Err(AppError::internal())
}

/// Moves a deal to a stage of its pipeline (or to another place in its column), writing
/// history, timeline and event in one transaction. A stage of another pipeline answers 400
/// `VALIDATION`. Moving into a `lost` stage keeps `reason` as the lost reason; into a `won`
/// stage, `valueMinor` (when given) becomes the deal's value.
pub async fn change_stage(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
    change: StageChange,
) -> Result<DealView, AppError> {
    auth.require_writer()?;
    change.validate()?;
    let ws = auth.workspace_id.0;
    let reason = change.reason.as_deref().unwrap_or("").trim().to_string();
    let mut tx = state.db.begin().await?;
    let before = get_in(&mut tx, ws, id).await?;
    let stage = stage_in(&mut tx, ws, change.stage_id)
        .await?
        .ok_or_else(|| {
            AppError::field("stageId", "not_found", "No such stage in this workspace")
        })?;
    if stage.pipeline_id != before.pipeline_id {
        return Err(AppError::field(
            "stageId",
            "wrong_pipeline",
            "This stage belongs to another pipeline",
        ));
    }
    let moved = stage.id != before.stage_id;
    if !moved && change.after_deal_id.is_none() && change.value_minor.is_none() {
        return Ok(before);
    }
    let now = now_ms();
    let position = position_after(&mut tx, ws, stage.id, id, change.after_deal_id).await?;
    let lost_reason = if moved && stage.kind == StageKind::Lost {
        reason.clone()
    } else {
        before.lost_reason.clone()
    };
    let value = match (stage.kind, change.value_minor) {
        (StageKind::Won, Some(v)) => v,
        _ => before.value_minor,
    };
    sqlx::query(
        "UPDATE deals SET stage_id = $1, position = $2, lost_reason = $3, value_minor = $4, updated_at = $5, \
         stage_entered_at = CASE WHEN $6 = 1 THEN $5 ELSE stage_entered_at END WHERE id = $7 AND workspace_id = $8",
    )
    .bind(stage.id)
    .bind(position)
    .bind(&lost_reason)
    .bind(value)
    .bind(now)
    .bind(moved as i64)
    .bind(id)
    .bind(ws)
    .execute(&mut *tx)
    .await?;
    if moved {
        history::write(&mut tx, auth, id, Some(before.stage_id), stage.id, &reason).await?;
        let data = serde_json::json!({ "from": before.stage_name, "to": stage.name, "fromStageId": before.stage_id, "toStageId": stage.id, "reason": reason });
        record_activity(&mut tx, auth, Subject::Deal(id), "stage_changed", data).await?;
    }
    let after = get_in(&mut tx, ws, id).await?;
    let mut data = serde_json::to_value(&after).unwrap_or_default();
    data["fromStageId"] = before.stage_id.into();
    let event = record(
        &mut tx,
        auth.workspace_id,
        Some(auth.user_id),
        "deal.stage_changed",
        data,
    )
    .await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(after)
}
