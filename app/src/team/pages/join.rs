use crate::auth::get_me;
use crate::auth::pages::{field_signal, form_message};
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::team::{preview_invite, AcceptInvite, InvitePreview};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/join?token=…`: accept an invitation, signed in (join) or not (create an account).
#[component]
pub fn JoinPage() -> impl IntoView {
    let t = use_strings();
    let query = use_query_map();
    let token = Signal::derive(move || query.with(|q| q.get("token").unwrap_or_default()));
    let data = Resource::new(
        move || token.get(),
        |token| async move { (preview_invite(token).await, get_me().await) },
    );
    view! {
        <main class="centered">
            <div class="card auth-form">
                <h1 class="auth-form__title">{move || t.get().team.join_title}</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match data.await {
                            (Ok(preview), me) => {
                                let signed_in = matches!(me, Ok(Some(_)));
                                view! { <JoinForm preview token=token.get_untracked() signed_in/> }.into_any()
                            }
                            (Err(_), _) => view! {
                                <p class="auth-form__error" role="alert">{move || t.get().team.join_invalid}</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn JoinForm(preview: InvitePreview, token: String, signed_in: bool) -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let email = RwSignal::new(preview.email.clone().unwrap_or_default());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let accept = ServerAction::<crate::team::JoinWorkspace>::new();
    Effect::new(move |_| match accept.value().get() {
        Some(Ok(())) => crate::providers::navigate_full("/"),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let fixed_email = preview.email.is_some();
    let signin_href = format!(
        "/signin?next={}",
        urlencode(&format!("/join?token={token}"))
    );
    let needs_account = !signed_in && !preview.existing_account;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let input = if needs_account {
            AcceptInvite {
                token: token.clone(),
                email: (!fixed_email).then(|| email.get()),
                name: Some(name.get()),
                password: Some(password.get()),
                locale: Some(crate::i18n::use_lang().get_untracked().code().to_string()),
                time_zone: crate::auth::pages::browser_time_zone(),
            }
        } else {
            AcceptInvite {
                token: token.clone(),
                ..Default::default()
            }
        };
        accept.dispatch(crate::team::JoinWorkspace { input });
    };
    let role = preview.role.as_str();
    view! {
        <p data-testid="join-summary">
            {move || t.get().team.join_invited}" "<strong>{preview.workspace_name.clone()}</strong>" "
            {move || t.get().team.join_as}" "<strong>{move || t.get().role(role)}</strong>
        </p>
        {preview.invited_by.clone().map(|who| view! { <p class="muted">{move || t.get().team.invited_by}": "{who.clone()}</p> })}
        {if !signed_in && preview.existing_account {
            view! {
                <p>{move || t.get().team.join_existing}</p>
                <a class="button button--primary" href=signin_href.clone()>{move || t.get().signin_submit}</a>
            }.into_any()
        } else {
            view! {
                <form on:submit=submit.clone() novalidate>
                    <Show when=move || needs_account>
                        <p class="muted">{move || t.get().team.join_create}</p>
                        <TextField name="email" label=Signal::derive(move || t.get().email) value=email
                            error=field_signal(error, t, "email") input_type="email" autocomplete="email"
                            readonly=fixed_email/>
                        <TextField name="name" label=Signal::derive(move || t.get().team.your_name) value=name
                            error=field_signal(error, t, "name") autocomplete="name"/>
                        <TextField name="password" label=Signal::derive(move || t.get().password) value=password
                            error=field_signal(error, t, "password") input_type="password" autocomplete="new-password"/>
                    </Show>
                    <p class="auth-form__error" role="alert">{move || form_message(error, t).get()}</p>
                    <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || accept.pending().get()>
                        {move || t.get().team.join_accept}
                    </button>
                </form>
            }.into_any()
        }}
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
