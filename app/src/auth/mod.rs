//! Accounts and sessions: sign-up, sign-in, sign-out, and who is asking.

mod api;
pub(crate) mod pages;
pub mod profile;
mod profile_api;
pub mod security;
mod security_api;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "ssr")]
pub(crate) use api::ssr;
pub use api::*;
pub use pages::{
    ConfirmEmailChangePage, ForgotPasswordPage, ProfilePage, ResetPasswordPage, SecurityPage,
    SignInPage, SignUpPage, VerifyEmailPage,
};
pub use profile_api::*;
pub use security_api::*;

use crate::access::{Role, UserView, WorkspaceView};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// What a new account is made from (REST: `{email, password, organizationName}`, optionally
/// `name`, `locale` and `timeZone`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignUpInput {
    #[validate(
        custom(function = "crate::validation::email"),
        length(max = 254, code = "too_long", message = "This is too long")
    )]
    pub email: String,
    #[validate(length(
        min = 8,
        max = 128,
        code = "password_length",
        message = "Use 8 to 128 characters"
    ))]
    pub password: String,
    /// The first workspace's name; also accepted as `organizationName`.
    #[serde(alias = "organizationName", default)]
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 100, code = "too_long", message = "This is too long")
    )]
    pub workspace_name: String,
    #[serde(default)]
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub name: String,
    /// The language the member signed up in (`en`, `ru`); anything else is English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The browser's IANA time zone; an unknown one is UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

impl SignUpInput {
    /// Trims text fields and lower-cases the email; the password is kept exactly as typed.
    pub fn normalized(mut self) -> Self {
        self.email = self.email.trim().to_lowercase();
        self.workspace_name = self.workspace_name.trim().to_string();
        self.name = self.name.trim().to_string();
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    #[validate(
        custom(function = "crate::validation::email"),
        length(max = 254, code = "too_long", message = "This is too long")
    )]
    pub email: String,
    #[validate(length(
        min = 1,
        max = 128,
        code = "required",
        message = "This field is required"
    ))]
    pub password: String,
}

impl SignInInput {
    pub fn normalized(mut self) -> Self {
        self.email = self.email.trim().to_lowercase();
        self
    }
}

/// The answer to a successful sign-up or sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthSuccess {
    pub user: UserView,
    pub workspace: WorkspaceView,
    pub role: Role,
    pub access_token: String,
}
