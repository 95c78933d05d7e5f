//! Times in the member's time zone and language.
//!
//! Times are stored as epoch milliseconds (UTC). Shown, they move to the member's IANA time
//! zone (`users.time_zone`): the server reads the offset from the time-zone database compiled
//! into it (jiff), the browser from its own (`Intl.DateTimeFormat`), so the WASM carries no tz data;
//! the formatting itself is this one Rust code on both sides, so server render and hydration
//! agree.

use super::Lang;

/// The offset of `zone` from UTC at the instant `ms`, in seconds (0 for an unknown zone).
pub fn offset_seconds(ms: i64, zone: &str) -> i32 {
    if zone == "UTC" || zone.is_empty() {
        return 0;
    }
    #[cfg(feature = "ssr")]
    {
        let Ok(tz) = jiff::tz::TimeZone::get(zone) else {
            return 0;
        };
        jiff::Timestamp::from_millisecond(ms)
            .map(|at| tz.to_offset(at).seconds())
            .unwrap_or(0)
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser::offset_seconds(ms, zone).unwrap_or(0)
    }
}

/// Letters, digits and `/ _ - +`, at most 64 characters: every IANA name, and safe in a cookie.
pub fn zone_shaped(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
}

/// The database's spelling of a zone name (`asia/tokyo` → `Asia/Tokyo`), if it is one.
#[cfg(feature = "ssr")]
pub fn canonical_zone(value: &str) -> Option<String> {
    if value == "UTC" {
        return Some("UTC".into());
    }
    if !zone_shaped(value) {
        return None;
    }
    let tz = jiff::tz::TimeZone::get(value).ok()?;
    Some(tz.iana_name().unwrap_or(value).to_string())
}

/// The wall-clock date and time at `ms` in `zone`.
pub fn local(ms: i64, zone: &str) -> Option<time::PrimitiveDateTime> {
    let shifted = ms as i128 + offset_seconds(ms, zone) as i128 * 1000;
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(shifted * 1_000_000).ok()?;
    Some(time::PrimitiveDateTime::new(t.date(), t.time()))
}

/// The instant a wall-clock time in `zone` names (for a `datetime-local` field). In a
/// daylight-saving gap the time is read with the offset before it.
pub fn from_local(wall: time::PrimitiveDateTime, zone: &str) -> i64 {
    let naive = (wall.assume_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let first = naive - offset_seconds(naive, zone) as i64 * 1000;
    naive - offset_seconds(first, zone) as i64 * 1000
}

/// `2026-11-26T07:38` in `zone`, the value of a `datetime-local` field.
pub fn local_input(ms: i64, zone: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    local(ms, zone)
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// Reads a `datetime-local` value (`2026-11-26T07:38`) as a time in `zone`.
pub fn parse_local_input(value: &str, zone: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let wall = time::PrimitiveDateTime::parse(value.get(..16)?, &fmt).ok()?;
    Some(from_local(wall, zone))
}

fn month_abbr(month: time::Month, lang: Lang) -> &'static str {
    let i = month as usize - 1;
    match lang {
        Lang::En => [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ][i],
        Lang::Ru => [
            "янв.",
            "февр.",
            "мар.",
            "апр.",
            "мая",
            "июн.",
            "июл.",
            "авг.",
            "сент.",
            "окт.",
            "нояб.",
            "дек.",
        ][i],
    }
}

fn month_long(month: time::Month, lang: Lang) -> &'static str {
    let i = month as usize - 1;
    match lang {
        Lang::En => [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][i],
        Lang::Ru => [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ][i],
    }
}

/// `22:30` (CLDR's short time: 24-hour in Russian, `10:30 PM` in English).
fn clock_of(t: time::PrimitiveDateTime, lang: Lang) -> String {
    match lang {
        Lang::En => {
            let h = t.hour();
            let (h12, half) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{h12}:{:02}\u{a0}{half}", t.minute())
        }
        Lang::Ru => format!("{:02}:{:02}", t.hour(), t.minute()),
    }
}

/// A date and time: `Dec 5, 2026, 10:30 PM` / `5 дек. 2026 г., 22:30`.
pub fn format_time(ms: i64, lang: Lang, zone: &str) -> String {
    let Some(t) = local(ms, zone) else {
        return String::new();
    };
    let month = month_abbr(t.month(), lang);
    match lang {
        Lang::En => format!("{month} {}, {}, {}", t.day(), t.year(), clock_of(t, lang)),
        Lang::Ru => format!("{} {month} {} г., {}", t.day(), t.year(), clock_of(t, lang)),
    }
}

/// The time of day alone: `10:30 PM` / `22:30`.
pub fn format_clock(ms: i64, lang: Lang, zone: &str) -> String {
    local(ms, zone)
        .map(|t| clock_of(t, lang))
        .unwrap_or_default()
}

/// A day: `December 5, 2026` / `5 декабря 2026 г.`.
pub fn format_day(ms: i64, lang: Lang, zone: &str) -> String {
    let Some(t) = local(ms, zone) else {
        return String::new();
    };
    let month = month_long(t.month(), lang);
    match lang {
        Lang::En => format!("{month} {}, {}", t.day(), t.year()),
        Lang::Ru => format!("{} {month} {} г.", t.day(), t.year()),
    }
}

