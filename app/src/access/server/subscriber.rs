//! The live stream (`GET /ws`) is for a signed-in caller: realtime asks through its
//! `Subscriber` port, so it names no session or token.

use super::{session, tokens, AuthContext};
use crate::ids::WorkspaceId;
use crate::realtime::server::Subscriber;
use crate::server::AppState;

impl Subscriber for AuthContext {
    fn workspace_id(&self) -> WorkspaceId {
        self.workspace_id
    }

    /// The session (or API token) still exists and its user is still a member.
    async fn still_allowed(&self, state: &AppState) -> anyhow::Result<bool> {
        let credential = match self.api_token_id {
            Some(id) => tokens::is_active(state, id).await?,
            None => session::is_active(state, self.session_id).await?,
        };
        let member: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(self.workspace_id.0)
        .bind(self.user_id.0)
        .fetch_optional(&state.db.pool)
        .await?;
        Ok(credential && member.is_some())
    }
}
