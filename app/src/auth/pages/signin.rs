use super::{field_signal, form_message};
use crate::auth::security::TwoFactorValidate;
use crate::auth::{SignIn, SignInInput, ValidateTwoFactor};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use validator::Validate;

/// Where to go after signing in: `?next=/path` when it stays on this site, else Home.
fn next_path() -> String {
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    if next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/".into()
    }
}

/// Sign-in with email and password, then a code when the account uses two-factor sign-in.
#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<SignIn>::new();
    let temp_token = RwSignal::new(None::<String>);
    let next = next_path();
    let next_after_code = next.clone();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(None)) => crate::providers::navigate_full(&next),
        Some(Ok(Some(token))) => temp_token.set(Some(token)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SignInInput {
            email: email.get(),
            password: password.get(),
        }
        .normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                action.dispatch(SignIn { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    view! {
        <main class="centered">
            <Show when=move || temp_token.get().is_none() fallback=move || view! {
                <SecondStep temp_token=temp_token.get_untracked().unwrap_or_default() next=next_after_code.clone()/>
            }>
                <form class="card auth-form" method="post" on:submit=submit novalidate>
                    <h1 class="auth-form__title">{move || t.get().signin_title}</h1>
                    <TextField name="email" label=Signal::derive(move || t.get().email) value=email
                        error=field_signal(error, t, "email") input_type="email" autocomplete="email"/>
                    <TextField name="password" label=Signal::derive(move || t.get().password) value=password
                        error=field_signal(error, t, "password") input_type="password" autocomplete="current-password"/>
                    <p class="auth-form__error" role="alert">{move || form_message(error, t).get()}</p>
                    <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || action.pending().get()>
                        {move || t.get().signin_submit}
                    </button>
                    <A href="/forgot-password" attr:class="auth-form__switch">{move || t.get().team.forgot_link}</A>
                    <A href="/signup" attr:class="auth-form__switch">{move || t.get().no_account}</A>
                </form>
            </Show>
        </main>
    }
}

/// The code (or a recovery code) after the password.
#[component]
fn SecondStep(temp_token: String, next: String) -> impl IntoView {
    let t = use_strings();
    let code = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<ValidateTwoFactor>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => crate::providers::navigate_full(&next),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let value = code.get().trim().to_string();
        let input = if recovery.get() {
            TwoFactorValidate {
                temp_token: temp_token.clone(),
                token: None,
                recovery_code: Some(value),
            }
        } else {
            TwoFactorValidate {
                temp_token: temp_token.clone(),
                token: Some(value),
                recovery_code: None,
            }
        };
        action.dispatch(ValidateTwoFactor { input });
    };
    let field_error = Signal::derive(move || {
        let e = error.get()?;
        e.details
            .first()
            .map(|f| crate::i18n::translate_field(t.get(), f))
    });
    view! {
        <form class="card auth-form" method="post" on:submit=submit novalidate data-testid="two-factor-step">
            <h1 class="auth-form__title">{move || t.get().team.second_step_title}</h1>
            <p class="muted">{move || t.get().team.second_step_hint}</p>
            <TextField name="code" label=Signal::derive(move || if recovery.get() { t.get().team.recovery_code } else { t.get().team.code })
                value=code error=field_error autocomplete="one-time-code"/>
            <p class="auth-form__error" role="alert">{move || form_message(error, t).get()}</p>
            <button class="button button--primary" type="submit" disabled=move || action.pending().get()>
                {move || t.get().team.verify_submit}
            </button>
            <button class="button button--ghost" type="button" on:click=move |_| { code.set(String::new()); recovery.update(|r| *r = !*r); }>
                {move || if recovery.get() { t.get().team.use_code } else { t.get().team.use_recovery }}
            </button>
        </form>
    }
}
