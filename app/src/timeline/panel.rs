use super::{
    get_timeline, ActivityView, AddNote, AddReminder, NoteInput, ReminderInput, ReminderPatch,
    SubjectRef, UpdateReminder,
};
use crate::access::permissions::Action;
use crate::components::field_error;
use crate::components::{format_time, Skeleton, TextField};
use crate::error::AppError;
use crate::i18n::{clock, has_message, tr, use_lang, use_strings, Arg, Lang};
use crate::providers::{use_hydrated, use_toasts, ToastKind};
use crate::realtime::use_realtime;
use leptos::prelude::*;
use validator::Validate;

/// A record's side panel: notes, reminders and the activity timeline, live.
#[component]
pub fn TimelinePanel(
    /// Which kind of record.
    kind: SubjectRef,
    /// Its id.
    id: i64,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let version = RwSignal::new(0u64);
    // Loaded after hydration, so the record's page never waits for (or re-mounts on) it.
    let data = crate::providers::client_fetch(move || {
        version.track();
        get_timeline(kind, id)
    });
    use_realtime().on_event(move |e| {
        let k = e.kind.as_str();
        if k.starts_with("note.")
            || k.starts_with("reminder.")
            || k.ends_with(".updated")
            || k == "deal.stage_changed"
        {
            version.update(|v| *v += 1);
        }
    });
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    let session = crate::providers::use_session();
    let with_notes = kind != SubjectRef::Company;
    let loaded = move || data.get().and_then(|r| r.ok());
    // The forms stay mounted while the lists refresh, so typing is never lost.
    view! {
        {with_notes.then(|| view! {
            <section class="card panel">
                <h2 class="card__title">{move || t.get().notes}</h2>
                <Show when=move || session.may(Action::WriteNotes)>
                    <NoteForm kind id refresh/>
                </Show>
                <ul class="notes">
                    {move || match loaded() {
                        None => view! { <li><Skeleton lines=2/></li> }.into_any(),
                        Some(d) if d.notes.is_empty() => view! { <li class="muted">{move || t.get().no_notes}</li> }.into_any(),
                        Some(d) => d.notes.into_iter().map(|n| view! {
                            <li class="notes__item">
                                <p class="notes__body">{n.body}</p>
                                <p class="muted notes__meta">{format!("{} · {}", n.author_name.unwrap_or_default(), format_time(n.created_at))}</p>
                            </li>
                        }).collect_view().into_any(),
                    }}
                </ul>
            </section>
            <section class="card panel">
                <h2 class="card__title">{move || t.get().reminders}</h2>
                <Show when=move || session.may(Action::WriteNotes)>
                    <ReminderForm kind id refresh/>
                </Show>
                <ul class="reminders">
                    {move || match loaded() {
                        None => view! { <li><Skeleton lines=2/></li> }.into_any(),
                        Some(d) if d.reminders.is_empty() => view! { <li class="muted">{move || t.get().no_reminders}</li> }.into_any(),
                        Some(d) => d.reminders.into_iter().map(|r| view! { <ReminderItem reminder=r/> }).collect_view().into_any(),
                    }}
                </ul>
            </section>
        })}
        <section class="card panel">
            <h2 class="card__title">{move || t.get().timeline}</h2>
            <ol class="activity">
                {move || match data.get() {
                    None => view! { <li><Skeleton lines=3/></li> }.into_any(),
                    Some(Err(e)) => view! { <li class="page-error" role="alert">{e.error}</li> }.into_any(),
                    Some(Ok(d)) if d.activities.is_empty() => view! { <li class="muted">{move || t.get().no_timeline}</li> }.into_any(),
                    Some(Ok(d)) => d.activities.into_iter().map(|a| {
                        let at = a.at;
                        let who = a.actor_name.clone().unwrap_or_default();
                        let source = a.source.clone();
                        let source_attr = a.source.clone();
                        // A change a member made shows who; one made for them shows how.
                        let by = move || {
                            let b = t.get().board;
                            match source.as_str() {
                                "automation" => b.source_automation.to_string(),
                                "campaign" => b.source_campaign.to_string(),
                                "system" => b.source_system.to_string(),
                                _ => who.clone(),
                            }
                        };
                        view! {
                            <li class="activity__item" data-source=source_attr>
                                <span class="activity__text">{move || describe(lang.get(), &a)}</span>
                                <time class="activity__time">{move || format!("{} · {}", by(), format_time(at))}</time>
                            </li>
                        }
                    }).collect_view().into_any(),
                }}
            </ol>
        </section>
    }
}

