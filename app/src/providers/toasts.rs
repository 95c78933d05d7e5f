//! Toasts: short messages about the outcome of an action, announced to screen readers.
//!
//! A toast keeps what it says, not the words: a message id (`Msg`) or the server's error, so
//! switching the language re-renders the toasts on screen too.

use crate::error::{AppError, ErrorCode};
use crate::i18n::{Lang, Msg, Strings};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

/// What a toast says.
#[derive(Debug, Clone, PartialEq)]
pub enum ToastText {
    /// A message of the translation files.
    Msg(Msg),
    /// An error from the server: its code's (or first field's) translation, else its text.
    Error(AppError),
    /// Words that are not the app's own (a reminder's title, a chat's text).
    Text(String),
}

impl From<Msg> for ToastText {
    fn from(m: Msg) -> Self {
        ToastText::Msg(m)
    }
}
impl From<AppError> for ToastText {
    fn from(e: AppError) -> Self {
        ToastText::Error(e)
    }
}
impl From<String> for ToastText {
    fn from(s: String) -> Self {
        ToastText::Text(s)
    }
}

impl ToastText {
    /// The words in `lang`.
    pub fn render(&self, lang: Lang, t: &'static Strings) -> String {
        match self {
            ToastText::Msg(m) => m.render(lang),
            ToastText::Error(e) if e.code == ErrorCode::InternalError => {
                t.error_generic.to_string()
            }
            ToastText::Error(e) => crate::i18n::first_message(t, e),
            ToastText::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: ToastText,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub fn push(&self, kind: ToastKind, text: impl Into<ToastText>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| {
            items.push(Toast {
                id,
                kind,
                text: text.into(),
            })
        });
        let items = self.items;
        set_timeout(
            move || items.update(|i| i.retain(|t| t.id != id)),
            Duration::from_secs(5),
        );
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|i| i.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next: StoredValue::new(1),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}
