use super::form::CompanyForm;
use crate::companies::{get_company, CompanyView, DeleteCompany};
use crate::components::Skeleton;
use crate::crm::RecordHeader;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::CompanyId;
use crate::providers::{use_toasts, ToastKind};
use crate::timeline::{SubjectRef, TimelinePanel};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/companies/:id`.
#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<CompanyId>().ok())
            .unwrap_or(CompanyId(0))
    });
    let company = Resource::new(move || id.get(), get_company);
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match company.await {
                        Ok(c) => view! { <CompanyBody company=c/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CompanyBody(company: CompanyView) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let current = RwSignal::new(company.clone());
    let editing = RwSignal::new(false);
    let detach = RwSignal::new(false);
    let delete = ServerAction::<DeleteCompany>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.push(ToastKind::Success, Msg::new("toast-deleted"));
            navigate("/companies", Default::default());
        }
        Some(Err(e)) => {
            if e.code == crate::error::ErrorCode::Conflict {
                toasts.push(ToastKind::Error, Msg::new("toast-company-has-deals"));
            } else {
                toasts.push(ToastKind::Error, e);
            }
        }
        None => {}
    });
    let id = company.id;
    let on_delete = Callback::new(move |_| {
        delete.dispatch(DeleteCompany {
            id,
            detach_deals: detach.get_untracked(),
        });
    });
    let on_saved = Callback::new(move |c: CompanyView| {
        current.set(c);
        editing.set(false);
    });
    let has_deals = company.deal_count > 0;
    let confirm_extra: Option<ChildrenFn> = has_deals.then(|| {
        let f: ChildrenFn = std::sync::Arc::new(move || {
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || detach.get() on:change=move |ev| detach.set(event_target_checked(&ev))/>
                    <span>{move || t.get().detach_deals}</span>
                </label>
            }
            .into_any()
        });
        f
    });
    view! {
        <RecordHeader back="/companies" title=Signal::derive(move || current.get().name) editing on_delete owner=Signal::derive(move || current.with(|c| c.owner_id)) confirm_extra/>
        <div class="record">
            <div class="record__main">
                <Show when=move || editing.get() fallback=move || {
                    let c = current.get();
                    let tt = t.get();
                    view! {
                        <dl class="card facts">
                            <div class="facts__row"><dt>{tt.industry}</dt><dd>{c.industry}</dd></div>
                            <div class="facts__row"><dt>{tt.size}</dt><dd>{c.size}</dd></div>
                            <div class="facts__row"><dt>{tt.website}</dt><dd>{c.website}</dd></div>
                            <div class="facts__row"><dt>{tt.col_contacts}</dt><dd>{c.contact_count}</dd></div>
                            <div class="facts__row"><dt>{tt.col_deals}</dt><dd>{c.deal_count}</dd></div>
                            <div class="facts__row"><dt>{tt.owner}</dt><dd>{c.owner_name.unwrap_or_default()}</dd></div>
                            <p class="facts__text">{c.description}</p>
                        </dl>
                    }
                }>
                    <CompanyForm initial=Some(current.get_untracked()) on_saved/>
                </Show>
            </div>
            <aside class="record__side">
                <TimelinePanel kind=SubjectRef::Company id=id.0/>
            </aside>
        </div>
    }
}
