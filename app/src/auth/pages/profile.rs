//! `/settings/profile`: the member's name, language and time zone (the credentials' cards are
//! in `credentials.rs`).

use super::credentials::{EmailCard, PasswordCard};
use crate::auth::profile::{ProfileInput, COMMON_TIME_ZONES};
use crate::auth::UpdateProfile;
use crate::components::{SelectField, TextField};
use crate::error::{AppError, FieldError};
use crate::i18n::{use_lang, use_strings, Lang, Msg, Strings};
use crate::providers::{use_session, use_time_zone, use_toasts, ToastKind};
use leptos::prelude::*;
use validator::Validate;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let t = use_strings();
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().profile.title}</h1>
            <NameCard/>
            <PrefsCard/>
            <EmailCard/>
            <PasswordCard/>
        </section>
    }
}

/// A field error in the current language: the profile's own codes first, then the shared ones.
pub(super) fn profile_message(t: &'static Strings, f: &FieldError) -> String {
    f.code
        .as_deref()
        .and_then(|c| t.profile.error(c))
        .map(str::to_string)
        .unwrap_or_else(|| crate::i18n::translate_field(t, f))
}

/// The message under `field`, from a browser or server error.
pub(super) fn profile_field(
    error: RwSignal<Option<AppError>>,
    t: Signal<&'static Strings>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_error(field).map(|f| profile_message(t.get(), f)))
    })
}

/// Validates and sends a profile change; the browser's rules first, like the server's.
fn submit_profile(
    input: ProfileInput,
    error: RwSignal<Option<AppError>>,
    action: ServerAction<UpdateProfile>,
) {
    let input = input.normalized();
    match input.validate() {
        Ok(()) => {
            error.set(None);
            action.dispatch(UpdateProfile { input });
        }
        Err(e) => error.set(Some(e.into())),
    }
}

#[component]
fn NameCard() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let toasts = use_toasts();
    let hydrated = crate::providers::use_hydrated();
    let name = RwSignal::new(session.me.get_untracked().user.name);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<UpdateProfile>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(user)) => {
            session.me.update(|m| m.user = user);
            toasts.push(ToastKind::Success, Msg::new("toast-saved"));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ProfileInput {
            name: Some(name.get()),
            ..Default::default()
        };
        submit_profile(input, error, save);
    };
    view! {
        <form class="card form" method="post" on:submit=submit novalidate>
            <h2 class="card__title">{move || t.get().profile.name_title}</h2>
            <TextField name="profileName" label=Signal::derive(move || t.get().your_name) value=name
                error=profile_field(error, t, "name") autocomplete="name"/>
            <p class="auth-form__error" role="alert">{move || super::form_message(error, t).get()}</p>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || save.pending().get()>
                {move || t.get().save}
            </button>
        </form>
    }
}

/// The offered zones: the common ones, with the chosen one added when it is not among them.
fn zone_options(current: &str) -> Vec<(String, String)> {
    let mut zones: Vec<&str> = COMMON_TIME_ZONES.to_vec();
    if !current.is_empty() && !zones.contains(&current) {
        zones.push(current);
    }
    zones
        .into_iter()
        .map(|z| (z.to_string(), z.replace('_', " ")))
        .collect()
}

#[component]
fn PrefsCard() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let toasts = use_toasts();
    let hydrated = crate::providers::use_hydrated();
    let (lang_signal, zone_signal) = (use_lang(), use_time_zone());
    let user = session.me.get_untracked().user;
    // The language shown is the member's (the top bar's switch saves it too): the field
    // follows it, so saving the zone never writes back an older language.
    let locale = RwSignal::new(lang_signal.get_untracked().code().to_string());
    Effect::new(move |_| locale.set(lang_signal.get().code().to_string()));
    let zone = RwSignal::new(user.time_zone);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<UpdateProfile>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(user)) => {
            // The page follows at once; the response set the cookies for the next render.
            lang_signal.set(Lang::parse(&user.locale).unwrap_or_default());
            zone_signal.set(user.time_zone.clone());
            session.me.update(|m| m.user = user);
            toasts.push(ToastKind::Success, Msg::new("toast-saved"));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ProfileInput {
            locale: Some(locale.get()),
            time_zone: Some(zone.get()),
            ..Default::default()
        };
        submit_profile(input, error, save);
    };
    let languages = Signal::derive(|| {
        Lang::ALL
            .into_iter()
            .map(|l| (l.code().to_string(), l.native_name().to_string()))
            .collect::<Vec<_>>()
    });
    let zones = Signal::derive(move || zone_options(&zone.get()));
    let use_browser = move |_| {
        if let Some(z) = super::browser_time_zone() {
            zone.set(z);
        }
    };
    view! {
        <form class="card form" method="post" on:submit=submit novalidate>
            <h2 class="card__title">{move || t.get().profile.prefs_title}</h2>
            <p class="muted">{move || t.get().profile.prefs_hint}</p>
            <SelectField name="profileLocale" label=Signal::derive(move || t.get().profile.language)
                value=locale options=languages error=profile_field(error, t, "locale")/>
            <SelectField name="profileTimeZone" label=Signal::derive(move || t.get().profile.time_zone)
                value=zone options=zones error=profile_field(error, t, "timeZone")/>
            <div>
                <button class="button" type="button" on:click=use_browser disabled=move || !hydrated.get()>
                    {move || t.get().profile.use_browser_zone}
                </button>
            </div>
            <p class="auth-form__error" role="alert">{move || super::form_message(error, t).get()}</p>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || save.pending().get()>
                {move || t.get().save}
            </button>
        </form>
    }
}
