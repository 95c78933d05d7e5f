//! Reminders on contacts and deals: add, reschedule, complete, delete, and the announcer of
//! the ones that fall due.

use super::{ensure_subject, record_activity, subject_column, Subject};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::realtime::server::UnitOfWork;
use crate::server::db::{Row, Tx};
use crate::server::{now_ms, refs, AppState};
use crate::timeline::TimelineEvent;
use crate::timeline::{ReminderInput, ReminderPatch, ReminderView};
use sqlx::{AssertSqlSafe, Row as _};
use validator::Validate;

const REMINDER_SELECT: &str = "SELECT r.id, r.workspace_id, r.title, r.due_at, r.done_at, r.contact_id, r.deal_id, r.owner_id, r.created_at, \
    COALESCE(NULLIF(u.name, ''), u.email) AS owner_name FROM reminders r LEFT JOIN users u ON u.id = r.owner_id";

fn reminder_view(r: &Row) -> Result<ReminderView, sqlx::Error> {
    Ok(ReminderView {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        due_at: r.try_get("due_at")?,
        done_at: r.try_get("done_at")?,
        contact_id: r.try_get("contact_id")?,
        deal_id: r.try_get("deal_id")?,
        owner_id: r.try_get("owner_id")?,
        owner_name: r.try_get("owner_name")?,
        created_at: r.try_get("created_at")?,
    })
}

async fn reminder_in(
    tx: &mut Tx,
    workspace: WorkspaceId,
    id: i64,
) -> Result<ReminderView, AppError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "{REMINDER_SELECT} WHERE r.id = $1 AND r.workspace_id = $2"
    )))
    .bind(id)
    .bind(workspace.0)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::not_found("Reminder"))?;
    Ok(reminder_view(&row)?)
}

pub async fn reminders(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
) -> Result<Vec<ReminderView>, AppError> {
    ensure_subject(state, auth, subject).await?;
    let sql = format!(
        "{REMINDER_SELECT} WHERE r.workspace_id = $1 AND r.{} = $2 ORDER BY r.due_at LIMIT 500",
        subject_column(subject)
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(auth.workspace_id.0)
        .bind(subject.parts().1)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.iter().map(reminder_view).collect::<Result<_, _>>()?)
}

/// The caller's open reminders, soonest first (Home).
pub async fn my_open_reminders(
    state: &AppState,
    auth: &AuthContext,
    limit: i64,
) -> Result<Vec<ReminderView>, AppError> {
    let sql = format!("{REMINDER_SELECT} WHERE r.workspace_id = $1 AND r.owner_id = $2 AND r.done_at IS NULL ORDER BY r.due_at LIMIT $3");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(auth.workspace_id.0)
        .bind(auth.user_id.0)
        .bind(limit)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.iter().map(reminder_view).collect::<Result<_, _>>()?)
}

pub async fn add_reminder(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
    input: ReminderInput,
) -> Result<ReminderView, AppError> {
    auth.require(Action::WriteNotes)?;
    auth.require_on(Action::WriteNotes, input.owner_id)?;
    let input = ReminderInput {
        title: input.title.trim().to_string(),
        ..input
    };
    input.validate()?;
    ensure_subject(state, auth, subject).await?;
    let owner = input.owner_id.unwrap_or(auth.user_id.0);
    let (contact_id, deal_id) = subject.ids();
    let mut uow = UnitOfWork::begin(state).await?;
    refs::member(&mut uow, auth.workspace_id.0, Some(owner), "ownerId").await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reminders (workspace_id, contact_id, deal_id, owner_id, title, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(contact_id)
    .bind(deal_id)
    .bind(owner)
    .bind(&input.title)
    .bind(input.due_at)
    .bind(now_ms())
    .fetch_one(uow.conn())
    .await?;
    record_activity(
        &mut uow,
        auth,
        subject,
        "reminder_added",
        serde_json::json!({ "reminderId": id, "title": input.title, "dueAt": input.due_at }),
    )
    .await?;
    let reminder = reminder_in(&mut uow, auth.workspace_id, id).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &TimelineEvent::ReminderCreated(reminder.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(reminder)
}

pub async fn update_reminder(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
    patch: ReminderPatch,
) -> Result<ReminderView, AppError> {
    auth.require(Action::WriteNotes)?;
    let patch = ReminderPatch {
        title: patch.title.map(|t| t.trim().to_string()),
        ..patch
    };
    patch.validate()?;
    let mut uow = UnitOfWork::begin(state).await?;
    let current = reminder_in(&mut uow, auth.workspace_id, id).await?;
    auth.require_on(Action::WriteNotes, Some(current.owner_id))?;
    let done_at = match patch.done {
        Some(true) => current.done_at.or(Some(now_ms())),
        Some(false) => None,
        None => current.done_at,
    };
    let due_at = patch.due_at.unwrap_or(current.due_at);
    // Rescheduling re-arms the "due" notification.
    sqlx::query(
        "UPDATE reminders SET title = $1, due_at = $2, done_at = $3, \
         notified_at = CASE WHEN $2 <> due_at THEN NULL ELSE notified_at END WHERE id = $4 AND workspace_id = $5",
    )
    .bind(patch.title.clone().unwrap_or(current.title.clone()))
    .bind(due_at)
    .bind(done_at)
    .bind(id)
    .bind(auth.workspace_id.0)
    .execute(uow.conn())
    .await?;
    let subject = current
        .deal_id
        .map(Subject::Deal)
        .or(current.contact_id.map(Subject::Contact));
    if let (Some(subject), true) = (subject, done_at.is_some() && current.done_at.is_none()) {
        record_activity(
            &mut uow,
            auth,
            subject,
            "reminder_done",
            serde_json::json!({ "reminderId": id, "title": current.title }),
        )
        .await?;
    }
    let reminder = reminder_in(&mut uow, auth.workspace_id, id).await?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &TimelineEvent::ReminderUpdated(reminder.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(reminder)
}

pub async fn delete_reminder(
    state: &AppState,
    auth: &AuthContext,
    id: i64,
) -> Result<(), AppError> {
    auth.require(Action::WriteNotes)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let current = reminder_in(&mut uow, auth.workspace_id, id).await?;
    auth.require_on(Action::WriteNotes, Some(current.owner_id))?;
    let done = sqlx::query("DELETE FROM reminders WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("Reminder"));
    }
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &TimelineEvent::ReminderDeleted { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}

/// Announces reminders that have come due (once each): a `reminder.due` event addressed to the
/// owner. Claiming with `notified_at` in the same transaction keeps it once across instances.
pub async fn notify_due(state: &AppState) -> Result<usize, AppError> {
    let now = now_ms();
    let mut uow = UnitOfWork::begin(state).await?;
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{REMINDER_SELECT} WHERE r.done_at IS NULL AND r.notified_at IS NULL AND r.due_at <= $1 ORDER BY r.due_at LIMIT 100"
    )))
    .bind(now)
    .fetch_all(uow.conn())
    .await?;
    let mut n = 0;
    for r in &rows {
        let workspace = WorkspaceId(r.try_get("workspace_id")?);
        let reminder = reminder_view(r)?;
        let claimed = sqlx::query(
            "UPDATE reminders SET notified_at = $1 WHERE id = $2 AND notified_at IS NULL",
        )
        .bind(now)
        .bind(reminder.id)
        .execute(uow.conn())
        .await?;
        if claimed.rows_affected() == 1 {
            let user_id = reminder.owner_id;
            let due = TimelineEvent::ReminderDue { reminder, user_id };
            uow.record(workspace, None, &due).await?;
            n += 1;
        }
    }
    uow.commit().await?;
    Ok(n)
}
