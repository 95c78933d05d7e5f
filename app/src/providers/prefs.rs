//! Theme and language preferences, kept in cookies so the server renders them directly
//! (no flash of the wrong theme, no hydration mismatch) and they persist across reloads.

use crate::i18n::{I18n, Lang};
use leptos::prelude::*;

pub const THEME_COOKIE: &str = "parley_theme";
pub const LANG_COOKIE: &str = "parley_lang";

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

/// The preferences of this request (server) or of the rendered page (browser).
pub fn initial() -> (Theme, Lang) {
    #[cfg(feature = "ssr")]
    {
        use crate::auth::server::context_cookie;
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
        (
            Theme::parse(theme.as_deref().unwrap_or("")),
            lang.or(accepted).unwrap_or_default(),
        )
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
            .and_then(|h| h.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l));
        (Theme::parse(&theme), lang.unwrap_or_default())
    }
}

/// Provides the theme and language signals and keeps the page and cookies in step with them.
pub fn provide_prefs() {
    let (theme, lang) = initial();
    let theme = RwSignal::new(theme);
    let lang = RwSignal::new(lang);
    provide_context(ThemeCtx(theme));
    provide_context(I18n(lang));
    Effect::new(move |prev: Option<()>| {
        let (t, l) = (theme.get(), lang.get());
        if prev.is_some() {
            persist(THEME_COOKIE, t.code());
            persist(LANG_COOKIE, l.code());
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("data-theme", t.code());
            let _ = html.set_attribute("lang", l.code());
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
