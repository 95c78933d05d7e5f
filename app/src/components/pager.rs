use crate::i18n::use_strings;
use crate::listing::Pagination;
use leptos::prelude::*;

/// "Page 2 of 7 · 340 total" with previous/next buttons.
#[component]
pub fn Pager(
    /// The current page (1-based), two-way.
    page: RwSignal<i64>,
    /// The loaded page's pagination.
    pagination: Pagination,
) -> impl IntoView {
    let t = use_strings();
    let total_pages = pagination.total_pages;
    let total = pagination.total;
    view! {
        <nav class="pager" aria-label=move || t.get().page_label>
            <button class="button" type="button" disabled=move || { page.get() <= 1 }
                on:click=move |_| page.update(|p| *p = (*p - 1).max(1))>
                {move || t.get().prev_page}
            </button>
            <span class="pager__status">
                {move || {
                    let tt = t.get();
                    format!("{} {} {} {} · {} {}", tt.page_label, page.get(), tt.of_label, total_pages.max(1), total, tt.total_label)
                }}
            </span>
            <button class="button" type="button" disabled=move || { page.get() >= total_pages }
                on:click=move |_| page.update(|p| *p += 1)>
                {move || t.get().next_page}
            </button>
        </nav>
    }
}
