//! Whether the page has hydrated. Until it has, submit buttons stay disabled (a click would
//! otherwise submit the bare HTML form), and `<html data-hydrated>` tells tests it is ready.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Hydrated(pub RwSignal<bool>);

pub fn provide_hydrated() {
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        hydrated.set(true);
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("data-hydrated", "true");
        }
    });
}

pub fn use_hydrated() -> Signal<bool> {
    let hydrated = expect_context::<Hydrated>().0;
    Signal::derive(move || hydrated.get())
}
