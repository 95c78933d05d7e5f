//! Business rules on references: every company, contact, deal, stage or owner an input names
//! must belong to the caller's workspace. A foreign id answers as if it did not exist.

use crate::error::AppError;
use crate::ids::{CompanyId, ContactId, DealId};
use crate::server::db::Tx;

async fn exists(
    tx: &mut Tx,
    sql: &'static str,
    workspace_id: i64,
    id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

fn missing(field: &str, what: &str) -> AppError {
    AppError::field(
        field,
        "not_found",
        format!("No such {what} in this workspace"),
    )
}

pub async fn company(
    tx: &mut Tx,
    workspace_id: i64,
    id: Option<CompanyId>,
    field: &str,
) -> Result<(), AppError> {
    match id {
        Some(id)
            if !exists(
                tx,
                "SELECT id FROM companies WHERE id = $1 AND workspace_id = $2",
                workspace_id,
                id.0,
            )
            .await? =>
        {
            Err(missing(field, "company"))
        }
        _ => Ok(()),
    }
}

pub async fn contact(
    tx: &mut Tx,
    workspace_id: i64,
    id: Option<ContactId>,
    field: &str,
) -> Result<(), AppError> {
    match id {
        Some(id)
            if !exists(
                tx,
                "SELECT id FROM contacts WHERE id = $1 AND workspace_id = $2",
                workspace_id,
                id.0,
            )
            .await? =>
        {
            Err(missing(field, "contact"))
        }
        _ => Ok(()),
    }
}

pub async fn deal(
    tx: &mut Tx,
    workspace_id: i64,
    id: Option<DealId>,
    field: &str,
) -> Result<(), AppError> {
    match id {
        Some(id)
            if !exists(
                tx,
                "SELECT id FROM deals WHERE id = $1 AND workspace_id = $2",
                workspace_id,
                id.0,
            )
            .await? =>
        {
            Err(missing(field, "deal"))
        }
        _ => Ok(()),
    }
}

/// An owner must be a member of the workspace.
pub async fn member(
    tx: &mut Tx,
    workspace_id: i64,
    user_id: Option<i64>,
    field: &str,
) -> Result<(), AppError> {
    match user_id {
        Some(id)
            if !exists(
                tx,
                "SELECT user_id FROM memberships WHERE user_id = $1 AND workspace_id = $2",
                workspace_id,
                id,
            )
            .await? =>
        {
            Err(missing(field, "member"))
        }
        _ => Ok(()),
    }
}
