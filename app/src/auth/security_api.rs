//! Server functions of account security: two-factor sign-in, API tokens, password reset and
//! email verification. Each delegates to the services the REST routes use.

use super::security::{
    ApiTokenInput, NewApiToken, RecoveryCodes, ResetPassword, SecurityOverview, TwoFactorSetup,
};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "get_account_security")]
pub async fn get_account_security() -> Result<SecurityOverview, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::security::overview(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "start_two_factor")]
pub async fn start_two_factor() -> Result<TwoFactorSetup, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::two_factor::setup(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(token: String) -> Result<RecoveryCodes, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::two_factor::verify_setup(&state, &auth, &token).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(token: String) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::two_factor::disable(&state, &auth, &token).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "create_api_token")]
pub async fn create_api_token(input: ApiTokenInput) -> Result<NewApiToken, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::api_tokens::create(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::api_tokens::revoke(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::email_links::resend_verification(&state, &auth).await
    })
    .await
}

/// Asks for a reset link; the same answer whether or not the address has an account.
#[server(prefix = "/sfn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, _, meta) = super::api::ssr::request().await?;
        let input = super::security::ForgotPassword { email };
        crate::auth::server::email_links::forgot_password(&state, input, &meta).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "reset_password")]
pub async fn set_password_with_token(input: ResetPassword) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, _, meta) = super::api::ssr::request().await?;
        crate::auth::server::email_links::reset_password(&state, input, &meta).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        crate::auth::server::email_links::verify_email(&state, &token).await
    })
    .await
}
