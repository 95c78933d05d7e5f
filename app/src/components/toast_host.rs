use crate::i18n::{use_lang, use_strings};
use crate::providers::{use_toasts, ToastKind};
use leptos::prelude::*;

/// The corner where toasts appear; a polite live region.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    let t = use_strings();
    let lang = use_lang();
    view! {
        <div class="toasts" role="region" aria-live="polite">
            <For each=move || toasts.items.get() key=|toast| toast.id let:toast>
                <div
                    class="toast"
                    class:toast--error=toast.kind == ToastKind::Error
                    class:toast--success=toast.kind == ToastKind::Success
                    role="status"
                >
                    <span>{
                        let text = toast.text.clone();
                        move || text.render(lang.get(), t.get())
                    }</span>
                    <button
                        class="toast__close"
                        type="button"
                        aria-label=move || t.get().dismiss
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
