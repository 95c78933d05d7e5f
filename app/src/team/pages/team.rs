use super::invites::InvitePanel;
use super::role_options;
use crate::access::permissions::Action;
use crate::access::Role;
use crate::components::{format_time, Skeleton};
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_session, use_toasts, ToastKind};
use crate::team::{
    get_team, ChangeMemberRole, RemoveMember, SetSecurityPolicy, TeamData, TransferOwnership,
};
use crate::workspaces::MemberView;
use leptos::prelude::*;

/// Members and roles, invitations, ownership and the security policy.
#[component]
pub fn TeamPage() -> impl IntoView {
    let t = use_strings();
    let version = RwSignal::new(0u64);
    let team = Resource::new(move || version.get(), |_| get_team());
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().team.team_title}</h1>
            <Transition fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match team.await {
                        Ok(data) => view! { <TeamBody data version/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Reloads the team after an action succeeds; shows its error as a toast otherwise.
fn after<T>(action: ServerAction<T>, version: RwSignal<u64>, done: Option<Msg>)
where
    T: Clone + Send + Sync + 'static,
    T: leptos::server_fn::ServerFn<Output = (), Error = crate::error::AppError>,
{
    let toasts = use_toasts();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            if let Some(text) = done.clone() {
                toasts.push(ToastKind::Success, text);
            }
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
}

#[component]
fn TeamBody(data: TeamData, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let my_role = session.me.get_untracked().role;
    let me = session.me.get_untracked().user.id;
    let manages = my_role.may(Action::ManageTeam);
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    after(change, version, Some(Msg::new("toast-team-saved")));
    after(remove, version, None);
    let leaving = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            if leaving.get_untracked() {
                crate::providers::navigate_full("/");
            }
        }
    });
    let members = data.members.clone();
    let rows = members
        .iter()
        .cloned()
        .map(|m| view! { <MemberRow member=m me manages my_role change remove leaving/> })
        .collect_view();
    view! {
        <div class="card">
            <h2 class="card__title">{move || t.get().team.members}</h2>
            <table class="table" data-testid="team-members">
                <thead><tr>
                    <th>{move || t.get().team.member}</th>
                    <th>{move || t.get().team.role}</th>
                    <th>{move || t.get().team.joined}</th>
                    <th></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Show when=move || manages>
            <InvitePanel invites=data.invites.clone() version/>
        </Show>
        <Show when=move || my_role.may(Action::TransferOwnership)>
            <TransferCard members=members.clone() me version/>
            <PolicyCard required=data.require_two_factor/>
        </Show>
    }
}