/// One timeline entry in `lang` (`timeline-<kind>` of the translation files).
pub fn describe(lang: Lang, a: &ActivityView) -> String {
    let s = |k: &str| {
        a.data
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    match a.kind.as_str() {
        "edited" => {
            let fields: Vec<String> = a
                .data
                .get("fields")
                .and_then(|f| f.as_array())
                .map(|f| {
                    f.iter()
                        .filter_map(|v| v.as_str())
                        .map(|name| {
                            let id = format!("field-{name}");
                            if has_message(lang, &id) {
                                tr(lang, &id, &[])
                            } else {
                                name.to_string()
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            tr(
                lang,
                "timeline-edited",
                &[("fields", fields.join(", ").into())],
            )
        }
        "stage_changed" => {
            let reason = s("reason");
            let mut args = vec![("from", Arg::from(s("from"))), ("to", s("to").into())];
            if reason.is_empty() {
                tr(lang, "timeline-stage_changed", &args)
            } else {
                args.push(("reason", reason.into()));
                tr(lang, "timeline-stage_changed-reason", &args)
            }
        }
        "created" => tr(lang, "timeline-created", &[]),
        "note_added" => tr(
            lang,
            "timeline-note_added",
            &[("excerpt", s("excerpt").into())],
        ),
        "reminder_added" => tr(
            lang,
            "timeline-reminder_added",
            &[("title", s("title").into())],
        ),
        "reminder_done" => tr(
            lang,
            "timeline-reminder_done",
            &[("title", s("title").into())],
        ),
        _ => tr(lang, "timeline-unknown", &[]),
    }
}

#[component]
fn NoteForm(kind: SubjectRef, id: i64, refresh: Callback<()>) -> impl IntoView {
    let t = use_strings();
    let hydrated = use_hydrated();
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let add = ServerAction::<AddNote>::new();
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            body.set(String::new());
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NoteInput {
            body: body.get().trim().to_string(),
        };
        match input.validate() {
            Ok(()) => {
                error.set(None);
                add.dispatch(AddNote { kind, id, input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    view! {
        <form class="inline-form" method="post" on:submit=submit novalidate>
            <div class="field" class:field--invalid=move || error.get().is_some()>
                <label class="field__label" for="note-body">{move || t.get().note_label}</label>
                <textarea class="field__input" id="note-body" rows="3" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <p class="field__error" role="alert">{move || field_error(error, t, "body").get()}</p>
            </div>
            <button class="button" type="submit" disabled=move || !hydrated.get() || add.pending().get()>{move || t.get().add_note}</button>
        </form>
    }
}

#[component]
fn ReminderForm(kind: SubjectRef, id: i64, refresh: Callback<()>) -> impl IntoView {
    let t = use_strings();
    let zone = crate::providers::use_time_zone();
    let hydrated = use_hydrated();
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let add = ServerAction::<AddReminder>::new();
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            title.set(String::new());
            due.set(String::new());
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The date and time are the member's own time zone's; the server stores UTC.
        let due_at = clock::parse_local_input(&due.get(), &zone.get_untracked());
        let input = ReminderInput {
            title: title.get().trim().to_string(),
            due_at: due_at.unwrap_or(-1),
            owner_id: None,
        };
        match input.validate() {
            Ok(()) => {
                error.set(None);
                add.dispatch(AddReminder { kind, id, input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    view! {
        <form class="inline-form" method="post" on:submit=submit novalidate>
            <TextField name="reminder-title" label=Signal::derive(move || t.get().reminder_title) value=title error=field_error(error, t, "title")/>
            <TextField name="reminder-due" label=Signal::derive(move || t.get().due) value=due error=field_error(error, t, "dueAt") input_type="datetime-local"/>
            <button class="button" type="submit" disabled=move || !hydrated.get() || add.pending().get()>{move || t.get().add_reminder}</button>
        </form>
    }
}

/// A reminder with a "done" checkbox, updated optimistically and rolled back on refusal.
#[component]
fn ReminderItem(reminder: super::ReminderView) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let done = RwSignal::new(reminder.done_at.is_some());
    let update = ServerAction::<UpdateReminder>::new();
    Effect::new(move |_| {
        if let Some(Err(e)) = update.value().get() {
            done.update(|d| *d = !*d);
            toasts.push(ToastKind::Error, e);
        }
    });
    let id = reminder.id;
    view! {
        <li class="reminders__item" class:reminders__item--done=move || done.get()>
            <label class="check">
                <input type="checkbox" prop:checked=move || done.get() aria-label=move || t.get().mark_done
                    on:change=move |_| {
                        let now = !done.get_untracked();
                        done.set(now);
                        update.dispatch(UpdateReminder { id, patch: ReminderPatch { done: Some(now), ..Default::default() } });
                    }/>
                <span>{reminder.title}</span>
            </label>
            <time class="muted">{format_time(reminder.due_at)}</time>
        </li>
    }
}
