//! `/inbox/accounts/:id`: a Telegram user account's health (state, flood-wait countdown, last
//! sync, last error, resync, disconnect) and the picker of the chats it syncs, kept live by the
//! account's events.

use crate::access::permissions::Action;
use crate::channels::telegram_user::api::{list_account_chats, pick_account_chats, resync_account};
use crate::components::ConfirmDialog;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::messaging::pages::accounts::status_label;
use crate::messaging::pages::format::{now_ms, short_time};
use crate::messaging::MessagingEvent;
use crate::messaging::{
    disconnect_account, get_channel_account, AccountChatView, AccountChats, AccountStatus,
    AccountView,
};
use crate::providers::{use_session, use_toasts, ToastKind};
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

#[component]
pub fn TelegramAccountPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let version = RwSignal::new(0u64);
    let account = crate::providers::client_fetch(move || {
        version.track();
        get_channel_account(id())
    });
    let chats = crate::providers::client_fetch(move || {
        version.track();
        list_account_chats(id())
    });
    use_realtime().on_event(move |e| {
        let account = match MessagingEvent::from_stream(e) {
            Some(
                MessagingEvent::AccountConnected { id, .. }
                | MessagingEvent::AccountDisconnected { id }
                | MessagingEvent::AccountUpdated { id, .. }
                | MessagingEvent::AccountNeedsRelogin { id, .. },
            ) => id,
            Some(MessagingEvent::AccountSync { account_id, .. }) => account_id,
            _ => return,
        };
        if account == id() {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <section class="page telegram-account" data-testid="telegram-account">
            {move || match account.get() {
                None => view! { <crate::components::Skeleton lines=3/> }.into_any(),
                Some(Err(e)) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                Some(Ok(a)) => view! { <Health account=a version/> }.into_any(),
            }}
            {move || match chats.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                Some(Ok(c)) => view! { <Picker account_id=id() chats=c/> }.into_any(),
            }}
        </section>
    }
}

/// The account's state with a live countdown during a flood wait, and its actions.
#[component]
fn Health(
    /// The account as loaded.
    account: AccountView,
    /// Bumped to reload after an action.
    version: RwSignal<u64>,
) -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let toasts = use_toasts();
    let now = RwSignal::new(now_ms());
    #[cfg(feature = "hydrate")]
    {
        if let Ok(h) = set_interval_with_handle(
            move || {
                now.try_set(now_ms());
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || h.clear());
        }
    }
    let id = account.id;
    let status = account.status;
    let flood_until = account
        .flood_wait_until
        .filter(|_| status == AccountStatus::FloodWait);
    let may = session.may_on(Action::ConnectChannels, account.owner_id);
    let confirm = RwSignal::new(false);
    let resync = move |_| {
        leptos::task::spawn_local(async move {
            match resync_account(id).await {
                Ok(()) => toasts.push(ToastKind::Success, Msg::new("toast-resync-started")),
                Err(e) => toasts.push(ToastKind::Error, e),
            }
            version.try_update(|v| *v += 1);
        });
    };
    let disconnect = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            match disconnect_account(id).await {
                Ok(()) => toasts.push(ToastKind::Success, Msg::new("toast-account-disconnected")),
                Err(e) => toasts.push(ToastKind::Error, e),
            }
            version.try_update(|v| *v += 1);
        });
    });
    let sync = account.last_sync_at;
    let error = account.last_error.clone();
    let status_text = move || status_label(t.get().inbox, status);
    let relogin = status == AccountStatus::NeedsRelogin;
    let active = status != AccountStatus::Disconnected;
    view! {
        <div class="card telegram-health" data-testid="telegram-health" data-status=status.as_str()>
            <h1>{account.name.clone()} {(!account.username.is_empty()).then(|| format!(" @{}", account.username))}</h1>
            <h2>{move || t.get().telegram.health}</h2>
            <dl class="telegram-health__facts">
                <dt>{move || t.get().telegram.status}</dt>
                <dd data-testid="telegram-status">{status_text}</dd>
                {flood_until.map(|until| view! {
                    <dt>{move || t.get().telegram.flood_left}</dt>
                    <dd data-testid="telegram-flood-countdown" role="timer">
                        {move || format!("{} s", ((until - now.get()) / 1000).max(0))}
                    </dd>
                })}
                <dt>{move || t.get().telegram.last_sync}</dt>
                <dd data-testid="telegram-last-sync">
                    {move || sync.map(|s| short_time(s, now.get())).unwrap_or_else(|| t.get().telegram.never.to_string())}
                </dd>
                {(!error.is_empty()).then(|| view! {
                    <dt>{move || t.get().telegram.last_error}</dt>
                    <dd class="accounts__error" data-testid="telegram-last-error">{error.clone()}</dd>
                })}
            </dl>
            <Show when=move || may && active>
                <div class="actions">
                    {relogin.then(|| view! {
                        <a class="button button--primary" href="/inbox/telegram/connect">{move || t.get().telegram.relogin}</a>
                    })}
                    <button class="button" type="button" data-testid="telegram-resync" on:click=resync>
                        {move || t.get().telegram.resync}
                    </button>
                    <button class="button button--danger" type="button" data-testid="telegram-disconnect"
                        on:click=move |_| confirm.set(true)>
                        {move || t.get().telegram.disconnect}
                    </button>
                </div>
            </Show>
            <ConfirmDialog open=confirm title=Signal::derive(move || t.get().telegram.disconnect_confirm)
                on_confirm=disconnect/>
        </div>
    }
}

