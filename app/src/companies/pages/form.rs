use crate::companies::{CompanyInput, CompanyView, SaveCompany};
use crate::components::field_error;
use crate::components::{SelectField, TextField};
use crate::crm::{id_value, member_options, parse_id};
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::providers::{use_hydrated, use_toasts, ToastKind};
use leptos::prelude::*;
use validator::Validate;

/// `/companies/new`.
#[component]
pub fn NewCompanyPage() -> impl IntoView {
    let t = use_strings();
    let navigate = leptos_router::hooks::use_navigate();
    let saved = Callback::new(move |c: CompanyView| {
        navigate(&format!("/companies/{}", c.id), Default::default())
    });
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().new_company}</h1>
            <CompanyForm initial=None on_saved=saved/>
        </section>
    }
}

/// Create or edit a company.
#[component]
pub fn CompanyForm(
    /// The company being edited, or `None` to create one.
    initial: Option<CompanyView>,
    /// Called with the saved company.
    on_saved: Callback<CompanyView>,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let hydrated = use_hydrated();
    let id = initial.as_ref().map(|c| c.id);
    let text =
        |f: fn(&CompanyView) -> String| RwSignal::new(initial.as_ref().map(f).unwrap_or_default());
    let name = text(|c| c.name.clone());
    let industry = text(|c| c.industry.clone());
    let size = text(|c| c.size.clone());
    let website = text(|c| c.website.clone());
    let description = text(|c| c.description.clone());
    let owner = text(|c| id_value(c.owner_id));
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveCompany>::new();
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
        let input = CompanyInput {
            name: name.get(),
            industry: industry.get(),
            size: size.get(),
            website: website.get(),
            description: description.get(),
            owner_id: parse_id(&owner.get()),
        }
        .normalized();
        match input.validate() {
            Ok(()) => {
                error.set(None);
                save.dispatch(SaveCompany { id, input });
            }
            Err(e) => error.set(Some(e.into())),
        }
    };
    let label = move |f: fn(&'static crate::i18n::Strings) -> &'static str| {
        Signal::derive(move || f(t.get()))
    };
    view! {
        <form class="card form form--wide" method="post" on:submit=submit novalidate>
            <TextField name="name" label=label(|t| t.col_name) value=name error=field_error(error, t, "name")/>
            <div class="form__row">
                <TextField name="industry" label=label(|t| t.industry) value=industry error=field_error(error, t, "industry")/>
                <TextField name="size" label=label(|t| t.size) value=size error=field_error(error, t, "size")/>
            </div>
            <TextField name="website" label=label(|t| t.website) value=website error=field_error(error, t, "website") input_type="url"/>
            <TextField name="description" label=label(|t| t.description) value=description error=field_error(error, t, "description")/>
            <SelectField name="ownerId" label=label(|t| t.owner) value=owner options=member_options() error=field_error(error, t, "ownerId")/>
            <button class="button button--primary" type="submit" disabled=move || !hydrated.get() || save.pending().get()>
                {move || t.get().save}
            </button>
        </form>
    }
}
