use super::form::DealForm;
use crate::components::{format_money, Skeleton};
use crate::crm::RecordHeader;
use crate::deals::DealEvent;
use crate::deals::{get_deal, ChangeDealStage, DealView, DeleteDeal, StageChange};
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::{DealId, StageId};
use crate::pipelines::list_pipelines;
use crate::providers::{use_toasts, ToastKind};
use crate::realtime::{use_realtime, DomainEvent};
use crate::timeline::{SubjectRef, TimelinePanel};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/deals/:id`.
#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<DealId>().ok())
            .unwrap_or(DealId(0))
    });
    let deal = Resource::new(move || id.get(), get_deal);
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match deal.await {
                        Ok(d) => view! { <DealBody deal=d/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DealBody(deal: DealView) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let current = RwSignal::new(deal.clone());
    let editing = RwSignal::new(false);
    let delete = ServerAction::<DeleteDeal>::new();
    let move_stage = ServerAction::<ChangeDealStage>::new();
    let pipelines = crate::providers::client_fetch(list_pipelines);
    let navigate = leptos_router::hooks::use_navigate();
    let id = deal.id;
    use_realtime().on_event(move |e| {
        if let Some(DealEvent::Updated(d) | DealEvent::StageChanged { deal: d, .. }) =
            DealEvent::from_stream(e)
        {
            if d.id == id {
                current.set(d);
            }
        }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.push(ToastKind::Success, Msg::new("toast-deleted"));
            navigate("/deals", Default::default());
        }
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    // The stage select changes at once and goes back if the server refuses the move.
    let previous_stage = StoredValue::new(deal.stage_id);
    Effect::new(move |_| match move_stage.value().get() {
        Some(Ok(d)) => {
            previous_stage.set_value(d.stage_id);
            current.set(d);
        }
        Some(Err(e)) => {
            current.update(|d| d.stage_id = previous_stage.get_value());
            toasts.push(ToastKind::Error, e);
        }
        None => {}
    });
    let on_delete = Callback::new(move |_| {
        delete.dispatch(DeleteDeal { id });
    });
    let on_saved = Callback::new(move |d: DealView| {
        previous_stage.set_value(d.stage_id);
        current.set(d);
        editing.set(false);
    });
    let stages = Signal::derive(move || {
        let pipeline = current.get().pipeline_id;
        pipelines
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.id == pipeline)
            .flat_map(|p| p.stages)
            .collect::<Vec<_>>()
    });
    view! {
        <RecordHeader back="/deals" title=Signal::derive(move || current.get().title) editing on_delete owner=Signal::derive(move || current.with(|c| c.owner_id))/>
        <div class="record">
            <div class="record__main">
                <div class="card stage-bar">
                    <label class="field__label" for="deal-stage">{move || t.get().move_stage}</label>
                    <select id="deal-stage" class="select" prop:value=move || current.get().stage_id.to_string()
                        on:change=move |ev| {
                            if let Ok(stage_id) = event_target_value(&ev).parse::<StageId>() {
                                current.update(|d| d.stage_id = stage_id);
                                move_stage.dispatch(ChangeDealStage { id, change: StageChange { stage_id, reason: None, after_deal_id: None, value_minor: None } });
                            }
                        }>
                        {move || stages.get().into_iter().map(|s| {
                            let selected = s.id == current.get_untracked().stage_id;
                            view! { <option value=s.id.0 selected=selected>{s.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || editing.get() fallback=move || {
                    let d = current.get();
                    let tt = t.get();
                    view! {
                        <dl class="card facts">
                            <div class="facts__row"><dt>{tt.value}</dt><dd>{format_money(d.value_minor, &d.currency)}</dd></div>
                            <div class="facts__row"><dt>{tt.stage}</dt><dd>{d.stage_name.clone()}</dd></div>
                            {d.contact_id.map(|cid| view! { <div class="facts__row"><dt>{tt.col_contact}</dt><dd><A href=format!("/contacts/{cid}")>{d.contact_name.clone().unwrap_or_default()}</A></dd></div> })}
                            {d.company_id.map(|cid| view! { <div class="facts__row"><dt>{tt.company}</dt><dd><A href=format!("/companies/{cid}")>{d.company_name.clone().unwrap_or_default()}</A></dd></div> })}
                            <div class="facts__row"><dt>{tt.owner}</dt><dd>{d.owner_name.clone().unwrap_or_default()}</dd></div>
                            <div class="facts__row"><dt>{tt.expected_close}</dt><dd>{d.expected_close_date.clone().unwrap_or_default()}</dd></div>
                        </dl>
                    }
                }>
                    <DealForm initial=Some(current.get_untracked()) on_saved/>
                </Show>
                <super::history::StageHistory deal_id=id/>
            </div>
            <aside class="record__side">
                <TimelinePanel kind=SubjectRef::Deal id=id.0/>
            </aside>
        </div>
    }
}
