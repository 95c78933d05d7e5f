//! REST routes under `/api/auth` for account security: two-factor sign-in, password reset,
//! email verification and personal API tokens.

use super::{api_tokens, email_links, service, two_factor};
use crate::access::server::AuthContext;
use crate::auth::security::{
    ApiTokenInput, ApiTokenView, ForgotPassword, NewApiToken, RecoveryCodes, ResetPassword,
    SecurityOverview, TwoFactorCode, TwoFactorSetup, TwoFactorValidate,
};
use crate::auth::AuthSuccess;
use crate::error::AppError;
use crate::server::extract::{ApiJson, ClientMeta};
use crate::server::openapi::{Conflict, Invalid, NotFound, Unauthorized};
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup))
        .routes(routes!(verify_setup))
        .routes(routes!(disable))
        .routes(routes!(validate))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(overview))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Start enrolling in two-factor sign-in: a secret, its `otpauth` URL and a QR code.
#[utoipa::path(
    post, path = "/2fa/setup", operation_id = "setupTwoFactor", tag = "auth",
    responses(
        (status = 200, description = "Add this to an authenticator app", body = TwoFactorSetup),
        (status = 409, response = Conflict),
    )
)]
async fn setup(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<TwoFactorSetup>, AppError> {
    Ok(Json(two_factor::setup(&state, &auth).await?))
}

/// Confirm enrolment with a code; answers the ten recovery codes, shown this once.
#[utoipa::path(
    post, path = "/2fa/verify-setup", operation_id = "verifyTwoFactorSetup", tag = "auth",
    request_body = TwoFactorCode,
    responses(
        (status = 200, description = "Two-factor sign-in is on", body = RecoveryCodes),
        (status = 400, response = Invalid),
    )
)]
async fn verify_setup(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<TwoFactorCode>,
) -> Result<Json<RecoveryCodes>, AppError> {
    Ok(Json(
        two_factor::verify_setup(&state, &auth, &input.token).await?,
    ))
}

/// Turn two-factor sign-in off with a current code.
#[utoipa::path(
    post, path = "/2fa/disable", operation_id = "disableTwoFactor", tag = "auth",
    request_body = TwoFactorCode,
    responses((status = 204, description = "Turned off"), (status = 400, response = Invalid))
)]
async fn disable(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<TwoFactorCode>,
) -> Result<StatusCode, AppError> {
    two_factor::disable(&state, &auth, &input.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The second sign-in step: `tempToken` from `signin` with a code (`token`) or a recovery code.
#[utoipa::path(
    post, path = "/2fa/validate", operation_id = "validateTwoFactor", tag = "auth", security(()),
    request_body = TwoFactorValidate,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = AuthSuccess),
        (status = 401, response = Unauthorized),
    )
)]
async fn validate(
    State(state): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TwoFactorValidate>,
) -> Result<Response, AppError> {
    let ok = service::validate_two_factor(&state, input, &meta).await?;
    super::rest::signed_in(&state, &headers, ok).await
}

/// The same answer whatever the address.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub message: String,
}

/// Ask for a password reset link. The answer is the same whether or not an account exists.
#[utoipa::path(
    post, path = "/forgot-password", operation_id = "forgotPassword", tag = "auth", security(()),
    request_body = ForgotPassword,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way", body = Accepted),
        (status = 400, response = Invalid),
    )
)]
async fn forgot_password(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(input): ApiJson<ForgotPassword>,
) -> Result<(StatusCode, Json<Accepted>), AppError> {
    email_links::forgot_password(&state, input, &meta).await?;
    let message = "If an account uses this address, a link to reset its password is on its way";
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: message.into(),
        }),
    ))
}

/// Set a new password with the emailed token; every session of the account ends.
#[utoipa::path(
    post, path = "/reset-password", operation_id = "resetPassword", tag = "auth", security(()),
    request_body = ResetPassword,
    responses((status = 204, description = "The password is changed"), (status = 400, response = Invalid))
)]
async fn reset_password(
    State(state): State<AppState>,
    meta: ClientMeta,
    ApiJson(input): ApiJson<ResetPassword>,
) -> Result<StatusCode, AppError> {
    email_links::reset_password(&state, input, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailToken {
    pub token: String,
}

/// Confirm an email address with the emailed token.
#[utoipa::path(
    post, path = "/verify-email", operation_id = "verifyEmail", tag = "auth", security(()),
    request_body = EmailToken,
    responses((status = 204, description = "Confirmed"), (status = 400, response = Invalid))
)]
async fn verify_email(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<EmailToken>,
) -> Result<StatusCode, AppError> {
    email_links::verify_email(&state, &input.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send the caller a new confirmation email.
#[utoipa::path(
    post, path = "/resend-verification", operation_id = "resendVerification", tag = "auth",
    responses((status = 204, description = "Sent"), (status = 409, response = Conflict))
)]
async fn resend_verification(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<StatusCode, AppError> {
    email_links::resend_verification(&state, &auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's two-factor state, recovery codes left, address state and API tokens.
#[utoipa::path(
    get, path = "/security", operation_id = "getAccountSecurity", tag = "auth",
    responses((status = 200, description = "Account security", body = SecurityOverview))
)]
async fn overview(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<SecurityOverview>, AppError> {
    Ok(Json(super::security::overview(&state, &auth).await?))
}

/// The caller's API tokens in this workspace.
#[utoipa::path(
    get, path = "/tokens", operation_id = "listApiTokens", tag = "auth",
    responses((status = 200, description = "The tokens (never their secrets)", body = Vec<ApiTokenView>))
)]
async fn list_tokens(
    State(state): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<ApiTokenView>>, AppError> {
    Ok(Json(api_tokens::list(&state, &auth).await?))
}

/// Create a personal API token; its secret is in this answer only.
#[utoipa::path(
    post, path = "/tokens", operation_id = "createApiToken", tag = "auth",
    request_body = ApiTokenInput,
    responses(
        (status = 201, description = "Created", body = NewApiToken),
        (status = 400, response = Invalid),
    )
)]
async fn create_token(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<ApiTokenInput>,
) -> Result<(StatusCode, Json<NewApiToken>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(api_tokens::create(&state, &auth, input).await?),
    ))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(
    delete, path = "/tokens/{id}", operation_id = "revokeApiToken", tag = "auth",
    params(("id" = i64, Path, description = "The token")),
    responses((status = 204, description = "Revoked"), (status = 404, response = NotFound))
)]
async fn revoke_token(
    State(state): State<AppState>,
    auth: AuthContext,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    api_tokens::revoke(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
