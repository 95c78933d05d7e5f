//! Cross-cutting UI pieces used by every page.

mod confirm;
mod pager;
mod realtime_indicator;
mod search_box;
mod select_field;
mod skeleton;
mod sort_header;
mod text_field;
mod toast_host;

pub use confirm::ConfirmDialog;
pub use pager::Pager;
pub use realtime_indicator::RealtimeIndicator;
pub use search_box::SearchBox;
pub use select_field::SelectField;
pub use skeleton::Skeleton;
pub use sort_header::SortHeader;
pub use text_field::TextField;
pub use toast_host::ToastHost;

use crate::error::AppError;
use crate::i18n::Strings;
use leptos::prelude::{Get, RwSignal, Signal};

/// The translated message under `field`, from a browser or server error.
pub fn field_error(
    error: RwSignal<Option<AppError>>,
    t: Signal<&'static Strings>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_error(field)
                .map(|f| crate::i18n::translate_field(t.get(), f))
        })
    })
}

/// An amount in minor units with its currency, written the current language's way
/// (`$1,500.50`, `1 500,50 ₽`); reactive to language switches when read in a closure.
pub fn format_money(minor: i64, currency: &str) -> String {
    crate::i18n::number::format_money(minor, currency, crate::i18n::current_lang())
}

/// A date and time in the member's time zone and language (`Dec 5, 2026, 10:30 PM`,
/// `5 дек. 2026 г., 22:30`); the same on server and browser.
pub fn format_time(ms: i64) -> String {
    let zone = crate::providers::prefs::current_zone();
    crate::i18n::clock::format_time(ms, crate::i18n::current_lang(), &zone)
}

/// Keeps an amount field written the shown language's way: when the language changes, the
/// text is read in the language it was typed in and rewritten in the new one, so what is
/// submitted is read as it was meant (`1,500` dinars typed in Russian is not 1500 in English).
pub fn amount_follows_language(
    value: leptos::prelude::RwSignal<String>,
    currency: impl Fn() -> String + Send + Sync + 'static,
) {
    use crate::i18n::number::{amount_input, parse_amount};
    use leptos::prelude::*;
    let lang = crate::i18n::use_lang();
    Effect::new(move |before: Option<crate::i18n::Lang>| {
        let now = lang.get();
        if let Some(before) = before.filter(|b| *b != now) {
            let currency = currency();
            let text = value.get_untracked();
            if !text.trim().is_empty() {
                if let Ok(minor) = parse_amount(&text, before, &currency) {
                    value.set(amount_input(minor, &currency, now));
                }
            }
        }
        now
    });
}
