//! The signed-in app frame: sidebar, top bar, and the page in between.

pub mod bell;
mod palette;
mod prefs_menu;
mod sidebar;
mod topbar;
mod user_menu;
mod workspace_switcher;

use crate::access::Me;
use crate::access::MemberEvent;
use crate::auth::get_me;
use crate::components::Skeleton;
use crate::providers::Session;
use crate::realtime::{provide_realtime, DomainEvent};
use crate::workspaces::WorkspaceEvent;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

/// Loads the session; signed-out visitors are sent to sign in.
#[component]
pub fn AppLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Suspense fallback=|| view! { <div class="app app--loading"><Skeleton lines=6/></div> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <SignedIn me/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedIn(me: Me) -> impl IntoView {
    let realtime = provide_realtime(me.event_seq);
    let me = RwSignal::new(me);
    provide_context(Session { me });
    // The workspace name in the frame follows renames made anywhere.
    realtime.on_event(move |e| {
        if let Some(WorkspaceEvent::Renamed { name }) = WorkspaceEvent::from_stream(e) {
            me.update(|m| m.workspace.name = name);
        }
        // The caller's own role changed or ownership moved: reload with the new permissions.
        let changed = match MemberEvent::from_stream(e) {
            Some(MemberEvent::RoleChanged { user_id, .. })
            | Some(MemberEvent::OwnershipTransferred { user_id, .. }) => Some(user_id),
            _ => None,
        };
        if changed == Some(me.get_untracked().user.id) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    // A workspace that requires two-factor sign-in sends members without it to enrol.
    let location = leptos_router::hooks::use_location();
    let enrol = move || {
        let required = me.with(|m| m.security.must_enrol_two_factor);
        (required && location.pathname.get() != "/settings/security")
            .then(|| view! { <Redirect path="/settings/security"/> })
    };
    view! {
        {enrol}
        <div class="app">
            {view! { <sidebar::Sidebar/> }.into_any()}
            <div class="app__main">
                {view! { <topbar::TopBar/> }.into_any()}
                <main class="app__content" id="main">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}
