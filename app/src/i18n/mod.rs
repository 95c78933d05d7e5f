//! The translation layer: every visible string comes from a `Strings` table.
//!
//! Tables are plain structs, so a string missing from one language is a compile error.

mod en;
mod ru;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().get(..2)?.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }
    /// The language's own name, shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &en::EN,
            Lang::Ru => &ru::RU,
        }
    }
}

/// Every string the UI shows, in one language.
pub struct Strings {
    pub app_name: &'static str,
    pub loading: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_settings: &'static str,
    pub realtime_connected: &'static str,
    pub realtime_reconnecting: &'static str,
    pub realtime_offline: &'static str,
    pub theme_label: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub theme_system: &'static str,
    pub language_label: &'static str,
    pub account_menu: &'static str,
    pub sign_out: &'static str,
    pub sign_out_everywhere: &'static str,
    pub workspace_label: &'static str,
    pub new_workspace: &'static str,
    pub create: &'static str,
    pub cancel: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub dismiss: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub your_name: &'static str,
    pub workspace_name: &'static str,
    pub signin_title: &'static str,
    pub signin_submit: &'static str,
    pub signup_title: &'static str,
    pub signup_subtitle: &'static str,
    pub signup_submit: &'static str,
    pub no_account: &'static str,
    pub have_account: &'static str,
    pub home_title: &'static str,
    pub home_welcome: &'static str,
    pub members: &'static str,
    pub member_count: &'static str,
    pub recent_activity: &'static str,
    pub no_activity: &'static str,
    pub settings_title: &'static str,
    pub settings_general: &'static str,
    pub settings_sessions: &'static str,
    pub settings_sessions_hint: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_supervisor: &'static str,
    pub role_rep: &'static str,
    pub role_viewer: &'static str,
    pub you: &'static str,
    pub error_generic: &'static str,
    pub error_email_invalid: &'static str,
    pub error_password_length: &'static str,
    pub error_required: &'static str,
    pub error_too_long: &'static str,
    pub error_credentials: &'static str,
    pub error_email_taken: &'static str,
    pub error_rate_limited: &'static str,
    pub error_read_only: &'static str,
    pub event_workspace_created: &'static str,
    pub event_workspace_renamed: &'static str,
    pub event_member_joined: &'static str,
    pub event_other: &'static str,
    pub page_not_found: &'static str,
    pub go_home: &'static str,
}

impl Strings {
    /// The translated message for an error code sent by the server, when there is one.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "email_invalid" => self.error_email_invalid,
            "password_length" => self.error_password_length,
            "required" => self.error_required,
            "too_long" => self.error_too_long,
            "credentials" => self.error_credentials,
            "email_taken" => self.error_email_taken,
            "rate_limited" => self.error_rate_limited,
            _ => return None,
        })
    }

    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "owner" => self.role_owner,
            "admin" => self.role_admin,
            "supervisor" => self.role_supervisor,
            "rep" => self.role_rep,
            _ => self.role_viewer,
        }
    }
}

/// The current language, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<I18n>().0
}

/// The current string table, reactive to language switches.
pub fn use_strings() -> Signal<&'static Strings> {
    let lang = use_lang();
    Signal::derive(move || lang.get().strings())
}
