//! `/settings/security`: two-factor sign-in, the email address's state, and API tokens.

use crate::auth::security::{ApiTokenInput, ApiTokenView, SecurityOverview, TwoFactorSetup};
use crate::auth::{
    get_account_security, ConfirmTwoFactor, CreateApiToken, DisableTwoFactor, ResendVerification,
    RevokeApiToken, StartTwoFactor,
};
use crate::components::{format_time, Skeleton, TextField};
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_session, use_toasts, ToastKind};
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let version = RwSignal::new(0u64);
    let data = Resource::new(move || version.get(), |_| get_account_security());
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().team.security_title}</h1>
            <Show when=move || session.me.get().security.must_enrol_two_factor>
                <p class="banner banner--warning" role="alert" data-testid="must-enrol">{move || t.get().team.two_factor_required}</p>
            </Show>
            <Transition fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <SecurityBody data version/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
            <SessionsCard/>
        </section>
    }
}

/// Signing out on every device (a lost phone, a shared computer).
#[component]
fn SessionsCard() -> impl IntoView {
    let t = use_strings();
    let sign_out = ServerAction::<crate::auth::SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            crate::providers::navigate_full("/signin");
        }
    });
    view! {
        <div class="card form">
            <h2 class="card__title">{move || t.get().settings_sessions}</h2>
            <p class="muted">{move || t.get().settings_sessions_hint}</p>
            <button class="button" type="button" data-testid="sign-out-everywhere"
                on:click=move |_| { sign_out.dispatch(crate::auth::SignOut { everywhere: true }); }>
                {move || t.get().sign_out_everywhere}
            </button>
        </div>
    }
}

#[component]
fn SecurityBody(data: SecurityOverview, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let resend = ServerAction::<ResendVerification>::new();
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(())) => toasts.push(ToastKind::Success, Msg::new("toast-verification-resent")),
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    let verified = data.email_verified;
    view! {
        <TwoFactorCard enabled=data.two_factor_enabled left=data.recovery_codes_left version/>
        <div class="card form">
            <h2 class="card__title">{move || t.get().team.email_address}</h2>
            <p data-testid="email-state">{move || if verified { t.get().team.email_verified } else { t.get().team.email_unverified }}</p>
            <Show when=move || !verified>
                <button class="button" type="button" on:click=move |_| { resend.dispatch(ResendVerification {}); }>
                    {move || t.get().team.resend}
                </button>
            </Show>
        </div>
        <TokensCard tokens=data.api_tokens version/>
    }
}

