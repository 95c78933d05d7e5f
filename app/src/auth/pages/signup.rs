use super::{field_signal, form_message};
use crate::auth::{SignUp, SignUpInput};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_router::components::A;
use validator::Validate;

/// Sign-up: email, password and the new workspace's name, checked here and on the server; the
/// language shown and the browser's time zone come along.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let t = use_strings();
    let lang = crate::i18n::use_lang();
    let hydrated = crate::providers::use_hydrated();
    let (email, password, workspace, name) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let error = RwSignal::new(None::<AppError>);
    let action = ServerAction::<SignUp>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => crate::providers::navigate_full("/"),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The account starts in the language shown and this browser's time zone.
        let input = SignUpInput {
            email: email.get(),
            password: password.get(),
            workspace_name: workspace.get(),
            name: name.get(),
            locale: Some(lang.get_untracked().code().to_string()),
            time_zone: super::browser_time_zone(),
        }
        .normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                action.dispatch(SignUp { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    view! {
        <main class="centered">
            <form class="card auth-form" method="post" on:submit=submit novalidate>
                <h1 class="auth-form__title">{move || t.get().signup_title}</h1>
                <p class="auth-form__subtitle">{move || t.get().signup_subtitle}</p>
                <TextField name="name" label=Signal::derive(move || t.get().your_name) value=name
                    error=field_signal(error, t, "name") autocomplete="name"/>
                <TextField name="email" label=Signal::derive(move || t.get().email) value=email
                    error=field_signal(error, t, "email") input_type="email" autocomplete="email"/>
                <TextField name="password" label=Signal::derive(move || t.get().password) value=password
                    error=field_signal(error, t, "password") input_type="password" autocomplete="new-password"/>
                <TextField name="workspaceName" label=Signal::derive(move || t.get().workspace_name) value=workspace
                    error=field_signal(error, t, "workspaceName") autocomplete="organization"/>
                <p class="auth-form__error" role="alert">{move || form_message(error, t).get()}</p>
                <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || action.pending().get()>
                    {move || t.get().signup_submit}
                </button>
                <A href="/signin" attr:class="auth-form__switch">{move || t.get().have_account}</A>
            </form>
        </main>
    }
}
