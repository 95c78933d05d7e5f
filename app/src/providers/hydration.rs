//! Whether the page has hydrated. Until it has, submit buttons stay disabled (a click would
//! otherwise submit the bare HTML form), and `<html data-hydrated>` tells tests it is ready.
//!
//! The WASM entry point says when: hydration waits for the code of the page's route, which may
//! arrive after the app's own effects have run.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Hydrated(pub RwSignal<bool>);

thread_local! {
    /// The page's flag, for the entry point to set.
    static FLAG: std::cell::Cell<Option<RwSignal<bool>>> = const { std::cell::Cell::new(None) };
}

pub fn provide_hydrated() {
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));
    FLAG.with(|flag| flag.set(Some(hydrated)));
}

/// Marks the page hydrated (called by the WASM entry point once hydration has finished).
pub fn hydration_finished() {
    if let Some(hydrated) = FLAG.with(|flag| flag.get()) {
        hydrated.set(true);
    }
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("data-hydrated", "true");
    }
}

pub fn use_hydrated() -> Signal<bool> {
    let hydrated = expect_context::<Hydrated>().0;
    Signal::derive(move || hydrated.get())
}
