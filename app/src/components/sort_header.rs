use leptos::prelude::*;

/// A sortable column header: click toggles ascending / descending on `field`.
#[component]
pub fn SortHeader(
    /// The sort parameter, e.g. `name` or `-name`.
    sort: RwSignal<String>,
    /// The field this column sorts by.
    field: &'static str,
    /// The column title.
    #[prop(into)]
    label: Signal<&'static str>,
) -> impl IntoView {
    let state = move || {
        let s = sort.get();
        if s == field {
            "ascending"
        } else if s.strip_prefix('-') == Some(field) {
            "descending"
        } else {
            "none"
        }
    };
    view! {
        <th scope="col" aria-sort=state>
            <button class="sort-header" type="button"
                on:click=move |_| sort.update(|s| *s = if *s == field { format!("-{field}") } else { field.to_string() })>
                {move || label.get()}
                <span class="sort-header__mark" aria-hidden="true">{move || match state() { "ascending" => "▲", "descending" => "▼", _ => "" }}</span>
            </button>
        </th>
    }
}
