//! Who is asking and what they may do: sessions and API tokens resolved to a caller
//! (`server::AuthContext`, acting as a member, a rule, a campaign or Parley itself), roles and
//! the permission matrix, the audit log's writer, the caller's profile (`Me`) and the events
//! that change who belongs to a workspace. Every domain checks its callers through this
//! module; it imports no domain.

pub mod permissions;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Supervisor,
    Rep,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Rep => "rep",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            "supervisor" => Role::Supervisor,
            "rep" => Role::Rep,
            "viewer" => Role::Viewer,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub id: WorkspaceId,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
}

/// A workspace the user belongs to, with their role there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MembershipView {
    pub workspace: WorkspaceView,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub locale: String,
    pub time_zone: String,
}

/// The signed-in user, the current workspace and every workspace they can switch to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub user: UserView,
    pub workspace: WorkspaceView,
    pub role: Role,
    pub workspaces: Vec<MembershipView>,
    /// The workspace's newest event number when this was read; the live stream resumes here.
    pub event_seq: i64,
    pub security: MeSecurity,
}

/// The caller's sign-in security, as the UI needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeSecurity {
    pub email_verified: bool,
    pub two_factor_enabled: bool,
    /// The workspace requires two-factor sign-in and the caller has not set it up: the app
    /// sends them to enrol, and the server refuses their changes until they do.
    pub must_enrol_two_factor: bool,
}

/// The team's events: who joined, left or was removed, whose role changed, who owns the
/// workspace. Their data is also the audit log's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum MemberEvent {
    #[serde(rename = "member.joined", rename_all = "camelCase")]
    MemberJoined {
        user_id: UserId,
        role: String,
        /// The name shown for them, when they signed up (invitations carry the invite).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite_id: Option<i64>,
    },
    #[serde(rename = "member.role_changed", rename_all = "camelCase")]
    RoleChanged {
        user_id: UserId,
        before: String,
        after: String,
    },
    #[serde(rename = "member.left", rename_all = "camelCase")]
    Left { user_id: UserId, role: String },
    #[serde(rename = "member.removed", rename_all = "camelCase")]
    Removed { user_id: UserId, role: String },
    /// A member changed the name shown for them (lists show it beside what they own).
    #[serde(rename = "member.renamed", rename_all = "camelCase")]
    Renamed { user_id: UserId, name: String },
    /// `user_id` is the new owner; `from` the one who handed it over (now an admin).
    #[serde(rename = "ownership.transferred", rename_all = "camelCase")]
    OwnershipTransferred {
        user_id: UserId,
        before: String,
        from: UserId,
    },
}
impl MemberEvent {
    /// The member the change is about.
    pub fn member(&self) -> UserId {
        match self {
            MemberEvent::MemberJoined { user_id, .. }
            | MemberEvent::RoleChanged { user_id, .. }
            | MemberEvent::Left { user_id, .. }
            | MemberEvent::Removed { user_id, .. }
            | MemberEvent::Renamed { user_id, .. }
            | MemberEvent::OwnershipTransferred { user_id, .. } => *user_id,
        }
    }
}

impl crate::realtime::DomainEvent for MemberEvent {}
