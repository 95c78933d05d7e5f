//! REST routes under `/api/team` (members, invitations), `/api/invites` (accepting one) and
//! `/api/audit` (the audit log).

use super::server::{self, audit_log, invites, joining};
use super::{
    AcceptInvite, AuditQuery, AuditView, EmailInvite, InvitePreview, InviteView, LinkInvite,
    OwnershipTransfer, RoleChange, SecurityPolicy, TeamData,
};
use crate::access::server::{session, AuthContext};
use crate::auth::AuthSuccess;
use crate::error::AppError;
use crate::ids::UserId;
use crate::listing::Page;
use crate::server::extract::{ApiJson, ApiQuery, ClientMeta};
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::server::AppState;
use crate::workspaces::MemberView;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn team_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(members))
        .routes(routes!(change_role))
        .routes(routes!(remove_member))
        .routes(routes!(invite))
        .routes(routes!(list_links, create_link))
        .routes(routes!(revoke_link))
        .routes(routes!(revoke_invite))
        .routes(routes!(leave))
        .routes(routes!(transfer))
        .routes(routes!(set_policy))
}

pub fn invite_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(accept))
}

pub fn audit_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_log))
}

/// Members, pending invitations (for those who manage the team) and the security policy.
#[utoipa::path(
    get, path = "/", operation_id = "getTeam", tag = "team",
    responses((status = 200, description = "The team", body = TeamData))
)]
async fn overview(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<TeamData>, AppError> {
    Ok(Json(server::team(&state, &auth).await?))
}

/// The members of the current workspace and their roles.
#[utoipa::path(
    get, path = "/members", operation_id = "listTeamMembers", tag = "team",
    responses((status = 200, description = "The members, oldest first", body = Page<MemberView>))
)]
async fn members(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Page<MemberView>>, AppError> {
    let members = crate::workspaces::server::members(&state, auth.workspace_id).await?;
    let total = members.len() as i64;
    Ok(Json(Page::new(members, 1, total.max(1), total)))
}

/// Change a member's role (owners and admins; only owners change owners).
#[utoipa::path(
    put, path = "/members/{id}/role", operation_id = "changeMemberRole", tag = "team",
    params(("id" = i64, Path, description = "The member's user id")),
    request_body = RoleChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn change_role(
    State(state): State<AppState>,
    auth: AuthContext,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoleChange>,
) -> Result<StatusCode, AppError> {
    server::change_role(&state, &auth, UserId(id), input.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member from the workspace; their sessions and API tokens here end.
#[utoipa::path(
    delete, path = "/members/{id}", operation_id = "removeMember", tag = "team",
    params(("id" = i64, Path, description = "The member's user id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn remove_member(
    State(state): State<AppState>,
    auth: AuthContext,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    server::remove(&state, &auth, UserId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave the current workspace (the last owner cannot).
#[utoipa::path(
    post, path = "/leave", operation_id = "leaveWorkspace", tag = "team",
    responses((status = 204, description = "Left"), (status = 409, response = Conflict))
)]
async fn leave(State(state): State<AppState>, auth: AuthContext) -> Result<StatusCode, AppError> {
    server::remove(&state, &auth, auth.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make another member an owner and become an admin (owners).
#[utoipa::path(
    post, path = "/transfer-ownership", operation_id = "transferOwnership", tag = "team",
    request_body = OwnershipTransfer,
    responses(
        (status = 204, description = "Handed over"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn transfer(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<OwnershipTransfer>,
) -> Result<StatusCode, AppError> {
    server::transfer_ownership(&state, &auth, input.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Require two-factor sign-in for every member, or stop requiring it (owners).
#[utoipa::path(
    put, path = "/security", operation_id = "setSecurityPolicy", tag = "team",
    request_body = SecurityPolicy,
    responses(
        (status = 200, description = "The policy now", body = SecurityPolicy),
        (status = 403, response = Forbidden),
    )
)]
async fn set_policy(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<SecurityPolicy>,
) -> Result<Json<SecurityPolicy>, AppError> {
    Ok(Json(server::set_policy(&state, &auth, input).await?))
}

/// Invite someone by email; the email carries the only copy of the link.
#[utoipa::path(
    post, path = "/members/invite", operation_id = "inviteMember", tag = "team",
    request_body = EmailInvite,
    responses(
        (status = 201, description = "Invited", body = InviteView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn invite(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<EmailInvite>,
) -> Result<(StatusCode, Json<InviteView>), AppError> {
    let created = invites::invite_by_email(&state, &auth, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke a pending email invitation.
#[utoipa::path(
    delete, path = "/invites/{id}", operation_id = "revokeInvite", tag = "team",
    params(("id" = i64, Path, description = "The invitation")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn revoke_invite(
    State(state): State<AppState>,
    auth: AuthContext,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    invites::revoke(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Live invitation links.
#[utoipa::path(
    get, path = "/invite-links", operation_id = "listInviteLinks", tag = "team",
    responses(
        (status = 200, description = "The links", body = Vec<InviteView>),
        (status = 403, response = Forbidden),
    )
)]
async fn list_links(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<InviteView>>, AppError> {
    Ok(Json(invites::links(&state, &auth).await?))
}

/// Create an invitation link with a role, an expiry and optionally a number of uses.
#[utoipa::path(
    post, path = "/invite-links", operation_id = "createInviteLink", tag = "team",
    request_body = LinkInvite,
    responses(
        (status = 201, description = "Created", body = InviteView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create_link(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<LinkInvite>,
) -> Result<(StatusCode, Json<InviteView>), AppError> {
    let created = invites::create_link(&state, &auth, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke an invitation link.
#[utoipa::path(
    delete, path = "/invite-links/{id}", operation_id = "revokeInviteLink", tag = "team",
    params(("id" = i64, Path, description = "The link")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn revoke_link(
    State(state): State<AppState>,
    auth: AuthContext,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    invites::revoke(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invitation offers (public: the token is the credential).
#[utoipa::path(
    get, path = "/{token}", operation_id = "previewInvite", tag = "team", security(()),
    params(("token" = String, Path, description = "The token from the link")),
    responses(
        (status = 200, description = "The invitation", body = InvitePreview),
        (status = 404, response = NotFound),
    )
)]
async fn preview(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<InvitePreview>, AppError> {
    Ok(Json(joining::preview(&state, &token).await?))
}

/// Accept an invitation: signed in, join the workspace; otherwise create an account (email,
/// name, password). Either way a session in the workspace is opened and its cookie set.
#[utoipa::path(
    post, path = "/accept", operation_id = "acceptInvite", tag = "team", security(()),
    request_body = AcceptInvite,
    responses(
        (status = 200, description = "Joined; the session cookie is set", body = AuthSuccess),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn accept(
    State(state): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    ApiJson(input): ApiJson<AcceptInvite>,
) -> Result<Response, AppError> {
    let caller = match crate::access::server::token_from_headers(&headers) {
        Some(token) => session::lookup(&state, &token).await?,
        None => None,
    };
    let ok = joining::accept(&state, caller.as_ref(), input, &meta).await?;
    let cookie = session::cookie(&state.settings, &ok.access_token);
    Ok((StatusCode::OK, [(header::SET_COOKIE, cookie)], Json(ok)).into_response())
}

/// The audit log, newest first (owners and admins).
#[utoipa::path(
    get, path = "/", operation_id = "listAuditLog", tag = "team",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditView>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn audit_log(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditView>>, AppError> {
    Ok(Json(audit_log::list(&state, &auth, query).await?))
}
