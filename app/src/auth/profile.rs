//! Wire types of the member's own profile: name, language, time zone, password and email.
//!
//! The rules run in the browser before submitting and again in the service; the server also
//! checks a time zone against the IANA database, which the browser bundle does not carry.

#[cfg(feature = "ssr")]
pub use crate::i18n::clock::canonical_zone;
use crate::i18n::clock::zone_shaped;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

/// Changes to the caller's profile (REST: `PATCH /api/auth/me`); absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub name: Option<String>,
    /// `en` or `ru`: the language of the app and of the emails sent to this member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::auth::profile::locale"))]
    pub locale: Option<String>,
    /// An IANA time-zone name (`Europe/Berlin`, `UTC`); every time is shown in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::auth::profile::time_zone"))]
    pub time_zone: Option<String>,
}

impl ProfileInput {
    /// Trims text; the language code is lower-cased.
    pub fn normalized(mut self) -> Self {
        self.name = self.name.map(|n| n.trim().to_string());
        self.locale = self.locale.map(|l| l.trim().to_lowercase());
        self.time_zone = self.time_zone.map(|z| z.trim().to_string());
        self
    }
}

/// A new password while signed in (REST: `POST /api/auth/password`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    #[validate(length(
        min = 1,
        max = 128,
        code = "required",
        message = "This field is required"
    ))]
    pub current_password: String,
    #[validate(length(
        min = 8,
        max = 128,
        code = "password_length",
        message = "Use 8 to 128 characters"
    ))]
    pub new_password: String,
}

/// A request to move the account to another address (REST: `POST /api/auth/email`); the
/// address changes when the link emailed to it is opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmailChange {
    #[validate(
        custom(function = "crate::validation::email"),
        length(max = 254, code = "too_long", message = "This is too long")
    )]
    pub new_email: String,
    #[validate(length(
        min = 1,
        max = 128,
        code = "required",
        message = "This field is required"
    ))]
    pub current_password: String,
}

impl EmailChange {
    pub fn normalized(mut self) -> Self {
        self.new_email = self.new_email.trim().to_lowercase();
        self
    }
}

/// A language the app speaks: exactly `en` or `ru`.
pub fn locale(value: &str) -> Result<(), ValidationError> {
    match crate::i18n::Lang::from_code(value) {
        Some(_) => Ok(()),
        None => {
            Err(ValidationError::new("locale").with_message("Choose English or Russian".into()))
        }
    }
}

/// An IANA time-zone name. The browser checks its shape; the server also looks it up in the
/// time-zone database.
pub fn time_zone(value: &str) -> Result<(), ValidationError> {
    if zone_shaped(value) && known_zone(value) {
        Ok(())
    } else {
        Err(ValidationError::new("time_zone")
            .with_message("Choose a time zone from the list".into()))
    }
}

#[cfg(feature = "ssr")]
fn known_zone(value: &str) -> bool {
    canonical_zone(value).is_some()
}

#[cfg(not(feature = "ssr"))]
fn known_zone(_: &str) -> bool {
    true
}

/// Zones offered in the profile's list (the member's own is added when it is not here).
pub const COMMON_TIME_ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "Europe/Riga",
    "Europe/Vilnius",
    "Europe/Tallinn",
    "Europe/Minsk",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Asia/Tbilisi",
    "Asia/Yerevan",
    "Asia/Baku",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Asia/Dubai",
    "Asia/Jerusalem",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_english_and_russian_are_languages() {
        assert!(locale("en").is_ok() && locale("ru").is_ok());
        for bad in ["", "de", "russian", "ru-RU", "EN"] {
            assert!(locale(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn zone_names_have_the_shape_of_iana_names() {
        for ok in [
            "UTC",
            "Asia/Vladivostok",
            "America/Port-au-Prince",
            "Etc/GMT+5",
        ] {
            assert!(zone_shaped(ok), "{ok}");
        }
        for bad in ["", "Europe/Berlin; x=1", "Asia/Tokyo\0", &"A".repeat(65)] {
            assert!(!zone_shaped(bad), "{bad}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_knows_every_offered_zone_and_spells_them_canonically() {
        for zone in COMMON_TIME_ZONES {
            assert_eq!(canonical_zone(zone).as_deref(), Some(*zone), "{zone}");
        }
        assert_eq!(canonical_zone("asia/tokyo").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(canonical_zone("Mars/Olympus_Mons"), None);
        assert!(time_zone("Nowhere/City").is_err());
    }
}
