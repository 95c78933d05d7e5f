//! The open conversation's place in the CRM: its contact and deal (or a form creating both from
//! the chat), the deal's stage and a quick note (`crm_actions`), its assignee, and pinning.

use super::create_from_chat::CreateFromChat;
use super::crm_actions::{DealStage, QuickNote};
use super::state::{use_inbox, Inbox};
use crate::crm::member_options;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::ids::ConversationId;
use crate::messaging::{assign_conversation, pin_conversation, ConversationView};
use crate::providers::ToastKind;
use crate::timeline::SubjectRef;
use leptos::prelude::*;
use std::future::Future;

#[component]
pub fn CrmPanel() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let members = member_options();
    // Memos, so that a new message (which changes the conversation) does not re-create the
    // form being filled in.
    let contact = Memo::new(move |_| {
        inbox.current.with(|c| {
            c.as_ref().and_then(|c| {
                c.contact_id
                    .map(|id| (id, c.contact_name.clone().unwrap_or_default()))
            })
        })
    });
    let deal = Memo::new(move |_| {
        inbox.current.with(|c| {
            c.as_ref().and_then(|c| {
                c.deal_id
                    .map(|id| (id, c.deal_title.clone().unwrap_or_default()))
            })
        })
    });
    let assignee = move || {
        inbox
            .current
            .with(|c| c.as_ref().and_then(|c| c.assignee_id))
    };
    let pinned = move || inbox.current.with(|c| c.as_ref().is_some_and(|c| c.pinned));
    let assignee_name = move || match assignee() {
        None => t.get().inbox.unassigned.to_string(),
        Some(id) => members.with(|m| {
            m.iter()
                .find(|(value, _)| *value == id.to_string())
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| format!("#{id}"))
        }),
    };
    let assign = move |_| {
        let target = if assignee() == Some(inbox.me) {
            None
        } else {
            Some(inbox.me)
        };
        update(inbox, move |id| assign_conversation(id, target));
    };
    let pin = move |_| {
        let target = !pinned();
        update(inbox, move |id| pin_conversation(id, target));
    };
    view! {
        <aside class="crm-panel" data-testid="crm-panel" aria-label=move || t.get().inbox.crm_panel>
            <h3 class="crm-panel__heading">{move || t.get().inbox.contact}</h3>
            {move || match contact.get() {
                Some((id, name)) => view! {
                    <a class="crm-panel__link" href=format!("/contacts/{id}") data-testid="crm-contact">{name}</a>
                }.into_any(),
                None => view! { <CreateFromChat/> }.into_any(),
            }}
            <h3 class="crm-panel__heading">{move || t.get().inbox.deal}</h3>
            {move || match deal.get() {
                Some((id, title)) => view! {
                    <a class="crm-panel__link" href=format!("/deals/{id}") data-testid="crm-deal">{title}</a>
                    <DealStage deal_id=id/>
                }.into_any(),
                None => view! { <p class="muted">{move || t.get().inbox.no_deal}</p> }.into_any(),
            }}
            {move || {
                let subject = match (deal.get(), contact.get()) {
                    (Some((id, _)), _) => Some((SubjectRef::Deal, id.0)),
                    (None, Some((id, _))) => Some((SubjectRef::Contact, id.0)),
                    (None, None) => None,
                };
                subject.map(|(subject, id)| view! { <QuickNote subject id/> })
            }}
            <h3 class="crm-panel__heading">{move || t.get().inbox.assignee}</h3>
            <p data-testid="crm-assignee">{assignee_name}</p>
            <div class="crm-panel__actions">
                <button class="button" type="button" data-testid="assign-toggle" on:click=assign>
                    {move || if assignee() == Some(inbox.me) { t.get().inbox.unassign } else { t.get().inbox.assign_me }}
                </button>
                <button class="button" type="button" data-testid="pin-toggle" aria-pressed=move || pinned().to_string() on:click=pin>
                    {move || if pinned() { t.get().inbox.unpin } else { t.get().inbox.pin }}
                </button>
            </div>
        </aside>
    }
}

/// Runs a change to the open conversation and shows the conversation as it now is.
fn update<F, Fut>(inbox: Inbox, change: F)
where
    F: FnOnce(ConversationId) -> Fut + 'static,
    Fut: Future<Output = Result<ConversationView, AppError>> + 'static,
{
    let Some(id) = inbox.current_id() else {
        return;
    };
    leptos::task::spawn_local(async move {
        match change(id).await {
            Ok(c) => inbox.apply_conversation(c),
            Err(e) => inbox.toasts.push(ToastKind::Error, e),
        }
    });
}
