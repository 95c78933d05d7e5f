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

/// An amount in minor units as `12,500.00 EUR`.
pub fn format_money(minor: i64, currency: &str) -> String {
    let units = minor / 100;
    let cents = (minor % 100).abs();
    let digits = units.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{cents:02} {currency}")
}

/// `2026-11-26 07:38 UTC` from epoch milliseconds; identical on server and browser.
pub fn format_time(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}
