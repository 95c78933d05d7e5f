use leptos::prelude::*;
use std::time::Duration;

/// A search input that updates `value` a moment after typing stops (search-as-you-type).
#[component]
pub fn SearchBox(
    /// The committed search text.
    value: RwSignal<String>,
    /// Accessible label and placeholder.
    #[prop(into)]
    label: Signal<&'static str>,
) -> impl IntoView {
    let typed = RwSignal::new(value.get_untracked());
    let generation = StoredValue::new(0u64);
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        set_timeout(
            move || {
                if generation.get_value() == mine {
                    value.set(text.trim().to_string());
                }
            },
            Duration::from_millis(250),
        );
    };
    view! {
        <input
            class="search-box"
            type="search"
            aria-label=move || label.get()
            placeholder=move || label.get()
            value=move || typed.get()
            on:input=on_input
        />
    }
}
