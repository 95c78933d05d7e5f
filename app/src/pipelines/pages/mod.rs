//! `/settings/pipelines`: owners and admins shape the sales process — pipelines (create,
//! rename, make default, delete) and their stages (add, edit, reorder, delete).

mod stages;

use super::{delete_pipeline, list_pipelines, save_pipeline, PipelineInput, PipelineView};
use crate::components::{ConfirmDialog, Skeleton};
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::{PipelineId, StageId};
use crate::pipelines::PipelineEvent;
use crate::providers::{use_session, use_toasts, ToastKind};
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;
use stages::StageEditor;

#[component]
pub fn PipelinesPage() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let version = RwSignal::new(0u64);
    let selected = RwSignal::new(None::<PipelineId>);
    let data = Resource::new(move || version.get(), |_| list_pipelines());
    // Other people's changes reload the page; our own are already on it (a reload would drop
    // what is being typed in the other rows).
    let me = session.me.get_untracked().user.id.0;
    use_realtime().on_event(move |e| {
        let by = match PipelineEvent::from_stream(e) {
            Some(
                PipelineEvent::Created { actor_id, .. }
                | PipelineEvent::Updated { actor_id, .. }
                | PipelineEvent::Deleted { actor_id, .. },
            ) => actor_id,
            None => return,
        };
        if by != me {
            version.update(|v| *v += 1);
        }
    });
    let admin = move || {
        session.me.with(|m| {
            m.role
                .may(crate::access::permissions::Action::ConfigurePipelines)
        })
    };
    view! {
        <section class="page">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().board.pipelines_title}</h1>
                <a class="button" href="/board">{move || t.get().board.nav_board}</a>
            </header>
            <Show when=admin fallback=move || view! { <p class="page-error" role="alert">{move || t.get().board.admins_only}</p> }>
                <Transition fallback=|| view! { <Skeleton lines=6/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(list) => view! { <Pipelines list selected version/> }.into_any(),
                            Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}

#[component]
fn Pipelines(
    list: Vec<PipelineView>,
    selected: RwSignal<Option<PipelineId>>,
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let fallback = list
        .iter()
        .find(|p| p.is_default)
        .or(list.first())
        .map(|p| p.id);
    let ids: Vec<PipelineId> = list.iter().map(|p| p.id).collect();
    let current = Memo::new(move |_| selected.get().filter(|id| ids.contains(id)).or(fallback));
    let new_name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked();
        leptos::task::spawn_local(async move {
            match save_pipeline(
                None,
                PipelineInput {
                    name,
                    is_default: false,
                },
            )
            .await
            {
                Ok(p) => {
                    new_name.try_set(String::new());
                    selected.set(Some(p.id));
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    };
    let tabs = list.clone();
    view! {
        <div class="pipelines">
            <nav class="pipelines__list" aria-label=move || t.get().board.pipelines_title>
                {tabs.into_iter().map(|p| {
                    let id = p.id;
                    let active = move || current.get() == Some(id);
                    view! {
                        <button type="button" class="pipelines__tab" class:pipelines__tab--active=active
                            aria-current=move || if active() { "true" } else { "false" }
                            on:click=move |_| selected.set(Some(id))>
                            {p.name.clone()}
                            {p.is_default.then(|| view! { <span class="badge">{move || t.get().board.default_badge}</span> })}
                        </button>
                    }
                }).collect_view()}
                <form class="pipelines__new" on:submit=create>
                    <label class="visually-hidden" for="new-pipeline">{move || t.get().board.pipeline_name}</label>
                    <input id="new-pipeline" class="field__input" name="pipeline-name" maxlength="100" required
                        placeholder=move || t.get().board.new_pipeline
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    <button class="button button--primary" type="submit">{move || t.get().create}</button>
                </form>
            </nav>
            {move || {
                let id = current.get();
                list.iter().find(|p| Some(p.id) == id).cloned().map(|p| view! { <PipelineEditor pipeline=p all=list.clone() version/> })
            }}
        </div>
    }
}

#[component]
fn PipelineEditor(
    pipeline: PipelineView,
    all: Vec<PipelineView>,
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let id = pipeline.id;
    let name = RwSignal::new(pipeline.name.clone());
    let confirm = RwSignal::new(false);
    let destination = RwSignal::new(String::new());
    let save = move |make_default: bool| {
        let input = PipelineInput {
            name: name.get_untracked(),
            is_default: make_default,
        };
        leptos::task::spawn_local(async move {
            match save_pipeline(Some(id), input).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, Msg::new("toast-saved"));
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    };
    let on_delete = Callback::new(move |_| {
        let to = destination.get_untracked().parse().ok();
        leptos::task::spawn_local(async move {
            match delete_pipeline(id, to).await {
                Ok(()) => {
                    toasts.push(ToastKind::Success, Msg::new("toast-pipeline-deleted"));
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
        });
    });
    let elsewhere: Vec<(StageId, String)> = all
        .iter()
        .filter(|p| p.id != id)
        .flat_map(|p| {
            p.stages
                .iter()
                .map(move |s| (s.id, format!("{} → {}", p.name, s.name)))
        })
        .collect();
    view! {
        <div class="pipelines__editor card">
            <form class="pipelines__name" on:submit=move |ev| { ev.prevent_default(); save(false) }>
                <label class="field">
                    <span class="field__label">{move || t.get().board.pipeline_name}</span>
                    <input class="field__input" name="pipeline-name" maxlength="100" required prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <button class="button button--primary" type="submit">{move || t.get().save}</button>
                {(!pipeline.is_default).then(|| view! {
                    <button class="button" type="button" on:click=move |_| save(true)>{move || t.get().board.make_default}</button>
                })}
                <button class="button button--danger" type="button" on:click=move |_| confirm.set(true)>
                    {move || t.get().board.delete_pipeline}
                </button>
            </form>
            <StageEditor pipeline=pipeline.clone() version/>
            <ConfirmDialog open=confirm title=Signal::derive(move || t.get().board.delete_pipeline) on_confirm=on_delete>
                <label class="field">
                    <span class="field__label">{move || t.get().board.move_deals_to}</span>
                    <select class="select" name="move-to" on:change=move |ev| destination.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {elsewhere.into_iter().map(|(sid, label)| view! { <option value=sid.0>{label}</option> }).collect_view()}
                    </select>
                </label>
            </ConfirmDialog>
        </div>
    }
}
