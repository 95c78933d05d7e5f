//! Which contact field a CSV column fills, and the guess made from its header.
//!
//! Headers are compared after lower-casing and turning punctuation into spaces, so
//! `E-mail`, `e_mail` and `E mail` are the same. English and Russian names are known, and so
//! are the headers of Parley's own export, so an exported file imports back unchanged.

use serde::{Deserialize, Serialize};

/// A contact field a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ImportField {
    FirstName,
    LastName,
    DisplayName,
    Email,
    Phone,
    TelegramUsername,
    TelegramUserId,
    /// The company's name: found in the workspace (ignoring case) or created.
    Company,
    /// A deal for the contact (in the default pipeline's first stage) with this title; a
    /// contact that already has a deal of that title gets no second one.
    DealTitle,
    /// The deal's value, read with the import's decimal separator.
    DealValue,
    /// The deal's ISO 4217 currency (USD when empty).
    DealCurrency,
}

impl ImportField {
    pub const ALL: [ImportField; 11] = [
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::DisplayName,
        ImportField::Email,
        ImportField::Phone,
        ImportField::TelegramUsername,
        ImportField::TelegramUserId,
        ImportField::Company,
        ImportField::DealTitle,
        ImportField::DealValue,
        ImportField::DealCurrency,
    ];

    /// The wire name, which is also the `ContactInput` field it fills.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportField::FirstName => "firstName",
            ImportField::LastName => "lastName",
            ImportField::DisplayName => "displayName",
            ImportField::Email => "email",
            ImportField::Phone => "phone",
            ImportField::TelegramUsername => "telegramUsername",
            ImportField::TelegramUserId => "telegramUserId",
            ImportField::Company => "company",
            ImportField::DealTitle => "dealTitle",
            ImportField::DealValue => "dealValue",
            ImportField::DealCurrency => "dealCurrency",
        }
    }
}

/// Exact header names (after [`normalize`]) for each field.
const KNOWN: &[(ImportField, &[&str])] = &[
    (
        ImportField::FirstName,
        &[
            "first name",
            "firstname",
            "first",
            "given name",
            "forename",
            "имя",
        ],
    ),
    (
        ImportField::LastName,
        &[
            "last name",
            "lastname",
            "last",
            "surname",
            "family name",
            "фамилия",
        ],
    ),
    (
        ImportField::DisplayName,
        &[
            "name",
            "full name",
            "fullname",
            "display name",
            "contact",
            "contact name",
            "person",
            "фио",
            "ф и о",
            "полное имя",
            "имя и фамилия",
            "контакт",
            "контактное лицо",
        ],
    ),
    (
        ImportField::Email,
        &[
            "email",
            "e mail",
            "mail",
            "email address",
            "e mail address",
            "work email",
            "почта",
            "эл почта",
            "электронная почта",
            "емейл",
            "имейл",
            "e mail адрес",
            "адрес электронной почты",
        ],
    ),
    (
        ImportField::Phone,
        &[
            "phone",
            "phone number",
            "telephone",
            "tel",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "work phone",
            "телефон",
            "тел",
            "мобильный",
            "мобильный телефон",
            "номер телефона",
            "сотовый",
            "номер",
        ],
    ),
    (
        ImportField::TelegramUsername,
        &[
            "telegram",
            "telegram username",
            "telegram user name",
            "telegram handle",
            "telegram login",
            "tg",
            "tg username",
            "username",
            "телеграм",
            "телеграмм",
            "телеграм ник",
            "ник в телеграм",
            "ник в телеграме",
            "ник телеграм",
            "логин телеграм",
        ],
    ),
    (
        ImportField::TelegramUserId,
        &[
            "telegram id",
            "telegram user id",
            "telegram userid",
            "tg id",
            "tg user id",
            "id телеграм",
            "телеграм id",
            "id в телеграм",
        ],
    ),
    (
        ImportField::Company,
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "organization name",
            "employer",
            "account",
            "account name",
            "компания",
            "организация",
            "название компании",
            "фирма",
            "работодатель",
        ],
    ),
    (
        ImportField::DealTitle,
        &[
            "deal",
            "deal title",
            "deal name",
            "lead",
            "сделка",
            "название сделки",
        ],
    ),
    (
        ImportField::DealValue,
        &[
            "deal value",
            "value",
            "amount",
            "budget",
            "deal amount",
            "сумма",
            "сумма сделки",
            "бюджет",
            "стоимость",
        ],
    ),
    (
        ImportField::DealCurrency,
        &["currency", "deal currency", "валюта", "валюта сделки"],
    ),
];

