//! A board column: the stage with its count and database totals, its cards in order, and
//! more cards a page at a time.

use super::card::Card;
use super::dnd::BoardState;
use super::load_column;
use crate::components::format_money;
use crate::i18n::use_strings;
use crate::providers::ToastKind;
use leptos::prelude::*;

#[component]
pub fn Column(index: usize) -> impl IntoView {
    let t = use_strings();
    let board = expect_context::<BoardState>();
    let column = Memo::new(move |_| board.columns.with(|cs| cs.get(index).cloned()));
    let stage = move || column.with(|c| c.as_ref().map(|c| c.stage.clone()));
    let loading = RwSignal::new(false);
    let over_end = move || {
        board.drag.with(|d| {
            d.is_some_and(|d| {
                d.started
                    && d.target.is_some_and(|(c, i)| {
                        c == index && i >= column.with(|c| c.as_ref().map_or(0, |c| c.cards.len()))
                    })
            })
        })
    };
    let over = move || {
        board
            .drag
            .with(|d| d.is_some_and(|d| d.started && d.target.is_some_and(|(c, _)| c == index)))
    };
    let load_more = move |_| {
        let Some(col) = column.get_untracked() else {
            return;
        };
        loading.set(true);
        let query = board.query.get_value();
        leptos::task::spawn_local(async move {
            let offset = col.cards.len() as i64;
            match load_column(query, board.pipeline_id, col.stage.id, offset).await {
                Ok(more) => {
                    board.columns.try_update(|cs| {
                        if let Some(c) = cs.get_mut(index) {
                            for deal in more {
                                if !c.cards.iter().any(|d| d.id == deal.id) {
                                    c.cards.push(deal);
                                }
                            }
                        }
                    });
                }
                Err(e) => board.toasts.push(ToastKind::Error, e),
            }
            loading.try_set(false);
        });
    };
    let totals = move || {
        column.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.summary
                        .totals
                        .iter()
                        .map(|x| {
                            (
                                format_money(x.value_minor, &x.currency),
                                format_money(x.weighted_minor, &x.currency),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let cards = move || {
        column.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.cards
                        .iter()
                        .cloned()
                        .enumerate()
                        .map(|(i, d)| (i, d, c.stage.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let has_more = move || {
        column.with(|c| {
            c.as_ref()
                .is_some_and(|c| (c.cards.len() as i64) < c.summary.count)
        })
    };
    view! {
        <section class="board__column" class:board__column--over=over class:board__column--drop-end=over_end
            data-stage-id=move || stage().map(|s| s.id.0).unwrap_or_default()
            aria-label=move || stage().map(|s| s.name).unwrap_or_default()>
            <header class="board__head">
                // An SVG fill, not a style attribute: the CSP allows no inline styles.
                <svg class="board__dot" viewBox="0 0 10 10" aria-hidden="true">
                    <circle cx="5" cy="5" r="5" fill=move || stage().map(|s| s.color).unwrap_or_default()/>
                </svg>
                <h2 class="board__name">{move || stage().map(|s| s.name).unwrap_or_default()}</h2>
                <span class="board__count" data-testid="column-count">
                    {move || column.with(|c| c.as_ref().map_or(0, |c| c.summary.count))}
                </span>
            </header>
            <ul class="board__totals">
                {move || totals().into_iter().map(|(total, weighted)| view! {
                    <li>{total}<span class="muted">{move || format!(" · {} {}", t.get().board.weighted, weighted)}</span></li>
                }).collect_view()}
            </ul>
            <div class="board__cards" role="list">
                <For each=cards key=|(i, d, _)| (*i, d.id, d.updated_at, d.position, d.stage_id) let:item>
                    <Card deal=item.1 stage=item.2 index=item.0 column=index/>
                </For>
                <Show when=move || column.with(|c| c.as_ref().is_some_and(|c| c.cards.is_empty()))>
                    <p class="board__empty muted">{move || t.get().board.empty_column}</p>
                </Show>
            </div>
            <Show when=has_more>
                <button class="button button--ghost board__more" type="button" disabled=move || loading.get() on:click=load_more>
                    {move || t.get().board.load_more}
                </button>
            </Show>
        </section>
    }
}
