//! "Create contact and deal": a contact named from the chat title and, when a deal title is
//! given, a deal — created and linked to the conversation in one step.

use super::state::use_inbox;
use crate::components::field_error;
use crate::contacts::ContactInput;
use crate::deals::DealInput;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::messaging::{create_from_chat, ChatToCrm};
use crate::providers::{use_hydrated, ToastKind};
use leptos::prelude::*;
use validator::Validate;

/// Creates a contact (named from the chat title) and optionally a deal, linked to the chat.
#[component]
pub fn CreateFromChat() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let hydrated = use_hydrated();
    let title = inbox
        .current
        .with_untracked(|c| c.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let (first_name, last_name) = title.trim().split_once(' ').unwrap_or((title.trim(), ""));
    let first = RwSignal::new(first_name.to_string());
    let last = RwSignal::new(last_name.trim().to_string());
    let deal_title = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let currency = RwSignal::new("USD".to_string());
    let lang = crate::i18n::use_lang();
    crate::components::amount_follows_language(value, move || currency.get_untracked());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match input(
            first.get(),
            last.get(),
            deal_title.get(),
            value.get(),
            currency.get(),
            lang.get(),
        ) {
            Err(e) => error.set(Some(e)),
            Ok(input) => {
                let Some(id) = inbox.current_id() else { return };
                error.set(None);
                pending.set(true);
                // Read now: once the conversation is linked, the panel replaces this form and
                // disposes its signals (`t` among them) while this task still runs.
                leptos::task::spawn_local(async move {
                    match create_from_chat(id, input).await {
                        Ok(c) => {
                            inbox
                                .toasts
                                .push(ToastKind::Success, Msg::new("toast-contact-created-linked"));
                            inbox.apply_conversation(c);
                        }
                        Err(e) => {
                            if e.details.is_empty() {
                                inbox.toasts.push(ToastKind::Error, e.clone());
                            }
                            error.try_set(Some(e));
                        }
                    }
                    pending.try_set(false);
                });
            }
        }
    };
    let err = move |field: &'static str| field_error(error, t, field);
    let value_error =
        Signal::derive(move || err("amount").get().or_else(|| err("valueMinor").get()));
    let name_error =
        Signal::derive(move || err("firstName").get().or_else(|| err("displayName").get()));
    view! {
        <form class="crm-panel__form" on:submit=submit novalidate>
            <p class="crm-panel__subtitle">{move || t.get().inbox.create_title}</p>
            <Field id="crm-first-name" label=Signal::derive(move || t.get().first_name) value=first error=name_error/>
            <Field id="crm-last-name" label=Signal::derive(move || t.get().last_name) value=last error=err("lastName")/>
            <Field id="crm-deal-title" label=Signal::derive(move || t.get().inbox.deal_title) value=deal_title error=err("title")/>
            <div class="crm-panel__row">
                <Field id="crm-deal-value" label=Signal::derive(move || t.get().inbox.deal_value) value=value error=value_error/>
                <Field id="crm-deal-currency" label=Signal::derive(move || t.get().currency) value=currency error=err("currency")/>
            </div>
            <button class="button button--primary" type="submit" data-testid="create-contact-submit"
                disabled=move || !hydrated.get() || pending.get()>
                {move || t.get().inbox.create_submit}
            </button>
        </form>
    }
}

/// The request, checked in the browser with the same rules the server applies.
fn input(
    first: String,
    last: String,
    title: String,
    value: String,
    currency: String,
    lang: crate::i18n::Lang,
) -> Result<ChatToCrm, AppError> {
    let contact = ContactInput {
        first_name: first,
        last_name: last,
        ..Default::default()
    }
    .normalized();
    contact.validate()?;
    let deal = if title.trim().is_empty() {
        None
    } else {
        // Sent as typed; the server reads it with the rule checked here.
        let deal = DealInput {
            title,
            amount: Some(value),
            amount_locale: Some(lang.code().to_string()),
            currency,
            ..Default::default()
        }
        .normalized();
        deal.clone().read_amount()?.validate()?;
        Some(deal)
    };
    Ok(ChatToCrm { contact, deal })
}

/// A compact labelled input with its error underneath.
#[component]
fn Field(
    /// Element id (unique on the page).
    id: &'static str,
    /// Visible label.
    label: Signal<&'static str>,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The message under the field.
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label class="field__label" for=id>{label}</label>
            <input class="field__input" id=id prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=error_id.clone()/>
            <p class="field__error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}
