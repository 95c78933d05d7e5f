use crate::components::TextField;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_session, use_toasts, ToastKind};
use crate::workspaces::{RenameWorkspace, WorkspaceInput};
use leptos::prelude::*;
use leptos_router::components::A;
use validator::Validate;

/// Workspace settings: rename (owners and admins), and ending every session.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = use_strings();
    let hydrated = crate::providers::use_hydrated();
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(session.me.get_untracked().workspace.name);
    let error = RwSignal::new(None::<AppError>);
    let rename = ServerAction::<RenameWorkspace>::new();
    let can_manage = move || {
        session
            .me
            .get()
            .role
            .may(crate::access::permissions::Action::ManageWorkspace)
    };
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(ws)) => {
            session.me.update(|m| m.workspace.name = ws.name.clone());
            toasts.push(ToastKind::Success, Msg::new("toast-saved"));
        }
        Some(Err(e)) => {
            if e.details.is_empty() {
                toasts.push(ToastKind::Error, e.clone());
            }
            error.set(Some(e));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WorkspaceInput { name: name.get() }.normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                rename.dispatch(RenameWorkspace { input });
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
        <section class="page">
            <h1 class="page__title">{move || t.get().settings_title}</h1>
            <form class="card form" method="post" on:submit=submit novalidate>
                <h2 class="card__title">{move || t.get().settings_general}</h2>
                <fieldset disabled=move || !can_manage() class="form__fieldset">
                    <TextField name="workspaceName" label=Signal::derive(move || t.get().workspace_name) value=name error=name_error/>
                    <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || rename.pending().get()>
                        {move || t.get().save}
                    </button>
                </fieldset>
                <Show when=move || !can_manage()>
                    <p class="muted">{move || t.get().error_read_only}</p>
                </Show>
            </form>
            <nav class="card form settings-links" aria-label=move || t.get().nav_settings>
                <A href="/settings/profile">{move || t.get().profile.nav_profile}</A>
                <A href="/settings/security">{move || t.get().team.nav_security}</A>
                <Show when=move || can_manage()>
                    <A href="/settings/pipelines">{move || t.get().board.pipelines_title}</A>
                    <A href="/settings/audit">{move || t.get().team.nav_audit}</A>
                    <A href="/settings/outbox">{move || t.get().team.nav_outbox}</A>
                </Show>
            </nav>
        </section>
    }
}
