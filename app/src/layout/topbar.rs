use super::prefs_menu::PrefsMenu;
use super::user_menu::UserMenu;
use super::workspace_switcher::WorkspaceSwitcher;
use crate::components::RealtimeIndicator;
use leptos::prelude::*;

/// The top bar: workspace switcher, live indicator, preferences and the account menu.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <WorkspaceSwitcher/>
            <super::palette::Palette/>
            <div class="topbar__spacer"></div>
            <RealtimeIndicator/>
            <super::bell::Bell/>
            <PrefsMenu/>
            <UserMenu/>
        </header>
    }
}