/// The account's chats by folder, with what is synced and how its history import is going.
#[component]
fn Picker(
    /// The account.
    account_id: i64,
    /// The chats as loaded.
    chats: AccountChats,
) -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let picked = RwSignal::new(
        chats
            .chats
            .iter()
            .filter(|c| c.picked)
            .map(|c| c.peer_id.clone())
            .collect::<BTreeSet<String>>(),
    );
    let folder = RwSignal::new(None::<String>);
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let list = StoredValue::new(chats.chats.clone());
    let shown = move || {
        let term = filter.get().to_lowercase();
        let folder = folder.get();
        list.get_value()
            .into_iter()
            .filter(|c| folder.as_ref().is_none_or(|f| c.folder_ids.contains(f)))
            .filter(|c| {
                term.is_empty()
                    || c.title.to_lowercase().contains(&term)
                    || c.username.to_lowercase().contains(&term)
            })
            .collect::<Vec<_>>()
    };
    let save = move |_| {
        let ids: Vec<String> = picked.get_untracked().into_iter().collect();
        leptos::task::spawn_local(async move {
            match pick_account_chats(account_id, ids).await {
                Ok(_) => toasts.push(ToastKind::Success, Msg::new("toast-chats-picked")),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let folders = chats.folders.clone();
    let listed = chats.listed;
    view! {
        <div class="card telegram-picker" data-testid="telegram-picker">
            <h2>{move || t.get().telegram.chats_title}</h2>
            <p class="muted">{move || t.get().telegram.chats_hint}</p>
            {(!listed).then(|| view! { <p role="status" data-testid="telegram-chats-loading">{move || t.get().telegram.chats_loading}</p> })}
            <div class="chips" role="group">
                <button type="button" class="chip" aria-pressed=move || folder.get().is_none().to_string()
                    on:click=move |_| folder.set(None)>{move || t.get().telegram.all_folders}</button>
                {folders.into_iter().map(|f| {
                    let fid = f.id.clone();
                    let pressed = fid.clone();
                    view! {
                        <button type="button" class="chip" data-testid=format!("telegram-folder-{}", f.id)
                            aria-pressed=move || (folder.get().as_deref() == Some(pressed.as_str())).to_string()
                            on:click=move |_| folder.set(Some(fid.clone()))>{f.name}</button>
                    }
                }).collect_view()}
            </div>
            <input class="field__input" type="search" data-testid="telegram-chat-filter"
                placeholder=move || t.get().telegram.filter aria-label=move || t.get().telegram.filter
                prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
            <ul class="telegram-picker__list">
                <For each=shown key=|c: &AccountChatView| (c.peer_id.clone(), c.history_state.clone(), c.history_imported) let:chat>
                    <ChatRow chat picked/>
                </For>
            </ul>
            <p class="field__error" role="alert">{move || error.get().map(|e| e.error)}</p>
            <button class="button button--primary" type="button" data-testid="telegram-save-pick" on:click=save>
                {move || t.get().telegram.save_pick}
            </button>
        </div>
    }
}

#[component]
fn ChatRow(
    /// The chat.
    chat: AccountChatView,
    /// The chats ticked.
    picked: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let t = use_strings();
    let peer = chat.peer_id.clone();
    let checked = {
        let peer = peer.clone();
        move || picked.with(|p| p.contains(&peer))
    };
    let toggle = move |_| {
        let peer = peer.clone();
        picked.update(|p| {
            if !p.remove(&peer) {
                p.insert(peer);
            }
        });
    };
    let kind = chat.kind.clone();
    let state = chat.history_state.clone();
    let imported = chat.history_imported;
    let progress = move || {
        let tt = t.get().telegram;
        match state.as_str() {
            "queued" => tt.state_queued.to_string(),
            "importing" => tt.state_importing.to_string(),
            "done" => format!("{} ({imported})", tt.state_done),
            "failed" => tt.state_failed.to_string(),
            _ => String::new(),
        }
    };
    view! {
        <li class="telegram-picker__chat" data-testid=format!("telegram-chat-{}", chat.peer_id)
            data-history=chat.history_state.clone()>
            <label>
                <input type="checkbox" prop:checked=checked on:change=toggle/>
                <span class="telegram-picker__title">{chat.title.clone()}</span>
                <span class="muted">
                    {move || match kind.as_str() {
                        "group" => t.get().telegram.kind_group,
                        "channel" => t.get().telegram.kind_channel,
                        _ => t.get().telegram.kind_private,
                    }}
                </span>
                {(chat.unread > 0).then(|| view! { <span class="inbox-badge">{chat.unread}</span> })}
                <span class="muted telegram-picker__state">{progress}</span>
                {chat.history_error.clone()}
            </label>
        </li>
    }
}
