//! The board's state in the browser and how a card moves: pointer drags (mouse and touch),
//! the won/lost question, the optimistic update with its rollback, and other users' changes
//! arriving live. Keyboard moves are in `keys.rs`.

use super::{board_totals, BoardQuery, ColumnSummary};
use crate::deals::{change_deal_stage, DealView, StageChange};
use crate::i18n::Msg;
use crate::i18n::Strings;
use crate::ids::{DealId, PipelineId};
use crate::pipelines::{StageKind, StageView};
use crate::providers::{ToastKind, Toasts};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnData {
    pub stage: StageView,
    pub summary: ColumnSummary,
    pub cards: Vec<DealView>,
}

/// A card lifted with the keyboard: where it was, so Escape can put it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Lift {
    pub deal_id: DealId,
    pub snapshot: Vec<ColumnData>,
}

/// A pointer drag in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drag {
    pub deal_id: DealId,
    pub pointer_id: i32,
    pub start: (i32, i32),
    pub at: (i32, i32),
    /// Past the few pixels that tell a drag from a click.
    pub started: bool,
    /// Where it would land: (column index, index in the column).
    pub target: Option<(usize, usize)>,
}

/// A move into a won or lost stage, waiting for the value or the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub deal: DealView,
    pub kind: StageKind,
    pub snapshot: Vec<ColumnData>,
}

#[derive(Clone, Copy)]
pub struct BoardState {
    pub pipeline_id: PipelineId,
    pub query: StoredValue<BoardQuery>,
    pub columns: RwSignal<Vec<ColumnData>>,
    pub lifted: RwSignal<Option<Lift>>,
    pub drag: RwSignal<Option<Drag>>,
    pub question: RwSignal<Option<Question>>,
    /// Read by screen readers (an `aria-live` region).
    pub announce: RwSignal<String>,
    pub toasts: Toasts,
    pub strings: Signal<&'static Strings>,
    totals_scheduled: StoredValue<bool>,
}

impl BoardState {
    pub fn new(
        pipeline_id: PipelineId,
        query: BoardQuery,
        columns: Vec<ColumnData>,
        toasts: Toasts,
        strings: Signal<&'static Strings>,
    ) -> BoardState {
        BoardState {
            pipeline_id,
            query: StoredValue::new(query),
            columns: RwSignal::new(columns),
            lifted: RwSignal::new(None),
            drag: RwSignal::new(None),
            question: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            toasts,
            strings,
            totals_scheduled: StoredValue::new(false),
        }
    }

    /// (column, index) of a card.
    pub fn locate(columns: &[ColumnData], deal_id: DealId) -> Option<(usize, usize)> {
        columns.iter().enumerate().find_map(|(c, col)| {
            col.cards
                .iter()
                .position(|d| d.id == deal_id)
                .map(|i| (c, i))
        })
    }

    /// Moves a card to `(column, index)` in the local state, adjusting counts and totals.
    pub fn relocate(columns: &mut [ColumnData], deal_id: DealId, to: (usize, usize)) {
        let Some((c, i)) = Self::locate(columns, deal_id) else {
            return;
        };
        let mut deal = columns[c].cards.remove(i);
        if c != to.0 {
            adjust(&mut columns[c], &deal, -1);
            let stage = &columns[to.0].stage;
            deal.stage_id = stage.id;
            deal.stage_name = stage.name.clone();
            deal.stage_kind = stage.kind;
            adjust(&mut columns[to.0], &deal, 1);
        }
        let index = to.1.min(columns[to.0].cards.len());
        columns[to.0].cards.insert(index, deal);
    }

