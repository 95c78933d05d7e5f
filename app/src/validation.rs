//! Helpers shared by every input type's `validator` rules, in the browser and on the server.

/// A text field that must not be empty (after trimming).
pub fn required(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        Err(validator::ValidationError::new("required")
            .with_message("This field is required".into()))
    } else {
        Ok(())
    }
}

/// Trims surrounding whitespace; every text input passes through this before validation.
pub fn trimmed(s: &str) -> String {
    s.trim().to_string()
}

/// An email address: the grammar of the HTML `<input type="email">` (WHATWG), plus the RFC 5321
/// length limits (64 for the local part, 253 for the domain) and internationalised domain
/// labels made of letters and digits. Hand-written rather than `validator`'s `email`, which
/// pulls a regex engine and the IDNA tables into the browser bundle for the same answer.
pub fn email(value: &str) -> Result<(), validator::ValidationError> {
    if is_email(value) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("email_invalid")
            .with_message("Enter a valid email address".into()))
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let domain_ok = (1..=253).contains(&domain.len())
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails_follow_the_html_input_grammar() {
        for ok in [
            "a@b",
            "ann.lee+crm@example.co.uk",
            "o'neil@x-y.com",
            "ivan@пример.рф",
        ] {
            assert!(super::is_email(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "a",
            "@b.com",
            "a@",
            "a b@c.com",
            "a@b..com",
            "a@-b.com",
            "a@b-.com",
            "a@b@c",
            "a@b_c.com",
        ] {
            assert!(!super::is_email(bad), "{bad} should be refused");
        }
        assert!(!super::is_email(&format!("{}@b.com", "x".repeat(65))));
    }
}

/// A Telegram username: 4–32 letters, digits or underscores (a leading `@` is dropped first).
pub fn telegram_username(value: &str) -> Result<(), validator::ValidationError> {
    let ok = (4..=32).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("telegram_username")
            .with_message("Use 4 to 32 letters, digits or underscores".into()))
    }
}

/// A phone number: digits with the usual separators, at most 32 characters.
pub fn phone(value: &str) -> Result<(), validator::ValidationError> {
    let ok = value.len() <= 32
        && value.chars().any(|c| c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("phone").with_message("Enter a phone number".into()))
    }
}

/// Trims a text field; an empty result becomes `None`.
pub fn optional(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `Option<Option<T>>` for PATCH bodies: absent → `None`, `null` → `Some(None)`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// Three upper-case letters (ISO 4217).
pub fn currency(value: &str) -> Result<(), validator::ValidationError> {
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("currency")
            .with_message("Use a three-letter currency code".into()))
    }
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(value: &str) -> Result<(), validator::ValidationError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format).map(|_| ()).map_err(|_| {
        validator::ValidationError::new("date").with_message("Use a date like 2026-12-31".into())
    })
}

/// A colour as `#rrggbb`.
pub fn color(value: &str) -> Result<(), validator::ValidationError> {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("color")
            .with_message("Use a colour like #0ea5e9".into()))
    }
}
