use crate::components::format_time;
use crate::i18n::{use_strings, Strings};
use crate::realtime::RealtimeEvent;
use leptos::prelude::*;

/// One line of the activity feed, in the current language.
pub fn describe(t: &Strings, e: &RealtimeEvent) -> String {
    let str_of = |k: &str| {
        e.data
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    match e.kind.as_str() {
        "workspace.created" => t.event_workspace_created.to_string(),
        "workspace.renamed" => format!("{} «{}»", t.event_workspace_renamed, str_of("name")),
        "member.joined" => format!("{} {}", str_of("name"), t.event_member_joined),
        "contact.created" => format!("{}: {}", t.ev_contact_created, str_of("displayName")),
        "contact.updated" => format!("{}: {}", t.ev_contact_updated, str_of("displayName")),
        "contact.deleted" => t.ev_contact_deleted.to_string(),
        "contacts.imported" => t.ev_imported.to_string(),
        "company.created" => format!("{}: {}", t.ev_company_created, str_of("name")),
        "company.updated" => format!("{}: {}", t.ev_company_updated, str_of("name")),
        "company.deleted" => t.ev_company_deleted.to_string(),
        "deal.created" => format!("{}: {}", t.ev_deal_created, str_of("title")),
        "deal.updated" => format!("{}: {}", t.ev_deal_updated, str_of("title")),
        "deal.stage_changed" => format!(
            "{}: {} → {}",
            t.ev_deal_stage,
            str_of("title"),
            str_of("stageName")
        ),
        "deal.deleted" => t.ev_deal_deleted.to_string(),
        "note.created" => t.ev_note.to_string(),
        "reminder.created" | "reminder.updated" | "reminder.deleted" => t.ev_reminder.to_string(),
        "reminder.due" => t.ev_reminder_due.to_string(),
        other => format!("{}: {other}", t.event_other),
    }
}

/// The workspace's recent events, newest first.
#[component]
pub fn ActivityList(
    /// Events, newest first.
    #[prop(into)]
    events: Signal<Vec<RealtimeEvent>>,
) -> impl IntoView {
    let t = use_strings();
    view! {
        <Show
            when=move || !events.get().is_empty()
            fallback=move || view! { <p class="empty">{move || t.get().no_activity}</p> }
        >
            <ol class="activity" aria-label=move || t.get().recent_activity>
                <For each=move || events.get() key=|e| e.seq let:event>
                    <li class="activity__item">
                        <span class="activity__text">{
                            let e = event.clone();
                            move || describe(t.get(), &e)
                        }</span>
                        <time class="activity__time">{format_time(event.at)}</time>
                    </li>
                </For>
            </ol>
        </Show>
    }
}
