use crate::components::{format_time, Pager, SearchBox, Skeleton, SortHeader};
use crate::contacts::{list_contacts, ContactView};
use crate::i18n::use_strings;
use crate::listing::{ListQuery, Page};
use crate::realtime::use_realtime;
use leptos::prelude::*;
use leptos_router::components::A;

/// Contacts: search as you type, sortable columns, pages, live updates.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let t = use_strings();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new("-updatedAt".to_string());
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
            list_contacts(ListQuery {
                page: Some(page),
                limit: Some(25),
                search: Some(search),
                sort: Some(sort),
                ..Default::default()
            })
        },
    );
    use_realtime().on_event(move |e| {
        if e.kind.starts_with("contact.")
            || e.kind.starts_with("contacts.")
            || e.kind.starts_with("company.")
        {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <section class="page">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().nav_contacts}</h1>
                <SearchBox value=search label=Signal::derive(move || t.get().search_placeholder)/>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::ImportRecords)><A href="/contacts/import" attr:class="button">{move || t.get().import_button}</A></Show>
                <a class="button" download href=move || crate::crm::export_href("contacts", &search.get(), &sort.get(), None)>{move || t.get().export_csv}</a>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/contacts/new" attr:class="button button--primary">{move || t.get().new_contact}</A></Show>
            </header>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let pagination = list.pagination.clone();
                            let page_view = list;
                            view! {
                                <ContactTable page=page_view sort searching=!search.get_untracked().is_empty()/>
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
fn ContactTable(page: Page<ContactView>, sort: RwSignal<String>, searching: bool) -> impl IntoView {
    let t = use_strings();
    if page.items.is_empty() {
        return view! {
            <div class="empty-state">
                <p>{move || if searching { t.get().empty_search } else { t.get().empty_contacts }}</p>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/contacts/new" attr:class="button button--primary">{move || t.get().new_contact}</A></Show>
            </div>
        }
        .into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <SortHeader sort field="name" label=Signal::derive(move || t.get().col_name)/>
                    <SortHeader sort field="email" label=Signal::derive(move || t.get().col_email)/>
                    <th scope="col">{move || t.get().col_phone}</th>
                    <th scope="col">{move || t.get().col_company}</th>
                    <th scope="col">{move || t.get().col_owner}</th>
                    <SortHeader sort field="updatedAt" label=Signal::derive(move || t.get().col_updated)/>
                </tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|c| view! {
                    <tr>
                        <td><A href=format!("/contacts/{}", c.id)>{c.display_name}</A></td>
                        <td>{c.email.unwrap_or_default()}</td>
                        <td>{c.phone.unwrap_or_default()}</td>
                        <td>{c.company_id.map(|id| view! { <A href=format!("/companies/{id}")>{c.company_name.clone().unwrap_or_default()}</A> })}</td>
                        <td>{c.owner_name.unwrap_or_default()}</td>
                        <td class="muted">{format_time(c.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
