use super::form::ContactForm;
use crate::components::Skeleton;
use crate::contacts::ContactEvent;
use crate::contacts::{get_contact, ContactView, DeleteContact};
use crate::crm::RecordHeader;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::ContactId;
use crate::providers::{use_toasts, ToastKind};
use crate::realtime::{use_realtime, DomainEvent};
use crate::timeline::{SubjectRef, TimelinePanel};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/contacts/:id`: the contact, its edit form, and its timeline, notes and reminders.
#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<ContactId>().ok())
            .unwrap_or(ContactId(0))
    });
    let contact = Resource::new(move || id.get(), get_contact);
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match contact.await {
                        Ok(c) => view! { <ContactBody contact=c/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ContactBody(contact: ContactView) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let current = RwSignal::new(contact.clone());
    let editing = RwSignal::new(false);
    let delete = ServerAction::<DeleteContact>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.push(ToastKind::Success, Msg::new("toast-deleted"));
            navigate("/contacts", Default::default());
        }
        Some(Err(e)) => toasts.push(ToastKind::Error, e),
        None => {}
    });
    let id = contact.id;
    // Changes made elsewhere arrive live (not while this user is editing).
    use_realtime().on_event(move |e| {
        if let Some(ContactEvent::Updated(c)) = ContactEvent::from_stream(e) {
            if c.id == id && !editing.get_untracked() {
                current.set(c);
            }
        }
    });
    let on_delete = Callback::new(move |_| {
        delete.dispatch(DeleteContact { id });
    });
    let on_saved = Callback::new(move |c: ContactView| {
        current.set(c);
        editing.set(false);
    });
    let row = move |label: &'static str, value: Option<String>| {
        value
            .filter(|v| !v.is_empty())
            .map(|v| view! { <div class="facts__row"><dt>{label}</dt><dd>{v}</dd></div> })
    };
    view! {
        <RecordHeader back="/contacts" title=Signal::derive(move || current.get().display_name) editing on_delete owner=Signal::derive(move || current.with(|c| c.owner_id))/>
        <div class="record">
            <div class="record__main">
                <Show when=move || editing.get() fallback=move || {
                    let c = current.get();
                    let tt = t.get();
                    view! {
                        <dl class="card facts">
                            {row(tt.email, c.email)}
                            {row(tt.phone, c.phone)}
                            {row(tt.telegram_username, c.telegram_username.map(|u| format!("@{u}")))}
                            {row(tt.owner, c.owner_name)}
                            {c.company_id.map(|cid| view! {
                                <div class="facts__row"><dt>{tt.company}</dt><dd><A href=format!("/companies/{cid}")>{c.company_name.clone().unwrap_or_default()}</A></dd></div>
                            })}
                        </dl>
                    }
                }>
                    <ContactForm initial=Some(current.get_untracked()) on_saved/>
                </Show>
            </div>
            <aside class="record__side">
                <TimelinePanel kind=SubjectRef::Contact id=id.0/>
            </aside>
        </div>
    }
}
