//! Activities, notes and reminders: queries and services.

mod reminders;
pub use reminders::*;

use super::{ActivityView, NoteInput, NoteView};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{CompanyId, ContactId, DealId};
use crate::realtime::server::UnitOfWork;
use crate::server::db::{Row, Tx};
use crate::server::query::values_list;
use crate::server::{now_ms, AppState};
use crate::timeline::TimelineEvent;
use sqlx::{AssertSqlSafe, Row as _};
use validator::Validate;

/// The record a timeline entry, note or reminder belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Company(CompanyId),
    Contact(ContactId),
    Deal(DealId),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Subject::Company(id) => ("company", id.0),
            Subject::Contact(id) => ("contact", id.0),
            Subject::Deal(id) => ("deal", id.0),
        }
    }
    fn table(self) -> &'static str {
        match self {
            Subject::Company(_) => "companies",
            Subject::Contact(_) => "contacts",
            Subject::Deal(_) => "deals",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Subject::Company(_) => "Company",
            Subject::Contact(_) => "Contact",
            Subject::Deal(_) => "Deal",
        }
    }
    fn ids(self) -> (Option<ContactId>, Option<DealId>) {
        match self {
            Subject::Contact(id) => (Some(id), None),
            Subject::Deal(id) => (None, Some(id)),
            Subject::Company(_) => (None, None),
        }
    }
}

