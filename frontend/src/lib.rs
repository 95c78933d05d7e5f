//! The WASM entry point: hydrates the server-rendered page.

#![recursion_limit = "512"]

/// Hydrates the page. The page's route may be in a part of the WASM not fetched yet (see
/// `app/src/routes.rs`): hydration waits for it, and only then is the page marked ready.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::providers::hydration_finished();
    });
}
