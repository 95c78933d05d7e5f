//! Search across message text, newest first, through each backend's index: FTS5 trigram on
//! SQLite, pg_trgm over `lower(text)` on PostgreSQL (three or more characters; shorter terms
//! scan the workspace's messages). On SQLite the FTS index drives the query: it yields
//! matches newest first (FTS5 walks its lists backwards by rowid) and the scan stops at the
//! workspace's 50th, so a common word costs about what a rare one does. (In a database shared
//! by many workspaces, a word common elsewhere but rare in this workspace reads the other
//! workspaces' matches too; SQLite is the single-team default, PostgreSQL the shared one.)

use super::{message_columns, message_view, MESSAGE_SELECT};
use crate::access::server::AuthContext;
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
    let (hits, value) = if state.db.backend == Backend::Sqlite && term.chars().count() >= 3 {
        // The FTS index drives: it yields matches newest first and the scan stops at the
        // 50th of the workspace (CROSS JOIN keeps SQLite from reordering the join).
        (
            concat!(
                "SELECT ",
                message_columns!(),
                " FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid \
                 LEFT JOIN media md ON md.id = m.media_id \
                 WHERE messages_fts MATCH $2 AND m.workspace_id = $1 ORDER BY f.rowid DESC"
            )
            .to_string(),
            format!("\"{}\"", term.replace('"', "\"\"")),
        )
    } else {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        (
            format!(
                "{MESSAGE_SELECT} WHERE m.workspace_id = $1 AND lower(m.text) LIKE $2 ESCAPE '\\' \
                 ORDER BY m.id DESC"
            ),
            format!("%{escaped}%"),
        )
    };
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT q.*, c.title AS conversation_title FROM ({hits} LIMIT {LIMIT}) q \
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
