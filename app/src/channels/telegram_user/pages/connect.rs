//! `/inbox/telegram/connect`: connect a rep's own Telegram account, by phone (code, then the
//! cloud password when set) or by QR code (refreshed before it expires). Owners and admins
//! set the workspace's Telegram application here first when it is missing.

use crate::access::permissions::Action;
use crate::channels::telegram_user::api::{
    answer_telegram_login, set_telegram_app, start_telegram_login, telegram_app,
};
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::messaging::LoginView;
use crate::providers::{use_hydrated, use_session, use_toasts, ToastKind};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn TelegramConnectPage() -> impl IntoView {
    let t = use_strings();
    let version = RwSignal::new(0u64);
    let app = crate::providers::client_fetch(move || {
        version.track();
        telegram_app()
    });
    view! {
        <section class="page telegram-connect" data-testid="telegram-connect">
            <h1>{move || t.get().telegram.connect_title}</h1>
            <p class="muted">{move || t.get().telegram.connect_hint}</p>
            {move || match app.get() {
                None => view! { <crate::components::Skeleton lines=3/> }.into_any(),
                Some(Err(e)) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                Some(Ok(a)) if !a.configured => view! { <AppForm version/> }.into_any(),
                Some(Ok(_)) => view! { <LoginFlow/> }.into_any(),
            }}
        </section>
    }
}

/// The workspace's Telegram application (api_id, api_hash), for owners and admins.
#[component]
fn AppForm(
    /// Bumped when saved, so the page reloads the configuration.
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let toasts = use_toasts();
    let api_id = RwSignal::new(String::new());
    let api_hash = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let may = move || session.may(Action::ManageWorkspace);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = api_id.get().trim().parse::<i64>().unwrap_or(0);
        let hash = api_hash.get();
        leptos::task::spawn_local(async move {
            match set_telegram_app(id, hash).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, Msg::new("toast-telegram-app-saved"));
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <Show when=may fallback=move || view! { <p class="muted" role="status">{move || t.get().telegram.app_missing}</p> }>
            <form class="card form" on:submit=submit novalidate data-testid="telegram-app-form">
                <h2>{move || t.get().telegram.app_title}</h2>
                <p class="muted">{move || t.get().telegram.app_hint}</p>
                <label class="field">
                    <span class="field__label">{move || t.get().telegram.api_id}</span>
                    <input class="field__input" inputmode="numeric" data-testid="telegram-api-id"
                        prop:value=move || api_id.get() on:input=move |ev| api_id.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t.get().telegram.api_hash}</span>
                    <input class="field__input" autocomplete="off" spellcheck="false" data-testid="telegram-api-hash"
                        prop:value=move || api_hash.get() on:input=move |ev| api_hash.set(event_target_value(&ev))/>
                </label>
                <p class="field__error" role="alert">{move || error.get().map(|e| describe(&e))}</p>
                <button class="button button--primary" type="submit" data-testid="telegram-app-save">
                    {move || t.get().telegram.save}
                </button>
            </form>
        </Show>
    }
}

/// The first field error's message, or the error's.
fn describe(e: &AppError) -> String {
    let t = crate::i18n::use_strings().get_untracked();
    match e.details.first() {
        Some(f) => crate::i18n::translate_field(t, f),
        None => e.error.clone(),
    }
}

