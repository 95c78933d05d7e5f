use super::role_options;
use crate::access::Role;
use crate::components::format_time;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_toasts, ToastKind};
use crate::team::{
    CreateInviteLink, EmailInvite, InviteMember, InviteView, LinkInvite, RevokeInvite,
};
use leptos::prelude::*;
use validator::Validate;

/// Inviting by email and by link, and the invitations still pending.
#[component]
pub fn InvitePanel(invites: Vec<InviteView>, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let email_role = RwSignal::new("rep".to_string());
    let link_role = RwSignal::new("rep".to_string());
    let days = RwSignal::new("7".to_string());
    let max_uses = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let invite = ServerAction::<InviteMember>::new();
    let create_link = ServerAction::<CreateInviteLink>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    Effect::new(move |_| match invite.value().get() {
        Some(Ok(_)) => {
            email.set(String::new());
            toasts.push(ToastKind::Success, Msg::new("toast-invite-sent"));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => {
            if e.details.is_empty() {
                toasts.push(ToastKind::Error, e.clone());
            }
            error.set(Some(e));
        }
        None => {}
    });
    Effect::new(move |_| match create_link.value().get() {
        Some(Ok(_)) => {
            toasts.push(ToastKind::Success, Msg::new("toast-link-created"));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => version.update(|v| *v += 1),
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = EmailInvite {
            email: email.get().trim().to_lowercase(),
            role: Role::parse(&email_role.get()).unwrap_or(Role::Rep),
            expires_in_days: 7,
        };
        match input.validate() {
            Ok(()) => {
                error.set(None);
                invite.dispatch(InviteMember { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let make_link = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = LinkInvite {
            role: Role::parse(&link_role.get()).unwrap_or(Role::Rep),
            expires_in_days: days.get().trim().parse().unwrap_or(0),
            max_uses: max_uses.get().trim().parse().ok(),
        };
        match input.validate() {
            Ok(()) => {
                create_link.dispatch(CreateInviteLink { input });
            }
            Err(e) => toasts.push(ToastKind::Error, AppError::from(e)),
        }
    };
    let email_error = Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_error("email")
                .map(|f| crate::i18n::translate_field(t.get(), f))
        })
    });
    let roles = Signal::derive(move || role_options(t.get(), false));
    let pending = invites
        .into_iter()
        .map(|i| view! { <InviteRow invite=i revoke/> })
        .collect_view();
    view! {
        <div class="card">
            <h2 class="card__title">{move || t.get().team.pending_title}</h2>
            <table class="table" data-testid="team-invites">
                <thead><tr>
                    <th>{move || t.get().team.to}</th>
                    <th>{move || t.get().team.role}</th>
                    <th>{move || t.get().team.uses}</th>
                    <th>{move || t.get().team.expires}</th>
                    <th></th>
                </tr></thead>
                <tbody>{pending}</tbody>
            </table>
        </div>
        <form class="card form" on:submit=send novalidate data-testid="invite-email-form">
            <h2 class="card__title">{move || t.get().team.invite_title}</h2>
            <div class="form__row">
                <crate::components::TextField name="inviteEmail" label=Signal::derive(move || t.get().email)
                    value=email error=email_error input_type="email"/>
                <crate::components::SelectField name="inviteRole" label=Signal::derive(move || t.get().team.role)
                    value=email_role options=roles error=Signal::derive(|| None::<String>)/>
            </div>
            <button class="button button--primary" type="submit" disabled=move || invite.pending().get()>
                {move || t.get().team.invite_send}
            </button>
        </form>
        <form class="card form" on:submit=make_link novalidate data-testid="invite-link-form">
            <h2 class="card__title">{move || t.get().team.links_title}</h2>
            <div class="form__row">
                <crate::components::SelectField name="linkRole" label=Signal::derive(move || t.get().team.role)
                    value=link_role options=roles error=Signal::derive(|| None::<String>)/>
                <crate::components::TextField name="linkDays" label=Signal::derive(move || t.get().team.expires_in_days)
                    value=days error=Signal::derive(|| None::<String>) input_type="number"/>
                <crate::components::TextField name="linkUses" label=Signal::derive(move || t.get().team.max_uses)
                    value=max_uses error=Signal::derive(|| None::<String>) input_type="number"/>
            </div>
            <button class="button" type="submit" disabled=move || create_link.pending().get()>
                {move || t.get().team.link_create}
            </button>
        </form>
    }
}

#[component]
fn InviteRow(invite: InviteView, revoke: ServerAction<RevokeInvite>) -> impl IntoView {
    let t = use_strings();
    let id = invite.id;
    let role = invite.role.as_str();
    let uses = match invite.max_uses {
        Some(max) => format!("{} / {max}", invite.uses),
        None => invite.uses.to_string(),
    };
    let who = match (&invite.email, &invite.url) {
        (Some(email), _) => view! { <span>{email.clone()}</span> }.into_any(),
        (None, Some(url)) => {
            let url = url.clone();
            view! {
                <input class="field__input invite-link" readonly value=url.clone() aria-label=move || t.get().team.link
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
            }
            .into_any()
        }
        (None, None) => view! { <span>"—"</span> }.into_any(),
    };
    view! {
        <tr data-testid="team-invite">
            <td>{who}</td>
            <td><span class="badge">{move || t.get().role(role)}</span></td>
            <td>{uses}</td>
            <td>{format_time(invite.expires_at)}</td>
            <td class="num">
                <button class="button button--danger" type="button" on:click=move |_| { revoke.dispatch(RevokeInvite { id }); }>
                    {move || t.get().team.revoke}
                </button>
            </td>
        </tr>
    }
}
