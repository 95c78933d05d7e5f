use crate::i18n::use_strings;
use crate::providers::use_session;
use leptos::prelude::*;
use leptos_router::components::A;

/// The left navigation: only areas that exist.
#[component]
pub fn Sidebar() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    view! {
        <aside class="sidebar">
            <div class="sidebar__brand">
                <span class="sidebar__logo" aria-hidden="true">"P"</span>
                <span class="sidebar__name">{move || t.get().app_name}</span>
            </div>
            <nav class="sidebar__nav" aria-label=move || t.get().nav_label>
                <A href="/" exact=true attr:class="sidebar__link">{move || t.get().nav_home}</A>
                <A href="/contacts" attr:class="sidebar__link">{move || t.get().nav_contacts}</A>
                <A href="/companies" attr:class="sidebar__link">{move || t.get().nav_companies}</A>
                <A href="/deals" attr:class="sidebar__link">{move || t.get().nav_deals}</A>
                <A href="/board" attr:class="sidebar__link">{move || t.get().board.nav_board}</A>
                <A href="/settings" attr:class="sidebar__link">{move || t.get().nav_settings}</A>
            </nav>
            <div class="sidebar__footer">{move || session.me.get().workspace.name}</div>
        </aside>
    }
}
