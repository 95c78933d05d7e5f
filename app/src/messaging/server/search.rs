//! Search across message text, newest first, through each backend's index: FTS5 trigram on
//! SQLite, pg_trgm over `lower(text)` on PostgreSQL (three or more characters; shorter terms
//! scan the workspace's messages). On SQLite the index is read newest first and stops after
//! the newest 2,000 matches on the server (FTS5 walks its lists backwards by rowid), so a
//! common word costs the same as a rare one; older matches of a very common word are not shown.

use super::{message_view, MESSAGE_SELECT};
use crate::auth::server::AuthContext;
use crate::error::AppError;
use crate::messaging::MessageHit;
use crate::server::db::Backend;
use crate::server::AppState;
use sqlx::{AssertSqlSafe, Row as _};

/// At most this many hits.
const LIMIT: i64 = 50;

pub async fn search(
    state: &AppState,
    auth: &AuthContext,
    term: &str,
) -> Result<Vec<MessageHit>, AppError> {
    let term = term.replace('\0', "").trim().to_lowercase();
    if term.is_empty() {
        return Ok(Vec::new());
    }
    let (filter, value) = if state.db.backend == Backend::Sqlite && term.chars().count() >= 3 {
        // `+` keeps SQLite from starting at the workspace index (see server/query.rs).
        (
            "+m.workspace_id = $1 AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH $2 \
             ORDER BY rowid DESC LIMIT 2000)",
            format!("\"{}\"", term.replace('"', "\"\"")),
        )
    } else {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        (
            "m.workspace_id = $1 AND lower(m.text) LIKE $2 ESCAPE '\\'",
            format!("%{escaped}%"),
        )
    };
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT q.*, c.title AS conversation_title FROM ({MESSAGE_SELECT} WHERE {filter} ORDER BY m.id DESC LIMIT {LIMIT}) q \
         JOIN conversations c ON c.id = q.conversation_id ORDER BY q.id DESC"
    )))
    .bind(auth.workspace_id.0)
    .bind(value)
    // Planned for this very pattern, not as a cached generic plan: PostgreSQL can only pick
    // the trigram index when it sees what the pattern is.
    .persistent(false)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MessageHit {
                message: message_view(row)?,
                conversation_title: row.try_get("conversation_title")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