#[component]
fn TwoFactorCard(enabled: bool, left: i64, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    Effect::new(move |_| match start.value().get() {
        Some(Ok(s)) => setup.set(Some(s)),
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(c)) => {
            setup.set(None);
            code.set(String::new());
            codes.set(Some(c.recovery_codes));
        }
        Some(Err(e)) => code_error.set(Some(crate::i18n::first_message(t.get_untracked(), &e))),
        None => {}
    });
    Effect::new(move |_| match disable.value().get() {
        Some(Ok(())) => {
            code.set(String::new());
            crate::providers::navigate_full("/settings/security");
        }
        Some(Err(e)) => code_error.set(Some(crate::i18n::first_message(t.get_untracked(), &e))),
        None => {}
    });
    let done_with_codes = move |_| {
        codes.set(None);
        // The session's flags changed (a required enrolment is done): reload everything.
        crate::providers::navigate_full("/settings/security");
    };
    let _ = version;
    view! {
        <div class="card form" data-testid="two-factor">
            <h2 class="card__title">{move || t.get().team.two_factor}</h2>
            {move || if let Some(list) = codes.get() {
                view! {
                    <h3 class="card__subtitle">{move || t.get().team.recovery_title}</h3>
                    <p class="muted">{move || t.get().team.recovery_hint}</p>
                    <ul class="recovery-codes" data-testid="recovery-codes">
                        {list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ul>
                    <button class="button button--primary" type="button" on:click=done_with_codes>{move || t.get().team.confirm}</button>
                }.into_any()
            } else if let Some(s) = setup.get() {
                let submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    code_error.set(None);
                    confirm.dispatch(ConfirmTwoFactor { token: code.get() });
                };
                view! {
                    <p class="muted">{move || t.get().team.enrol_scan}</p>
                    <img class="qr" src=s.qr.clone() alt="QR" width="200" height="200"/>
                    <p>{move || t.get().team.secret}": "<code data-testid="totp-secret">{s.secret.clone()}</code></p>
                    <form on:submit=submit novalidate>
                        <TextField name="totpCode" label=Signal::derive(move || t.get().team.code) value=code
                            error=Signal::derive(move || code_error.get()) autocomplete="one-time-code"/>
                        <button class="button button--primary" type="submit" disabled=move || confirm.pending().get()>
                            {move || t.get().team.confirm}
                        </button>
                    </form>
                }.into_any()
            } else if enabled {
                let submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    code_error.set(None);
                    disable.dispatch(DisableTwoFactor { token: code.get() });
                };
                view! {
                    <p data-testid="two-factor-state">{move || t.get().team.two_factor_on}</p>
                    <p class="muted">{move || t.get().team.recovery_left}": "{left}</p>
                    <form on:submit=submit novalidate>
                        <p class="muted">{move || t.get().team.disable_hint}</p>
                        <TextField name="disableCode" label=Signal::derive(move || t.get().team.code) value=code
                            error=Signal::derive(move || code_error.get()) autocomplete="one-time-code"/>
                        <button class="button button--danger" type="submit" disabled=move || disable.pending().get()>
                            {move || t.get().team.disable_2fa}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p data-testid="two-factor-state">{move || t.get().team.two_factor_off}</p>
                    <button class="button button--primary" type="button" on:click=move |_| { start.dispatch(StartTwoFactor {}); }>
                        {move || t.get().team.enrol}
                    </button>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn TokensCard(tokens: Vec<ApiTokenView>, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let created = RwSignal::new(None::<String>);
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(token)) => {
            name.set(String::new());
            created.set(Some(token.secret));
        }
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => version.update(|v| *v += 1),
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateApiToken {
            input: ApiTokenInput { name: name.get() },
        });
    };
    let empty = tokens.is_empty();
    let rows = tokens
        .into_iter()
        .map(|tok| {
            let id = tok.id;
            view! {
                <tr data-testid="api-token">
                    <td>{tok.name.clone()}</td>
                    <td><code>{format!("{}…", tok.prefix)}</code></td>
                    <td>{tok.last_used_at.map(format_time).unwrap_or_else(|| t.get_untracked().team.never.to_string())}</td>
                    <td class="num">
                        <button class="button button--danger" type="button" on:click=move |_| { revoke.dispatch(RevokeApiToken { id }); }>
                            {move || t.get().team.revoke}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card form form--wide">
            <h2 class="card__title">{move || t.get().team.tokens_title}</h2>
            <p class="muted">{move || t.get().team.tokens_hint}</p>
            {move || created.get().map(|secret| view! {
                <div class="banner" role="status">
                    <p>{move || t.get().team.token_shown_once}</p>
                    <input class="field__input" readonly value=secret.clone() data-testid="new-token-secret" aria-label=move || t.get().team.tokens_title/>
                </div>
            })}
            <form class="form__row" on:submit=submit novalidate>
                <TextField name="tokenName" label=Signal::derive(move || t.get().team.token_name) value=name error=Signal::derive(|| None::<String>)/>
                <div><button class="button" type="submit" disabled=move || create.pending().get()>{move || t.get().team.token_create}</button></div>
            </form>
            {if empty {
                view! { <p class="muted">{move || t.get().team.tokens_empty}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th>{move || t.get().team.token_name}</th>
                            <th></th>
                            <th>{move || t.get().team.last_used}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}
