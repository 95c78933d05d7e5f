//! Server functions of the team, join and audit pages; each delegates to `server`.

use super::{
    AcceptInvite, AuditQuery, AuditView, EmailInvite, InvitePreview, InviteView, LinkInvite,
    SecurityPolicy, TeamData,
};
use crate::access::Role;
use crate::error::AppError;
use crate::listing::Page;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "get_team")]
pub async fn get_team() -> Result<TeamData, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::team(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "change_member_role")]
pub async fn change_member_role(user_id: i64, role: Role) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::change_role(&state, &auth, crate::ids::UserId(user_id), role).await
    })
    .await
}

/// Removes a member; the caller's own id leaves the workspace.
#[server(prefix = "/sfn", endpoint = "remove_member")]
pub async fn remove_member(user_id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::remove(&state, &auth, crate::ids::UserId(user_id)).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(user_id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::transfer_ownership(&state, &auth, crate::ids::UserId(user_id)).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "set_security_policy")]
pub async fn set_security_policy(require_two_factor: bool) -> Result<SecurityPolicy, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::set_policy(&state, &auth, SecurityPolicy { require_two_factor }).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "invite_member")]
pub async fn invite_member(input: EmailInvite) -> Result<InviteView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::invites::invite_by_email(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "create_invite_link")]
pub async fn create_invite_link(input: LinkInvite) -> Result<InviteView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::invites::create_link(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "revoke_invite")]
pub async fn revoke_invite(id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::invites::revoke(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "preview_invite")]
pub async fn preview_invite(token: String) -> Result<InvitePreview, AppError> {
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        super::server::joining::preview(&state, &token).await
    })
    .await
}

/// Joins the workspace of an invitation (creating the account when signed out) and opens a
/// session there.
#[server(prefix = "/sfn", endpoint = "accept_invite")]
pub async fn join_workspace(input: AcceptInvite) -> Result<(), AppError> {
    use crate::access::server::AuthContext;
    crate::error::server::server_fn(async move {
        let (state, parts, meta) = crate::auth::ssr::request().await?;
        let caller = AuthContext::optional_from_server_fn().await?;
        let ok = super::server::joining::accept(&state, caller.as_ref(), input, &meta).await?;
        crate::auth::ssr::drop_previous(&state, &parts).await?;
        crate::auth::ssr::signed_in(&state, &ok);
        Ok(())
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_audit_log")]
pub async fn get_audit_log(query: AuditQuery) -> Result<Page<AuditView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::audit_log::list(&state, &auth, query).await
    })
    .await
}