#[component]
fn MemberRow(
    member: MemberView,
    me: crate::ids::UserId,
    manages: bool,
    my_role: Role,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    leaving: RwSignal<bool>,
) -> impl IntoView {
    let t = use_strings();
    let user_id = member.user_id.0;
    let is_me = member.user_id == me;
    // Admins manage everyone but owners; owners manage everyone.
    let editable = manages && !is_me && (member.role != Role::Owner || my_role == Role::Owner);
    let role = RwSignal::new(member.role.as_str().to_string());
    let confirm = RwSignal::new(false);
    let name = if member.name.is_empty() {
        member.email.clone()
    } else {
        member.name.clone()
    };
    let on_role = move |ev| {
        let value = event_target_value(&ev);
        role.set(value.clone());
        if let Some(r) = Role::parse(&value) {
            change.dispatch(ChangeMemberRole { user_id, role: r });
        }
    };
    view! {
        <tr data-testid="team-member" data-email=member.email.clone()>
            <td>
                <strong>{name}</strong>
                {is_me.then(|| view! { <span class="muted">" ("{move || t.get().team.you}")"</span> })}
                <div class="muted">{member.email.clone()}</div>
            </td>
            <td>
                {if editable {
                    view! {
                        <select class="field__input" aria-label=move || t.get().team.role on:change=on_role prop:value=move || role.get()>
                            {move || role_options(t.get(), my_role == Role::Owner).into_iter().map(|(v, l)| {
                                let selected = v == role.get_untracked();
                                view! { <option value=v selected=selected>{l}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any()
                } else {
                    let r = member.role.as_str();
                    view! { <span class="badge">{move || t.get().role(r)}</span> }.into_any()
                }}
            </td>
            <td>{format_time(member.joined_at)}</td>
            <td class="num">
                <Show when=move || editable || is_me>
                    <Show when=move || !confirm.get() fallback=move || view! {
                        <span class="muted">{move || if is_me { t.get().team.leave_confirm } else { t.get().team.remove_confirm }}</span>" "
                        <button class="button button--danger" type="button" on:click=move |_| {
                            confirm.set(false);
                            leaving.set(is_me);
                            remove.dispatch(RemoveMember { user_id });
                        }>{move || t.get().team.confirm}</button>
                        <button class="button" type="button" on:click=move |_| confirm.set(false)>{move || t.get().cancel}</button>
                    }>
                        <button class="button button--danger" type="button" on:click=move |_| confirm.set(true)>
                            {move || if is_me { t.get().team.leave } else { t.get().team.remove }}
                        </button>
                    </Show>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn TransferCard(
    members: Vec<MemberView>,
    me: crate::ids::UserId,
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let transfer = ServerAction::<TransferOwnership>::new();
    after(transfer, version, Some(Msg::new("toast-team-saved")));
    let chosen = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let options: Vec<(String, String)> = members
        .into_iter()
        .filter(|m| m.user_id != me)
        .map(|m| {
            let label = if m.name.is_empty() {
                m.email
            } else {
                format!("{} <{}>", m.name, m.email)
            };
            (m.user_id.0.to_string(), label)
        })
        .collect();
    view! {
        <div class="card form">
            <h2 class="card__title">{move || t.get().team.transfer}</h2>
            <p class="muted">{move || t.get().team.transfer_hint}</p>
            <label class="field__label" for="transfer-to">{move || t.get().team.choose_member}</label>
            <select class="field__input" id="transfer-to" on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <Show when=move || !confirm.get() fallback=move || view! {
                <p>{move || t.get().team.transfer_confirm}</p>
                <button class="button button--danger" type="button" on:click=move |_| {
                    confirm.set(false);
                    if let Ok(user_id) = chosen.get_untracked().parse() {
                        transfer.dispatch(TransferOwnership { user_id });
                    }
                }>{move || t.get().team.confirm}</button>
                <button class="button" type="button" on:click=move |_| confirm.set(false)>{move || t.get().cancel}</button>
            }>
                <button class="button" type="button" disabled=move || chosen.get().is_empty()
                    on:click=move |_| confirm.set(true)>{move || t.get().team.transfer}</button>
            </Show>
        </div>
    }
}

#[component]
fn PolicyCard(required: bool) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let set = ServerAction::<SetSecurityPolicy>::new();
    let on = RwSignal::new(required);
    Effect::new(move |_| match set.value().get() {
        Some(Ok(policy)) => {
            on.set(policy.require_two_factor);
            toasts.push(ToastKind::Success, Msg::new("toast-team-saved"));
        }
        Some(Err(e)) => {
            on.set(!on.get_untracked());
            toasts.push(ToastKind::Error, e);
        }
        None => {}
    });
    view! {
        <div class="card form">
            <h2 class="card__title">{move || t.get().team.policy_title}</h2>
            <label class="checkbox">
                <input type="checkbox" name="requireTwoFactor" prop:checked=move || on.get()
                    on:change=move |ev| {
                        let value = event_target_checked(&ev);
                        on.set(value);
                        set.dispatch(SetSecurityPolicy { require_two_factor: value });
                    }/>
                " "{move || t.get().team.policy_require_2fa}
            </label>
        </div>
    }
}
