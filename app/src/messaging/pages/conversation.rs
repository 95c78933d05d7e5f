//! The right pane: the open conversation — its header, its history (older messages load when
//! scrolled to the top, or with the button), the composer and the CRM panel.

use super::composer::Composer;
use super::crm_panel::CrmPanel;
use super::format::{day_label, day_of};
use super::live;
use super::message::Message;
use super::state::{inbox_href, use_inbox, MESSAGE_PAGE};
use crate::components::Skeleton;
use crate::error::AppError;
use crate::i18n::use_strings;
use crate::ids::{ConversationId, MessageId};
use crate::messaging::{
    get_conversation, list_messages, ConversationView, MessagePage, MessageQuery,
};
use crate::providers::ToastKind;
use leptos::prelude::*;

// The conversation and its newest messages are two resources, each a single server call that
// starts on the resource's first poll. Chained in one future, the second call would start only
// after the first answered; the server may render the page more than once (`Suspense` re-runs)
// and by then the pass that started it can be disposed, taking the server-function context with
// it ("AppState missing", an error in the serialized resource while the HTML shows the chat), and
// the browser would hydrate that error over the rendered chat.
async fn load_conversation(
    id: Option<ConversationId>,
) -> Result<Option<ConversationView>, AppError> {
    match id {
        Some(id) => get_conversation(id).await.map(Some),
        None => Ok(None),
    }
}

async fn load_messages(id: Option<ConversationId>) -> Result<Option<MessagePage>, AppError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let query = MessageQuery {
        before: None,
        limit: Some(MESSAGE_PAGE),
    };
    list_messages(id, query).await.map(Some)
}

#[component]
pub fn ConversationPane() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let conversation = Resource::new(move || inbox.open.get(), load_conversation);
    let messages = Resource::new(move || inbox.open.get(), load_messages);
    view! {
        <section class="inbox__conversation" data-testid="conversation-pane"
            aria-label=move || t.get().inbox.history>
            <Transition fallback=|| view! { <Skeleton lines=8/> }>
                {move || Suspend::new(async move {
                    let loaded = (conversation.await, messages.await);
                    match loaded {
                        (Ok(Some(conversation)), Ok(Some(page))) => view! { <Conversation conversation page/> }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                        _ => view! { <NoConversation/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NoConversation() -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    inbox.current.set(None);
    inbox.messages.set(Vec::new());
    view! { <div class="inbox__empty inbox__placeholder"><p>{move || t.get().inbox.pick_chat}</p></div> }
}

/// A day separator (keyed by the message it precedes, so a day never repeats a key even when
/// message times are out of order) or a message, in the order shown.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Row {
    Day(String, MessageId),
    Message(MessageId),
}

#[component]
fn Conversation(
    /// The open conversation.
    conversation: ConversationView,
    /// Its newest messages, newest first.
    page: MessagePage,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let id = conversation.id;
    inbox.current.set(Some(conversation));
    inbox.older.set(page.next_before);
    inbox.messages.set(page.items.into_iter().rev().collect());
    inbox.reply_to.set(None);
    // Opening a conversation reads it; effects run only in the browser, once hydrated.
    Effect::new(move |_| live::mark_read(inbox));
    let loading = RwSignal::new(false);
    let load_older = move || {
        let Some(before) = inbox.older.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            let query = MessageQuery {
                before: Some(before),
                limit: Some(MESSAGE_PAGE),
            };
            match list_messages(id, query).await {
                Ok(p) if inbox.current_id() == Some(id) => {
                    inbox.prepend_messages(p.items);
                    inbox.older.try_set(p.next_before);
                }
                Ok(_) => {}
                Err(e) => inbox.toasts.push(ToastKind::Error, e),
            }
            loading.try_set(false);
        });
    };
    // The history scrolls bottom-up (`column-reverse`), so loading older messages above keeps
    // what is on screen in place; near the top, the next page loads.
    let scroller = NodeRef::<leptos::html::Div>::new();
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            let from_top = el.scroll_height() - el.client_height() + el.scroll_top();
            if from_top < 80 {
                load_older();
            }
        }
    };
    let rows = move || {
        inbox.messages.with(|list| {
            let mut rows = Vec::with_capacity(list.len() + 4);
            let mut last = String::new();
            for m in list {
                let day = day_of(m.sent_at);
                if day != last {
                    rows.push(Row::Day(day.clone(), m.id));
                    last = day;
                }
                rows.push(Row::Message(m.id));
            }
            rows
        })
    };
    let field = move |f: fn(&ConversationView) -> String| {
        move || {
            inbox
                .current
                .with(|c| c.as_ref().map(f).unwrap_or_default())
        }
    };
    let username = field(|c| c.username.clone());
    view! {
        <div class="conversation">
            <div class="conversation__main">
                <header class="conversation__header">
                    <a class="conversation__back" href=move || inbox_href(None, inbox.account.get())>
                        {move || t.get().inbox.back_to_chats}
                    </a>
                    <div class="conversation__who">
                        <h2 class="conversation__title">{field(|c| c.title.clone())}</h2>
                        <Show when=move || !username().is_empty()>
                            <span class="muted">"@"{username}</span>
                        </Show>
                        <Show when=move || inbox.typing.get().is_some() && inbox.typing.get() == inbox.current.with(|c| c.as_ref().map(|c| c.id))>
                            <span class="conversation__typing muted" role="status" data-testid="conversation-typing">
                                {move || t.get().telegram.typing}
                            </span>
                        </Show>
                    </div>
                </header>
                <div class="conversation__scroller" node_ref=scroller on:scroll=on_scroll>
                    <div class="conversation__history">
                        <Show when=move || inbox.older.with(Option::is_some)
                            fallback=move || view! { <p class="conversation__start muted">{move || t.get().inbox.start_of_chat}</p> }>
                            <button class="button conversation__older" type="button" data-testid="load-older"
                                disabled=move || loading.get() on:click=move |_| load_older()>
                                {move || t.get().inbox.load_older}
                            </button>
                        </Show>
                        <ol class="messages" aria-label=move || t.get().inbox.history>
                            <For each=rows key=|r| r.clone() let:row>
                                {match row {
                                    Row::Day(day, _) => {
                                        let key = day.clone();
                                        view! {
                                            <li class="messages__day"><time datetime=day>{move || day_label(&key)}</time></li>
                                        }.into_any()
                                    }
                                    Row::Message(id) => view! { <Message id/> }.into_any(),
                                }}
                            </For>
                        </ol>
                    </div>
                </div>
                <Show when=move || crate::providers::use_session().may(crate::access::permissions::Action::ReplyInConversations)>
                    <Composer conversation_id=id/>
                </Show>
            </div>
            <CrmPanel/>
        </div>
    }
}
