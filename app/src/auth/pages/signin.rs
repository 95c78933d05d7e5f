use super::{field_signal, form_message};
use crate::auth::{SignIn, SignInInput};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_router::components::A;
use validator::Validate;

/// Sign-in with email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<SignIn>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => crate::navigate_full("/"),
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
                <A href="/signup" attr:class="auth-form__switch">{move || t.get().no_account}</A>
            </form>
        </main>
    }
}
