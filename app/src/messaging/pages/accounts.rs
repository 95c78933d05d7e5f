//! The left pane: "All chats", each channel account with its unread total and health, and the
//! form that connects a Telegram bot by its token.

use super::format::{clock, now_ms, short_time};
use super::state::{inbox_href, use_inbox};
use crate::components::Skeleton;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::i18n::{use_strings, InboxStrings};
use crate::messaging::{
    connect_bot, list_channel_accounts, AccountStatus, AccountView, ConnectAccount,
};
use crate::providers::{use_hydrated, ToastKind};
use leptos::prelude::*;
use validator::Validate;

#[component]
pub fn AccountsPane() -> impl IntoView {
    let t = use_strings();
    let data = Resource::new(|| (), |_| list_channel_accounts());
    view! {
        <aside class="inbox__accounts" aria-label=move || t.get().inbox.accounts data-testid="inbox-accounts">
            <h2 class="inbox__heading">{move || t.get().inbox.accounts}</h2>
            <Transition fallback=|| view! { <Skeleton lines=3/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! { <AccountList initial=list/> }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Transition>
            <a class="button connect-telegram" href="/inbox/telegram/connect" data-testid="connect-telegram">
                {move || t.get().telegram.connect_link}
            </a>
            <ConnectBot/>
        </aside>
    }
}

/// The accounts as loaded, then as live events refresh them.
#[component]
fn AccountList(
    /// The accounts as the page loaded them.
    initial: Vec<AccountView>,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    inbox.accounts.set(initial);
    let total = move || {
        inbox
            .accounts
            .with(|a| a.iter().map(|a| a.unread).sum::<i64>())
    };
    let all_label = move || unread_label(t.get().inbox.all_chats, total(), t.get().inbox);
    view! {
        <ul class="accounts">
            <li>
                <a class="accounts__item" href=move || inbox_href(inbox.open.get(), None)
                    aria-current=move || inbox.account.get().is_none().then_some("true")
                    aria-label=all_label>
                    <span class="accounts__name">{move || t.get().inbox.all_chats}</span>
                    <Badge count=Signal::derive(total)/>
                </a>
            </li>
            <For each=move || inbox.accounts.get() key=account_key let:account>
                <AccountItem account/>
            </For>
        </ul>
        <Show when=move || inbox.accounts.with(Vec::is_empty)>
            <p class="muted inbox__hint">{move || t.get().inbox.no_accounts}</p>
        </Show>
        // Inside the loaded list, never beside it: it reads the accounts this component sets, so
        // the server and the hydrating browser render it from the same data.
        <super::start_chat::WriteFirst/>
    }
}

/// Everything a row shows, so a changed account re-renders its row.
fn account_key(a: &AccountView) -> (i64, i64, String, String, Option<i64>, Option<i64>) {
    let text = format!("{}|{}|{}", a.name, a.username, a.status);
    (
        a.id,
        a.unread,
        text,
        a.last_error.clone(),
        a.last_sync_at,
        a.flood_wait_until,
    )
}

#[component]
fn AccountItem(
    /// The account shown.
    account: AccountView,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let id = account.id;
    let unread = account.unread;
    let name = if account.name.is_empty() {
        account.username.clone()
    } else {
        account.name.clone()
    };
    let label = {
        let name = name.clone();
        move || unread_label(&name, unread, t.get().inbox)
    };
    let status = account.status;
    let status_text = move || {
        let tt = t.get().inbox;
        let mut text = status_label(tt, status).to_string();
        if let Some(until) = account
            .flood_wait_until
            .filter(|_| status == AccountStatus::FloodWait)
        {
            text = format!("{text} {} {}", tt.wait_until, clock(until));
        }
        text
    };
    let sync = account.last_sync_at.map(|at| short_time(at, now_ms()));
    let check_name = name.clone();
    view! {
        <li>
            <a class="accounts__item" href=move || inbox_href(inbox.open.get(), Some(id))
                data-testid=format!("inbox-account-{id}") data-status=account.status.as_str()
                aria-current=move || (inbox.account.get() == Some(id)).then_some("true")
                aria-label=label>
                <span class="accounts__name">{name}</span>
                <Badge count=Signal::stored(unread) testid=format!("account-unread-{id}")/>
                <span class="accounts__health">
                    <span class="accounts__dot" aria-hidden="true"></span>
                    {status_text}
                    {sync.map(|s| view! { <span class="muted">{move || format!(" · {} {s}", t.get().inbox.last_sync)}</span> })}
                </span>
                {(!account.last_error.is_empty()).then(|| view! { <span class="accounts__error">{account.last_error.clone()}</span> })}
            </a>
            <super::check_account::CheckButton id owner=account.owner_id name=check_name/>
            {(account.kind == "telegram_user").then(|| view! {
                <a class="accounts__manage" href=format!("/inbox/accounts/{id}") data-testid=format!("manage-account-{id}")>
                    {move || t.get().telegram.manage}
                </a>
            })}
        </li>
    }
}

/// An unread count, drawn only when there is something unread.
#[component]
pub fn Badge(
    /// The count.
    #[prop(into)]
    count: Signal<i64>,
    /// A `data-testid` for the badge.
    #[prop(optional, into)]
    testid: Option<String>,
) -> impl IntoView {
    move || {
        let n = count.get();
        (n > 0).then(|| view! { <span class="inbox-badge" data-testid=testid.clone() aria-hidden="true">{n}</span> })
    }
}

/// "Sales bot, 3 unread" — the accessible name of a row with a badge.
pub fn unread_label(name: &str, unread: i64, t: &InboxStrings) -> String {
    if unread > 0 {
        format!("{name}, {unread} {}", t.unread)
    } else {
        name.to_string()
    }
}

/// What an account's health is called on screen.
pub fn status_label(t: &'static InboxStrings, status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Connected => t.status_connected,
        AccountStatus::Reconnecting => t.status_reconnecting,
        AccountStatus::NeedsRelogin => t.status_needs_relogin,
        AccountStatus::FloodWait => t.status_flood_wait,
        AccountStatus::Disconnected => t.status_disconnected,
    }
}

