use crate::i18n::{use_lang, use_strings, Lang};
use crate::providers::{use_theme, Theme};
use leptos::prelude::*;

/// Theme (light/dark/system) and language pickers.
#[component]
pub fn PrefsMenu() -> impl IntoView {
    let t = use_strings();
    let theme = use_theme();
    let lang = use_lang();
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
