use super::activity::ActivityList;
use crate::components::Skeleton;
use crate::i18n::number::format_count;
use crate::i18n::use_strings;
use crate::i18n::{tr, use_lang};
use crate::providers::use_session;
use crate::realtime::NOT_IN_FEED;
use crate::realtime::{use_realtime, RealtimeEvent};
use crate::workspaces::{get_home, HomeData};
use leptos::prelude::*;
use leptos_router::components::A;

/// Home: the workspace, its members, and what happened recently (live).
#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_strings();
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().home_title}</h1>
            <Suspense fallback=|| view! { <Skeleton lines=5/> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(data) => view! { <HomeBody data/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn HomeBody(data: HomeData) -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let events = RwSignal::new(data.recent_events);
    let reminders = data.reminders;
    let lang = use_lang();
    use_realtime().on_event(move |e: &RealtimeEvent| {
        if NOT_IN_FEED.contains(&e.kind.as_str()) {
            return;
        }
        let e = e.clone();
        events.update(|list| {
            if !list.iter().any(|x| x.seq == e.seq) {
                list.insert(0, e);
                list.truncate(50);
            }
        });
    });
    let me = session.me.get_untracked().user.id;
    let member_count = data.members.len();
    let counts = data.counts;
    view! {
        <div class="stats">
            <A href="/contacts" attr:class="card stat">
                <span class="stat__value">{move || format_count(counts.contacts, lang.get())}</span>
                <span class="stat__label">{move || t.get().nav_contacts}</span>
            </A>
            <A href="/companies" attr:class="card stat">
                <span class="stat__value">{move || format_count(counts.companies, lang.get())}</span>
                <span class="stat__label">{move || t.get().nav_companies}</span>
            </A>
            <A href="/deals" attr:class="card stat">
                <span class="stat__value">{move || format_count(counts.open_deals, lang.get())}</span>
                <span class="stat__label">{move || t.get().open_deals}</span>
            </A>
            <div class="card stat stat--actions">
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/contacts/new" attr:class="button">{move || t.get().new_contact}</A></Show>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/companies/new" attr:class="button">{move || t.get().new_company}</A></Show>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/deals/new" attr:class="button">{move || t.get().new_deal}</A></Show>
            </div>
        </div>
        <div class="grid">
            <div class="card">
                <h2 class="card__title">{move || session.me.get().workspace.name}</h2>
                <p class="muted">{move || tr(lang.get(), "members-count", &[("count", member_count.into())])}</p>
                <h3 class="card__subtitle">{move || t.get().members}</h3>
                <ul class="members">
                    {data.members.into_iter().map(|m| {
                        let role = m.role.as_str();
                        let is_me = m.user_id == me;
                        let shown = if m.name.is_empty() { m.email.clone() } else { m.name.clone() };
                        view! {
                            <li class="members__item">
                                <span class="avatar" aria-hidden="true">{shown.chars().next().unwrap_or('?').to_uppercase().to_string()}</span>
                                <span class="members__name">{shown}
                                    {is_me.then(|| view! { <span class="muted">{move || format!(" ({})", t.get().you)}</span> })}
                                </span>
                                <span class="badge">{move || t.get().role(role)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <MyReminders initial=reminders/>
            <div class="card">
                <h2 class="card__title">{move || t.get().recent_activity}</h2>
                <ActivityList events=events/>
            </div>
        </div>
    }
}

/// The caller's open reminders, soonest first; refreshed live.
#[component]
fn MyReminders(initial: Vec<crate::timeline::ReminderView>) -> impl IntoView {
    let t = use_strings();
    let list = RwSignal::new(initial);
    use_realtime().on_event(move |e: &RealtimeEvent| {
        if e.kind.starts_with("reminder.") {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = crate::timeline::my_reminders().await {
                    list.set(fresh);
                }
            });
        }
    });
    view! {
        <div class="card">
            <h2 class="card__title">{move || t.get().home_reminders}</h2>
            <Show when=move || !list.get().is_empty() fallback=move || view! { <p class="empty">{move || t.get().no_reminders}</p> }>
                <ul class="reminders">
                    <For each=move || list.get() key=|r| (r.id, r.due_at, r.done_at) let:r>
                        <li class="reminders__item">
                            <leptos_router::components::A href=r.href()>{r.title.clone()}</leptos_router::components::A>
                            <time class="muted">{crate::components::format_time(r.due_at)}</time>
                        </li>
                    </For>
                </ul>
            </Show>
        </div>
    }
}
