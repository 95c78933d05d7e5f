//! Signed-out pages reached from emails: forgot password, reset password, confirm address,
//! confirm a new address.

use super::{field_signal, form_message};
use crate::auth::security::ResetPassword as ResetInput;
use crate::auth::{ConfirmEmailChange, ForgotPassword, SetPasswordWithToken, VerifyEmail};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use validator::Validate;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<ForgotPassword>::new();
    let sent = RwSignal::new(false);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => sent.set(true),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        action.dispatch(ForgotPassword { email: email.get() });
    };
    view! {
        <main class="centered">
            <form class="card auth-form" method="post" on:submit=submit novalidate>
                <h1 class="auth-form__title">{move || t.get().team.forgot_title}</h1>
                <Show when=move || !sent.get() fallback=move || view! {
                    <p role="status" data-testid="forgot-sent">{move || t.get().team.forgot_sent}</p>
                }>
                    <p class="muted">{move || t.get().team.forgot_hint}</p>
                    <TextField name="email" label=Signal::derive(move || t.get().email) value=email
                        error=field_signal(error, t, "email") input_type="email" autocomplete="email"/>
                    <p class="auth-form__error" role="alert">{move || form_message(error, t).get()}</p>
                    <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || action.pending().get()>
                        {move || t.get().team.forgot_submit}
                    </button>
                </Show>
                <A href="/signin" attr:class="auth-form__switch">{move || t.get().signin_title}</A>
            </form>
        </main>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<SetPasswordWithToken>::new();
    let done = RwSignal::new(false);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => done.set(true),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ResetInput {
            token: token.clone(),
            password: password.get(),
        };
        match input.validate() {
            Ok(()) => {
                error.set(None);
                action.dispatch(SetPasswordWithToken { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let message = Signal::derive(move || {
        field_signal(error, t, "token")
            .get()
            .or_else(|| form_message(error, t).get())
    });
    view! {
        <main class="centered">
            <form class="card auth-form" method="post" on:submit=submit novalidate>
                <h1 class="auth-form__title">{move || t.get().team.reset_title}</h1>
                <Show when=move || !done.get() fallback=move || view! {
                    <p role="status" data-testid="reset-done">{move || t.get().team.reset_done}</p>
                    <A href="/signin" attr:class="button button--primary">{move || t.get().signin_submit}</A>
                }>
                    <TextField name="password" label=Signal::derive(move || t.get().team.new_password) value=password
                        error=field_signal(error, t, "password") input_type="password" autocomplete="new-password"/>
                    <p class="auth-form__error" role="alert">{move || message.get()}</p>
                    <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || action.pending().get()>
                        {move || t.get().team.reset_submit}
                    </button>
                </Show>
            </form>
        </main>
    }
}

/// Confirms the address as soon as the page is open in the browser.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = use_strings();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<VerifyEmail>::new();
    Effect::new(move |_| {
        action.dispatch(VerifyEmail {
            token: token.clone(),
        });
    });
    view! {
        <main class="centered">
            <div class="card auth-form">
                <h1 class="auth-form__title">{move || t.get().team.verify_title}</h1>
                <p role="status" data-testid="verify-result">
                    {move || match action.value().get() {
                        Some(Ok(())) => t.get().team.verify_done,
                        Some(Err(_)) => t.get().team.verify_failed,
                        None => t.get().loading,
                    }}
                </p>
                <A href="/" attr:class="auth-form__switch">{move || t.get().go_home}</A>
            </div>
        </main>
    }
}

/// Moves the account to the address the link was sent to, as soon as the page is open in the
/// browser.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let t = use_strings();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<ConfirmEmailChange>::new();
    Effect::new(move |_| {
        action.dispatch(ConfirmEmailChange {
            token: token.clone(),
        });
    });
    let taken = |e: &AppError| {
        e.details
            .iter()
            .any(|d| d.code.as_deref() == Some("email_taken"))
    };
    view! {
        <main class="centered">
            <div class="card auth-form">
                <h1 class="auth-form__title">{move || t.get().profile.confirm_title}</h1>
                <p role="status" data-testid="confirm-email-result">
                    {move || match action.value().get() {
                        Some(Ok(())) => t.get().profile.confirm_done,
                        Some(Err(e)) if taken(&e) => t.get().profile.confirm_taken,
                        Some(Err(_)) => t.get().profile.confirm_failed,
                        None => t.get().loading,
                    }}
                </p>
                <A href="/" attr:class="auth-form__switch">{move || t.get().go_home}</A>
            </div>
        </main>
    }
}
