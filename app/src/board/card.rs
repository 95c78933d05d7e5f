//! A deal card: title, value, contact, owner, days in stage and the rotting mark. The card is
//! the keyboard handle; the whole card drags with a mouse, the grip with touch or a pen.

use super::dnd::{BoardState, Drag};
use crate::components::format_money;
use crate::deals::DealView;
use crate::i18n::use_strings;
use crate::pipelines::StageView;
use leptos::prelude::*;

const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

#[component]
pub fn Card(deal: DealView, stage: StageView, index: usize, column: usize) -> impl IntoView {
    let t = use_strings();
    let board = expect_context::<BoardState>();
    let id = deal.id;
    // Only deals the caller's role may move can be lifted (the server checks again).
    let movable = crate::providers::use_session().may_on(
        crate::access::permissions::Action::EditRecords,
        deal.owner_id,
    );
    let days = (now_ms() - deal.stage_entered_at).max(0) / DAY_MS;
    let rotting = stage.rotting_days.is_some_and(|limit| days > limit);
    let lifted = move || {
        board
            .lifted
            .with(|l| l.as_ref().is_some_and(|l| l.deal_id == id))
    };
    let dragging = move || {
        board
            .drag
            .with(|d| d.is_some_and(|d| d.deal_id == id && d.started))
    };
    let drop_before = move || {
        board.drag.with(|d| {
            d.is_some_and(|d| d.started && d.deal_id != id && d.target == Some((column, index)))
        })
    };
    // The dragged card follows the pointer. Set through the CSSOM, which the CSP allows (it
    // refuses style attributes), and only in the browser.
    let node = NodeRef::<leptos::html::Article>::new();
    Effect::new(move |_| {
        let transform = board.drag.with(|d| match d {
            Some(d) if d.deal_id == id && d.started => format!(
                "translate({}px, {}px)",
                d.at.0 - d.start.0,
                d.at.1 - d.start.1
            ),
            _ => String::new(),
        });
        if let Some(el) = node.get() {
            let _ = el.style().set_property("transform", &transform);
        }
    });
    let start = move |ev: leptos::ev::PointerEvent, grip: bool| {
        let mouse = ev.pointer_type() == "mouse";
        if !movable
            || ev.button() != 0
            || (!mouse && !grip)
            || board.lifted.with_untracked(Option::is_some)
        {
            return;
        }
        if !mouse {
            ev.prevent_default();
        }
        let at = (ev.client_x(), ev.client_y());
        board.drag.set(Some(Drag {
            deal_id: id,
            pointer_id: ev.pointer_id(),
            start: at,
            at,
            started: false,
            target: None,
        }));
    };
    let owner = deal.owner_name.clone().unwrap_or_default();
    let contact = deal.contact_name.clone().unwrap_or_default();
    view! {
        <article
            class="deal-card"
            class:deal-card--lifted=lifted
            class:deal-card--dragging=dragging
            class:deal-card--drop-before=drop_before
            class:deal-card--rotting=rotting
            node_ref=node
            tabindex="0"
            draggable="false"
            data-deal-id=id.0
            aria-roledescription=movable.then_some("draggable deal")
            aria-describedby=movable.then_some("board-instructions")
            aria-pressed=move || if lifted() { "true" } else { "false" }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let on_card = ev
                    .target()
                    .zip(ev.current_target())
                    .is_some_and(|(a, b)| a == b);
                if movable && on_card && board.key(id, &ev.key()) {
                    ev.prevent_default();
                }
            }
            on:pointerdown=move |ev| start(ev, false)
        >
            <div class="deal-card__top">
                <a class="deal-card__title" href=format!("/deals/{id}") draggable="false">{deal.title.clone()}</a>
                {movable.then(|| view! {
                    <span class="deal-card__grip" title=move || t.get().board.grip aria-hidden="true"
                        on:pointerdown=move |ev| { ev.stop_propagation(); start(ev, true) }>"⠿"</span>
                })}
            </div>
            <div class="deal-card__value">{
                let (minor, currency) = (deal.value_minor, deal.currency.clone());
                move || format_money(minor, &currency)
            }</div>
            <div class="deal-card__meta">
                {(!contact.is_empty()).then(|| view! { <span>{contact.clone()}</span> })}
                {(!owner.is_empty()).then(|| view! { <span class="muted">{owner.clone()}</span> })}
            </div>
            <div class="deal-card__foot">
                <span class="muted">{move || format!("{days} {}", t.get().board.days_in_stage)}</span>
                {rotting.then(|| view! { <span class="badge badge--danger">{move || t.get().board.rotting}</span> })}
            </div>
        </article>
    }
}
