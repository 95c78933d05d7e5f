//! Deals: an opportunity with a value, moving through a pipeline's stages.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{CompanyId, ContactId, DealId, EpochMs, PipelineId, StageId};
use crate::pipelines::StageKind;
pub use api::*;
pub use pages::{DealPage, DealsPage, NewDealPage};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DealView {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: DealId,
    pub title: String,
    /// Minor units of `currency` (cents for USD).
    pub value_minor: i64,
    pub currency: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub pipeline_id: PipelineId,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub stage_id: StageId,
    pub stage_name: String,
    pub stage_kind: StageKind,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    pub contact_name: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    pub company_name: Option<String>,
    pub expected_close_date: Option<String>,
    pub probability: Option<i64>,
    pub lost_reason: String,
    /// Order within the stage's board column (ascending).
    pub position: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub stage_entered_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub created_at: EpochMs,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub updated_at: EpochMs,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct DealInput {
    #[validate(
        custom(function = "crate::validation::required"),
        length(max = 200, code = "too_long", message = "This is too long")
    )]
    pub title: String,
    #[validate(range(
        min = 0,
        max = 1_000_000_000_000_000_i64,
        code = "range",
        message = "Enter an amount of zero or more"
    ))]
    pub value_minor: i64,
    /// ISO 4217 code; defaults to USD.
    #[validate(custom(function = "crate::validation::currency"))]
    pub currency: String,
    /// Defaults to the default pipeline.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub pipeline_id: Option<PipelineId>,
    /// Defaults to the pipeline's first stage; must belong to the pipeline.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub stage_id: Option<StageId>,
    pub owner_id: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    /// `YYYY-MM-DD`.
    #[validate(custom(function = "crate::validation::date"))]
    pub expected_close_date: Option<String>,
    #[validate(range(min = 0, max = 100, code = "range", message = "Use 0 to 100"))]
    pub probability: Option<i64>,
    #[validate(length(max = 500, code = "too_long", message = "This is too long"))]
    pub lost_reason: String,
    /// The value as a person wrote it (`1 500,50`), read in `amountLocale` and the currency's
    /// decimals; when given, it sets `valueMinor` (empty is zero). Refused with a field error
    /// on `amount` when it is not a number or can be read two ways (`1,500` in Russian).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(example = "1 500,50"))]
    pub amount: Option<String>,
    /// The language `amount` is written in: `en` (`1,500.50`, the default) or `ru`
    /// (`1 500,50`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_locale: Option<String>,
}

impl DealInput {
    /// Reads `amount` into `valueMinor` (after `normalized`, which settles the currency): the
    /// same rule in the browser, before submitting, and in the service.
    pub fn read_amount(mut self) -> Result<Self, crate::error::AppError> {
        let Some(text) = self.amount.take() else {
            return Ok(self);
        };
        use crate::error::AppError;
        let lang = match self.amount_locale.take() {
            None => crate::i18n::Lang::En,
            Some(code) => crate::i18n::Lang::from_code(&code)
                .ok_or_else(|| AppError::field("amountLocale", "locale", "Use en or ru"))?,
        };
        if text.trim().is_empty() {
            self.value_minor = 0;
            return Ok(self);
        }
        match crate::i18n::number::parse_amount(&text, lang, &self.currency) {
            Ok(v) => {
                self.value_minor = v;
                Ok(self)
            }
            Err(e) => Err(AppError::field(
                "amount",
                e.code(),
                crate::i18n::number::amount_message(e),
            )),
        }
    }

    pub fn normalized(mut self) -> Self {
        self.title = self.title.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "USD".into();
        }
        self.expected_close_date = crate::validation::optional(self.expected_close_date);
        self.lost_reason = self.lost_reason.trim().to_string();
        self
    }
}

/// `PATCH /api/crm/deals/:id/stage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StageChange {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub stage_id: StageId,
    /// Why (kept in the stage history; the lost reason when the stage is of kind `lost`).
    #[serde(default)]
    #[validate(length(max = 500, code = "too_long", message = "This is too long"))]
    pub reason: Option<String>,
    /// Place the deal right after this deal of the target column; absent: at the top.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub after_deal_id: Option<DealId>,
    /// The final value when the deal is won (minor units), if it changed.
    #[serde(default)]
    #[validate(range(
        min = 0,
        max = 1_000_000_000_000_000_i64,
        code = "range",
        message = "Enter an amount of zero or more"
    ))]
    pub value_minor: Option<i64>,
}

/// Deals' events, as the server records them and the browser reads them. (A stage move's
/// `deal.stage_changed` is written by the group commit of moves, many in one statement.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum DealEvent {
    #[serde(rename = "deal.created")]
    Created(DealView),
    #[serde(rename = "deal.updated")]
    Updated(DealView),
    #[serde(rename = "deal.deleted")]
    Deleted { id: DealId },
    /// The deal after the move, and the stage it left.
    #[serde(rename = "deal.stage_changed", rename_all = "camelCase")]
    StageChanged {
        #[serde(flatten)]
        deal: DealView,
        from_stage_id: StageId,
    },
}

impl crate::realtime::DomainEvent for DealEvent {}
