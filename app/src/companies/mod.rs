//! Companies: the organisations contacts work for and deals are made with.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{CompanyId, EpochMs};
pub use api::*;
pub use pages::{company_options, CompaniesPage, CompanyPage, NewCompanyPage};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CompanyView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: CompanyId,
    pub name: String,
    pub industry: String,
    pub size: String,
    pub website: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub contact_count: i64,
    pub deal_count: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub updated_at: EpochMs,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct CompanyInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 200, code = "too_long", message = "This is too long")
    )]
    pub name: String,
    #[validate(length(max = 100, code = "too_long", message = "This is too long"))]
    pub industry: String,
    #[validate(length(max = 50, code = "too_long", message = "This is too long"))]
    pub size: String,
    #[validate(length(max = 300, code = "too_long", message = "This is too long"))]
    pub website: String,
    #[validate(length(max = 5000, code = "too_long", message = "This is too long"))]
    pub description: String,
    pub owner_id: Option<i64>,
}

impl CompanyInput {
    pub fn normalized(mut self) -> Self {
        for field in [
            &mut self.name,
            &mut self.industry,
            &mut self.size,
            &mut self.website,
            &mut self.description,
        ] {
            *field = field.trim().to_string();
        }
        self
    }
}

/// `DELETE /api/crm/companies/:id?detachDeals=true` detaches the company's deals instead of
/// refusing with 409.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "camelCase", default)]
pub struct DeleteCompanyOptions {
    /// Detach the company's deals instead of refusing with 409 while it has any.
    pub detach_deals: bool,
}

/// Companies' events, as the server records them and the browser reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum CompanyEvent {
    #[serde(rename = "company.created")]
    Created(CompanyView),
    #[serde(rename = "company.updated")]
    Updated(CompanyView),
    #[serde(rename = "company.deleted")]
    Deleted { id: CompanyId },
}

impl crate::realtime::DomainEvent for CompanyEvent {}
