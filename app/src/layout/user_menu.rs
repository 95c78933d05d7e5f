use crate::auth::SignOut;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_session, use_toasts, ToastKind};
use leptos::prelude::*;
use leptos_router::components::A;

/// The account menu: who is signed in, sign out, sign out everywhere.
#[component]
pub fn UserMenu() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let toasts = use_toasts();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| match sign_out.value().get() {
        Some(Ok(())) => crate::providers::navigate_full("/signin"),
        Some(Err(_)) => toasts.push(ToastKind::Error, Msg::new("toast-error-generic")),
        None => {}
    });
    let who = move || {
        let me = session.me.get();
        if me.user.name.is_empty() {
            me.user.email
        } else {
            me.user.name
        }
    };
    view! {
        <details class="menu">
            <summary class="menu__trigger" aria-label=move || t.get().account_menu>
                <span class="avatar" aria-hidden="true">{move || who().chars().next().unwrap_or('?').to_uppercase().to_string()}</span>
                <span class="menu__who">{who}</span>
            </summary>
            <div class="menu__panel">
                <p class="menu__email">{move || session.me.get().user.email}</p>
                <A href="/settings/profile" attr:class="button button--ghost">{move || t.get().profile.nav_profile}</A>
                <button class="button button--ghost" type="button"
                    on:click=move |_| { sign_out.dispatch(SignOut { everywhere: false }); }>
                    {move || t.get().sign_out}
                </button>
                <button class="button button--ghost" type="button"
                    on:click=move |_| { sign_out.dispatch(SignOut { everywhere: true }); }>
                    {move || t.get().sign_out_everywhere}
                </button>
            </div>
        </details>
    }
}
