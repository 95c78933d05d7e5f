//! `/inbox`: channel accounts, the chat list and the open conversation side by side, kept live.
//! `?c=` opens a conversation and `?account=` narrows the list, so a reload keeps both.

use super::accounts::AccountsPane;
use super::chat_list::ChatList;
use super::conversation::ConversationPane;
use super::live;
use super::state::Inbox;
use crate::i18n::use_strings;
use crate::ids::ConversationId;
use crate::providers::{use_session, use_toasts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn InboxPage() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let query = use_query_map();
    let open = id_param::<ConversationId>(query, "c");
    let account = id_param::<i64>(query, "account");
    let me = session.me.with_untracked(|m| m.user.id.0);
    let inbox = Inbox::new(open, account, me, use_toasts());
    provide_context(inbox);
    live::listen(inbox);
    view! {
        <section class="page page--inbox">
            <h1 class="visually-hidden">{move || t.get().inbox.title}</h1>
            <div class="inbox" class:inbox--open=move || open.get().is_some()>
                <AccountsPane/>
                <ChatList/>
                <ConversationPane/>
            </div>
            <div class="visually-hidden" aria-live="polite" aria-atomic="true">
                {move || inbox.announce.get()}
            </div>
        </section>
    }
}

/// An id from the query string (`?c=12`); `None` when absent or not a number.
fn id_param<T>(query: Memo<ParamsMap>, name: &'static str) -> Memo<Option<T>>
where
    T: std::str::FromStr + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| query.with(|q| q.get(name).and_then(|v| v.parse::<T>().ok())))
}