/// Adds an entry to a record's timeline, in the caller's transaction.
pub async fn record_activity(
    tx: &mut Tx,
    auth: &AuthContext,
    subject: Subject,
    kind: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    let (subject_type, subject_id) = subject.parts();
    sqlx::query(
        "INSERT INTO activities (workspace_id, subject_type, subject_id, kind, data, actor_id, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(auth.workspace_id.0)
    .bind(subject_type)
    .bind(subject_id)
    .bind(kind)
    .bind(data.to_string())
    .bind(auth.user_id.0)
    .bind(auth.source())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds several timeline entries with one `INSERT`, in the caller's transaction.
pub async fn record_activities(
    tx: &mut Tx,
    entries: Vec<(&AuthContext, Subject, &str, serde_json::Value)>,
) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO activities (workspace_id, subject_type, subject_id, kind, data, actor_id, source, created_at) VALUES {}",
        values_list(entries.len(), 8)
    );
    let now = now_ms();
    let mut insert = sqlx::query(AssertSqlSafe(sql));
    for (auth, subject, kind, data) in entries {
        let (subject_type, subject_id) = subject.parts();
        insert = insert
            .bind(auth.workspace_id.0)
            .bind(subject_type)
            .bind(subject_id)
            .bind(kind.to_string())
            .bind(data.to_string())
            .bind(auth.user_id.0)
            .bind(auth.source())
            .bind(now);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// The wire names of the fields that differ between two views of a record.
pub fn changed_fields<T: serde::Serialize>(before: &T, after: &T, ignore: &[&str]) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| !ignore.contains(&k.as_str()) && b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// 404 unless the record exists in the caller's workspace.
pub async fn ensure_subject(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
) -> Result<(), AppError> {
    let sql = format!(
        "SELECT id FROM {} WHERE id = $1 AND workspace_id = $2",
        subject.table()
    );
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(subject.parts().1)
        .bind(auth.workspace_id.0)
        .fetch_optional(&state.db.pool)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::not_found(subject.label()))
}

pub async fn activities(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
) -> Result<Vec<ActivityView>, AppError> {
    ensure_subject(state, auth, subject).await?;
    let (subject_type, subject_id) = subject.parts();
    let rows = sqlx::query(
        "SELECT a.id, a.kind, a.data, a.created_at, a.source, COALESCE(NULLIF(u.name, ''), u.email) AS actor_name \
         FROM activities a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.workspace_id = $1 AND a.subject_type = $2 AND a.subject_id = $3 ORDER BY a.id DESC LIMIT 200",
    )
    .bind(auth.workspace_id.0)
    .bind(subject_type)
    .bind(subject_id)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let data: String = r.try_get("data")?;
            Ok(ActivityView {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                data: serde_json::from_str(&data).unwrap_or_default(),
                actor_name: r.try_get("actor_name")?,
                source: r.try_get("source")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

const NOTE_SELECT: &str = "SELECT n.id, n.body, n.contact_id, n.deal_id, n.author_id, n.created_at, \
    COALESCE(NULLIF(u.name, ''), u.email) AS author_name FROM notes n LEFT JOIN users u ON u.id = n.author_id";

fn note_view(r: &Row) -> Result<NoteView, sqlx::Error> {
    Ok(NoteView {
        id: r.try_get("id")?,
        body: r.try_get("body")?,
        contact_id: r.try_get("contact_id")?,
        deal_id: r.try_get("deal_id")?,
        author_id: r.try_get("author_id")?,
        author_name: r.try_get("author_name")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(super) fn subject_column(subject: Subject) -> &'static str {
    match subject {
        Subject::Deal(_) => "deal_id",
        _ => "contact_id",
    }
}

pub async fn notes(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
) -> Result<Vec<NoteView>, AppError> {
    ensure_subject(state, auth, subject).await?;
    let sql = format!(
        "{NOTE_SELECT} WHERE n.workspace_id = $1 AND n.{} = $2 ORDER BY n.id DESC LIMIT 500",
        subject_column(subject)
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(auth.workspace_id.0)
        .bind(subject.parts().1)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.iter().map(note_view).collect::<Result<_, _>>()?)
}

pub async fn add_note(
    state: &AppState,
    auth: &AuthContext,
    subject: Subject,
    input: NoteInput,
) -> Result<NoteView, AppError> {
    auth.require(Action::WriteNotes)?;
    let input = NoteInput {
        body: input.body.trim().to_string(),
    };
    input.validate()?;
    ensure_subject(state, auth, subject).await?;
    let (contact_id, deal_id) = subject.ids();
    let mut uow = UnitOfWork::begin(state).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notes (workspace_id, contact_id, deal_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(auth.workspace_id.0)
    .bind(contact_id)
    .bind(deal_id)
    .bind(auth.user_id.0)
    .bind(&input.body)
    .bind(now_ms())
    .fetch_one(uow.conn())
    .await?;
    let excerpt: String = input.body.chars().take(140).collect();
    record_activity(
        &mut uow,
        auth,
        subject,
        "note_added",
        serde_json::json!({ "noteId": id, "excerpt": excerpt }),
    )
    .await?;
    let note = note_view(
        &sqlx::query(AssertSqlSafe(format!("{NOTE_SELECT} WHERE n.id = $1")))
            .bind(id)
            .fetch_one(uow.conn())
            .await?,
    )?;
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &TimelineEvent::NoteCreated(note.clone()),
    )
    .await?;
    uow.commit().await?;
    Ok(note)
}

pub async fn delete_note(state: &AppState, auth: &AuthContext, id: i64) -> Result<(), AppError> {
    auth.require(Action::WriteNotes)?;
    let mut uow = UnitOfWork::begin(state).await?;
    let author: Option<Option<i64>> =
        sqlx::query_scalar("SELECT author_id FROM notes WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(auth.workspace_id.0)
            .fetch_optional(uow.conn())
            .await?;
    auth.require_on(
        Action::WriteNotes,
        author.ok_or_else(|| AppError::not_found("Note"))?,
    )?;
    let done = sqlx::query("DELETE FROM notes WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(auth.workspace_id.0)
        .execute(uow.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("Note"));
    }
    uow.record(
        auth.workspace_id,
        Some(auth.user_id),
        &TimelineEvent::NoteDeleted { id },
    )
    .await?;
    uow.commit().await?;
    Ok(())
}
