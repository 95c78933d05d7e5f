//! Server functions the UI calls; each delegates to `server::service`.

use super::security::TwoFactorValidate;
use super::{SignInInput, SignUpInput};
use crate::access::Me;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::access::server::{session, SESSION_COOKIE};
    use crate::error::AppError;
    use crate::server::extract::ClientMeta;
    use crate::server::AppState;
    use axum::http::{header, request::Parts, HeaderValue};

    pub async fn request() -> Result<(AppState, Parts, ClientMeta), AppError> {
        let state = AppState::current()?;
        let parts: Parts = leptos_axum::extract()
            .await
            .map_err(|_| AppError::internal())?;
        let meta = ClientMeta::from_parts(&parts, state.settings.trust_proxy);
        Ok((state, parts, meta))
    }

    pub fn set_cookie(value: String) {
        if let (Some(opts), Ok(v)) = (use_context(), HeaderValue::from_str(&value)) {
            let opts: leptos_axum::ResponseOptions = opts;
            opts.append_header(header::SET_COOKIE, v);
        }
    }

    /// Sets the session cookie and the member's language and time-zone cookies, so the next
    /// page renders in their language and zone.
    pub fn signed_in(state: &AppState, ok: &crate::auth::AuthSuccess) {
        set_cookie(session::cookie(&state.settings, &ok.access_token));
        set_prefs(&ok.user);
    }

    pub fn set_prefs(user: &crate::access::UserView) {
        for cookie in crate::auth::server::profile::pref_cookies(user) {
            set_cookie(cookie);
        }
    }

    /// Ends the session the request came with, if any: sign-in always starts a fresh one.
    pub async fn drop_previous(state: &AppState, parts: &Parts) -> Result<(), AppError> {
        if let Some(old) = crate::access::server::cookie_value(&parts.headers, SESSION_COOKIE) {
            session::revoke_token(state, &old).await?;
        }
        Ok(())
    }

    use leptos::prelude::use_context;
}

#[server(prefix = "/sfn", endpoint = "sign_up")]
pub async fn sign_up(input: SignUpInput) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, parts, meta) = ssr::request().await?;
        let ok = crate::auth::server::service::sign_up(&state, input, &meta).await?;
        ssr::drop_previous(&state, &parts).await?;
        ssr::signed_in(&state, &ok);
        Ok(())
    })
    .await
}

/// Signs in; answers the temporary token of the second step when the account uses
/// two-factor sign-in (no session yet), else `None` (signed in, cookie set).
#[server(prefix = "/sfn", endpoint = "sign_in")]
pub async fn sign_in(input: SignInInput) -> Result<Option<String>, AppError> {
    use crate::auth::security::SignInOutcome;
    crate::error::server::server_fn(async move {
        let (state, parts, meta) = ssr::request().await?;
        match crate::auth::server::service::sign_in(&state, input, &meta).await? {
            SignInOutcome::SignedIn(ok) => {
                ssr::drop_previous(&state, &parts).await?;
                ssr::signed_in(&state, &ok);
                Ok(None)
            }
            SignInOutcome::TwoFactor(challenge) => Ok(Some(challenge.temp_token)),
        }
    })
    .await
}

/// The second sign-in step: a code or a recovery code.
#[server(prefix = "/sfn", endpoint = "validate_two_factor")]
pub async fn validate_two_factor(input: TwoFactorValidate) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, parts, meta) = ssr::request().await?;
        let ok = crate::auth::server::service::validate_two_factor(&state, input, &meta).await?;
        ssr::drop_previous(&state, &parts).await?;
        ssr::signed_in(&state, &ok);
        Ok(())
    })
    .await
}

/// Ends this session; with `everywhere`, every session of the user.
#[server(prefix = "/sfn", endpoint = "sign_out")]
pub async fn sign_out(everywhere: bool) -> Result<(), AppError> {
    use crate::access::server::{session, AuthContext};
    crate::error::server::server_fn(async move {
        let (state, _, _) = ssr::request().await?;
        if let Some(auth) = AuthContext::optional_from_server_fn().await? {
            if everywhere {
                session::revoke_all(&state, auth.user_id).await?;
            } else {
                session::revoke(&state, auth.session_id).await?;
            }
        }
        ssr::set_cookie(session::clear_cookie(&state.settings));
        Ok(())
    })
    .await
}

/// The signed-in user, or `None` when signed out.
#[server(prefix = "/sfn", endpoint = "get_me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::access::server::AuthContext;
    use crate::auth::server::service;
    crate::error::server::server_fn(async move {
        let (state, _, _) = ssr::request().await?;
        match AuthContext::optional_from_server_fn().await? {
            Some(auth) => Ok(Some(service::me(&state, &auth).await?)),
            None => Ok(None),
        }
    })
    .await
}

/// Moves the session to another workspace the caller belongs to (a new session token).
#[server(prefix = "/sfn", endpoint = "switch_workspace")]
pub async fn switch_workspace(workspace_id: i64) -> Result<(), AppError> {
    use crate::access::server::AuthContext;
    use crate::auth::server::service;
    crate::error::server::server_fn(async move {
        let state = crate::server::AppState::current()?;
        let auth = AuthContext::from_server_fn().await?;
        service::switch_workspace(&state, &auth, crate::ids::WorkspaceId(workspace_id)).await
    })
    .await
}
