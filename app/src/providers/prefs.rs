//! Theme, language and time-zone preferences, kept in cookies so the server renders them
//! directly (no flash of the wrong theme, no hydration mismatch) and they persist across
//! reloads. The language and time zone are the member's own (`users.locale`,
//! `users.time_zone`): the server sets both cookies from the account at sign-in and when the
//! profile is saved.

use crate::i18n::{I18n, Lang};
use leptos::prelude::*;

pub const THEME_COOKIE: &str = "parley_theme";
pub const LANG_COOKIE: &str = "parley_lang";
pub const TZ_COOKIE: &str = "parley_tz";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];
    pub fn code(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

#[derive(Clone, Copy)]
pub struct ThemeCtx(pub RwSignal<Theme>);

pub fn use_theme() -> RwSignal<Theme> {
    expect_context::<ThemeCtx>().0
}

/// The member's IANA time zone (`Asia/Vladivostok`); every time shown is in it.
#[derive(Clone, Copy)]
pub struct TimeZoneCtx(pub RwSignal<String>);

pub fn use_time_zone() -> RwSignal<String> {
    expect_context::<TimeZoneCtx>().0
}

/// The member's time zone, outside a reactive context too (UTC where none is provided).
pub fn current_zone() -> String {
    use_context::<TimeZoneCtx>()
        .map(|z| z.0.get())
        .unwrap_or_else(|| "UTC".to_string())
}

/// The preferences a page is rendered with.
pub struct Prefs {
    pub theme: Theme,
    pub lang: Lang,
    pub time_zone: String,
}

/// A time-zone name as it may appear in a cookie or attribute; anything else is UTC. The
/// server keeps only zones its database knows (spelled its way), so both sides compute the
/// same offsets; the browser takes what the server rendered.
fn zone_name(raw: Option<String>) -> String {
    let raw = raw.filter(|z| crate::i18n::clock::zone_shaped(z));
    #[cfg(feature = "ssr")]
    let raw = raw.and_then(|z| crate::i18n::clock::canonical_zone(&z));
    raw.unwrap_or_else(|| "UTC".to_string())
}

/// The preferences of this request (server) or of the rendered page (browser).
pub fn initial() -> Prefs {
    #[cfg(feature = "ssr")]
    {
        use crate::access::server::cookie_value as context_cookie;
        let parts = use_context::<http::request::Parts>();
        let headers = parts.as_ref().map(|p| &p.headers);
        let theme = headers.and_then(|h| context_cookie(h, THEME_COOKIE));
        let lang = headers
            .and_then(|h| context_cookie(h, LANG_COOKIE))
            .and_then(|l| Lang::parse(&l));
        let accepted = headers
            .and_then(|h| {
                h.get(http::header::ACCEPT_LANGUAGE)?
                    .to_str()
                    .ok()
                    .map(str::to_string)
            })
            .and_then(|a| Lang::parse(&a));
        Prefs {
            theme: Theme::parse(theme.as_deref().unwrap_or("")),
            lang: lang.or(accepted).unwrap_or_default(),
            time_zone: zone_name(headers.and_then(|h| context_cookie(h, TZ_COOKIE))),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let html = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        let theme = html
            .as_ref()
            .and_then(|h| h.get_attribute("data-theme"))
            .unwrap_or_default();
        let lang = html
            .as_ref()
            .and_then(|h| h.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l));
        Prefs {
            theme: Theme::parse(&theme),
            lang: lang.unwrap_or_default(),
            time_zone: zone_name(html.and_then(|h| h.get_attribute("data-tz"))),
        }
    }
}

/// Provides the theme and language signals and keeps the page and cookies in step with them.
pub fn provide_prefs() {
    let prefs = initial();
    let theme = RwSignal::new(prefs.theme);
    let lang = RwSignal::new(prefs.lang);
    let time_zone = RwSignal::new(prefs.time_zone);
    provide_context(ThemeCtx(theme));
    provide_context(I18n(lang));
    provide_context(TimeZoneCtx(time_zone));
    Effect::new(move |prev: Option<()>| {
        let (t, l) = (theme.get(), lang.get());
        let zone = time_zone.get();
        if prev.is_some() {
            persist(THEME_COOKIE, t.code());
            persist(LANG_COOKIE, l.code());
            persist(TZ_COOKIE, &zone);
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("data-theme", t.code());
            let _ = html.set_attribute("lang", l.code());
            let _ = html.set_attribute("data-tz", &zone);
        }
    });
}

/// Stores a preference for a year (browser only).
fn persist(name: &str, value: &str) {
    use wasm_bindgen::JsCast;
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(doc) = doc.dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
}
