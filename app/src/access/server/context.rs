//! Who is asking: the session behind a cookie or a Bearer token, resolved on every request.

use crate::access::permissions::{Action, Grant};
use crate::access::Role;
use crate::error::AppError;
use crate::ids::{SessionId, UserId, WorkspaceId};
use crate::server::extract::ClientMeta;
use crate::server::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};

pub const SESSION_COOKIE: &str = "parley_session";

/// Who a change is made by, beyond the member whose rights it runs with: the member
/// themselves (in the app or through the API), an automation rule, a campaign, or Parley
/// itself. Stage history's source derives from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Member,
    Automation { rule_id: i64 },
    Campaign { campaign_id: i64 },
    System,
}

/// An authenticated caller in their current workspace.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub role: Role,
    /// Resolved by a REST route (an integrator) rather than a server function (the app):
    /// stage history records such moves with the source `api`.
    pub via_api: bool,
    /// The client's address, for the audit log (set per request, never cached).
    pub ip: Option<std::net::IpAddr>,
    /// Set when the caller authenticated with a personal API token (not a session).
    pub api_token_id: Option<i64>,
    /// The workspace requires two-factor sign-in and this session's user has not set it up:
    /// every permission check refuses until they do.
    pub must_enrol_two_factor: bool,
    /// Who the change is made by (a member, unless a rule, a campaign or Parley acts).
    pub actor: Actor,
}

impl AuthContext {
    /// The same rights, acting as `actor` (a rule acts with its author's rights, a campaign
    /// with its owner's).
    pub fn acting_as(mut self, actor: Actor) -> AuthContext {
        self.actor = actor;
        self.session_id = SessionId(0);
        self.api_token_id = None;
        self.ip = None;
        self
    }

    /// Parley itself acting in a workspace, with its owner's rights (the owner answers for
    /// the workspace); its changes record the source `system`.
    pub async fn system(
        state: &AppState,
        workspace_id: WorkspaceId,
    ) -> Result<AuthContext, AppError> {
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'owner' \
             ORDER BY created_at, user_id LIMIT 1",
        )
        .bind(workspace_id.0)
        .fetch_optional(&state.db.pool)
        .await?;
        let owner = owner.ok_or_else(|| AppError::not_found("Workspace"))?;
        Ok(AuthContext {
            session_id: SessionId(0),
            user_id: UserId(owner),
            workspace_id,
            role: Role::Owner,
            via_api: false,
            ip: None,
            api_token_id: None,
            must_enrol_two_factor: false,
            actor: Actor::System,
        })
    }

    /// How the change is made, as stage history records it: `manual` (the app), `api`,
    /// `automation`, `campaign` or `system`.
    pub fn source(&self) -> &'static str {
        match self.actor {
            Actor::Member if self.via_api => "api",
            Actor::Member => "manual",
            Actor::Automation { .. } => "automation",
            Actor::Campaign { .. } => "campaign",
            Actor::System => "system",
        }
    }

    /// The caller of the current server function, or 401.
    pub async fn from_server_fn() -> Result<AuthContext, AppError> {
        Self::optional_from_server_fn()
            .await?
            .ok_or_else(signed_out)
    }

    /// The caller of the current server function, if signed in.
    pub async fn optional_from_server_fn() -> Result<Option<AuthContext>, AppError> {
        let state = AppState::current()?;
        let parts: Parts = leptos_axum::extract()
            .await
            .map_err(|_| AppError::internal())?;
        let Some(token) = token_from_headers(&parts.headers) else {
            return Ok(None);
        };
        let ctx = super::session::lookup(&state, &token).await?;
        Ok(ctx.map(|mut ctx| {
            ctx.ip = Some(ClientMeta::from_parts(&parts, state.settings.trust_proxy).ip);
            ctx
        }))
    }

    /// Refuses unless the caller's role grants `action` at least on their own records (see
    /// `access::permissions`). Actions on one record that a rep may only take on their own go
    /// through [`AuthContext::require_on`] instead.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        self.enrolled()?;
        match self.role.grant(action) {
            Grant::No => Err(refused(self.role, action)),
            Grant::All | Grant::Own => Ok(()),
        }
    }

    /// Refuses unless the caller's role grants `action` on a record owned by (or assigned to)
    /// `owner`: everywhere, or on their own and unowned records.
    pub fn require_on(&self, action: Action, owner: Option<i64>) -> Result<(), AppError> {
        self.enrolled()?;
        match self.role.grant(action) {
            Grant::All => Ok(()),
            Grant::Own if owner.is_none() || owner == Some(self.user_id.0) => Ok(()),
            Grant::Own => Err(AppError::forbidden(format!(
                "Your role ({}) allows {} only on your own records",
                self.role.as_str(),
                action.name()
            ))),
            Grant::No => Err(refused(self.role, action)),
        }
    }

    fn enrolled(&self) -> Result<(), AppError> {
        if self.must_enrol_two_factor {
            return Err(AppError::forbidden(
                "This workspace requires two-factor sign-in: set it up in Settings → Security first",
            ));
        }
        Ok(())
    }

    /// The client address as the audit log shows it.
    pub fn ip_text(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }

    /// Whether the role reaches every record for `action` (not only the caller's own).
    pub fn reaches_all(&self, action: Action) -> bool {
        self.role.grant(action) == Grant::All
    }
}

fn refused(role: Role, action: Action) -> AppError {
    AppError::forbidden(format!(
        "Your role ({}) does not allow {}",
        role.as_str(),
        action.name()
    ))
}

fn signed_out() -> AppError {
    AppError::unauthorized("Sign in to continue")
}

/// The session token: `Authorization: Bearer …` first, then the session cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = value.strip_prefix("Bearer ").map(str::trim) {
            return (!token.is_empty()).then(|| token.to_string());
        }
    }
    cookie_value(headers, SESSION_COOKIE)
}

/// A cookie's value from the `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

impl FromRequestParts<AppState> for AuthContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(ctx) = parts.extensions.get::<AuthContext>() {
            return Ok(ctx.clone());
        }
        let token = token_from_headers(&parts.headers).ok_or_else(signed_out)?;
        let mut ctx = super::session::lookup(state, &token)
            .await?
            .ok_or_else(signed_out)?;
        ctx.via_api = true;
        ctx.ip = Some(ClientMeta::from_parts(parts, state.settings.trust_proxy).ip);
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}
