use crate::components::{format_money, Pager, SearchBox, Skeleton, SortHeader};
use crate::deals::{list_deals, DealView};
use crate::i18n::use_strings;
use crate::ids::PipelineId;
use crate::listing::{ListQuery, Page};
use crate::pipelines::list_pipelines;
use crate::realtime::use_realtime;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Deals: search, stage filter, sortable columns, pages, live updates.
#[component]
pub fn DealsPage() -> impl IntoView {
    let t = use_strings();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new("-updatedAt".to_string());
    let stage = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u64);
    // `?pipeline=` comes from the board's "List view" toggle.
    let query_map = use_query_map();
    let pipeline =
        move || query_map.with(|q| q.get("pipeline").and_then(|v| v.parse::<PipelineId>().ok()));
    Effect::watch(
        move || (search.get(), sort.get(), stage.get()),
        move |_, _, _| page.set(1),
        false,
    );
    let data = Resource::new(
        move || {
            (
                search.get(),
                sort.get(),
                stage.get(),
                page.get(),
                version.get(),
                pipeline(),
            )
        },
        |(search, sort, stage, page, _, pipeline_id)| {
            list_deals(ListQuery {
                page: Some(page),
                limit: Some(25),
                search: Some(search),
                sort: Some(sort),
                stage_id: stage.parse().ok(),
                pipeline_id,
                ..Default::default()
            })
        },
    );
    let pipelines = crate::providers::client_fetch(list_pipelines);
    use_realtime().on_event(move |e| {
        if e.kind.starts_with("deal.") {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <section class="page">
            <header class="page__header">
                <h1 class="page__title">{move || t.get().nav_deals}</h1>
                <SearchBox value=search label=Signal::derive(move || t.get().search_placeholder)/>
                <select class="select" aria-label=move || t.get().stage on:change=move |ev| stage.set(event_target_value(&ev))>
                    <option value="">{move || format!("{}: {}", t.get().stage, t.get().none_option)}</option>
                    {move || pipelines.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().flat_map(|p| p.stages).map(|s| view! {
                        <option value=s.id.0>{s.name}</option>
                    }).collect_view()}
                </select>
                <a class="button" download href=move || crate::crm::export_href("deals", &search.get(), &sort.get(), stage.get().parse().ok())>{move || t.get().export_csv}</a>
                <A href=move || match pipeline() { Some(p) => format!("/board?pipeline={p}"), None => "/board".into() } attr:class="button">
                    {move || t.get().board.nav_board}
                </A>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/deals/new" attr:class="button button--primary">{move || t.get().new_deal}</A></Show>
            </header>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let pagination = list.pagination.clone();
                            let page_view = list;
                            view! {
                                <DealTable page=page_view sort filtered=!search.get_untracked().is_empty() || !stage.get_untracked().is_empty()/>
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
fn DealTable(page: Page<DealView>, sort: RwSignal<String>, filtered: bool) -> impl IntoView {
    let t = use_strings();
    if page.items.is_empty() {
        return view! {
            <div class="empty-state">
                <p>{move || if filtered { t.get().empty_search } else { t.get().empty_deals }}</p>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::CreateRecords)><A href="/deals/new" attr:class="button button--primary">{move || t.get().new_deal}</A></Show>
            </div>
        }
        .into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <SortHeader sort field="title" label=Signal::derive(move || t.get().col_title)/>
                    <SortHeader sort field="value" label=Signal::derive(move || t.get().col_value)/>
                    <th scope="col">{move || t.get().col_stage}</th>
                    <th scope="col">{move || t.get().col_contact}</th>
                    <th scope="col">{move || t.get().col_company}</th>
                    <th scope="col">{move || t.get().col_owner}</th>
                </tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|d| view! {
                    <tr>
                        <td><A href=format!("/deals/{}", d.id)>{d.title}</A></td>
                        <td class="num">{
                            let (minor, currency) = (d.value_minor, d.currency.clone());
                            move || format_money(minor, &currency)
                        }</td>
                        <td><span class="badge">{d.stage_name}</span></td>
                        <td>{d.contact_name.unwrap_or_default()}</td>
                        <td>{d.company_name.unwrap_or_default()}</td>
                        <td>{d.owner_name.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
