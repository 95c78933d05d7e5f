//! Times and sizes as the inbox shows them: in the member's time zone and language (read from
//! the page's context, so the server-rendered page and the hydrated one agree).

use crate::i18n::{clock as time_of, current_lang};
use crate::providers::prefs::current_zone;

/// `2026-11-26`: the day a message belongs to in the member's time zone.
pub fn day_of(ms: i64) -> String {
    time_of::day_key(ms, &current_zone())
}

/// A day separator's words for a `day_of` key: `November 26, 2026` / `26 ноября 2026 г.`.
pub fn day_label(key: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(key, &fmt)
        .map(|d| {
            let noon = d
                .with_hms(12, 0, 0)
                .map(|t| t.assume_utc().unix_timestamp() * 1000);
            time_of::format_day(noon.unwrap_or(0), current_lang(), "UTC")
        })
        .unwrap_or_else(|_| key.to_string())
}

/// `10:38 PM` / `22:38` in the member's time zone.
pub fn clock(ms: i64) -> String {
    time_of::format_clock(ms, current_lang(), &current_zone())
}

/// The chat list's time: the clock for today's messages (today in the member's time zone),
/// the day otherwise.
pub fn short_time(ms: i64, now: i64) -> String {
    let zone = current_zone();
    if time_of::day_key(ms, &zone) == time_of::day_key(now, &zone) {
        clock(ms)
    } else {
        time_of::format_short_day(ms, now, current_lang(), &zone)
    }
}

/// `1.2 MB`.
pub fn file_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}
