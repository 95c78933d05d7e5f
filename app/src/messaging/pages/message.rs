//! One message: the quoted message it replies to, its media, its text, its time, and for
//! outgoing messages the delivery ticks — with the reason and "Retry" when sending failed.

use super::format::{clock, file_size};
use super::state::use_inbox;
use crate::i18n::{use_strings, InboxStrings};
use crate::ids::MessageId;
use crate::messaging::{
    retry_message, ConversationKind, Direction, MediaView, MessageState, MessageView,
};
use crate::providers::ToastKind;
use leptos::prelude::*;

#[component]
pub fn Message(
    /// The message's id; its current state is read from the inbox.
    id: MessageId,
) -> impl IntoView {
    let inbox = use_inbox();
    let message = Memo::new(move |_| {
        inbox
            .messages
            .with(|list| list.iter().find(|m| m.id == id).cloned())
    });
    move || message.get().map(|m| view! { <Bubble message=m/> })
}

#[component]
fn Bubble(
    /// The message as it now is.
    message: MessageView,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let id = message.id;
    let outbound = message.direction == Direction::Out;
    let group = inbox.current.with_untracked(|c| {
        c.as_ref()
            .is_some_and(|c| c.kind != ConversationKind::Private)
    });
    let sender = (group && !outbound && !message.sender_name.is_empty())
        .then(|| message.sender_name.clone());
    let quote = message.reply_to_id.map(|reply_id| {
        move || {
            inbox.messages.with(|list| {
                list.iter().find(|m| m.id == reply_id).map(|m| {
                    let text = if m.text.is_empty() {
                        m.media
                            .as_ref()
                            .map(|x| x.file_name.clone())
                            .unwrap_or_default()
                    } else {
                        m.text.clone()
                    };
                    view! {
                        <blockquote class="message__quote">
                            <span class="message__quote-author">{m.sender_name.clone()}</span>
                            <span class="message__quote-text">{text}</span>
                        </blockquote>
                    }
                })
            })
        }
    });
    let reply_target = message.clone();
    let reply = move |_| {
        inbox.reply_to.set(Some(reply_target.clone()));
        focus_composer();
    };
    let failed = message.state == MessageState::Failed;
    let error = message.error.clone();
    let time = clock(message.sent_at);
    let deleted = message.deleted_at.is_some();
    view! {
        <li class="message" class:message--out=outbound class:message--in=!outbound
            class:message--failed=failed class:message--deleted=deleted data-testid=format!("message-{id}") id=format!("message-{id}")>
            {sender.map(|s| view! { <span class="message__sender">{s}</span> })}
            {quote}
            {message.media.clone().map(|media| view! { <Media media/> })}
            {(!message.text.is_empty()).then(|| view! { <p class="message__text">{message.text.clone()}</p> })}
            <div class="message__meta">
                <time class="message__time">{time}</time>
                {deleted.then(|| view! { <span class="message__deleted">{move || t.get().telegram.deleted}</span> })}
                {outbound.then(|| view! { <Ticks id state=message.state/> })}
                <button class="message__action" type="button" on:click=reply>{move || t.get().inbox.reply}</button>
            </div>
            {failed.then(|| view! {
                <div class="message__failure">
                    <span class="message__error" role="alert">{error.clone()}</span>
                    <button class="button message__retry" type="button" data-testid=format!("retry-message-{id}")
                        on:click=move |_| retry(inbox, id)>
                        {move || t.get().inbox.retry}
                    </button>
                </div>
            })}
        </li>
    }
}

/// Pending: a clock; sent: one tick; delivered: two; read: two blue ones; failed: a red mark.
#[component]
fn Ticks(
    /// The message's id.
    id: MessageId,
    state: MessageState,
) -> impl IntoView {
    let t = use_strings();
    let glyph = match state {
        MessageState::Pending => "🕓",
        MessageState::Sent => "✓",
        MessageState::Delivered | MessageState::Read => "✓✓",
        MessageState::Failed => "!",
    };
    let label = move || state_label(t.get().inbox, state);
    view! {
        <span class=format!("message__state message__state--{state}") data-testid=format!("message-state-{id}")
            data-state=state.as_str() title=label>
            <span aria-hidden="true">{glyph}</span>
            <span class="visually-hidden">{label}</span>
        </span>
    }
}

fn state_label(t: &'static InboxStrings, state: MessageState) -> &'static str {
    match state {
        MessageState::Pending => t.state_pending,
        MessageState::Sent => t.state_sent,
        MessageState::Delivered => t.state_delivered,
        MessageState::Read => t.state_read,
        MessageState::Failed => t.state_failed,
    }
}

/// Photos inline, other files as a download link with name and size.
#[component]
fn Media(
    /// The attachment.
    media: MediaView,
) -> impl IntoView {
    let t = use_strings();
    let href = format!("/api/messaging/media/{}", media.id);
    if media.kind == "photo" {
        let src = href.clone();
        let alt = if media.file_name.is_empty() {
            None
        } else {
            Some(media.file_name.clone())
        };
        view! {
            <a class="message__photo" href=href target="_blank" rel="noopener">
                <img src=src alt=move || alt.clone().unwrap_or_else(|| t.get().inbox.photo.to_string()) loading="lazy"/>
            </a>
        }
        .into_any()
    } else {
        view! {
            <a class="message__file" href=href download=media.file_name.clone()
                title=move || t.get().inbox.download>
                <span aria-hidden="true">"📄"</span>
                <span class="message__file-name">{media.file_name.clone()}</span>
                <span class="muted">{file_size(media.size)}</span>
            </a>
        }
        .into_any()
    }
}

fn retry(inbox: super::state::Inbox, id: MessageId) {
    leptos::task::spawn_local(async move {
        match retry_message(id).await {
            Ok(m) => {
                inbox.apply_message(m);
            }
            Err(e) => inbox.toasts.push(ToastKind::Error, e),
        }
    });
}

/// Puts the cursor in the composer (after "Reply").
fn focus_composer() {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id("composer-input")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
