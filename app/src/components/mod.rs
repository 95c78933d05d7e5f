//! Cross-cutting UI pieces used by every page.

mod realtime_indicator;
mod skeleton;
mod text_field;
mod toast_host;

pub use realtime_indicator::RealtimeIndicator;
pub use skeleton::Skeleton;
pub use text_field::TextField;
pub use toast_host::ToastHost;

/// `2026-11-26 07:38 UTC` from epoch milliseconds; identical on server and browser.
pub fn format_time(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}
