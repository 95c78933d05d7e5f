//! Server functions of the profile page; each delegates to the services the REST routes use.

use super::profile::{EmailChange, PasswordChange, ProfileInput};
use crate::access::UserView;
use crate::error::AppError;
use leptos::prelude::*;

/// Saves the profile; the response carries the language and time-zone cookies, so the next
/// page renders with them.
#[server(prefix = "/sfn", endpoint = "update_profile")]
pub async fn update_profile(input: ProfileInput) -> Result<UserView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let user = crate::auth::server::profile::update(&state, &auth, input).await?;
        super::api::ssr::set_prefs(&user);
        Ok(user)
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "change_password")]
pub async fn change_password(input: PasswordChange) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::profile::change_password(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "request_email_change")]
pub async fn request_email_change(input: EmailChange) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::auth::server::email_change::request(&state, &auth, input).await
    })
    .await
}

/// Opens an email-change link (no session needed: the token is the proof).
#[server(prefix = "/sfn", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, _, meta) = super::api::ssr::request().await?;
        crate::auth::server::email_change::confirm(&state, &token, &meta).await
    })
    .await
}
