//! The import page: pick a file, map its columns, preview, import.

use super::{
    import_contacts, preview_contact_import, DecimalSeparator, ImportField, ImportPreview,
    ImportReport, ImportRequest, Mapping, RowAction,
};
use crate::components::format_money;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::i18n::{use_lang, use_strings, Strings};
use crate::providers::{use_hydrated, use_toasts, ToastKind};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/contacts/import`: pick a file, map its columns, preview, import, read the report.
#[component]
pub fn ImportContactsPage() -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let hydrated = use_hydrated();
    let csv = RwSignal::new(String::new());
    let mapping = RwSignal::new(Mapping::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let report = RwSignal::new(None::<ImportReport>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    // Files are most often written the way the member's language writes numbers.
    let separator = RwSignal::new(DecimalSeparator::of(use_lang().get_untracked()));

    let run_preview = move |keep_mapping: bool| {
        let request = ImportRequest {
            csv: csv.get_untracked(),
            mapping: keep_mapping.then(|| mapping.get_untracked()),
            decimal_separator: separator.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match preview_contact_import(request).await {
                Ok(p) => {
                    if !keep_mapping {
                        mapping.set(p.suggested_mapping.clone());
                    }
                    preview.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let run_import = move |_| {
        let request = ImportRequest {
            csv: csv.get_untracked(),
            mapping: Some(mapping.get_untracked()),
            decimal_separator: separator.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match import_contacts(request).await {
                Ok(r) => {
                    toasts.push(ToastKind::Success, Msg::new("toast-import-done"));
                    report.set(Some(r));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                csv.set(text.as_string().unwrap_or_default());
                report.set(None);
                run_preview(false);
            }
        });
    };
    view! {
        <section class="page">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().import_title}</h1>
                <A href="/contacts" attr:class="button">{move || format!("← {}", t.get().back)}</A>
            </header>
            <div class="card form form--wide">
                <p class="muted">{move || t.get().import_hint}</p>
                <div class="field">
                    <label class="field__label" for="import-file">{move || t.get().import_file}</label>
                    <input id="import-file" class="field__input" type="file" accept=".csv,text/csv" on:change=on_file disabled=move || !hydrated.get()/>
                </div>
                <div class="field">
                    <label class="field__label" for="import-text">{move || t.get().import_paste}</label>
                    <textarea id="import-text" class="field__input" rows="4" prop:value=move || csv.get()
                        on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label class="field__label" for="import-decimal">{move || t.get().import_decimal}</label>
                    <select id="import-decimal" class="select"
                        on:change=move |ev| {
                            separator.set(if event_target_value(&ev) == "comma" { DecimalSeparator::Comma } else { DecimalSeparator::Point });
                            if preview.get_untracked().is_some() {
                                run_preview(true);
                            }
                        }>
                        <option value="point" selected=move || separator.get() == DecimalSeparator::Point>{move || t.get().import_decimal_point}</option>
                        <option value="comma" selected=move || separator.get() == DecimalSeparator::Comma>{move || t.get().import_decimal_comma}</option>
                    </select>
                </div>
                <button class="button" type="button" disabled=move || !hydrated.get() || busy.get() || csv.get().trim().is_empty()
                    on:click=move |_| run_preview(false)>{move || t.get().import_preview}</button>
                <p class="page-error" role="alert">{move || error.get().map(|e| e.error)}</p>
            </div>
            {move || preview.get().map(|p| view! { <PreviewTable preview=p mapping on_remap=Callback::new(move |_| run_preview(true))/> })}
            <Show when=move || preview.get().is_some() && report.get().is_none()>
                <button class="button button--primary" type="button" disabled=move || busy.get() on:click=run_import>
                    {move || t.get().import_run}
                </button>
            </Show>
            {move || report.get().map(|r| view! { <Report report=r/> })}
        </section>
    }
}

fn field_label(t: &Strings, f: ImportField) -> &'static str {
    match f {
        ImportField::FirstName => t.first_name,
        ImportField::LastName => t.last_name,
        ImportField::DisplayName => t.display_name,
        ImportField::Email => t.email,
        ImportField::Phone => t.phone,
        ImportField::TelegramUsername => t.telegram_username,
        ImportField::TelegramUserId => t.telegram_user_id,
        ImportField::Company => t.company,
        ImportField::DealTitle => t.import_deal_title,
        ImportField::DealValue => t.import_deal_value,
        ImportField::DealCurrency => t.import_deal_currency,
    }
}

fn action_label(t: &Strings, a: RowAction) -> &'static str {
    match a {
        RowAction::Create => t.action_create,
        RowAction::Update => t.action_update,
        RowAction::Unchanged => t.action_unchanged,
        RowAction::Fail => t.action_fail,
    }
}

/// The column mapping (one select per column) and the first rows as they would import.
#[component]
fn PreviewTable(
    preview: ImportPreview,
    mapping: RwSignal<Mapping>,
    on_remap: Callback<()>,
) -> impl IntoView {
    let t = use_strings();
    let columns = preview.columns.clone();
    view! {
        <div class="card form form--wide">
            <p class="muted">{move || format!("{} {}", preview.total, t.get().import_rows)}</p>
            <table class="table">
                <thead><tr>
                    <th scope="col">{move || t.get().import_column}</th>
                    <th scope="col">{move || t.get().import_field}</th>
                </tr></thead>
                <tbody>
                    {columns.into_iter().map(|column| {
                        let col = column.clone();
                        let current = mapping.get_untracked().get(&column).copied().flatten();
                        view! {
                            <tr>
                                <td>{column.clone()}</td>
                                <td>
                                    <select class="select" aria-label={ let column = column.clone(); move || format!("{}: {column}", t.get().import_field) }
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            let field = ImportField::ALL.into_iter().find(|f| f.as_str() == v);
                                            mapping.update(|m| { m.insert(col.clone(), field); });
                                            on_remap.run(());
                                        }>
                                        <option value="" selected=current.is_none()>{move || t.get().import_skip}</option>
                                        {ImportField::ALL.into_iter().map(|f| view! {
                                            <option value=f.as_str() selected=current == Some(f)>{move || field_label(t.get(), f)}</option>
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <table class="table preview">
                <thead><tr>
                    <th scope="col">{move || t.get().import_row}</th>
                    <th scope="col">{move || t.get().import_action}</th>
                    <th scope="col">{move || t.get().details}</th>
                </tr></thead>
                <tbody>
                    {preview.rows.into_iter().map(|r| {
                        // A deal value is shown as it was read, so a wrong separator shows.
                        let read = r.deal_value_minor.zip(r.deal_currency.clone());
                        let cells = r.values.clone();
                        let values = move || cells.iter().map(|(k, v)| match (k.as_str(), &read) {
                            ("dealValue", Some((minor, currency))) => format!("{k}: {}", format_money(*minor, currency)),
                            _ => format!("{k}: {v}"),
                        }).collect::<Vec<_>>().join(" · ");
                        let errors = r.errors.clone();
                        let errors = move || errors.iter().map(|e| format!("{}: {}", e.field, crate::i18n::translate_field(t.get(), e))).collect::<Vec<_>>().join("; ");
                        let action = r.action;
                        view! {
                            <tr class:preview__fail=action == RowAction::Fail>
                                <td>{r.row}</td>
                                <td><span class="badge">{move || action_label(t.get(), action)}</span></td>
                                <td>{values}<span class="field__error">{errors}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// What the import did.
#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let t = use_strings();
    view! {
        <div class="card form form--wide" role="status">
            <h2 class="card__title">{move || t.get().import_done}</h2>
            <dl class="facts import-report">
                <div class="facts__row"><dt>{move || t.get().import_created}</dt><dd data-testid="import-created">{report.created}</dd></div>
                <div class="facts__row"><dt>{move || t.get().import_updated}</dt><dd data-testid="import-updated">{report.updated}</dd></div>
                <div class="facts__row"><dt>{move || t.get().import_unchanged}</dt><dd>{report.unchanged}</dd></div>
                <div class="facts__row"><dt>{move || t.get().import_deals_created}</dt><dd data-testid="import-deals">{report.deals_created}</dd></div>
                <div class="facts__row"><dt>{move || t.get().import_failed}</dt><dd data-testid="import-failed">{report.failed.len()}</dd></div>
            </dl>
            {(!report.failed.is_empty()).then(|| view! {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{move || t.get().import_row}</th>
                        <th scope="col">{move || t.get().import_reason}</th>
                    </tr></thead>
                    <tbody>
                        {report.failed.into_iter().map(|f| view! { <tr><td>{f.row}</td><td>{f.reason}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            })}
            <A href="/contacts" attr:class="button button--primary">{move || t.get().nav_contacts}</A>
        </div>
    }
}
