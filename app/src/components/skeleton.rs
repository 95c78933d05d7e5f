use crate::i18n::use_strings;
use leptos::prelude::*;

/// Grey placeholder lines shown while data loads.
#[component]
pub fn Skeleton(
    /// How many lines to draw.
    #[prop(default = 3)]
    lines: usize,
) -> impl IntoView {
    let t = use_strings();
    view! {
        <div class="skeleton" aria-busy="true" aria-label=move || t.get().loading>
            {(0..lines).map(|_| view! { <div class="skeleton__line"></div> }).collect_view()}
        </div>
    }
}
