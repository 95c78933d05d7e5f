//! In-memory caches on the authentication hot path.
//!
//! Every API request resolves its session, and `/api/auth/me` assembles the caller's user,
//! workspace and memberships; reading them from the database each time would cost several
//! queries per request. Entries live a few seconds at most and are invalidated on this
//! instance the moment a session ends or a workspace, user or membership changes; other
//! instances see such changes when their entry expires (`TTL`).

use super::AuthContext;
use crate::access::Me;
use crate::ids::{SessionId, UserId, WorkspaceId};
use moka::sync::Cache;
use std::sync::Arc;
use std::time::Duration;

/// How long a cached session or profile may be served without rereading the database.
pub const TTL: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct CachedSession {
    pub ctx: AuthContext,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Clone)]
pub struct AuthCache {
    sessions: Cache<String, CachedSession>,
    profiles: Cache<(UserId, WorkspaceId), Arc<Me>>,
}

impl Default for AuthCache {
    fn default() -> Self {
        Self::new()
    }
}

impl AuthCache {
    pub fn new() -> AuthCache {
        AuthCache {
            sessions: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TTL)
                .support_invalidation_closures()
                .build(),
            profiles: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TTL)
                .build(),
        }
    }

    pub fn session(&self, token_hash: &str) -> Option<CachedSession> {
        self.sessions.get(token_hash)
    }

    pub fn put_session(&self, token_hash: String, session: CachedSession) {
        self.sessions.insert(token_hash, session);
    }

    pub fn forget_token(&self, token_hash: &str) {
        self.sessions.invalidate(token_hash);
    }

    pub fn forget_session(&self, id: SessionId) {
        let _ = self
            .sessions
            .invalidate_entries_if(move |_, s| s.ctx.session_id == id);
    }

    pub fn forget_user_sessions(&self, user: UserId) {
        let _ = self
            .sessions
            .invalidate_entries_if(move |_, s| s.ctx.user_id == user);
    }

    pub fn forget_workspace_sessions(&self, workspace: WorkspaceId) {
        let _ = self
            .sessions
            .invalidate_entries_if(move |_, s| s.ctx.workspace_id == workspace);
    }

    pub fn profile(&self, user: UserId, workspace: WorkspaceId) -> Option<Arc<Me>> {
        self.profiles.get(&(user, workspace))
    }

    pub fn put_profile(&self, me: Arc<Me>) {
        self.profiles.insert((me.user.id, me.workspace.id), me);
    }

    /// Workspace names, users and memberships appear in many profiles; any change to them
    /// drops every cached profile (such changes are rare).
    pub fn forget_profiles(&self) {
        self.profiles.invalidate_all();
    }
}

impl crate::server::AppState {
    /// The cache of verified sessions and tokens.
    pub fn auth_cache(&self) -> &AuthCache {
        self.part()
    }
}
