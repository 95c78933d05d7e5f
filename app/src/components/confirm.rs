use crate::i18n::use_strings;
use leptos::prelude::*;

/// A modal asking to confirm a destructive action.
#[component]
pub fn ConfirmDialog(
    /// Whether the dialog is shown.
    open: RwSignal<bool>,
    /// The question.
    #[prop(into)]
    title: Signal<&'static str>,
    /// Called when confirmed.
    on_confirm: Callback<()>,
    /// Extra content (e.g. an option), optional.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let t = use_strings();
    let extra = children.map(|c| c());
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title" class:modal--open=move || open.get()
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
            <div class="modal__panel">
                <h2 id="confirm-title" class="modal__title">{move || title.get()}</h2>
                <p class="muted">{move || t.get().confirm_delete_body}</p>
                {extra}
                <div class="modal__actions">
                    <button class="button" type="button" on:click=move |_| open.set(false)>{move || t.get().cancel}</button>
                    <button class="button button--danger" type="button" on:click=move |_| { open.set(false); on_confirm.run(()); }>
                        {move || t.get().delete}
                    </button>
                </div>
            </div>
        </div>
    }
}
