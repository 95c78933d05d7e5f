use leptos::prelude::*;

/// A labelled `<select>` bound to a string value ("" for none).
#[component]
pub fn SelectField(
    /// Field name, also the element id.
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    /// The selected value, two-way.
    value: RwSignal<String>,
    /// `(value, label)` pairs.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The message to show under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=name>{move || label.get()}</label>
            <select class="field__input" id=name name=name on:change=move |ev| value.set(event_target_value(&ev))
                prop:value=move || value.get()>
                {move || options.get().into_iter().map(|(v, l)| {
                    let selected = v == value.get_untracked();
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
            <p class="field__error" role="alert">{move || error.get()}</p>
        </div>
    }
}
