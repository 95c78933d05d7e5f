//! The team: members and their roles, invitations, the permission matrix and the audit log.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use pages::{AuditPage, JoinPage, TeamPage};

use crate::access::Role;
use crate::ids::{EpochMs, UserId};
use crate::workspaces::MemberView;
use serde::{Deserialize, Serialize};
use validator::Validate;

/// Everything the team page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamData {
    pub members: Vec<MemberView>,
    /// Pending invitations: email invites not yet accepted and live links.
    pub invites: Vec<InviteView>,
    pub require_two_factor: bool,
}

/// A new role for a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoleChange {
    pub role: Role,
}

/// An invitation by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmailInvite {
    #[validate(
        custom(function = "crate::validation::email"),
        length(max = 254, code = "too_long", message = "This is too long")
    )]
    pub email: String,
    pub role: Role,
    /// Days until the invitation expires, 1 to 30 (default 7).
    #[validate(range(min = 1, max = 30, code = "range", message = "Between 1 and 30 days"))]
    #[serde(default = "default_days")]
    pub expires_in_days: i64,
}

/// An invitation link anyone holding it can use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LinkInvite {
    pub role: Role,
    #[validate(range(min = 1, max = 30, code = "range", message = "Between 1 and 30 days"))]
    #[serde(default = "default_days")]
    pub expires_in_days: i64,
    /// How many people may join with it; absent means no limit until it expires.
    #[validate(range(min = 1, max = 1000, code = "range", message = "Between 1 and 1000"))]
    pub max_uses: Option<i64>,
}

fn default_days() -> i64 {
    7
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InviteView {
    pub id: i64,
    /// The invited address; absent for a link.
    pub email: Option<String>,
    pub role: Role,
    /// The link to share (links only; an email invitation's link exists only in the email).
    pub url: Option<String>,
    pub uses: i64,
    pub max_uses: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub expires_at: EpochMs,
    pub invited_by: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}

/// What the join page shows before the invitation is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitePreview {
    pub workspace_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub invited_by: Option<String>,
    /// Whether an account with the invited email exists already (email invitations).
    pub existing_account: bool,
}

/// Accepting an invitation: signed in, the caller joins; otherwise a new account is created
/// with these details (an email invitation fixes the email).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AcceptInvite {
    pub token: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// A new account's language (`en`, `ru`) and IANA time zone, from the browser; English and
    /// UTC when absent or unknown.
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Handing the workspace to another member, who becomes an owner; the caller becomes an admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OwnershipTransfer {
    pub user_id: UserId,
}

/// The workspace's security policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityPolicy {
    pub require_two_factor: bool,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub id: i64,
    pub actor_id: Option<UserId>,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    /// What changed (before/after) or other context.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: serde_json::Value,
    pub ip: String,
    /// How the change was made: `manual` (in the app), `api`, `automation`, `campaign` or
    /// `system` (Parley itself).
    pub source: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// Only this action (`member.role_changed`), or actions starting with it followed by `.`
    /// (`member`).
    pub action: Option<String>,
    /// Only entries by this member.
    pub actor_id: Option<i64>,
}
