//! The translation layer: every visible string comes from a `Strings` table or, when its
//! words depend on a value (counts, names in a sentence), from a Fluent message
//! (`messages`, `app/locales/*.ftl`). Numbers and money (`number`) and times (`clock`) are
//! written the member's way.
//!
//! Tables are plain structs, so a string missing from one language is a compile error; the
//! Fluent files are compared by a test.

mod board;
pub mod clock;
mod en;
mod inbox;
mod messages;
pub mod number;
mod profile;
mod ru;
mod team;
mod telegram;

pub use board::BoardStrings;
pub use inbox::InboxStrings;
pub use messages::{has as has_message, tr, Arg, Msg};
pub use profile::ProfileStrings;
pub use team::TeamStrings;
pub use telegram::TelegramStrings;

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
    /// The language of exactly this code (`en`, `ru`): what an API field must say.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code.trim())
    }
    /// The language a header or cookie names, leniently (`ru-RU`, `EN`).
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
    pub open_deals: &'static str,
    pub import_title: &'static str,
    pub import_button: &'static str,
    pub export_csv: &'static str,
    pub import_file: &'static str,
    pub import_paste: &'static str,
    pub import_preview: &'static str,
    pub import_run: &'static str,
    pub import_column: &'static str,
    pub import_field: &'static str,
    pub import_skip: &'static str,
    pub import_rows: &'static str,
    pub import_created: &'static str,
    pub import_updated: &'static str,
    pub import_unchanged: &'static str,
    pub import_failed: &'static str,
    pub import_row: &'static str,
    pub import_reason: &'static str,
    pub import_done: &'static str,
    pub import_action: &'static str,
    pub action_create: &'static str,
    pub action_update: &'static str,
    pub action_unchanged: &'static str,
    pub action_fail: &'static str,
    pub import_hint: &'static str,
    pub import_decimal: &'static str,
    pub import_decimal_point: &'static str,
    pub import_decimal_comma: &'static str,
    pub import_deal_title: &'static str,
    pub import_deal_value: &'static str,
    pub import_deal_currency: &'static str,
    pub import_deals_created: &'static str,
    pub nav_contacts: &'static str,
    pub nav_companies: &'static str,
    pub nav_deals: &'static str,
    pub search_placeholder: &'static str,
    pub new_contact: &'static str,
    pub new_company: &'static str,
    pub new_deal: &'static str,
    pub col_name: &'static str,
    pub col_email: &'static str,
    pub col_phone: &'static str,
    pub col_company: &'static str,
    pub col_owner: &'static str,
    pub col_updated: &'static str,
    pub col_title: &'static str,
    pub col_value: &'static str,
    pub col_stage: &'static str,
    pub col_industry: &'static str,
    pub col_contacts: &'static str,
    pub col_deals: &'static str,
    pub col_contact: &'static str,
    pub empty_contacts: &'static str,
    pub empty_companies: &'static str,
    pub empty_deals: &'static str,
    pub empty_search: &'static str,
    pub prev_page: &'static str,
    pub next_page: &'static str,
    pub page_label: &'static str,
    pub of_label: &'static str,
    pub total_label: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub display_name: &'static str,
    pub phone: &'static str,
    pub telegram_username: &'static str,
    pub telegram_user_id: &'static str,
    pub company: &'static str,
    pub owner: &'static str,
    pub none_option: &'static str,
    pub industry: &'static str,
    pub size: &'static str,
    pub website: &'static str,
    pub description: &'static str,
    pub title: &'static str,
    pub value: &'static str,
    pub currency: &'static str,
    pub stage: &'static str,
    pub expected_close: &'static str,
    pub probability: &'static str,
    pub lost_reason: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub confirm_delete_title: &'static str,
    pub confirm_delete_body: &'static str,
    pub detach_deals: &'static str,
    pub created_toast: &'static str,
    pub deleted_toast: &'static str,
    pub back: &'static str,
    pub details: &'static str,
    pub timeline: &'static str,
    pub notes: &'static str,
    pub add_note: &'static str,
    pub note_label: &'static str,
    pub reminders: &'static str,
    pub add_reminder: &'static str,
    pub reminder_title: &'static str,
    pub due: &'static str,
    pub mark_done: &'static str,
    pub no_notes: &'static str,
    pub no_reminders: &'static str,
    pub no_timeline: &'static str,
    pub activity_created: &'static str,
    pub activity_edited: &'static str,
    pub activity_stage: &'static str,
    pub activity_note: &'static str,
    pub activity_reminder_added: &'static str,
    pub activity_reminder_done: &'static str,
    pub palette_label: &'static str,
    pub palette_placeholder: &'static str,
    pub palette_hint: &'static str,
    pub palette_empty: &'static str,
    pub palette_button: &'static str,
    pub bell_label: &'static str,
    pub no_due: &'static str,
    pub home_reminders: &'static str,
    pub move_stage: &'static str,
    pub stage_reason: &'static str,
    pub ev_contact_created: &'static str,
    pub ev_contact_updated: &'static str,
    pub ev_contact_deleted: &'static str,
    pub ev_company_created: &'static str,
    pub ev_company_updated: &'static str,
    pub ev_company_deleted: &'static str,
    pub ev_deal_created: &'static str,
    pub ev_deal_updated: &'static str,
    pub ev_deal_deleted: &'static str,
    pub ev_deal_stage: &'static str,
    pub ev_note: &'static str,
    pub ev_reminder: &'static str,
    pub ev_reminder_due: &'static str,
    pub ev_imported: &'static str,
    pub error_phone: &'static str,
    pub error_telegram: &'static str,
    pub error_currency: &'static str,
    pub error_amount_invalid: &'static str,
    pub error_amount_ambiguous: &'static str,
    pub error_amount_decimals: &'static str,
    pub error_date: &'static str,
    pub error_range: &'static str,
    pub error_wrong_pipeline: &'static str,
    pub error_not_in_workspace: &'static str,
    pub error_conflict_deals: &'static str,
    pub board: &'static BoardStrings,
    pub inbox: &'static InboxStrings,
    pub team: &'static TeamStrings,
    pub telegram: &'static TelegramStrings,
    pub profile: &'static ProfileStrings,
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
            "phone" => self.error_phone,
            "telegram_username" => self.error_telegram,
            "currency" => self.error_currency,
            "amount_invalid" => self.error_amount_invalid,
            "amount_ambiguous" => self.error_amount_ambiguous,
            "amount_decimals" => self.error_amount_decimals,
            "date" => self.error_date,
            "range" => self.error_range,
            "wrong_pipeline" => self.error_wrong_pipeline,
            "not_found" => self.error_not_in_workspace,
            "wrong_code" => self.team.error_wrong_code,
            "invalid_code" => self.telegram.error_code,
            "invalid_password" => self.telegram.error_password,
            "phone_international" => self.inbox.error_phone_international,
            "nobody_found" => self.inbox.error_nobody_found,
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

/// The current language, outside a reactive context too (English where none is provided).
pub fn current_lang() -> Lang {
    use_context::<I18n>().map(|i| i.0.get()).unwrap_or_default()
}

/// The current string table, reactive to language switches.
pub fn use_strings() -> Signal<&'static Strings> {
    let lang = use_lang();
    Signal::derive(move || lang.get().strings())
}

/// An error as one line: its first field error in the current language, else its message.
pub fn first_message(t: &'static Strings, e: &crate::error::AppError) -> String {
    e.details
        .first()
        .map(|f| translate_field(t, f))
        .unwrap_or_else(|| e.error.clone())
}

/// A field error in the current language (falls back to the server's English message).
pub fn translate_field(t: &'static Strings, f: &crate::error::FieldError) -> String {
    f.code
        .as_deref()
        .and_then(|c| t.error(c))
        .map(str::to_string)
        .unwrap_or_else(|| f.message.clone())
}