    /// Sends the move of `deal_id` to where it now is in the local state; rolls back to
    /// `snapshot` with a toast if the server refuses.
    pub fn commit(
        self,
        deal_id: DealId,
        snapshot: Vec<ColumnData>,
        reason: Option<String>,
        value_minor: Option<i64>,
    ) {
        let columns = self.columns.get_untracked();
        let Some((c, i)) = Self::locate(&columns, deal_id) else {
            return;
        };
        let change = StageChange {
            stage_id: columns[c].stage.id,
            reason,
            after_deal_id: i.checked_sub(1).map(|p| columns[c].cards[p].id),
            value_minor,
        };
        let unchanged = Self::locate(&snapshot, deal_id) == Some((c, i))
            && snapshot[c].stage.id == columns[c].stage.id;
        if unchanged {
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = change_deal_stage(deal_id, change).await;
            // The board may have been replaced meanwhile (a pipeline change reloads it).
            if self.columns.try_get_untracked().is_none() {
                return;
            }
            match answer {
                Ok(deal) => {
                    self.apply(deal);
                    self.refresh_totals();
                }
                Err(e) => {
                    self.columns.set(snapshot);
                    let t = self.strings.get_untracked();
                    self.toasts.push(
                        ToastKind::Error,
                        Msg::new("toast-move-refused").arg("reason", e.error.clone()),
                    );
                    self.announce.set(t.board.refused.to_string());
                }
            }
        });
    }

    /// A deal as the server now has it (an answer or a live event): put it where it belongs
    /// among the loaded cards, or drop it when it left this board or its filters.
    pub fn apply(self, deal: DealView) {
        if self
            .lifted
            .with_untracked(|l| l.as_ref().map(|l| l.deal_id))
            == Some(deal.id)
        {
            return;
        }
        let owner = self.query.with_value(|q| q.owner_id);
        let searching = self
            .query
            .with_value(|q| q.search.as_deref().is_some_and(|s| !s.trim().is_empty()));
        self.columns.update(|columns| {
            let previous = Self::locate(columns, deal.id);
            if let Some((c, i)) = previous {
                columns[c].cards.remove(i);
            }
            let fits = deal.pipeline_id == self.pipeline_id
                && owner.is_none_or(|o| deal.owner_id == Some(o))
                && (previous.is_some() || !searching);
            let Some(target) = columns.iter().position(|c| c.stage.id == deal.stage_id) else {
                return;
            };
            if !fits {
                return;
            }
            let column = &mut columns[target];
            let key = (deal.position, deal.id);
            let index = column
                .cards
                .iter()
                .position(|d| (d.position, d.id) > key)
                .unwrap_or(column.cards.len());
            // Past the last loaded card of a column with more below, the card belongs to a
            // page not loaded yet — unless it is already shown here (our own drop).
            let more_below = (column.cards.len() as i64) < column.summary.count - 1;
            if index < column.cards.len() || !more_below {
                column.cards.insert(index, deal);
            } else if let Some((_, i)) = previous.filter(|(c, _)| *c == target) {
                column.cards.insert(i.min(column.cards.len()), deal);
            }
        });
    }

    pub fn remove(self, deal_id: DealId) {
        self.columns.update(|columns| {
            if let Some((c, i)) = Self::locate(columns, deal_id) {
                columns[c].cards.remove(i);
            }
        });
        self.refresh_totals();
    }

    /// Re-reads counts and totals from the database, at most once per 300 ms.
    pub fn refresh_totals(self) {
        if self.totals_scheduled.try_get_value() != Some(false) {
            return;
        }
        self.totals_scheduled.set_value(true);
        set_timeout(
            move || {
                // The board may be gone by now (another pipeline, or a reload).
                let (Some(()), Some(query)) = (
                    self.totals_scheduled.try_update_value(|s| *s = false),
                    self.query.try_get_value(),
                ) else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    if let Ok(summaries) = board_totals(query, self.pipeline_id).await {
                        self.columns.try_update(|columns| {
                            for column in columns.iter_mut() {
                                if let Some(s) =
                                    summaries.iter().find(|s| s.stage_id == column.stage.id)
                                {
                                    column.summary = s.clone();
                                }
                            }
                        });
                    }
                });
            },
            std::time::Duration::from_millis(300),
        );
    }

    /// Ends a move at the card's current place: asks first when it entered a won or lost
    /// stage, otherwise sends it.
    pub fn finish(self, deal_id: DealId, snapshot: Vec<ColumnData>) {
        let columns = self.columns.get_untracked();
        let Some((c, i)) = Self::locate(&columns, deal_id) else {
            return;
        };
        let stage = &columns[c].stage;
        let moved_column =
            Self::locate(&snapshot, deal_id).map(|(c0, _)| snapshot[c0].stage.id) != Some(stage.id);
        let t = self.strings.get_untracked();
        self.announce.set(format!(
            "{} {}, {} {} {} {}",
            t.board.dropped,
            stage.name,
            t.board.position,
            i + 1,
            t.board.of,
            columns[c].cards.len()
        ));
        if moved_column && stage.kind != StageKind::Open {
            self.question.set(Some(Question {
                deal: columns[c].cards[i].clone(),
                kind: stage.kind,
                snapshot,
            }));
        } else {
            self.commit(deal_id, snapshot, None, None);
        }
    }
}

/// Adds (`sign` 1) or removes (-1) a deal from a column's count and totals until the
/// database's figures arrive.
fn adjust(column: &mut ColumnData, deal: &DealView, sign: i64) {
    column.summary.count += sign;
    let probability = deal.probability.unwrap_or(column.stage.probability);
    match column
        .summary
        .totals
        .iter_mut()
        .find(|t| t.currency == deal.currency)
    {
        Some(total) => {
            total.value_minor += sign * deal.value_minor;
            total.weighted_minor += sign * deal.value_minor * probability / 100;
        }
        None if sign > 0 => column.summary.totals.push(super::CurrencyTotal {
            currency: deal.currency.clone(),
            value_minor: deal.value_minor,
            weighted_minor: deal.value_minor * probability / 100,
        }),
        None => {}
    }
}

/// Pointer drags: where on the board the pointer is, as (column index, index in column).
#[cfg(feature = "hydrate")]
pub fn drop_target(
    columns: &[ColumnData],
    dragged: DealId,
    x: i32,
    y: i32,
) -> Option<(usize, usize)> {
    use wasm_bindgen::JsCast;
    let element = document().element_from_point(x as f32, y as f32)?;
    let column_el = element.closest("[data-stage-id]").ok()??;
    let stage_id: crate::ids::StageId = column_el.get_attribute("data-stage-id")?.parse().ok()?;
    let c = columns.iter().position(|col| col.stage.id == stage_id)?;
    let cards: Vec<web_sys::HtmlElement> = {
        let list = column_el.query_selector_all("[data-deal-id]").ok()?;
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    };
    // The index among the other cards: the first card whose middle is below the pointer.
    let mut index = 0;
    for card in &cards {
        let id: Option<DealId> = card
            .get_attribute("data-deal-id")
            .and_then(|v| v.parse().ok());
        if id == Some(dragged) {
            continue;
        }
        let rect = card.get_bounding_client_rect();
        if (y as f64) < rect.top() + rect.height() / 2.0 {
            break;
        }
        index += 1;
    }
    Some((c, index))
}
