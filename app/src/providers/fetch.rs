//! Data for widgets that must not suspend the page around them (pickers, the bell, the
//! palette): fetched in the browser after hydration, into a plain signal. A resource read
//! there would register with the page's `Suspense` and re-mount the page while it loads.

use leptos::prelude::*;
use std::future::Future;

/// Runs `fetch` in the browser (again whenever signals it reads change) and keeps the
/// latest answer; answers to superseded requests are dropped.
pub fn client_fetch<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> RwSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let value = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let fut = fetch();
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        leptos::task::spawn_local(async move {
            let result = fut.await;
            if generation.get_value() == mine {
                value.set(Some(result));
            }
        });
    });
    value
}
