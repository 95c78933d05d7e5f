//! `/board`: the Kanban board of a pipeline, with filters, live updates and a toggle to the
//! deal list.

use super::column::Column;
use super::dnd::{BoardState, ColumnData};
use super::{load_board, BoardData, BoardQuery};
use crate::components::{SearchBox, Skeleton};
use crate::deals::DealEvent;
use crate::i18n::number::{amount_input, parse_amount};
use crate::i18n::use_lang;
use crate::i18n::use_strings;
use crate::ids::PipelineId;
use crate::pipelines::PipelineEvent;
use crate::pipelines::StageKind;
use crate::providers::{use_session, use_toasts};
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn BoardPage() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let query_map = use_query_map();
    let pipeline =
        move || query_map.with(|q| q.get("pipeline").and_then(|v| v.parse::<PipelineId>().ok()));
    let search = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let version = RwSignal::new(0u64);
    let data = Resource::new(
        move || (pipeline(), search.get(), owner.get(), version.get()),
        |(pipeline_id, search, owner, _)| {
            load_board(BoardQuery {
                pipeline_id,
                owner_id: owner.parse().ok(),
                search: Some(search),
            })
        },
    );
    let members = crate::crm::member_options();
    let admin = move || {
        session.me.with(|m| {
            m.role
                .may(crate::access::permissions::Action::ConfigurePipelines)
        })
    };
    view! {
        <section class="page page--board">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().board.title}</h1>
                <SearchBox value=search label=Signal::derive(move || t.get().search_placeholder)/>
                <select class="select" aria-label=move || t.get().board.owner on:change=move |ev| owner.set(event_target_value(&ev))>
                    {move || members.get().into_iter().map(|(id, name)| {
                        let label = if id.is_empty() { t.get().board.anyone.to_string() } else { name };
                        view! { <option value=id.clone() selected=owner.get_untracked() == id>{label}</option> }
                    }).collect_view()}
                </select>
                <A href=move || match pipeline() { Some(p) => format!("/deals?pipeline={p}"), None => "/deals".into() } attr:class="button">
                    {move || t.get().board.list_view}
                </A>
                <Show when=admin>
                    <A href="/settings/pipelines" attr:class="button">{move || t.get().board.configure}</A>
                </Show>
            </header>
            <p id="board-instructions" class="visually-hidden">{move || t.get().board.instructions}</p>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(board) => {
                            let query = BoardQuery {
                                pipeline_id: Some(board.pipeline.id),
                                owner_id: owner.get_untracked().parse().ok(),
                                search: Some(search.get_untracked()),
                            };
                            view! { <Board data=board query version/> }.into_any()
                        }
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Board(data: BoardData, query: BoardQuery, version: RwSignal<u64>) -> impl IntoView {
    let t = use_strings();
    let navigate = use_navigate();
    let columns: Vec<ColumnData> = data
        .pipeline
        .stages
        .iter()
        .zip(data.cards)
        .map(|(stage, cards)| ColumnData {
            stage: stage.clone(),
            summary: data
                .summaries
                .iter()
                .find(|s| s.stage_id == stage.id)
                .cloned()
                .unwrap_or(super::ColumnSummary {
                    stage_id: stage.id,
                    count: 0,
                    totals: Vec::new(),
                }),
            cards,
        })
        .collect();
    let count = columns.len();
    let board = BoardState::new(data.pipeline.id, query, columns, use_toasts(), t);
    provide_context(board);
    super::keys::keep_keys_while_lifted(board);
    listen_live(board, version);
    #[cfg(feature = "hydrate")]
    pointer_drags(board);
    let pipeline_id = data.pipeline.id;
    let pipelines = data.pipelines.clone();
    view! {
        <div class="board__bar">
            <label class="field field--inline">
                <span class="field__label">{move || t.get().board.pipeline}</span>
                <select class="select" on:change=move |ev| navigate(&format!("/board?pipeline={}", event_target_value(&ev)), Default::default())>
                    {pipelines.into_iter().map(|p| view! { <option value=p.id.0 selected=p.id == pipeline_id>{p.name}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <div class="board" data-testid="board">
            {(0..count).map(|index| view! { <Column index/> }).collect_view()}
        </div>
        <div class="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="board-announcer">{move || board.announce.get()}</div>
        <OutcomeDialog/>
    }
}

/// Other users' changes, and our own coming back, as they happen.
fn listen_live(board: BoardState, version: RwSignal<u64>) {
    use_realtime().on_event(move |e| match DealEvent::from_stream(e) {
        Some(
            DealEvent::Created(deal)
            | DealEvent::Updated(deal)
            | DealEvent::StageChanged { deal, .. },
        ) => {
            board.apply(deal);
            board.refresh_totals();
        }
        Some(DealEvent::Deleted { id }) => board.remove(id),
        None if PipelineEvent::from_stream(e).is_some() => version.update(|v| *v += 1),
        None => {}
    });
}

/// Mouse and touch drags, followed on the window so the pointer may leave the card.
#[cfg(feature = "hydrate")]
fn pointer_drags(board: BoardState) {
    use leptos::ev;
    let moving = window_event_listener(ev::pointermove, move |e| {
        let Some(mut drag) = board.drag.get_untracked() else {
            return;
        };
        if e.pointer_id() != drag.pointer_id {
            return;
        }
        drag.at = (e.client_x(), e.client_y());
        let (dx, dy) = (drag.at.0 - drag.start.0, drag.at.1 - drag.start.1);
        if !drag.started && dx * dx + dy * dy > 25 {
            drag.started = true;
        }
        if drag.started {
            e.prevent_default();
            drag.target = board.columns.with_untracked(|cs| {
                super::dnd::drop_target(cs, drag.deal_id, drag.at.0, drag.at.1)
            });
        }
        board.drag.set(Some(drag));
    });
    let up = window_event_listener(ev::pointerup, move |e| {
        let Some(drag) = board.drag.get_untracked() else {
            return;
        };
        if e.pointer_id() != drag.pointer_id {
            return;
        }
        board.drag.set(None);
        if !drag.started {
            return;
        }
        // The click that follows a drag must not open the deal.
        swallow_next_click();
        if let Some(target) = drag.target {
            let snapshot = board.columns.get_untracked();
            board
                .columns
                .update(|cs| BoardState::relocate(cs, drag.deal_id, target));
            board.finish(drag.deal_id, snapshot);
        }
    });
    let cancel = window_event_listener(ev::pointercancel, move |_| board.drag.set(None));
    on_cleanup(move || {
        moving.remove();
        up.remove();
        cancel.remove();
    });
}

#[cfg(feature = "hydrate")]
fn swallow_next_click() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let handler = Closure::once_into_js(|e: web_sys::Event| {
        e.prevent_default();
        e.stop_propagation();
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    options.set_once(true);
    let _ = window().add_event_listener_with_callback_and_add_event_listener_options(
        "click",
        handler.unchecked_ref(),
        &options,
    );
    // A drag that ends without a click must not eat a later one.
    set_timeout(
        move || {
            let _ = window().remove_event_listener_with_callback_and_bool(
                "click",
                handler.unchecked_ref(),
                true,
            );
        },
        std::time::Duration::from_millis(50),
    );
}

/// Moving into a won stage asks for the final value; into a lost one, for the reason.
#[component]
fn OutcomeDialog() -> impl IntoView {
    let t = use_strings();
    let board = expect_context::<BoardState>();
    let lang = use_lang();
    let value = RwSignal::new(String::new());
    let value_error = RwSignal::new(None::<&'static str>);
    let reason = RwSignal::new(String::new());
    crate::components::amount_follows_language(value, move || {
        board
            .question
            .with_untracked(|q| q.as_ref().map(|q| q.deal.currency.clone()))
            .unwrap_or_default()
    });
    Effect::new(move |_| {
        if let Some(q) = board.question.get() {
            value.set(amount_input(
                q.deal.value_minor,
                &q.deal.currency,
                lang.get_untracked(),
            ));
            value_error.set(None);
            reason.set(String::new());
        }
    });
    let won = move || {
        board
            .question
            .with(|q| q.as_ref().is_some_and(|q| q.kind == StageKind::Won))
    };
    let cancel = move || {
        if let Some(q) = board.question.get_untracked() {
            board.columns.set(q.snapshot);
            board
                .announce
                .set(t.get_untracked().board.cancelled.to_string());
        }
        board.question.set(None);
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(q) = board.question.get_untracked() else {
            return;
        };
        if q.kind == StageKind::Won {
            // The same reading as every amount field; a value that cannot be read keeps the
            // dialog open with the reason.
            let typed = value.get_untracked();
            let minor = match parse_amount(&typed, lang.get_untracked(), &q.deal.currency) {
                _ if typed.trim().is_empty() => None,
                Ok(v) if v >= 0 => Some(v),
                Ok(_) => {
                    value_error.set(Some("range"));
                    return;
                }
                Err(e) => {
                    value_error.set(Some(e.code()));
                    return;
                }
            };
            board.question.set(None);
            board.commit(q.deal.id, q.snapshot, None, minor);
        } else {
            board.question.set(None);
            board.commit(q.deal.id, q.snapshot, Some(reason.get_untracked()), None);
        }
    };
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="outcome-title"
            class:modal--open=move || board.question.with(Option::is_some)
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { cancel() }>
            <form class="modal__panel" on:submit=confirm>
                <h2 id="outcome-title" class="modal__title">
                    {move || if won() { t.get().board.won_title } else { t.get().board.lost_title }}
                </h2>
                <Show when=won fallback=move || view! {
                    <label class="field">
                        <span class="field__label">{move || t.get().board.lost_reason}</span>
                        <input class="field__input" name="reason" maxlength="500" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                    </label>
                }>
                    <label class="field">
                        <span class="field__label">{move || t.get().board.won_value}</span>
                        <input class="field__input" name="value" inputmode="decimal" prop:value=move || value.get()
                            aria-invalid=move || if value_error.get().is_some() { "true" } else { "false" }
                            on:input=move |ev| value.set(event_target_value(&ev))/>
                        <span class="field__error" role="alert">
                            {move || value_error.get().and_then(|code| t.get().error(code))}
                        </span>
                    </label>
                </Show>
                <div class="modal__actions">
                    <button class="button" type="button" on:click=move |_| cancel()>{move || t.get().cancel}</button>
                    <button class="button button--primary" type="submit">{move || t.get().board.confirm_move}</button>
                </div>
            </form>
        </div>
    }
}
