//! Contacts: the people a team sells to.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{CompanyId, ContactId, EpochMs};
use crate::validation::optional;
pub use api::*;
pub use pages::{ContactPage, ContactsPage, NewContactPage};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// A contact as the API and the UI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: ContactId,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub telegram_user_id: Option<i64>,
    pub telegram_username: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    pub company_name: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub updated_at: EpochMs,
}

/// What a contact is created or replaced from (`POST`, `PUT`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ContactInput {
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub first_name: String,
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub last_name: String,
    /// Defaults to "first last"; one of the three names is required.
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 200, code = "too_long", message = "This is too long")
    )]
    pub display_name: String,
    #[validate(
        custom(function = "crate::validation::email"),
        length(max = 254, code = "too_long", message = "This is too long")
    )]
    pub email: Option<String>,
    #[validate(custom(function = "crate::validation::phone"))]
    pub phone: Option<String>,
    #[validate(range(
        min = 1,
        code = "range",
        message = "Telegram user ids are positive numbers"
    ))]
    pub telegram_user_id: Option<i64>,
    #[validate(custom(function = "crate::validation::telegram_username"))]
    pub telegram_username: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    pub owner_id: Option<i64>,
}

impl ContactInput {
    /// Trims every text, drops a leading `@` from the username, lower-cases the email and
    /// fills the display name from the first and last names when it is empty.
    pub fn normalized(mut self) -> Self {
        self.first_name = self.first_name.trim().to_string();
        self.last_name = self.last_name.trim().to_string();
        self.display_name = self.display_name.trim().to_string();
        if self.display_name.is_empty() {
            self.display_name = format!("{} {}", self.first_name, self.last_name)
                .trim()
                .to_string();
        }
        self.email = optional(self.email).map(|e| e.to_lowercase());
        self.phone = optional(self.phone);
        self.telegram_username =
            optional(self.telegram_username).map(|u| u.trim_start_matches('@').to_string());
        self
    }
}

/// A partial change (`PATCH`): only the fields present change; `null` clears optional ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ContactPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    #[serde(with = "crate::validation::double_option")]
    pub email: Option<Option<String>>,
    #[serde(with = "crate::validation::double_option")]
    pub phone: Option<Option<String>>,
    #[serde(with = "crate::validation::double_option")]
    pub telegram_user_id: Option<Option<i64>>,
    #[serde(with = "crate::validation::double_option")]
    pub telegram_username: Option<Option<String>>,
    #[serde(with = "crate::validation::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Option<i64>>))]
    pub company_id: Option<Option<CompanyId>>,
    #[serde(with = "crate::validation::double_option")]
    pub owner_id: Option<Option<i64>>,
}

impl ContactPatch {
    /// The full input after applying this patch to `current`.
    pub fn apply(self, current: &ContactView) -> ContactInput {
        ContactInput {
            first_name: self
                .first_name
                .unwrap_or_else(|| current.first_name.clone()),
            last_name: self.last_name.unwrap_or_else(|| current.last_name.clone()),
            display_name: self
                .display_name
                .unwrap_or_else(|| current.display_name.clone()),
            email: self.email.unwrap_or_else(|| current.email.clone()),
            phone: self.phone.unwrap_or_else(|| current.phone.clone()),
            telegram_user_id: self.telegram_user_id.unwrap_or(current.telegram_user_id),
            telegram_username: self
                .telegram_username
                .unwrap_or_else(|| current.telegram_username.clone()),
            company_id: self.company_id.unwrap_or(current.company_id),
            owner_id: self.owner_id.unwrap_or(current.owner_id),
        }
    }
}

/// Contacts' events, as the server records them and the browser reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ContactEvent {
    #[serde(rename = "contact.created")]
    Created(ContactView),
    #[serde(rename = "contact.updated")]
    Updated(ContactView),
    #[serde(rename = "contact.deleted")]
    Deleted { id: ContactId },
    /// A CSV import changed the contacts (counts of rows).
    #[serde(rename = "contacts.imported", rename_all = "camelCase")]
    Imported {
        created: u64,
        updated: u64,
        unchanged: u64,
        companies_created: u64,
        failed: u64,
    },
}

impl crate::realtime::DomainEvent for ContactEvent {}
