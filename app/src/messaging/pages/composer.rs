//! The composer: a multi-line message with an optional reply. Enter sends, Shift+Enter starts
//! a new line; the sent message appears at once (the server answers it `pending`).
//! Attachments wait for an upload server function.

use super::state::use_inbox;
use crate::i18n::use_strings;
use crate::messaging::{send_message, SendInput};
use crate::providers::{use_hydrated, ToastKind};
use leptos::prelude::*;
use validator::Validate;

#[component]
pub fn Composer(
    /// The conversation written to.
    conversation_id: i64,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let hydrated = use_hydrated();
    let text = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let send = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() || sending.get_untracked() {
            return;
        }
        let input = SendInput {
            conversation_id,
            text: body.trim_end().to_string(),
            reply_to_message_id: inbox.reply_to.with_untracked(|r| r.as_ref().map(|m| m.id)),
        };
        if let Err(e) = input.validate() {
            let e: crate::error::AppError = e.into();
            let message = e
                .field_error("text")
                .map(|f| crate::translate_field(t.get_untracked(), f))
                .unwrap_or(e.error);
            inbox.toasts.push(ToastKind::Error, message);
            return;
        }
        sending.set(true);
        text.set(String::new());
        leptos::task::spawn_local(async move {
            match send_message(input).await {
                Ok(message) => {
                    inbox.reply_to.try_set(None);
                    inbox.apply_message(message);
                }
                Err(e) => {
                    // Give the text back unless something new was typed meanwhile.
                    text.try_update(|now| {
                        if now.is_empty() {
                            *now = body;
                        }
                    });
                    inbox.toasts.push(ToastKind::Error, e.error);
                }
            }
            sending.try_set(false);
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" if !ev.shift_key() && !ev.is_composing() => {
            ev.prevent_default();
            send();
        }
        "Escape" if inbox.reply_to.with_untracked(Option::is_some) => inbox.reply_to.set(None),
        _ => {}
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    let quoted = move || {
        inbox.reply_to.get().map(|m| {
            let text = if m.text.is_empty() {
                m.media.map(|x| x.file_name).unwrap_or_default()
            } else {
                m.text
            };
            view! {
                <div class="composer__reply" data-testid="composer-reply">
                    <div class="composer__quote">
                        <span class="composer__quote-author">
                            {move || t.get().inbox.replying_to}" "{m.sender_name.clone()}
                        </span>
                        <span class="composer__quote-text">{text}</span>
                    </div>
                    <button class="composer__cancel" type="button" aria-label=move || t.get().inbox.cancel_reply
                        title=move || t.get().inbox.cancel_reply on:click=move |_| inbox.reply_to.set(None)>
                        "×"
                    </button>
                </div>
            }
        })
    };
    view! {
        <form class="composer" on:submit=on_submit>
            {quoted}
            <div class="composer__row">
                <label class="visually-hidden" for="composer-input">{move || t.get().inbox.composer_label}</label>
                <textarea class="composer__input" id="composer-input" name="text" rows="2" maxlength="4096"
                    data-testid="composer-input" placeholder=move || t.get().inbox.composer_placeholder
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))
                    on:keydown=on_keydown></textarea>
                <button class="button button--primary composer__send" type="submit" data-testid="composer-send"
                    disabled=move || !hydrated.get() || sending.get()>
                    {move || t.get().inbox.send}
                </button>
            </div>
        </form>
    }
}
