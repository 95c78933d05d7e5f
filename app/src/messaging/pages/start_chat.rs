//! "Write first": find someone by username or phone number on an account that can write first,
//! and open the (empty) conversation with them. Shown only to members who may, and only when
//! an account can; the server checks both again.

use super::state::{inbox_href, use_inbox};
use crate::access::permissions::Action;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::messaging::{list_channel_accounts, start_conversation, AccountView, StartChat};
use crate::providers::{use_hydrated, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The accounts that can write first and that the member may write from.
fn reaching(accounts: &[AccountView], may: impl Fn(Option<i64>) -> bool) -> Vec<AccountView> {
    accounts
        .iter()
        .filter(|a| a.reach.is_some() && may(a.owner_id))
        .cloned()
        .collect()
}

/// What was typed, as the server's input: `+…` is a phone number, anything else a username.
fn input_of(account_id: i64, who: &str) -> StartChat {
    let who = who.trim();
    let (username, phone) = if who.starts_with('+') {
        (None, Some(who.to_string()))
    } else {
        (Some(who.to_string()), None)
    };
    StartChat {
        account_id,
        username,
        phone,
    }
}

#[component]
pub fn WriteFirst() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let session = use_session();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let accounts = Memo::new(move |_| {
        let may = |owner| session.may_on(Action::StartConversations, owner);
        inbox.accounts.with(|a| reaching(a, may))
    });
    let chosen = RwSignal::new(None::<i64>);
    let account = Memo::new(move |_| {
        let list = accounts.get();
        let id = chosen.get();
        id.and_then(|id| list.iter().find(|a| a.id == id).cloned())
            .or_else(|| list.first().cloned())
    });
    let who = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let message = move || {
        error.with(|e| {
            e.as_ref().map(|e| match e.details.first() {
                Some(f) => crate::i18n::translate_field(t.get(), f),
                None => e.error.clone(),
            })
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(from) = account.get_untracked() else {
            return;
        };
        if who.get_untracked().trim().is_empty() {
            error.set(Some(AppError::field(
                "username",
                "required",
                "Enter a username or a phone number",
            )));
            return;
        }
        let input = input_of(from.id, &who.get_untracked());
        error.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match start_conversation(input).await {
                Ok(conversation) => {
                    who.try_set(String::new());
                    let id = conversation.id;
                    inbox.apply_conversation(conversation);
                    navigate(
                        &inbox_href(Some(id), inbox.account.get_untracked()),
                        Default::default(),
                    );
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            pending.try_set(false);
            // A lookup counts whether or not it found someone: show the allowance as it now is.
            if let Ok(list) = list_channel_accounts().await {
                inbox.accounts.try_set(list);
            }
        });
    };
    let allowed = move || !accounts.with(Vec::is_empty);
    view! {
        <Show when=allowed>
            <form class="connect-bot" on:submit=submit.clone() novalidate data-testid="write-first">
                <h2 class="inbox__heading">{move || t.get().inbox.new_chat}</h2>
                <Show when=move || accounts.with(|a| a.len() > 1)>
                    <div class="field">
                        <label class="field__label" for="write-first-account">{move || t.get().inbox.new_chat_account}</label>
                        <select class="select" id="write-first-account" data-testid="write-first-account"
                            on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                            {move || accounts.get().into_iter().map(|a| {
                                let id = a.id;
                                view! {
                                    <option value=id.to_string() selected=move || account.with(|x| x.as_ref().map(|x| x.id) == Some(id))>
                                        {a.name}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label class="field__label" for="write-first-who">{move || t.get().inbox.new_chat_who}</label>
                    <input class="field__input" id="write-first-who" name="who" type="text" autocomplete="off"
                        spellcheck="false" data-testid="write-first-who"
                        placeholder=move || t.get().inbox.new_chat_who_hint
                        prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))
                        aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                        aria-describedby="write-first-error write-first-allowance"/>
                    <p class="field__error" id="write-first-error" role="alert">{message}</p>
                    <p class="field__hint muted" id="write-first-allowance" data-testid="write-first-allowance">
                        {move || account.get().and_then(|a| a.reach).map(|r| {
                            format!("{}: {} / {}", t.get().inbox.lookups_used, r.used, r.per_day)
                        })}
                    </p>
                </div>
                <button class="button button--primary" type="submit" data-testid="write-first-submit"
                    disabled=move || !hydrated.get() || pending.get()>
                    {move || t.get().inbox.new_chat_open}
                </button>
            </form>
        </Show>
    }
}
