use crate::companies::company_options;
use crate::components::field_error;
use crate::components::{SelectField, TextField};
use crate::contacts::{ContactInput, ContactView, SaveContact};
use crate::crm::{id_value, member_options, parse_id};
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_hydrated, use_toasts, ToastKind};
use leptos::prelude::*;
use validator::Validate;

/// `/contacts/new`.
#[component]
pub fn NewContactPage() -> impl IntoView {
    let t = use_strings();
    let navigate = leptos_router::hooks::use_navigate();
    let saved = Callback::new(move |c: ContactView| {
        navigate(&format!("/contacts/{}", c.id), Default::default())
    });
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().new_contact}</h1>
            <ContactForm initial=None on_saved=saved/>
        </section>
    }
}

/// Create or edit a contact; checks in the browser, then on the server; keeps what was typed.
#[component]
pub fn ContactForm(
    /// The contact being edited, or `None` to create one.
    initial: Option<ContactView>,
    /// Called with the saved contact.
    on_saved: Callback<ContactView>,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let hydrated = use_hydrated();
    let id = initial.as_ref().map(|c| c.id);
    let text =
        |f: fn(&ContactView) -> String| RwSignal::new(initial.as_ref().map(f).unwrap_or_default());
    let first = text(|c| c.first_name.clone());
    let last = text(|c| c.last_name.clone());
    let display = text(|c| c.display_name.clone());
    let email = text(|c| c.email.clone().unwrap_or_default());
    let phone = text(|c| c.phone.clone().unwrap_or_default());
    let telegram = text(|c| c.telegram_username.clone().unwrap_or_default());
    let company = text(|c| id_value(c.company_id));
    let owner = text(|c| id_value(c.owner_id));
    let telegram_id = initial.as_ref().and_then(|c| c.telegram_user_id);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveContact>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(c)) => {
            toasts.push(ToastKind::Success, Msg::new("toast-saved"));
            on_saved.run(c);
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
        let input = ContactInput {
            first_name: first.get(),
            last_name: last.get(),
            display_name: display.get(),
            email: Some(email.get()),
            phone: Some(phone.get()),
            telegram_user_id: telegram_id,
            telegram_username: Some(telegram.get()),
            company_id: parse_id(&company.get()),
            owner_id: parse_id(&owner.get()),
        }
        .normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                save.dispatch(SaveContact { id, input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let label = move |f: fn(&'static crate::i18n::Strings) -> &'static str| {
        Signal::derive(move || f(t.get()))
    };
    view! {
        <form class="card form form--wide" method="post" on:submit=submit novalidate>
            <div class="form__row">
                <TextField name="firstName" label=label(|t| t.first_name) value=first error=field_error(error, t, "firstName")/>
                <TextField name="lastName" label=label(|t| t.last_name) value=last error=field_error(error, t, "lastName")/>
            </div>
            <TextField name="displayName" label=label(|t| t.display_name) value=display error=field_error(error, t, "displayName")/>
            <div class="form__row">
                <TextField name="email" label=label(|t| t.email) value=email error=field_error(error, t, "email") input_type="email"/>
                <TextField name="phone" label=label(|t| t.phone) value=phone error=field_error(error, t, "phone") input_type="tel"/>
            </div>
            <TextField name="telegramUsername" label=label(|t| t.telegram_username) value=telegram error=field_error(error, t, "telegramUsername")/>
            <div class="form__row">
                <SelectField name="companyId" label=label(|t| t.company) value=company options=company_options() error=field_error(error, t, "companyId")/>
                <SelectField name="ownerId" label=label(|t| t.owner) value=owner options=member_options() error=field_error(error, t, "ownerId")/>
            </div>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || save.pending().get()>
                {move || t.get().save}
            </button>
        </form>
    }
}
