use crate::auth::SwitchWorkspace;
use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::providers::use_session;
use crate::workspaces::{CreateWorkspace, WorkspaceInput};
use leptos::prelude::*;
use validator::Validate;

/// Shows the current workspace; switches to another one or creates a new one.
#[component]
pub fn WorkspaceSwitcher() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let session = use_session();
    let switch = ServerAction::<SwitchWorkspace>::new();
    let create = ServerAction::<CreateWorkspace>::new();
    let creating = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            crate::providers::navigate_full("/");
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => crate::providers::navigate_full("/"),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WorkspaceInput { name: name.get() }.normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                create.dispatch(CreateWorkspace { input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let name_error = Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_error("name")
                .map(|f| crate::i18n::translate_field(t.get(), f))
        })
    });
    view! {
        <div class="switcher">
            <label class="visually-hidden" for="workspace-switcher">{move || t.get().workspace_label}</label>
            <select
                id="workspace-switcher"
                class="select switcher__select"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if v == "new" {
                        creating.set(true);
                    } else if let Ok(id) = v.parse::<i64>() {
                        switch.dispatch(SwitchWorkspace { workspace_id: id });
                    }
                }
            >
                {move || {
                    let me = session.me.get();
                    let current = me.workspace.id;
                    me.workspaces
                        .into_iter()
                        .map(|m| {
                            let name = if m.workspace.id == current { me.workspace.name.clone() } else { m.workspace.name.clone() };
                            view! { <option value=m.workspace.id.0 selected=m.workspace.id == current>{name}</option> }
                        })
                        .collect_view()
                }}
                <option value="new">{move || format!("+ {}", t.get().new_workspace)}</option>
            </select>
            <Show when=move || creating.get()>
                <form class="switcher__form" method="post" on:submit=submit novalidate>
                    <TextField name="name" label=Signal::derive(move || t.get().workspace_name) value=name error=name_error/>
                    <button class="button" type="submit" disabled=move || !hydrated.get()>{move || t.get().create}</button>
                    <button class="button button--ghost" type="button" on:click=move |_| creating.set(false)>{move || t.get().cancel}</button>
                </form>
            </Show>
        </div>
    }
}
