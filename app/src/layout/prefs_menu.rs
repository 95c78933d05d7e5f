use crate::auth::profile::ProfileInput;
use crate::i18n::{use_lang, use_strings, Lang};
use crate::providers::{use_theme, Session, Theme};
use leptos::prelude::*;

/// Theme (light/dark/system) and language pickers.
#[component]
pub fn PrefsMenu() -> impl IntoView {
    let t = use_strings();
    let theme = use_theme();
    let lang = use_lang();
    // Present when signed in; the language is then saved to the profile too.
    let session = use_context::<Session>();
    let theme_name = move |th: Theme| match th {
        Theme::Light => t.get().theme_light,
        Theme::Dark => t.get().theme_dark,
        Theme::System => t.get().theme_system,
    };
    view! {
        <div class="prefs">
            <label class="prefs__item">
                <span class="visually-hidden">{move || t.get().theme_label}</span>
                <select
                    class="select"
                    aria-label=move || t.get().theme_label
                    on:change=move |ev| theme.set(Theme::parse(&event_target_value(&ev)))
                    prop:value=move || theme.get().code()
                >
                    {Theme::ALL
                        .into_iter()
                        .map(|th| view! {
                            <option value=th.code() selected=move || theme.get() == th>{move || theme_name(th)}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="prefs__item">
                <span class="visually-hidden">{move || t.get().language_label}</span>
                <select
                    class="select"
                    aria-label=move || t.get().language_label
                    on:change=move |ev| {
                        if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                            lang.set(l);
                            save_language(session, l);
                        }
                    }
                    prop:value=move || lang.get().code()
                >
                    {Lang::ALL
                        .into_iter()
                        .map(|l| view! {
                            <option value=l.code() selected=move || lang.get() == l>{l.native_name()}</option>
                        })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

/// Signed in, the language is the member's own: it is saved to their profile too, so emails
/// follow it (fire and forget: the page has switched already, a failure changes nothing here).
fn save_language(session: Option<Session>, lang: Lang) {
    let Some(session) = session else {
        return;
    };
    session
        .me
        .update(|m| m.user.locale = lang.code().to_string());
    let input = ProfileInput {
        locale: Some(lang.code().to_string()),
        ..Default::default()
    };
    leptos::task::spawn_local(async move {
        let _ = crate::auth::update_profile(input).await;
    });
}
