//! The composer: a multi-line message with an optional reply and an optional file (picked
//! with the paperclip or dropped on the composer; the text becomes its caption). Enter sends,
//! Shift+Enter starts a new line; the sent message appears at once (the server answers it
//! `pending`).

use super::format::file_size;
use super::send_file::{send_file, MAX_FILE_BYTES};
use super::state::use_inbox;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::ids::ConversationId;
use crate::messaging::{send_message, SendInput};
use crate::providers::{use_hydrated, ToastKind};
use leptos::prelude::*;
use validator::Validate;

thread_local! {
    /// The file chosen in the composer, kept in the browser's thread: a `File` cannot be sent
    /// between threads, and a thread-bound signal (`new_local`) panics when the server drops
    /// it on another worker thread after rendering the page.
    static PICKED: std::cell::RefCell<Option<web_sys::File>> = const { std::cell::RefCell::new(None) };
}

/// How often typing is announced while the member keeps typing.
const TYPING_EVERY_MS: i64 = 4_000;

#[component]
pub fn Composer(
    /// The conversation written to.
    conversation_id: ConversationId,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let hydrated = use_hydrated();
    let text = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    // The other side sees "typing…" for about five seconds: tell the server at most that often.
    let typed_at = StoredValue::new(0_i64);
    let on_type = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let now = super::format::now_ms();
        if !value.trim().is_empty() && now - typed_at.get_value() > TYPING_EVERY_MS {
            typed_at.set_value(now);
            leptos::task::spawn_local(async move {
                // A lost indicator harms nobody: nothing to tell the member.
                let _ = crate::messaging::show_typing(conversation_id).await;
            });
        }
        text.set(value);
    };
    // The chosen file's name and size; the browser `File` itself is in `PICKED`.
    let file = RwSignal::new(None::<(String, f64)>);
    let clear_file = move || {
        PICKED.with(|p| p.borrow_mut().take());
        file.set(None);
    };
    let choose = move |picked: Option<web_sys::File>| {
        let Some(picked) = picked else { return };
        if picked.size() > MAX_FILE_BYTES {
            inbox
                .toasts
                .push(ToastKind::Error, Msg::new("toast-file-too-large"));
        } else {
            file.set(Some((picked.name(), picked.size())));
            PICKED.with(|p| *p.borrow_mut() = Some(picked));
        }
    };
    let send = move || {
        let body = text.get_untracked();
        let attached = file
            .get_untracked()
            .and_then(|_| PICKED.with(|p| p.borrow().clone()));
        if (body.trim().is_empty() && attached.is_none()) || sending.get_untracked() {
            return;
        }
        let input = SendInput {
            conversation_id,
            text: body.trim_end().to_string(),
            reply_to_message_id: inbox.reply_to.with_untracked(|r| r.as_ref().map(|m| m.id)),
        };
        if let Err(e) = input.validate() {
            let e: crate::error::AppError = e.into();
            inbox.toasts.push(ToastKind::Error, e);
            return;
        }
        sending.set(true);
        text.set(String::new());
        leptos::task::spawn_local(async move {
            let sent = match &attached {
                Some(f) => {
                    send_file(
                        input.conversation_id,
                        &input.text,
                        input.reply_to_message_id,
                        f,
                    )
                    .await
                }
                None => send_message(input).await,
            };
            match sent {
                Ok(message) => {
                    inbox.reply_to.try_set(None);
                    if attached.is_some() {
                        clear_file();
                    }
                    inbox.apply_message(message);
                }
                Err(e) => {
                    // Give the text back unless something new was typed meanwhile.
                    text.try_update(|now| {
                        if now.is_empty() {
                            *now = body;
                        }
                    });
                    inbox.toasts.push(ToastKind::Error, e);
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
    let on_pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        choose(input.files().and_then(|f| f.get(0)));
        // Picking the same file again still fires `change`.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        let dropped = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        if dropped.is_some() {
            ev.prevent_default();
            choose(dropped);
        }
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        let has_files = ev
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0));
        if has_files {
            ev.prevent_default();
        }
    };
    let chosen = move || {
        file.get().map(|(name, size)| {
            view! {
                <div class="composer__file" data-testid="composer-file">
                    <span class="composer__file-name">{name}</span>
                    <span class="muted">{file_size(size as i64)}</span>
                    <button class="composer__cancel" type="button" aria-label=move || t.get().inbox.remove_attachment
                        title=move || t.get().inbox.remove_attachment on:click=move |_| clear_file()>
                        "×"
                    </button>
                </div>
            }
        })
    };
    view! {
        <form class="composer" on:submit=on_submit on:drop=on_drop on:dragover=on_dragover>
            {quoted}
            {chosen}
            <div class="composer__row">
                <label class="button composer__attach" title=move || t.get().inbox.attach>
                    <span aria-hidden="true">"📎"</span>
                    <span class="visually-hidden">{move || t.get().inbox.attach}</span>
                    <input class="visually-hidden" type="file" data-testid="composer-attach"
                        disabled=move || !hydrated.get() || sending.get() on:change=on_pick/>
                </label>
                <label class="visually-hidden" for="composer-input">{move || t.get().inbox.composer_label}</label>
                <textarea class="composer__input" id="composer-input" name="text" rows="2" maxlength="4096"
                    data-testid="composer-input" placeholder=move || t.get().inbox.composer_placeholder
                    prop:value=move || text.get() on:input=on_type
                    on:keydown=on_keydown></textarea>
                <button class="button button--primary composer__send" type="submit" data-testid="composer-send"
                    disabled=move || !hydrated.get() || sending.get()>
                    {move || t.get().inbox.send}
                </button>
            </div>
        </form>
    }
}
