use leptos::html::Input;
use leptos::prelude::*;

/// A labelled input with its error message underneath; keeps what was typed, including
/// anything typed before the page finished hydrating.
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
    /// Shown but not editable (e.g. the email an invitation was sent to).
    #[prop(optional)]
    readonly: bool,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    let input = NodeRef::<Input>::new();
    // The value is an attribute, not a property, so hydration leaves typed text alone; this
    // picks that text up once the element is live.
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let typed = el.value();
            if typed != value.get_untracked() {
                value.set(typed);
            }
        }
    });
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=name>{label}</label>
            <input
                node_ref=input
                class="field__input"
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                readonly=readonly
                value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            <p class="field__error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}
