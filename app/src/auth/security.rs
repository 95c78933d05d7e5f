//! Wire types of account security: API tokens, two-factor sign-in, password reset.

use crate::ids::EpochMs;
use serde::{Deserialize, Serialize};
use validator::Validate;

/// A new personal API token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 100, code = "too_long", message = "This is too long")
    )]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub last_used_at: Option<EpochMs>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewApiToken {
    pub token: ApiTokenView,
    /// Use as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Enrolment in two-factor sign-in: the secret to add to an authenticator app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorSetup {
    /// Base32, for typing into the app.
    pub secret: String,
    pub otpauth_url: String,
    /// The `otpauth` URL as an SVG QR code (a `data:image/svg+xml;base64,…` URL).
    pub qr: String,
}

/// A six-digit code from the authenticator app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorCode {
    pub token: String,
}

/// Recovery codes, shown once: each signs in once instead of a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// The second step of a sign-in: the temporary token from `signin` and a code or a recovery
/// code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorValidate {
    pub temp_token: String,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub recovery_code: Option<String>,
}

/// `signin`'s answer when the account uses two-factor sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorChallenge {
    pub requires_two_factor: bool,
    /// Valid for five minutes, for `POST /api/auth/2fa/validate`.
    pub temp_token: String,
}

/// The answer to a sign-in: signed in, or a second step to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SignInOutcome {
    SignedIn(super::AuthSuccess),
    TwoFactor(TwoFactorChallenge),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ForgotPassword {
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetPassword {
    pub token: String,
    #[validate(length(
        min = 8,
        max = 128,
        code = "password_length",
        message = "Use 8 to 128 characters"
    ))]
    pub password: String,
}

/// The caller's account security, for the settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityOverview {
    pub two_factor_enabled: bool,
    pub recovery_codes_left: i64,
    pub email_verified: bool,
    pub api_tokens: Vec<ApiTokenView>,
}
