use leptos::prelude::*;

/// A labelled input with its error message underneath; keeps what was typed.
#[component]
pub fn TextField(
    /// Field name, also the element id.
    name: &'static str,
    /// Visible label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The message to show under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=name>{label}</label>
            <input
                class="field__input"
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            <p class="field__error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}
