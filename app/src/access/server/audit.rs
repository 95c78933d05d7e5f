//! The audit log's writer: security-relevant actions with actor, target, IP and time, written
//! in the transaction of the change they describe. The team's audit page reads them.

use super::AuthContext;
use crate::error::AppError;
use crate::server::db::Tx;
use crate::server::{now_ms, AppState};

/// Who did it, where, from which address.
pub struct AuditActor {
    pub workspace_id: Option<i64>,
    pub user_id: Option<i64>,
    pub ip: String,
    /// How the change was made (`AuthContext::source`): `manual`, `api`, `automation`,
    /// `campaign` or `system`.
    pub source: &'static str,
}

impl From<&AuthContext> for AuditActor {
    fn from(auth: &AuthContext) -> AuditActor {
        AuditActor {
            workspace_id: Some(auth.workspace_id.0),
            user_id: Some(auth.user_id.0),
            ip: auth.ip_text(),
            source: auth.source(),
        }
    }
}

/// Writes one entry; `target` is the kind and id of what was acted on.
pub async fn log(
    tx: &mut Tx,
    actor: impl Into<AuditActor>,
    action: &str,
    target: (&str, String),
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let actor = actor.into();
    sqlx::query(
        "INSERT INTO audit_log (workspace_id, actor_id, action, target_type, target_id, details, ip, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(actor.workspace_id)
    .bind(actor.user_id)
    .bind(action)
    .bind(target.0)
    .bind(target.1)
    .bind(details.to_string())
    .bind(actor.ip)
    .bind(actor.source)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one entry in a transaction of its own (sign-ins, which change nothing else).
pub async fn log_now(
    state: &AppState,
    actor: AuditActor,
    action: &str,
    target: (&str, String),
    details: serde_json::Value,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    log(&mut tx, actor, action, target, details).await?;
    tx.commit().await?;
    Ok(())
}
