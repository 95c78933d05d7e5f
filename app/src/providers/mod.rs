//! Cross-page state: preferences (theme, language), toasts, and the signed-in session.

pub mod fetch;
pub mod hydration;
pub mod prefs;
pub mod session;
pub mod toasts;

pub use fetch::client_fetch;
pub use hydration::{hydration_finished, provide_hydrated, use_hydrated};
pub use prefs::{provide_prefs, use_theme, use_time_zone, Theme};
pub use session::{use_session, Session};
pub use toasts::{provide_toasts, use_toasts, ToastKind, ToastText, Toasts};

/// A full page load (after sign-in/out or a workspace switch the whole page changes).
pub fn navigate_full(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(path);
    }
}
