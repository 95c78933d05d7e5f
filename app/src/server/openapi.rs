//! The parts of the OpenAPI document that no single route owns: its info and tags, the error
//! responses every route shares, the security schemes, and the rule that applies them.
//! The paths come from the handlers themselves; see `api.rs` for how a route joins.

use crate::error::AppError;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::OpenApi;

pub const BEARER: &str = "bearerAuth";
pub const COOKIE: &str = "cookieAuth";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parley API",
        description = "The REST API of Parley, a messaging-first sales CRM. Every record \
            belongs to the caller's current workspace. Errors answer `{error, code, details?}` \
            with the status of their `code`; lists answer `{items, pagination}`.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    components(
        schemas(AppError),
        responses(Invalid, Unauthorized, Forbidden, NotFound, Conflict, RateLimited, Internal)
    ),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "workspace", description = "The caller's current workspace"),
        (name = "pipelines", description = "Pipelines and their stages"),
        (name = "companies"),
        (name = "contacts"),
        (name = "deals"),
        (name = "notes", description = "Notes on contacts and deals"),
        (name = "reminders", description = "Reminders on contacts and deals"),
        (name = "activities", description = "The timeline of a company, contact or deal"),
        (name = "messaging", description = "Channel accounts, conversations and messages"),
        (name = "team", description = "Members, roles, invitations and the audit log"),
    )
)]
struct Base;

/// 400: `VALIDATION` with per-field `details`, or `BAD_REQUEST` for a body, path or query
/// that does not parse.
#[derive(utoipa::ToResponse)]
pub struct Invalid(pub AppError);

/// 401 `UNAUTHORIZED`: no session, or it expired or was ended.
#[derive(utoipa::ToResponse)]
pub struct Unauthorized(pub AppError);

/// 403 `FORBIDDEN`: the caller's role may not do this (viewers never write).
#[derive(utoipa::ToResponse)]
pub struct Forbidden(pub AppError);

/// 404 `NOT_FOUND`: no such record in the caller's workspace.
#[derive(utoipa::ToResponse)]
pub struct NotFound(pub AppError);

/// 409 `CONFLICT`: the change clashes with existing data.
#[derive(utoipa::ToResponse)]
pub struct Conflict(pub AppError);

/// 429 `RATE_LIMITED`: too many requests; `Retry-After` says how many seconds to wait.
#[derive(utoipa::ToResponse)]
#[response(headers(("Retry-After" = u64, description = "Seconds to wait")))]
pub struct RateLimited(pub AppError);

/// 500 `INTERNAL_ERROR`: something went wrong inside; the cause is logged with the request id.
#[derive(utoipa::ToResponse)]
pub struct Internal(pub AppError);

/// The whole document: the base above, the routes' paths under `/api`, and the shared rules;
/// the bearer token and the session cookie (named `session_cookie`) as security schemes.
pub fn document(routes: Document, session_cookie: &str) -> Document {
    let mut doc = Base::openapi().nest("/api", routes);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "The `accessToken` from sign-up or sign-in, as `Authorization: Bearer …`",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        COOKIE,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            session_cookie,
            "The session cookie that sign-up and sign-in set (browsers)",
        ))),
    );
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            apply_shared_rules(op);
        }
    }
    doc
}

/// Every operation needs a session (Bearer or cookie) unless its `#[utoipa::path]` says
/// `security(())`, which here means "public". Every operation may answer 429 and 500.
fn apply_shared_rules(op: &mut Operation) {
    let public = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
    if public {
        op.security = Some(Vec::new());
    } else {
        op.security = Some(vec![
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
            SecurityRequirement::new(COOKIE, Vec::<String>::new()),
        ]);
        shared(op, "401", "Unauthorized");
    }
    shared(op, "429", "RateLimited");
    shared(op, "500", "Internal");
}

fn shared(op: &mut Operation, status: &str, response: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{response}"))));
}
