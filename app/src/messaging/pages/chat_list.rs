//! The middle pane: search, filters and the chats — pinned first, then by latest message,
//! each with its last message, time and unread badge.

use super::accounts::{unread_label, Badge};
use super::format::{now_ms, short_time};
use super::state::{inbox_href, use_inbox, CHAT_PAGE};
use crate::components::{SearchBox, Skeleton};
use crate::i18n::use_strings;
use crate::ids::ConversationId;
use crate::listing::Page;
use crate::messaging::{list_chats, ChatQuery, ConversationView};
use crate::providers::ToastKind;
use leptos::prelude::*;

fn query(filter: String, search: String, account_id: Option<i64>, page: i64) -> ChatQuery {
    ChatQuery {
        page: Some(page),
        limit: Some(CHAT_PAGE),
        search: Some(search),
        filter: Some(filter),
        account_id,
        folder_id: None,
    }
}

#[component]
pub fn ChatList() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let data = Resource::new(
        move || (inbox.filter.get(), inbox.search.get(), inbox.account.get()),
        |(filter, search, account)| list_chats(query(filter, search, account, 1)),
    );
    let filters = move || {
        let tt = t.get().inbox;
        [
            ("all", tt.filter_all),
            ("unread", tt.filter_unread),
            ("mine", tt.filter_mine),
            ("unassigned", tt.filter_unassigned),
        ]
    };
    view! {
        <section class="inbox__chats" aria-label=move || t.get().inbox.chats>
            <div class="inbox__tools">
                <SearchBox value=inbox.search label=Signal::derive(move || t.get().inbox.search_chats)/>
                <select class="select" aria-label=move || t.get().inbox.filter data-testid="chat-filter"
                    on:change=move |ev| inbox.filter.set(event_target_value(&ev))>
                    {move || filters().into_iter().map(|(value, label)| view! {
                        <option value=value selected=move || inbox.filter.get() == value>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <ChatRows initial=page/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Changing any of these re-renders a row.
type RowKey = (
    ConversationId,
    i64,
    Option<i64>,
    bool,
    String,
    String,
    Option<i64>,
);

fn row_key(c: &ConversationView) -> RowKey {
    (
        c.id,
        c.unread_count,
        c.last_message_at,
        c.pinned,
        c.title.clone(),
        c.last_message_text.clone(),
        c.assignee_id,
    )
}

#[component]
fn ChatRows(
    /// The first page of the list.
    initial: Page<ConversationView>,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    inbox.chats.set(initial.items);
    let pages = initial.pagination.total_pages;
    let page = RwSignal::new(1i64);
    let loading = RwSignal::new(false);
    let more = move |_| {
        let next = page.get_untracked() + 1;
        let q = query(
            inbox.filter.get_untracked(),
            inbox.search.get_untracked(),
            inbox.account.get_untracked(),
            next,
        );
        loading.set(true);
        leptos::task::spawn_local(async move {
            match list_chats(q).await {
                Ok(p) => {
                    inbox.extend_chats(p.items);
                    page.try_set(next);
                }
                Err(e) => inbox.toasts.push(ToastKind::Error, e),
            }
            loading.try_set(false);
        });
    };
    view! {
        <ul class="chat-list" data-testid="chat-list">
            <For each=move || inbox.chats.get() key=row_key let:chat>
                <ChatRow chat/>
            </For>
        </ul>
        <Show when=move || inbox.chats.with(Vec::is_empty)>
            <div class="inbox__empty">
                <p>{move || t.get().inbox.no_chats}</p>
                <p class="muted">{move || t.get().inbox.no_chats_hint}</p>
            </div>
        </Show>
        <Show when=move || page.get() < pages>
            <button class="button button--ghost chat-list__more" type="button"
                disabled=move || loading.get() on:click=more>
                {move || t.get().inbox.load_more_chats}
            </button>
        </Show>
    }
}

#[component]
fn ChatRow(
    /// The conversation shown.
    chat: ConversationView,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let id = chat.id;
    let unread = chat.unread_count;
    let title = chat.title.clone();
    let initial = title
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let pinned = chat.pinned;
    let label = {
        let title = title.clone();
        move || {
            let tt = t.get().inbox;
            let label = unread_label(&title, unread, tt);
            if pinned {
                format!("{label}, {}", tt.pinned)
            } else {
                label
            }
        }
    };
    let time = chat.last_message_at.map(|at| short_time(at, now_ms()));
    let preview = chat.last_message_text.clone();
    view! {
        <li>
            <a class="chat-row" class:chat-row--unread={unread > 0}
                href=move || inbox_href(Some(id), inbox.account.get())
                data-testid=format!("chat-row-{id}")
                aria-current=move || (inbox.open.get() == Some(id)).then_some("true")
                aria-label=label aria-describedby=format!("chat-preview-{id}")>
                <span class="avatar" aria-hidden="true">{initial}</span>
                <span class="chat-row__body">
                    <span class="chat-row__top">
                        <span class="chat-row__title">{title}</span>
                        {time.map(|time| view! { <span class="chat-row__time muted">{time}</span> })}
                    </span>
                    <span class="chat-row__bottom">
                        <span class="chat-row__preview muted" id=format!("chat-preview-{id}")>
                            {move || if preview.is_empty() { t.get().inbox.no_messages.to_string() } else { preview.clone() }}
                        </span>
                        {pinned.then(|| view! {
                            <span class="chat-row__pin" title=move || t.get().inbox.pinned aria-hidden="true">"📌"</span>
                        })}
                        <Badge count=Signal::stored(unread) testid=format!("chat-unread-{id}")/>
                    </span>
                </span>
            </a>
        </li>
    }
}
