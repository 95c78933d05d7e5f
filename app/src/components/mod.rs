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

use leptos::prelude::*;

/// An amount in minor units with its currency, written the current language's way
/// (`$1,500.50`, `1 500,50 ₽`); reactive to language switches when read in a closure.
pub fn format_money(minor: i64, currency: &str) -> String {
    crate::i18n::number::format_money(minor, currency, crate::i18n::current_lang())
}

/// The member's time zone (UTC where none is provided).
pub fn current_zone() -> String {
    use_context::<crate::providers::prefs::TimeZoneCtx>()
        .map(|z| z.0.get())
        .unwrap_or_else(|| "UTC".to_string())
}

/// A date and time in the member's time zone and language (`Dec 5, 2026, 10:30 PM`,
/// `5 дек. 2026 г., 22:30`); the same on server and browser.
pub fn format_time(ms: i64) -> String {
    crate::i18n::clock::format_time(ms, crate::i18n::current_lang(), &current_zone())
}
