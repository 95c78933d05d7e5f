//! Deciding what one import row does: which contact it matches, the input it makes, and
//! whether that input is valid. Nothing here writes.

use super::contact_rows::view_in;
use super::ImportField;
use crate::companies::CompanyInput;
use crate::contacts::{ContactInput, ContactPatch, ContactView};
use crate::deals::DealInput;
use crate::error::field_errors;
use crate::error::{AppError, FieldError};
use crate::i18n::number::{amount_message, parse_amount_with, DecimalSeparator};
use crate::ids::{CompanyId, ContactId};
use crate::server::db::Tx;
use sqlx::Row as _;
use std::collections::{BTreeMap, HashMap};
use validator::Validate;

/// The mapped, non-empty cells of one row.
pub type Values = BTreeMap<ImportField, String>;

/// What a row will do.
pub enum Plan {
    Create(Draft),
    /// The contact as it is now, and its new input.
    Update(Box<ContactView>, Draft),
    /// The contact stays as it is and gets the row's deal.
    AddDeal(Box<ContactView>, DealDraft),
    Unchanged,
    Fail(Vec<FieldError>),
}

/// A valid contact input, the company the row names (resolved when the row is applied), and
/// the deal it gives.
pub struct Draft {
    pub input: ContactInput,
    pub company: Option<String>,
    pub deal: Option<DealDraft>,
}

/// The deal a row gives its contact.
#[derive(Debug, Clone, PartialEq)]
pub struct DealDraft {
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
}

