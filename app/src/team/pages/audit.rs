use crate::components::{format_time, Pager, Skeleton};
use crate::i18n::use_strings;
use crate::providers::client_fetch;
use crate::team::{get_audit_log, AuditQuery, AuditView};
use leptos::prelude::*;

/// The audit log with filters by action and by member (owners and admins; the server refuses
/// everyone else).
#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_strings();
    let page = RwSignal::new(1i64);
    let action = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let members = client_fetch(crate::workspaces::list_members);
    let log = Resource::new(
        move || (page.get(), applied.get(), actor.get()),
        |(page, action, actor)| {
            get_audit_log(AuditQuery {
                page: Some(page),
                limit: Some(50),
                action: (!action.is_empty()).then_some(action),
                actor_id: actor.parse().ok(),
            })
        },
    );
    let filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set(action.get().trim().to_string());
    };
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().team.audit_title}</h1>
            <form class="toolbar" on:submit=filter>
                <input class="field__input" name="action" placeholder=move || t.get().team.filter_action
                    aria-label=move || t.get().team.filter_action
                    prop:value=move || action.get() on:input=move |ev| action.set(event_target_value(&ev))/>
                <select class="field__input" name="actor" aria-label=move || t.get().team.actor
                    on:change=move |ev| { page.set(1); actor.set(event_target_value(&ev)); }>
                    <option value="">{move || t.get().team.everyone}</option>
                    {move || members.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| {
                        let label = if m.name.is_empty() { m.email.clone() } else { m.name.clone() };
                        view! { <option value=m.user_id.0.to_string()>{label}</option> }
                    }).collect_view()}
                </select>
                <button class="button" type="submit">{move || t.get().team.filter_apply}</button>
            </form>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(data) if data.items.is_empty() => view! { <p class="muted">{move || t.get().team.audit_empty}</p> }.into_any(),
                        Ok(data) => {
                            let pagination = data.pagination.clone();
                            view! {
                                <table class="table" data-testid="audit-log">
                                    <thead><tr>
                                        <th>{move || t.get().team.when}</th>
                                        <th>{move || t.get().team.actor}</th>
                                        <th>{move || t.get().team.action}</th>
                                        <th>{move || t.get().team.target}</th>
                                        <th>{move || t.get().team.details}</th>
                                        <th>{move || t.get().team.ip}</th>
                                    </tr></thead>
                                    <tbody>{data.items.into_iter().map(|e| view! { <AuditRow entry=e/> }).collect_view()}</tbody>
                                </table>
                                <Pager page pagination/>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AuditRow(entry: AuditView) -> impl IntoView {
    let target = if entry.target_id.is_empty() {
        entry.target_type.clone()
    } else {
        format!("{} #{}", entry.target_type, entry.target_id)
    };
    let details = match &entry.details {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    };
    view! {
        <tr data-testid="audit-entry" data-action=entry.action.clone()>
            <td>{format_time(entry.created_at)}</td>
            <td>{entry.actor.clone().unwrap_or_else(|| "—".into())}</td>
            <td><code>{entry.action.clone()}</code></td>
            <td>{target}</td>
            <td class="audit__details">{details}</td>
            <td>{entry.ip.clone()}</td>
        </tr>
    }
}
