use crate::companies::{list_companies, CompanyView};
use crate::components::{format_time, Pager, SearchBox, Skeleton, SortHeader};
use crate::i18n::use_strings;
use crate::listing::{ListQuery, Page};
use crate::realtime::use_realtime;
use leptos::prelude::*;
use leptos_router::components::A;

/// Companies: search as you type, sortable columns, pages, live updates.
#[component]
pub fn CompaniesPage() -> impl IntoView {
    let t = use_strings();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new("name".to_string());
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u64);
    Effect::watch(
        move || (search.get(), sort.get()),
        move |_, _, _| page.set(1),
        false,
    );
    let data = Resource::new(
        move || (search.get(), sort.get(), page.get(), version.get()),
        |(search, sort, page, _)| {
            list_companies(ListQuery {
                page: Some(page),
                limit: Some(25),
                search: Some(search),
                sort: Some(sort),
                ..Default::default()
            })
        },
    );
    use_realtime().on_event(move |e| {
        if e.kind.starts_with("company.") {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <section class="page">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().nav_companies}</h1>
                <SearchBox value=search label=Signal::derive(move || t.get().search_placeholder)/>
                <a class="button" download href=move || crate::crm::export_href("companies", &search.get(), &sort.get(), None)>{move || t.get().export_csv}</a>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/companies/new" attr:class="button button--primary">{move || t.get().new_company}</A></Show>
            </header>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let pagination = list.pagination.clone();
                            let page_view = list;
                            view! {
                                <CompanyTable page=page_view sort searching=!search.get_untracked().is_empty()/>
                                <Pager page pagination/>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CompanyTable(page: Page<CompanyView>, sort: RwSignal<String>, searching: bool) -> impl IntoView {
    let t = use_strings();
    if page.items.is_empty() {
        return view! {
            <div class="empty-state">
                <p>{move || if searching { t.get().empty_search } else { t.get().empty_companies }}</p>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/companies/new" attr:class="button button--primary">{move || t.get().new_company}</A></Show>
            </div>
        }
        .into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <SortHeader sort field="name" label=Signal::derive(move || t.get().col_name)/>
                    <SortHeader sort field="industry" label=Signal::derive(move || t.get().col_industry)/>
                    <th scope="col">{move || t.get().col_contacts}</th>
                    <th scope="col">{move || t.get().col_deals}</th>
                    <th scope="col">{move || t.get().col_owner}</th>
                    <SortHeader sort field="updatedAt" label=Signal::derive(move || t.get().col_updated)/>
                </tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|c| view! {
                    <tr>
                        <td><A href=format!("/companies/{}", c.id)>{c.name}</A></td>
                        <td>{c.industry}</td>
                        <td>{c.contact_count}</td>
                        <td>{c.deal_count}</td>
                        <td>{c.owner_name.unwrap_or_default()}</td>
                        <td class="muted">{format_time(c.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
