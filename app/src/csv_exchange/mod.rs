//! CSV files in and out: contacts (each optionally with a deal) are imported from a
//! spreadsheet, and contacts, companies and deals are exported to one. It stands above the
//! three record domains and is imported by none of them.
//!
//! Import is two calls. `POST /api/crm/contacts/import/preview` reads the header row, suggests
//! which contact field each column fills and shows the first rows as they would be read.
//! `POST /api/crm/contacts/import` then applies a mapping in one transaction: a row whose email
//! (ignoring case) or Telegram username matches a contact of the workspace updates it, any
//! other row creates one, and a row that fails validation is reported and skipped. A row may
//! also give a deal (title, value, currency) created for its contact; the request says which
//! decimal separator the file's values use, and the preview shows each value as read.
//!
//! `GET /api/crm/{contacts,companies,deals}/export.csv` takes the list's query parameters and
//! streams every matching row.

mod api;
mod mapping;
mod page;

#[cfg(feature = "ssr")]
mod company_rows;
#[cfg(feature = "ssr")]
mod contact_rows;
#[cfg(feature = "ssr")]
mod deal_rows;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
mod plan;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
pub mod rest;

pub use api::*;
pub use mapping::{normalize as normalize_header, suggest, suggest_field, ImportField};
pub use page::ImportContactsPage;

use crate::error::FieldError;
pub use crate::i18n::number::DecimalSeparator;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Column name → the field it fills; `null` leaves the column out.
pub type Mapping = BTreeMap<String, Option<ImportField>>;

/// The body of both import calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    /// The file's text: a header row, then one contact per row. Commas, semicolons or tabs
    /// separate the cells (whichever the header row uses); a leading byte-order mark is fine.
    pub csv: String,
    /// Which field each column fills. Defaults to the suggested mapping.
    #[serde(default)]
    pub mapping: Option<Mapping>,
    /// How the file writes decimals in deal values: `point` (`1,500.50`, the default) or
    /// `comma` (`1 500,50`).
    #[serde(default)]
    pub decimal_separator: DecimalSeparator,
}

/// What `…/import/preview` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The header row, in order (blank headers become `Column N`, repeated ones `Name (2)`).
    pub columns: Vec<String>,
    /// The guess for every column (`null`: no field recognised).
    pub suggested_mapping: Mapping,
    /// The first 20 data rows read with the request's mapping (or the suggested one).
    pub rows: Vec<PreviewRow>,
    /// Data rows in the file (blank rows not counted).
    pub total: u64,
}

/// One row of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PreviewRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: u64,
    /// What importing it would do.
    pub action: RowAction,
    /// Field → the cell's text, for the mapped, non-empty cells.
    pub values: BTreeMap<String, String>,
    /// Why it would fail (empty unless `action` is `fail`).
    pub errors: Vec<FieldError>,
    /// The deal value as it was read, in minor units of `dealCurrency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_value_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_currency: Option<String>,
}

/// What importing a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum RowAction {
    /// No contact matches: a new one is created.
    Create,
    /// A contact matches by email or Telegram username and the row changes it.
    Update,
    /// A contact matches and already reads the same.
    Unchanged,
    /// The row is invalid and is left out.
    Fail,
}

/// What `…/import` answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// New contacts.
    pub created: u64,
    /// Existing contacts (matched by email or Telegram username) that changed.
    pub updated: u64,
    /// Matched contacts the row would not change.
    pub unchanged: u64,
    /// Companies created because a row named one the workspace did not have.
    pub companies_created: u64,
    /// Deals created for the rows' contacts.
    #[serde(default)]
    pub deals_created: u64,
    /// Rows left out, each with the reason.
    pub failed: Vec<FailedRow>,
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailedRow {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub row: u64,
    /// Every problem, as one sentence naming the fields (`email: Enter a valid email address`).
    pub reason: String,
    /// The same problems per field.
    pub details: Vec<FieldError>,
}

impl FailedRow {
    pub fn new(row: u64, details: Vec<FieldError>) -> FailedRow {
        let reason = details
            .iter()
            .map(|d| format!("{}: {}", d.field, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        FailedRow {
            row,
            reason,
            details,
        }
    }
}