/// Phone or QR, then the steps Telegram asks for.
#[component]
fn LoginFlow() -> impl IntoView {
    let t = use_strings();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let login = RwSignal::new(None::<LoginView>);
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let phone = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    // Done: the account's page, where the rep picks chats.
    Effect::new(move |_| {
        if let Some(id) = login.with(|l| l.as_ref().and_then(|l| l.account_id)) {
            navigate(&format!("/inbox/accounts/{id}"), Default::default());
        }
    });
    let run = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<LoginView, AppError>>>,
    >| {
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(view) => {
                    answer.try_set(String::new());
                    login.try_set(Some(view));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            pending.try_set(false);
        });
    };
    let start_phone = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run(Box::pin(start_telegram_login("phone".into(), phone.get())));
    };
    let start_qr = move |_| run(Box::pin(start_telegram_login("qr".into(), String::new())));
    let send_answer = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(id) = login.with_untracked(|l| l.as_ref().map(|l| l.id.clone())) {
            run(Box::pin(answer_telegram_login(id, answer.get())));
        }
    };
    // A QR login asks every two seconds whether the code was scanned (and gets a fresh code
    // before the shown one expires).
    let now = RwSignal::new(js_now());
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                now.try_set(js_now());
                let Some(id) = login.with_untracked(|l| {
                    l.as_ref().filter(|l| l.step == "qr").map(|l| l.id.clone())
                }) else {
                    return;
                };
                if pending.get_untracked() {
                    return;
                }
                leptos::task::spawn_local(async move {
                    match crate::channels::telegram_user::api::telegram_login_state(id).await {
                        Ok(view) => {
                            login.try_set(Some(view));
                        }
                        Err(e) => {
                            error.try_set(Some(e));
                        }
                    }
                });
            },
            std::time::Duration::from_secs(2),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    let step = move || login.with(|l| l.as_ref().map(|l| l.step.clone()).unwrap_or_default());
    view! {
        <div class="card telegram-login" data-testid="telegram-login">
            {move || match step().as_str() {
                "" => view! {
                    <form class="form" on:submit=start_phone novalidate>
                        <h2>{move || t.get().telegram.by_phone}</h2>
                        <label class="field">
                            <span class="field__label">{move || t.get().telegram.phone}</span>
                            <input class="field__input" type="tel" autocomplete="tel" data-testid="telegram-phone"
                                placeholder=move || t.get().telegram.phone_hint
                                prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/>
                        </label>
                        <button class="button button--primary" type="submit" data-testid="telegram-send-code"
                            disabled=move || !hydrated.get() || pending.get()>
                            {move || t.get().telegram.send_code}
                        </button>
                    </form>
                    <div class="telegram-login__or">
                        <h2>{move || t.get().telegram.by_qr}</h2>
                        <button class="button" type="button" data-testid="telegram-start-qr" on:click=start_qr
                            disabled=move || !hydrated.get() || pending.get()>
                            {move || t.get().telegram.qr_start}
                        </button>
                    </div>
                }.into_any(),
                "qr" => view! {
                    <div class="telegram-qr" data-testid="telegram-qr"
                        data-url=move || login.with(|l| l.as_ref().and_then(|l| l.qr_url.clone()).unwrap_or_default())>
                        <p>{move || t.get().telegram.qr_hint}</p>
                        <div class="telegram-qr__code" aria-hidden="true"
                            inner_html=move || login.with(|l| l.as_ref().and_then(|l| l.qr_svg.clone()).unwrap_or_default())></div>
                        <p class="muted" data-testid="telegram-qr-expires">
                            {move || {
                                let left = login.with(|l| l.as_ref().and_then(|l| l.qr_expires_at)).unwrap_or(0) - now.get();
                                format!("{} {} s", t.get().telegram.qr_expires, (left / 1000).max(0))
                            }}
                        </p>
                    </div>
                }.into_any(),
                s @ ("code" | "password") => {
                    let is_code = s == "code";
                    view! {
                        <form class="form" on:submit=send_answer novalidate>
                            <label class="field">
                                <span class="field__label">
                                    {move || if is_code { t.get().telegram.code } else { t.get().telegram.password }}
                                </span>
                                <input class="field__input" data-testid=if is_code { "telegram-code" } else { "telegram-password" }
                                    type=if is_code { "text" } else { "password" }
                                    autocomplete=if is_code { "one-time-code" } else { "current-password" }
                                    prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))/>
                            </label>
                            <p class="muted">
                                {move || if is_code {
                                    t.get().telegram.code_hint.to_string()
                                } else {
                                    let hint = login.with(|l| l.as_ref().and_then(|l| l.password_hint.clone()).unwrap_or_default());
                                    format!("{}: {hint}", t.get().telegram.password_hint)
                                }}
                            </p>
                            <button class="button button--primary" type="submit" data-testid="telegram-continue"
                                disabled=move || pending.get()>
                                {move || t.get().telegram.continue_}
                            </button>
                        </form>
                    }.into_any()
                }
                _ => view! { <p role="status">"…"</p> }.into_any(),
            }}
            <p class="field__error" role="alert" data-testid="telegram-login-error">
                {move || error.get().map(|e| describe(&e))}
            </p>
            <Show when=move || !step().is_empty()>
                <button class="button button--ghost" type="button" data-testid="telegram-start-over"
                    on:click=move |_| { login.set(None); error.set(None); }>
                    {move || t.get().telegram.start_over}
                </button>
            </Show>
        </div>
    }
}

fn js_now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}
