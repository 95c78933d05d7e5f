use crate::companies::company_options;
use crate::components::field_error;
use crate::components::{SelectField, TextField};
use crate::contacts::list_contacts;
use crate::crm::{id_value, member_options, parse_id};
use crate::deals::{DealInput, DealView, SaveDeal};
use crate::error::AppError;
use crate::i18n::number::amount_input;
use crate::i18n::Msg;
use crate::i18n::{use_lang, use_strings};
use crate::listing::ListQuery;
use crate::pipelines::list_pipelines;
use crate::providers::{use_hydrated, use_toasts, ToastKind};
use leptos::prelude::*;
use validator::Validate;

/// `/deals/new`.
#[component]
pub fn NewDealPage() -> impl IntoView {
    let t = use_strings();
    let navigate = leptos_router::hooks::use_navigate();
    let saved =
        Callback::new(move |d: DealView| navigate(&format!("/deals/{}", d.id), Default::default()));
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().new_deal}</h1>
            <DealForm initial=None on_saved=saved/>
        </section>
    }
}

/// Create or edit a deal.
#[component]
pub fn DealForm(
    /// The deal being edited, or `None` to create one.
    initial: Option<DealView>,
    /// Called with the saved deal.
    on_saved: Callback<DealView>,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let toasts = use_toasts();
    let hydrated = use_hydrated();
    let id = initial.as_ref().map(|d| d.id);
    let text =
        |f: fn(&DealView) -> String| RwSignal::new(initial.as_ref().map(f).unwrap_or_default());
    let title = text(|d| d.title.clone());
    let value = RwSignal::new(
        initial
            .as_ref()
            .map(|d| amount_input(d.value_minor, &d.currency, lang.get_untracked()))
            .unwrap_or_default(),
    );
    let currency = RwSignal::new(
        initial
            .as_ref()
            .map(|d| d.currency.clone())
            .unwrap_or_else(|| "USD".into()),
    );
    crate::components::amount_follows_language(value, move || currency.get_untracked());
    let stage = text(|d| d.stage_id.to_string());
    let contact = text(|d| id_value(d.contact_id));
    let company = text(|d| id_value(d.company_id));
    let owner = text(|d| id_value(d.owner_id));
    let close = text(|d| d.expected_close_date.clone().unwrap_or_default());
    let probability = text(|d| d.probability.map(|p| p.to_string()).unwrap_or_default());
    let lost_reason = text(|d| d.lost_reason.clone());
    let error = RwSignal::new(None::<AppError>);
    let pipelines = crate::providers::client_fetch(list_pipelines);
    let stage_options = Signal::derive(move || {
        pipelines
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .flat_map(|p| {
                let name = p.name.clone();
                p.stages
                    .into_iter()
                    .map(move |s| (s.id.to_string(), format!("{name} · {}", s.name)))
            })
            .collect::<Vec<_>>()
    });
    let contacts = crate::providers::client_fetch(|| {
        list_contacts(ListQuery {
            limit: Some(200),
            sort: Some("name".into()),
            ..Default::default()
        })
    });
    let contact_options = Signal::derive(move || {
        let mut options = vec![(String::new(), t.get().none_option.to_string())];
        if let Some(Ok(page)) = contacts.get() {
            options.extend(
                page.items
                    .into_iter()
                    .map(|c| (c.id.to_string(), c.display_name)),
            );
        }
        options
    });
    let save = ServerAction::<SaveDeal>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(d)) => {
            toasts.push(ToastKind::Success, Msg::new("toast-saved"));
            on_saved.run(d);
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
        // The amount goes as typed, in the language shown; the server reads it with the same
        // rule this check uses.
        let input = DealInput {
            title: title.get(),
            value_minor: 0,
            amount: Some(value.get()),
            amount_locale: Some(lang.get().code().to_string()),
            currency: currency.get(),
            pipeline_id: None,
            stage_id: parse_id(&stage.get()),
            owner_id: parse_id(&owner.get()),
            contact_id: parse_id(&contact.get()),
            company_id: parse_id(&company.get()),
            expected_close_date: Some(close.get()),
            probability: probability.get().trim().parse().ok(),
            lost_reason: lost_reason.get(),
        }
        .normalized();
        let checked = input
            .clone()
            .read_amount()
            .and_then(|read| read.validate().map_err(AppError::from));
        match checked {
            Ok(()) => {
                error.set(None);
                save.dispatch(SaveDeal { id, input });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let (amount_error, minor_error) = (
        field_error(error, t, "amount"),
        field_error(error, t, "valueMinor"),
    );
    let value_error = Signal::derive(move || amount_error.get().or_else(|| minor_error.get()));
    let label = move |f: fn(&'static crate::i18n::Strings) -> &'static str| {
        Signal::derive(move || f(t.get()))
    };
    view! {
        <form class="card form form--wide" method="post" on:submit=submit novalidate>
            <TextField name="title" label=label(|t| t.title) value=title error=field_error(error, t, "title")/>
            <div class="form__row">
                <TextField name="value" label=label(|t| t.value) value=value error=value_error input_type="text"/>
                <TextField name="currency" label=label(|t| t.currency) value=currency error=field_error(error, t, "currency")/>
            </div>
            <SelectField name="stageId" label=label(|t| t.stage) value=stage options=stage_options error=field_error(error, t, "stageId")/>
            <div class="form__row">
                <SelectField name="contactId" label=label(|t| t.col_contact) value=contact options=contact_options error=field_error(error, t, "contactId")/>
                <SelectField name="companyId" label=label(|t| t.company) value=company options=company_options() error=field_error(error, t, "companyId")/>
            </div>
            <div class="form__row">
                <SelectField name="ownerId" label=label(|t| t.owner) value=owner options=member_options() error=field_error(error, t, "ownerId")/>
                <TextField name="expectedCloseDate" label=label(|t| t.expected_close) value=close error=field_error(error, t, "expectedCloseDate") input_type="date"/>
            </div>
            <div class="form__row">
                <TextField name="probability" label=label(|t| t.probability) value=probability error=field_error(error, t, "probability") input_type="number"/>
                <TextField name="lostReason" label=label(|t| t.lost_reason) value=lost_reason error=field_error(error, t, "lostReason")/>
            </div>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || save.pending().get()>
                {move || t.get().save}
            </button>
        </form>
    }
}