/// The workspace's contacts by email and Telegram username (lower-cased), its companies by
/// name (lower-cased), and the contacts this import has written so far.
#[derive(Default)]
pub struct Index {
    by_email: HashMap<String, ContactId>,
    by_telegram: HashMap<String, ContactId>,
    pub companies: HashMap<String, CompanyId>,
    written: HashMap<ContactId, ContactView>,
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn telegram_key(username: &str) -> String {
    username.trim().trim_start_matches('@').to_lowercase()
}

pub fn company_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Index {
    /// Reads the keys of the whole workspace; where two contacts share one, the oldest wins.
    pub async fn load(tx: &mut Tx, workspace_id: i64) -> Result<Index, AppError> {
        let mut index = Index::default();
        let contacts = sqlx::query(
            "SELECT id, email, telegram_username FROM contacts WHERE workspace_id = $1 \
             AND (email <> '' OR telegram_username <> '') ORDER BY id",
        )
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?;
        for row in &contacts {
            let id: ContactId = row.try_get("id")?;
            index.add_keys(
                id,
                &row.try_get::<String, _>("email")?,
                &row.try_get::<String, _>("telegram_username")?,
            );
        }
        let companies =
            sqlx::query("SELECT id, name FROM companies WHERE workspace_id = $1 ORDER BY id")
                .bind(workspace_id)
                .fetch_all(&mut **tx)
                .await?;
        for row in &companies {
            let name: String = row.try_get("name")?;
            index
                .companies
                .entry(company_key(&name))
                .or_insert(row.try_get("id")?);
        }
        Ok(index)
    }

    fn add_keys(&mut self, id: ContactId, email: &str, telegram: &str) {
        if !email.is_empty() {
            self.by_email.entry(email_key(email)).or_insert(id);
        }
        if !telegram.is_empty() {
            self.by_telegram.entry(telegram_key(telegram)).or_insert(id);
        }
    }

    /// The contact a row matches: by email first, then by Telegram username.
    fn find(&self, values: &Values) -> Option<ContactId> {
        let email = values.get(&ImportField::Email).map(|e| email_key(e));
        let telegram = values
            .get(&ImportField::TelegramUsername)
            .map(|t| telegram_key(t));
        email
            .and_then(|e| self.by_email.get(&e))
            .or_else(|| telegram.and_then(|t| self.by_telegram.get(&t)))
            .copied()
    }

    /// Records a contact this import wrote, so later rows match its new keys and see it as
    /// it now is.
    pub fn remember(&mut self, before: Option<&ContactView>, after: ContactView) {
        if let Some(b) = before {
            for (map, old, new) in [
                (
                    &mut self.by_email,
                    b.email.as_deref().map(email_key),
                    after.email.as_deref().map(email_key),
                ),
                (
                    &mut self.by_telegram,
                    b.telegram_username.as_deref().map(telegram_key),
                    after.telegram_username.as_deref().map(telegram_key),
                ),
            ] {
                if old != new {
                    if let Some(old) = old.filter(|k| map.get(k) == Some(&b.id)) {
                        map.remove(&old);
                    }
                }
            }
        }
        let (email, telegram) = (after.email.clone(), after.telegram_username.clone());
        self.add_keys(
            after.id,
            email.as_deref().unwrap_or(""),
            telegram.as_deref().unwrap_or(""),
        );
        self.written.insert(after.id, after);
    }

    async fn view(
        &self,
        tx: &mut Tx,
        workspace_id: i64,
        id: ContactId,
    ) -> Result<ContactView, AppError> {
        match self.written.get(&id) {
            Some(v) => Ok(v.clone()),
            None => view_in(tx, workspace_id, id).await,
        }
    }
}

/// Matches the row, builds its input over the matched contact (or a blank one) and
/// validates it the way the contact services do.
pub async fn plan(
    tx: &mut Tx,
    index: &Index,
    workspace_id: i64,
    values: &Values,
    separator: DecimalSeparator,
) -> Result<Plan, AppError> {
    let before = match index.find(values) {
        Some(id) => Some(index.view(tx, workspace_id, id).await?),
        None => None,
    };
    let base = before
        .as_ref()
        .map(|b| ContactPatch::default().apply(b).normalized())
        .unwrap_or_default();
    let filled = fill(base.clone(), before.as_ref(), values);
    let deal = deal(values, separator);
    let ((input, company), mut deal) = match (filled, deal) {
        (Ok(filled), Ok(deal)) => (filled, deal),
        (filled, deal) => {
            let mut errors = filled.err().unwrap_or_default();
            errors.extend(deal.err().unwrap_or_default());
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            return Ok(Plan::Fail(errors));
        }
    };
    if let (Some(b), Some(d)) = (&before, &deal) {
        if has_deal(tx, b.id, &d.title).await? {
            deal = None;
        }
    }
    let draft = Draft {
        input,
        company,
        deal,
    };
    Ok(match before {
        None => Plan::Create(draft),
        Some(b) if draft.input == base && same_company(&b, draft.company.as_deref()) => {
            match draft.deal {
                Some(d) => Plan::AddDeal(Box::new(b), d),
                None => Plan::Unchanged,
            }
        }
        Some(b) => Plan::Update(Box::new(b), draft),
    })
}

/// Whether the contact already has a deal of this title (ignoring case, compared here so
/// that both databases fold Cyrillic alike): importing a file twice gives no second deal.
async fn has_deal(tx: &mut Tx, contact_id: ContactId, title: &str) -> Result<bool, AppError> {
    let titles: Vec<String> = sqlx::query_scalar("SELECT title FROM deals WHERE contact_id = $1")
        .bind(contact_id)
        .fetch_all(&mut **tx)
        .await?;
    let wanted = title.trim().to_lowercase();
    Ok(titles.iter().any(|t| t.trim().to_lowercase() == wanted))
}

/// The row's deal: a title, and a value read with the file's decimal separator in minor units
/// of the currency (validated as the deal service does).
fn deal(
    values: &Values,
    separator: DecimalSeparator,
) -> Result<Option<DealDraft>, Vec<FieldError>> {
    let title = values
        .get(&ImportField::DealTitle)
        .map(|t| t.trim().to_string());
    let value = values.get(&ImportField::DealValue);
    let currency = values.get(&ImportField::DealCurrency);
    let Some(title) = title else {
        return match (value, currency) {
            (None, None) => Ok(None),
            _ => Err(vec![field_error(
                "dealTitle",
                "required",
                "A deal needs a title",
            )]),
        };
    };
    let currency = currency
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "USD".into());
    let mut errors = Vec::new();
    if let Err(e) = crate::validation::currency(&currency) {
        let message = e.message.map(|m| m.to_string()).unwrap_or_default();
        errors.push(field_error("dealCurrency", "currency", &message));
    }
    let value_minor = match value {
        None => 0,
        Some(text) => match parse_amount_with(text, separator, &currency) {
            Ok(v) if v >= 0 => v,
            Ok(_) => {
                errors.push(field_error(
                    "dealValue",
                    "range",
                    "Enter an amount of zero or more",
                ));
                0
            }
            Err(e) => {
                errors.push(field_error("dealValue", e.code(), amount_message(e)));
                0
            }
        },
    };
    let input = DealInput {
        title: title.clone(),
        value_minor,
        currency: currency.clone(),
        ..Default::default()
    }
    .normalized();
    // The deal service's rules, each reported on the column it came from.
    if let Err(e) = input.validate() {
        for f in field_errors(&e) {
            let column = match f.field.as_str() {
                "title" => "dealTitle",
                "valueMinor" => "dealValue",
                "currency" => "dealCurrency",
                _ => continue,
            };
            if !errors.iter().any(|x| x.field == column) {
                errors.push(FieldError {
                    field: column.into(),
                    ..f
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(Some(DealDraft {
            title: input.title,
            value_minor,
            currency,
        }))
    } else {
        Err(errors)
    }
}

fn same_company(before: &ContactView, named: Option<&str>) -> bool {
    match named {
        None => true,
        Some(name) => before.company_name.as_deref().map(company_key) == Some(company_key(name)),
    }
}

/// `base` with the row's cells written over it, normalised and validated; also the company
/// name the row gives.
fn fill(
    mut input: ContactInput,
    before: Option<&ContactView>,
    values: &Values,
) -> Result<(ContactInput, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut company = None;
    for (field, value) in values {
        let value = value.clone();
        match field {
            ImportField::FirstName => input.first_name = value,
            ImportField::LastName => input.last_name = value,
            ImportField::DisplayName => input.display_name = value,
            ImportField::Email => input.email = Some(value),
            ImportField::Phone => input.phone = Some(value),
            ImportField::TelegramUsername => input.telegram_username = Some(value),
            ImportField::TelegramUserId => match value.parse::<i64>() {
                Ok(id) => input.telegram_user_id = Some(id),
                Err(_) => errors.push(field_error(
                    "telegramUserId",
                    "range",
                    "Telegram user ids are positive numbers",
                )),
            },
            ImportField::Company => company = Some(value),
            // Read by `deal`.
            ImportField::DealTitle | ImportField::DealValue | ImportField::DealCurrency => {}
        }
    }
    // A display name that was just "first last" follows a renamed first or last name.
    if let Some(b) = before {
        let derived = b.display_name == format!("{} {}", b.first_name, b.last_name).trim();
        let renamed = input.first_name != b.first_name || input.last_name != b.last_name;
        if derived && renamed && !values.contains_key(&ImportField::DisplayName) {
            input.display_name.clear();
        }
    }
    let input = input.normalized();
    if let Err(e) = input.validate() {
        errors.extend(field_errors(&e));
    }
    if let Some(name) = &company {
        let company_input = CompanyInput {
            name: name.clone(),
            ..Default::default()
        }
        .normalized();
        if let Err(e) = company_input.validate() {
            errors.extend(
                field_errors(&e)
                    .into_iter()
                    .filter(|f| f.field == "name")
                    .map(|f| FieldError {
                        field: "company".into(),
                        ..f
                    }),
            );
        }
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    if errors.is_empty() {
        Ok((input, company))
    } else {
        Err(errors)
    }
}

fn field_error(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
        code: Some(code.into()),
    }
}