/// Connects a bot by token; Telegram's refusal shows under the field.
#[component]
fn ConnectBot() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let hydrated = use_hydrated();
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let message = move || {
        error.with(|e| {
            e.as_ref().map(|e| match e.field_error("token") {
                Some(f) => crate::i18n::translate_field(t.get(), f),
                None => e.error.clone(),
            })
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ConnectAccount {
            kind: "telegram_bot".into(),
            token: token.get().trim().to_string(),
        };
        if input.token.is_empty() {
            error.set(Some(AppError::field(
                "token",
                "required",
                "Enter the bot token",
            )));
            return;
        }
        if let Err(e) = input.validate() {
            error.set(Some(e.into()));
            return;
        }
        error.set(None);
        pending.set(true);
        // Read now: the page (and `t`) may be gone by the time the answer comes.
        leptos::task::spawn_local(async move {
            match connect_bot(input.token).await {
                Ok(account) => {
                    token.try_set(String::new());
                    inbox.accounts.try_update(|list| {
                        match list.iter_mut().find(|a| a.id == account.id) {
                            Some(a) => *a = account,
                            None => list.push(account),
                        }
                    });
                    inbox
                        .toasts
                        .push(ToastKind::Success, Msg::new("toast-bot-connected"));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            pending.try_set(false);
        });
    };
    view! {
        <form class="connect-bot" on:submit=submit novalidate>
            <h2 class="inbox__heading">{move || t.get().inbox.connect_bot}</h2>
            <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                <label class="field__label" for="bot-token">{move || t.get().inbox.bot_token}</label>
                <input class="field__input" id="bot-token" name="token" type="password" autocomplete="off"
                    spellcheck="false" data-testid="connect-bot-token"
                    placeholder=move || t.get().inbox.bot_token_hint
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby="bot-token-error"/>
                <p class="field__error" id="bot-token-error" role="alert">{message}</p>
            </div>
            <button class="button button--primary" type="submit" data-testid="connect-bot-submit"
                disabled=move || !hydrated.get() || pending.get()>
                {move || t.get().inbox.connect}
            </button>
        </form>
    }
}
