//! A pipeline's stages: edit each in place, reorder by dragging the handle or with ↑/↓ on
//! it, add new ones, delete one (its deals go to a stage you choose).

use crate::components::ConfirmDialog;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::StageId;
use crate::pipelines::{
    delete_stage, reorder_stages, save_stage, PipelineView, StageInput, StageKind, StageView,
};
use crate::providers::{use_toasts, ToastKind};
use leptos::prelude::*;

#[component]
pub fn StageEditor(pipeline: PipelineView, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let pipeline_id = pipeline.id;
    let order = RwSignal::new(pipeline.stages.clone());
    let dragging = RwSignal::new(None::<StageId>);
    let save_order = move || {
        let ids: Vec<StageId> = order.get_untracked().iter().map(|s| s.id).collect();
        leptos::task::spawn_local(async move {
            match reorder_stages(pipeline_id, ids).await {
                Ok(_) => toasts.push(ToastKind::Success, Msg::new("toast-stages-reordered")),
                Err(e) => {
                    toasts.push(ToastKind::Error, e);
                    version.update(|v| *v += 1);
                }
            }
        });
    };
    let shift = move |id: StageId, by: i64| {
        order.update(|o| {
            if let Some(i) = o.iter().position(|s| s.id == id) {
                let j = i as i64 + by;
                if j >= 0 && (j as usize) < o.len() {
                    o.swap(i, j as usize);
                }
            }
        });
    };
    #[cfg(feature = "hydrate")]
    {
        use leptos::ev;
        let moving = window_event_listener(ev::pointermove, move |e| {
            let Some(id) = dragging.get_untracked() else {
                return;
            };
            e.prevent_default();
            let over = document()
                .element_from_point(e.client_x() as f32, e.client_y() as f32)
                .and_then(|el| el.closest("[data-stage-row]").ok().flatten())
                .and_then(|el| el.get_attribute("data-stage-row"))
                .and_then(|v| v.parse::<StageId>().ok());
            if let Some(over) = over.filter(|o| *o != id) {
                order.update(|o| {
                    if let (Some(from), Some(to)) = (
                        o.iter().position(|s| s.id == id),
                        o.iter().position(|s| s.id == over),
                    ) {
                        let stage = o.remove(from);
                        o.insert(to, stage);
                    }
                });
            }
        });
        let up = window_event_listener(ev::pointerup, move |_| {
            if dragging.get_untracked().is_some() {
                dragging.set(None);
                save_order();
            }
        });
        on_cleanup(move || {
            moving.remove();
            up.remove();
        });
    }
    let new_name = RwSignal::new(String::new());
    let new_kind = RwSignal::new("open".to_string());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = StageInput {
            pipeline_id: Some(pipeline_id),
            name: new_name.get_untracked(),
            color: "#64748b".into(),
            kind: StageKind::parse(&new_kind.get_untracked()),
            probability: 0,
            rotting_days: None,
            position: None,
        };
        leptos::task::spawn_local(async move {
            match save_stage(None, input).await {
                Ok(stage) => {
                    new_name.try_set(String::new());
                    order.try_update(|o| o.push(stage));
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    };
    view! {
        <h2 class="card__subtitle">{move || t.get().board.stages}</h2>
        <p class="muted" id="reorder-hint">{move || t.get().board.reorder_hint}</p>
        <Show when=move || order.with(Vec::is_empty)>
            <p class="muted">{move || t.get().board.no_stages}</p>
        </Show>
        <ol class="stages" data-testid="stages">
            <For each=move || order.get() key=|s| (s.id, s.name.clone(), s.color.clone(), s.kind, s.probability, s.rotting_days) let:stage>
                <StageRow stage=stage.clone() siblings=Signal::derive(move || order.get()) dragging shift save_order=Callback::new(move |_| save_order()) version/>
            </For>
        </ol>
        <form class="stages__add" on:submit=add>
            <label class="field">
                <span class="field__label">{move || t.get().board.stage_name}</span>
                <input class="field__input" name="new-stage" maxlength="100" required prop:value=move || new_name.get()
                    on:input=move |ev| new_name.set(event_target_value(&ev))/>
            </label>
            <KindSelect value=new_kind/>
            <button class="button button--primary" type="submit">{move || t.get().board.add_stage}</button>
        </form>
    }
}

#[component]
fn KindSelect(value: RwSignal<String>) -> impl IntoView {
    let t = use_strings();
    view! {
        <label class="field">
            <span class="field__label">{move || t.get().board.kind}</span>
            <select class="select" name="kind" on:change=move |ev| value.set(event_target_value(&ev))>
                {[("open", 0), ("won", 1), ("lost", 2)].into_iter().map(|(k, i)| view! {
                    <option value=k selected=value.get_untracked() == k>
                        {move || [t.get().board.kind_open, t.get().board.kind_won, t.get().board.kind_lost][i]}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn StageRow(
    stage: StageView,
    siblings: Signal<Vec<StageView>>,
    dragging: RwSignal<Option<StageId>>,
    shift: impl Fn(StageId, i64) + Copy + Send + Sync + 'static,
    save_order: Callback<()>,
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let id = stage.id;
    let name = RwSignal::new(stage.name.clone());
    let color = RwSignal::new(stage.color.clone());
    let kind = RwSignal::new(stage.kind.as_str().to_string());
    let probability = RwSignal::new(stage.probability.to_string());
    let rotting = RwSignal::new(
        stage
            .rotting_days
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let confirm = RwSignal::new(false);
    let destination = RwSignal::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = StageInput {
            pipeline_id: None,
            name: name.get_untracked(),
            color: color.get_untracked(),
            kind: StageKind::parse(&kind.get_untracked()),
            probability: probability.get_untracked().trim().parse().unwrap_or(0),
            rotting_days: rotting.get_untracked().trim().parse().ok(),
            position: None,
        };
        leptos::task::spawn_local(async move {
            match save_stage(Some(id), input).await {
                Ok(_) => toasts.push(ToastKind::Success, Msg::new("toast-saved")),
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    };
    let on_delete = Callback::new(move |_| {
        let to = destination.get_untracked().parse().ok();
        leptos::task::spawn_local(async move {
            match delete_stage(id, to).await {
                Ok(()) => {
                    toasts.push(ToastKind::Success, Msg::new("toast-pipeline-deleted"));
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    });
    let grip_key = move |ev: leptos::ev::KeyboardEvent| {
        let by = match ev.key().as_str() {
            "ArrowUp" => -1,
            "ArrowDown" => 1,
            _ => return,
        };
        ev.prevent_default();
        shift(id, by);
        save_order.run(());
        refocus(id);
    };
    view! {
        <li class="stages__row" class:stages__row--dragging=move || dragging.get() == Some(id) data-stage-row=id.0>
            <button type="button" class="stages__grip" aria-describedby="reorder-hint"
                aria-label=move || format!("{} — {}", name.get(), t.get().board.grip)
                data-grip=id.0
                on:pointerdown=move |ev| { ev.prevent_default(); dragging.set(Some(id)) }
                on:keydown=grip_key>"⠿"</button>
            <form class="stages__form" on:submit=save>
                <input class="field__input" name="stage-name" maxlength="100" required aria-label=move || t.get().board.stage_name
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <input class="field__input field__input--color" type="color" name="color" aria-label=move || t.get().board.color
                    prop:value=move || color.get() on:input=move |ev| color.set(event_target_value(&ev))/>
                <KindSelect value=kind/>
                <input class="field__input field__input--narrow" type="number" min="0" max="100" name="probability"
                    aria-label=move || t.get().board.probability title=move || t.get().board.probability
                    prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev))/>
                <input class="field__input field__input--narrow" type="number" min="1" max="3650" name="rotting-days"
                    aria-label=move || t.get().board.rotting_days title=move || t.get().board.rotting_days
                    prop:value=move || rotting.get() on:input=move |ev| rotting.set(event_target_value(&ev))/>
                <button class="button" type="submit">{move || t.get().save}</button>
                <button class="button button--danger" type="button" on:click=move |_| confirm.set(true)>
                    {move || t.get().board.delete_stage}
                </button>
            </form>
            <ConfirmDialog open=confirm title=Signal::derive(move || t.get().board.delete_stage) on_confirm=on_delete>
                <label class="field">
                    <span class="field__label">{move || t.get().board.move_deals_to}</span>
                    <select class="select" name="move-to" on:change=move |ev| destination.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || siblings.get().into_iter().filter(|s| s.id != id).map(|s| view! { <option value=s.id.0>{s.name}</option> }).collect_view()}
                    </select>
                </label>
            </ConfirmDialog>
        </li>
    }
}

/// Keeps the keyboard on the handle of the stage that just moved.
fn refocus(id: StageId) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .query_selector(&format!("[data-grip=\"{id}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
