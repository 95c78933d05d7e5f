//! Times and sizes as the inbox shows them. Times are UTC, so the server-rendered page and
//! the hydrated one agree.

fn utc(ms: i64) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()
}

/// `2026-11-26`: the day a message belongs to (UTC, identical on server and browser).
pub fn day_of(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    utc(ms)
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// `07:38` (UTC).
pub fn clock(ms: i64) -> String {
    let fmt = time::macros::format_description!("[hour]:[minute]");
    utc(ms)
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// The chat list's time: the clock for today's messages, the day otherwise.
pub fn short_time(ms: i64, now: i64) -> String {
    if day_of(ms) == day_of(now) {
        clock(ms)
    } else {
        day_of(ms)
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