/// Lower-case, punctuation and underscores as single spaces, `ё` as `е`.
pub fn normalize(header: &str) -> String {
    header
        .to_lowercase()
        .replace('ё', "е")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a header most likely names: an exact known name first, then a few telling
/// words inside it (`Personal e-mail`, `Телефон рабочий`).
pub fn suggest_field(header: &str) -> Option<ImportField> {
    let h = normalize(header);
    if let Some((field, _)) = KNOWN.iter().find(|(_, names)| names.contains(&h.as_str())) {
        return Some(*field);
    }
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&["telegram", "телеграм"]) {
        return Some(if h.split(' ').any(|w| w == "id") {
            ImportField::TelegramUserId
        } else {
            ImportField::TelegramUsername
        });
    }
    if has(&["email", "e mail", "почт"]) {
        Some(ImportField::Email)
    } else if has(&["phone", "mobile", "телефон", "мобильн"]) {
        Some(ImportField::Phone)
    } else if has(&["company", "organi", "компани", "организаци"]) {
        Some(ImportField::Company)
    } else if has(&["surname", "last name", "фамили"]) {
        Some(ImportField::LastName)
    } else if has(&["first name", "given name"]) {
        Some(ImportField::FirstName)
    } else {
        None
    }
}

/// The suggestion for every column, in order; a field goes to the first column that names it.
/// A value or currency column is taken for a deal only when a deal title column is there too:
/// a contact list with an "Amount" column is not a list of deals.
pub fn suggest(columns: &[String]) -> Vec<Option<ImportField>> {
    let mut taken = Vec::new();
    let suggested: Vec<Option<ImportField>> = columns
        .iter()
        .map(|c| {
            let field = suggest_field(c).filter(|f| !taken.contains(f))?;
            taken.push(field);
            Some(field)
        })
        .collect();
    let deals = taken.contains(&ImportField::DealTitle);
    suggested
        .into_iter()
        .map(|f| {
            f.filter(|f| deals || !matches!(f, ImportField::DealValue | ImportField::DealCurrency))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ImportField::*;
    use super::*;

    #[test]
    fn english_and_russian_headers_are_recognised() {
        for (header, field) in [
            ("E-mail", Email),
            ("Email Address", Email),
            ("Почта", Email),
            ("Телефон", Phone),
            ("Mobile phone", Phone),
            ("First name", FirstName),
            ("Имя", FirstName),
            ("Фамилия", LastName),
            ("Name", DisplayName),
            ("ФИО", DisplayName),
            ("Компания", Company),
            ("Telegram", TelegramUsername),
            ("telegram_username", TelegramUsername),
            ("Telegram user id", TelegramUserId),
            ("Personal e-mail", Email),
            ("Телефон рабочий", Phone),
            ("Сумма сделки", DealValue),
            ("Deal", DealTitle),
            ("Валюта", DealCurrency),
        ] {
            assert_eq!(suggest_field(header), Some(field), "{header}");
        }
        assert_eq!(suggest_field("Created at (UTC)"), None);
        assert_eq!(suggest_field("Отчество"), None);
    }

    #[test]
    fn amounts_are_deal_values_only_beside_a_deal_title() {
        let contacts = vec![
            "Name".to_string(),
            "Amount".to_string(),
            "Currency".to_string(),
        ];
        assert_eq!(suggest(&contacts), vec![Some(DisplayName), None, None]);
        let deals = vec!["Name".to_string(), "Deal".to_string(), "Amount".to_string()];
        assert_eq!(
            suggest(&deals),
            vec![Some(DisplayName), Some(DealTitle), Some(DealValue)]
        );
    }

    #[test]
    fn a_field_is_suggested_for_one_column_only() {
        let columns = vec!["Email".to_string(), "Work email".to_string()];
        assert_eq!(suggest(&columns), vec![Some(Email), None]);
    }
}
