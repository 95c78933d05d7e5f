//! What every server function starts with: the state and the signed-in caller.

use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::server::AppState;

pub async fn caller() -> Result<(AppState, AuthContext), AppError> {
    Ok((AppState::current()?, AuthContext::from_server_fn().await?))
}