/// A short day: `Dec 5` (this year) or `Dec 5, 2025` / `5 дек.`, `5 дек. 2025 г.`.
pub fn format_short_day(ms: i64, now: i64, lang: Lang, zone: &str) -> String {
    let (Some(t), Some(today)) = (local(ms, zone), local(now, zone)) else {
        return String::new();
    };
    let month = month_abbr(t.month(), lang);
    match (lang, t.year() == today.year()) {
        (Lang::En, true) => format!("{month} {}", t.day()),
        (Lang::En, false) => format!("{month} {}, {}", t.day(), t.year()),
        (Lang::Ru, true) => format!("{} {month}", t.day()),
        (Lang::Ru, false) => format!("{} {month} {} г.", t.day(), t.year()),
    }
}

/// The calendar day of `ms` in `zone` as `2026-11-26`: messages of one day share it.
pub fn day_key(ms: i64, zone: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    local(ms, zone)
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
mod browser {
    //! The browser's time-zone database, through `Intl.DateTimeFormat`.

    use js_sys::{Array, Object, Reflect};
    use std::cell::RefCell;
    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        /// The last zone's formatter: building one costs more than using it.
        static FORMATTER: RefCell<Option<(String, js_sys::Intl::DateTimeFormat)>> =
            const { RefCell::new(None) };
    }

    fn formatter(zone: &str) -> Option<js_sys::Intl::DateTimeFormat> {
        FORMATTER.with(|cell| {
            if let Some((z, f)) = cell.borrow().as_ref() {
                if z == zone {
                    return Some(f.clone());
                }
            }
            let options = Object::new();
            for (key, value) in [
                ("timeZone", zone),
                ("hourCycle", "h23"),
                ("year", "numeric"),
                ("month", "numeric"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "numeric"),
                ("second", "numeric"),
            ] {
                Reflect::set(&options, &key.into(), &value.into()).ok()?;
            }
            let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
            let ctor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
                .ok()?
                .dyn_into()
                .ok()?;
            // An unknown zone throws a RangeError: `construct` turns it into `Err`.
            let args = Array::of2(&JsValue::from_str("en-US"), &options);
            let f: js_sys::Intl::DateTimeFormat =
                Reflect::construct(&ctor, &args).ok()?.unchecked_into();
            *cell.borrow_mut() = Some((zone.to_string(), f.clone()));
            Some(f)
        })
    }

    pub fn offset_seconds(ms: i64, zone: &str) -> Option<i32> {
        let f = formatter(zone)?;
        let second = ms.div_euclid(1000) * 1000;
        let parts = f.format_to_parts(&js_sys::Date::new(&JsValue::from_f64(second as f64)));
        let mut fields = [0f64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let value: f64 = Reflect::get(&part, &"value".into())
                .ok()?
                .as_string()?
                .parse()
                .ok()?;
            let i = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            fields[i] = value;
        }
        let wall = js_sys::Date::utc(fields[0], fields[1] - 1.0)
            + ((fields[2] - 1.0) * 86_400.0 + fields[3] * 3_600.0 + fields[4] * 60.0 + fields[5])
                * 1000.0;
        Some(((wall - second as f64) / 1000.0).round() as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-05 22:30 UTC
    const AT: i64 = 1_796_509_800_000;

    #[test]
    fn shows_times_in_the_members_zone_and_language() {
        assert_eq!(
            format_time(AT, Lang::En, "UTC"),
            "Dec 5, 2026, 10:30\u{a0}PM"
        );
        assert_eq!(format_time(AT, Lang::Ru, "UTC"), "5 дек. 2026 г., 22:30");
        // Vladivostok is UTC+10: already the next morning.
        assert_eq!(
            format_time(AT, Lang::Ru, "Asia/Vladivostok"),
            "6 дек. 2026 г., 08:30"
        );
        assert_eq!(
            format_day(AT, Lang::En, "Asia/Vladivostok"),
            "December 6, 2026"
        );
        assert_eq!(day_key(AT, "Asia/Vladivostok"), "2026-12-06");
        assert_eq!(day_key(AT, "America/New_York"), "2026-12-05");
        assert_eq!(
            format_clock(AT, Lang::En, "America/New_York"),
            "5:30\u{a0}PM"
        );
        assert_eq!(
            format_time(AT, Lang::En, "Not/AZone"),
            "Dec 5, 2026, 10:30\u{a0}PM"
        );
    }

    #[test]
    fn daylight_saving_moves_the_offset() {
        // 2026-07-01 12:00 UTC: Berlin is +2 in summer, +1 in winter.
        assert_eq!(offset_seconds(1_782_907_200_000, "Europe/Berlin"), 7200);
        assert_eq!(offset_seconds(AT, "Europe/Berlin"), 3600);
        let wall = parse_local_input("2026-07-01T14:00", "Europe/Berlin");
        assert_eq!(wall, Some(1_782_907_200_000));
        assert_eq!(
            local_input(1_782_907_200_000, "Europe/Berlin"),
            "2026-07-01T14:00"
        );
    }
}
