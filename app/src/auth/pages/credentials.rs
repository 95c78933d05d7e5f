//! The profile page's credential cards: moving to another email address and a new password,
//! each proved with the current password.

use super::profile::profile_field;
use crate::auth::profile::{EmailChange, PasswordChange};
use crate::auth::{ChangePassword, RequestEmailChange};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::providers::use_session;
use leptos::prelude::*;
use validator::Validate;

#[component]
pub fn EmailCard() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let hydrated = crate::providers::use_hydrated();
    let (new_email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<AppError>);
    let sent = RwSignal::new(false);
    let request = ServerAction::<RequestEmailChange>::new();
    Effect::new(move |_| match request.value().get() {
        Some(Ok(())) => {
            password.set(String::new());
            sent.set(true);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(false);
        let input = EmailChange {
            new_email: new_email.get(),
            current_password: password.get(),
        }
        .normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                request.dispatch(RequestEmailChange { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let verified = move || session.me.get().security.email_verified;
    view! {
        <form class="card form" method="post" on:submit=submit novalidate>
            <h2 class="card__title">{move || t.get().profile.email_title}</h2>
            <p>
                {move || t.get().profile.current_email}": "
                <strong data-testid="current-email">{move || session.me.get().user.email}</strong>
                " · "
                <span data-testid="email-state">
                    {move || if verified() { t.get().team.email_verified } else { t.get().team.email_unverified }}
                </span>
            </p>
            <TextField name="newEmail" label=Signal::derive(move || t.get().profile.new_email) value=new_email
                error=profile_field(error, t, "newEmail") input_type="email" autocomplete="email"/>
            <TextField name="emailCurrentPassword" label=Signal::derive(move || t.get().profile.email_password)
                value=password error=profile_field(error, t, "currentPassword") input_type="password"
                autocomplete="current-password"/>
            <p class="auth-form__error" role="alert">{move || super::form_message(error, t).get()}</p>
            <Show when=move || sent.get()>
                <p class="muted" role="status" data-testid="email-link-sent">{move || t.get().profile.link_sent}</p>
            </Show>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || request.pending().get()>
                {move || t.get().profile.send_link}
            </button>
        </form>
    }
}

#[component]
pub fn PasswordCard() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<AppError>);
    let changed = RwSignal::new(false);
    let change = ServerAction::<ChangePassword>::new();
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            current.set(String::new());
            new.set(String::new());
            changed.set(true);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changed.set(false);
        let input = PasswordChange {
            current_password: current.get(),
            new_password: new.get(),
        };
        match input.validate() {
            Ok(()) => {
                error.set(None);
                change.dispatch(ChangePassword { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    view! {
        <form class="card form" method="post" on:submit=submit novalidate>
            <h2 class="card__title">{move || t.get().profile.password_title}</h2>
            <TextField name="currentPassword" label=Signal::derive(move || t.get().profile.current_password)
                value=current error=profile_field(error, t, "currentPassword") input_type="password"
                autocomplete="current-password"/>
            <TextField name="newPassword" label=Signal::derive(move || t.get().profile.new_password)
                value=new error=profile_field(error, t, "newPassword") input_type="password"
                autocomplete="new-password"/>
            <p class="auth-form__error" role="alert">{move || super::form_message(error, t).get()}</p>
            <Show when=move || changed.get()>
                <p class="muted" role="status" data-testid="password-changed">{move || t.get().profile.password_changed}</p>
            </Show>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || change.pending().get()>
                {move || t.get().profile.change_password}
            </button>
        </form>
    }
}
