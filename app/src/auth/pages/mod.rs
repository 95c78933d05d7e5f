//! The account pages: signed out (sign-in, sign-up, links from emails) and the member's own
//! settings (profile, security).

mod credentials;
mod profile;
mod recovery;
mod security;
mod signin;
mod signup;

pub use profile::ProfilePage;
pub use recovery::{
    ConfirmEmailChangePage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage,
};
pub use security::SecurityPage;
pub use signin::SignInPage;
pub use signup::SignUpPage;

use crate::error::AppError;
use crate::i18n::Strings;
use leptos::prelude::*;

/// The message under a field, translated, from a browser or server error.
pub(crate) fn field_signal(
    error: RwSignal<Option<AppError>>,
    t: Signal<&'static Strings>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_error(field)
                .map(|f| crate::i18n::translate_field(t.get(), f))
        })
    })
}

/// A form-level message for errors that name no field.
pub(crate) fn form_message(
    error: RwSignal<Option<AppError>>,
    t: Signal<&'static Strings>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let e = error.get()?;
        if !e.details.is_empty() {
            return None;
        }
        Some(match e.code {
            crate::error::ErrorCode::RateLimited => t.get().error_rate_limited.to_string(),
            crate::error::ErrorCode::InternalError => t.get().error_generic.to_string(),
            _ => e.error,
        })
    })
}

/// This browser's IANA time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`); `None`
/// on the server.
pub(crate) fn browser_time_zone() -> Option<String> {
    #[cfg(not(feature = "ssr"))]
    {
        let format =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
            .ok()?
            .as_string()
            .filter(|z| !z.is_empty())
    }
    #[cfg(feature = "ssr")]
    {
        None
    }
}
