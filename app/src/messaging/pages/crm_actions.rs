//! Work on the chat's CRM records without leaving the inbox: move the linked deal to another
//! stage of its pipeline (a lost stage asks for the reason), and add a note to the deal — or
//! to the contact when there is no deal.

use super::state::use_inbox;
use crate::deals::{change_deal_stage, get_deal, StageChange};
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::{DealId, StageId};
use crate::pipelines::{list_pipelines, StageKind, StageView};
use crate::providers::{client_fetch, ToastKind};
use crate::timeline::{add_note, NoteInput, SubjectRef};
use leptos::prelude::*;

/// The linked deal's stage, with a control to move it.
#[component]
pub fn DealStage(deal_id: DealId) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    // Loaded in the browser (`client_fetch`), so the panel never suspends the page.
    let fetched = client_fetch(move || get_deal(deal_id));
    let pipelines = client_fetch(list_pipelines);
    let deal = Memo::new(move |_| fetched.get().and_then(Result::ok));
    let stages = Memo::new(move |_| {
        let pipeline = deal.with(|d| d.as_ref().map(|d| d.pipeline_id));
        pipelines.with(|p| match (p, pipeline) {
            (Some(Ok(all)), Some(id)) => all
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.stages.clone())
                .unwrap_or_default(),
            _ => Vec::<StageView>::new(),
        })
    });
    let target = RwSignal::new(None::<StageId>);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let current = move || deal.with(|d| d.as_ref().map(|d| d.stage_id));
    let chosen = move || target.get().filter(|s| Some(*s) != current());
    let chosen_kind = move || {
        let id = chosen()?;
        stages.with(|all| all.iter().find(|s| s.id == id).map(|s| s.kind))
    };
    let on_move = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(stage_id) = chosen() else { return };
        let lost = chosen_kind() == Some(StageKind::Lost);
        let why = reason.get_untracked().trim().to_string();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let change = StageChange {
                stage_id,
                reason: lost.then_some(why),
                after_deal_id: None,
                value_minor: None,
            };
            match change_deal_stage(deal_id, change).await {
                Ok(d) => {
                    inbox.toasts.push(
                        ToastKind::Success,
                        Msg::new("toast-deal-moved").arg("stage", d.stage_name.clone()),
                    );
                    fetched.try_set(Some(Ok(d)));
                    target.try_set(None);
                    reason.try_set(String::new());
                }
                Err(e) => inbox.toasts.push(ToastKind::Error, e),
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="crm-panel__form" on:submit=on_move>
            <label class="field__label" for="crm-stage">{move || t.get().inbox.stage}</label>
            <select id="crm-stage" class="field__input" data-testid="crm-stage"
                disabled=move || deal.with(Option::is_none) || busy.get()
                prop:value=move || target.get().or_else(current).map(|s| s.to_string()).unwrap_or_default()
                on:change=move |ev| target.set(event_target_value(&ev).parse().ok())>
                {move || stages.get().into_iter().map(|s| view! {
                    <option value=s.id.to_string()>{s.name}</option>
                }).collect_view()}
            </select>
            <Show when=move || chosen_kind() == Some(StageKind::Lost)>
                <label class="field__label" for="crm-lost-reason">{move || t.get().inbox.lost_reason}</label>
                <input id="crm-lost-reason" class="field__input" maxlength="500" required
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
            </Show>
            <Show when=move || chosen().is_some()>
                <button class="button button--primary" type="submit" data-testid="crm-move" disabled=move || busy.get()>
                    {move || t.get().inbox.move_deal}
                </button>
            </Show>
        </form>
    }
}

/// A note on the deal, or on the contact when the chat has no deal.
#[component]
pub fn QuickNote(
    /// What the note is about.
    subject: SubjectRef,
    id: i64,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let body = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match add_note(subject, id, NoteInput { body: text }).await {
                Ok(_) => {
                    inbox
                        .toasts
                        .push(ToastKind::Success, Msg::new("toast-note-added"));
                    body.try_set(String::new());
                }
                Err(e) => inbox.toasts.push(ToastKind::Error, e),
            }
            busy.try_set(false);
        });
    };
    view! {
        <form class="crm-panel__form" on:submit=on_add>
            <label class="field__label" for="crm-note">
                {move || if subject == SubjectRef::Deal { t.get().inbox.note_on_deal } else { t.get().inbox.note_on_contact }}
            </label>
            <textarea id="crm-note" class="field__input" rows="2" maxlength="10000" data-testid="crm-note"
                prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            <button class="button" type="submit" data-testid="crm-note-add"
                disabled=move || busy.get() || body.with(|b| b.trim().is_empty())>
                {move || t.get().inbox.add_note}
            </button>
        </form>
    }
}
