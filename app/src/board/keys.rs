//! Moving a card with the keyboard: Space or Enter lifts and drops, the arrows move it across
//! columns and within one, Escape puts it back; every step is announced to screen readers.

use super::dnd::{BoardState, Lift};
use crate::ids::DealId;
use leptos::prelude::*;

impl BoardState {
    /// Keyboard: Space/Enter lifts or drops, arrows move, Escape cancels. Returns whether the
    /// key was used.
    pub fn key(self, deal_id: DealId, key: &str) -> bool {
        let t = self.strings.get_untracked();
        let lifted = self.lifted.get_untracked();
        match (key, lifted) {
            (" " | "Enter", None) => {
                let columns = self.columns.get_untracked();
                let title = Self::locate(&columns, deal_id)
                    .map(|(c, i)| columns[c].cards[i].title.clone())
                    .unwrap_or_default();
                self.lifted.set(Some(Lift {
                    deal_id,
                    snapshot: columns,
                }));
                self.announce.set(format!(
                    "{} {}. {}",
                    t.board.lifted, title, t.board.instructions
                ));
                true
            }
            (" " | "Enter", Some(lift)) => {
                self.lifted.set(None);
                self.finish(deal_id, lift.snapshot);
                true
            }
            ("Escape", Some(lift)) => {
                self.lifted.set(None);
                self.columns.set(lift.snapshot);
                self.announce.set(t.board.cancelled.to_string());
                focus_card(deal_id);
                true
            }
            ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown", Some(_)) => {
                self.step(deal_id, key);
                true
            }
            _ => false,
        }
    }

    fn step(self, deal_id: DealId, key: &str) {
        let t = self.strings.get_untracked();
        let mut announcement = String::new();
        self.columns.update(|columns| {
            let Some((c, i)) = Self::locate(columns, deal_id) else {
                return;
            };
            let to = match key {
                "ArrowLeft" if c > 0 => (c - 1, i.min(columns[c - 1].cards.len())),
                "ArrowRight" if c + 1 < columns.len() => (c + 1, i.min(columns[c + 1].cards.len())),
                "ArrowUp" if i > 0 => (c, i - 1),
                "ArrowDown" if i + 1 < columns[c].cards.len() => (c, i + 1),
                _ => (c, i),
            };
            Self::relocate(columns, deal_id, to);
            let (c, i) = Self::locate(columns, deal_id).unwrap_or(to);
            announcement = format!(
                "{} {}, {} {} {} {}",
                t.board.moved_to,
                columns[c].stage.name,
                t.board.position,
                i + 1,
                t.board.of,
                columns[c].cards.len()
            );
        });
        self.announce.set(announcement);
        focus_card(deal_id);
    }
}

/// While a card is lifted, keys pressed before its moved element has the focus back (it is
/// refocused on the next animation frame) still reach it instead of being lost.
pub fn keep_keys_while_lifted(board: BoardState) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let Some(lift) = board.lifted.get_untracked() else {
                return;
            };
            // A focused card handles its own keys (the event bubbles here too).
            let on_card = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("[data-deal-id]").ok().flatten())
                .is_some();
            if !on_card && board.key(lift.deal_id, &ev.key()) {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = board;
}

/// Puts the keyboard focus back on a card after the list re-rendered.
pub fn focus_card(deal_id: DealId) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let card = document()
            .query_selector(&format!("[data-deal-id=\"{deal_id}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(card) = card {
            let _ = card.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = deal_id;
}
