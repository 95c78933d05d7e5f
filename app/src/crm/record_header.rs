use crate::access::permissions::Action;
use crate::components::ConfirmDialog;
use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_router::components::A;

/// The top of a record page: back link, title, Edit and Delete (with confirmation).
#[component]
pub fn RecordHeader(
    /// Where "back" goes.
    back: &'static str,
    /// The record's name.
    #[prop(into)]
    title: Signal<String>,
    /// Whether the edit form is open, two-way.
    editing: RwSignal<bool>,
    /// Called after the deletion is confirmed.
    on_delete: Callback<()>,
    /// Extra content for the confirmation (e.g. an option).
    #[prop(default = None)]
    confirm_extra: Option<ChildrenFn>,
    /// The record's owner: Edit and Delete show only when the caller's role may change it.
    #[prop(into)]
    owner: Signal<Option<i64>>,
) -> impl IntoView {
    let t = use_strings();
    let session = crate::providers::use_session();
    let can_edit = move || session.may_on(Action::EditRecords, owner.get());
    let can_delete = move || session.may_on(Action::DeleteRecords, owner.get());
    let confirming = RwSignal::new(false);
    view! {
        <header class="record-header">
            <A href=back attr:class="record-header__back">{move || format!("← {}", t.get().back)}</A>
            <h1 class="page__title record-header__title">{move || title.get()}</h1>
            <div class="record-header__actions">
                <Show when=can_edit>
                    <button class="button" type="button" on:click=move |_| editing.update(|e| *e = !*e)>{move || t.get().edit}</button>
                </Show>
                <Show when=can_delete>
                    <button class="button button--danger" type="button" on:click=move |_| confirming.set(true)>{move || t.get().delete}</button>
                </Show>
            </div>
            <ConfirmDialog open=confirming title=Signal::derive(move || t.get().confirm_delete_title) on_confirm=on_delete>
                {confirm_extra.as_ref().map(|c| c())}
            </ConfirmDialog>
        </header>
    }
}
