//! The caller's account security at a glance (the settings page).

use super::{api_tokens, two_factor};
use crate::access::server::AuthContext;
use crate::auth::security::SecurityOverview;
use crate::error::AppError;
use crate::server::AppState;

pub async fn overview(state: &AppState, auth: &AuthContext) -> Result<SecurityOverview, AppError> {
    let verified: Option<i64> =
        sqlx::query_scalar("SELECT email_verified_at FROM users WHERE id = $1")
            .bind(auth.user_id.0)
            .fetch_one(&state.db.pool)
            .await?;
    Ok(SecurityOverview {
        two_factor_enabled: two_factor::enabled(state, auth.user_id).await?,
        recovery_codes_left: two_factor::recovery_codes_left(state, auth.user_id).await?,
        email_verified: verified.is_some(),
        api_tokens: api_tokens::list(state, auth).await?,
    })
}
