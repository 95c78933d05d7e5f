//! List requests and answers shared by every record type:
//! `?page=1&limit=50&search=…&sort=-updatedAt` → `{items, pagination}`.

use crate::error::{AppError, FieldError};
use crate::ids::{CompanyId, ContactId, PipelineId, StageId};
use serde::{Deserialize, Serialize};

pub const MAX_LIMIT: i64 = 200;
pub const DEFAULT_LIMIT: i64 = 50;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// The page, from 1 (default 1).
    #[cfg_attr(feature = "ssr", param(minimum = 1))]
    pub page: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Case-insensitive substring search over the record's names, email, phone…
    /// (3+ characters use the trigram index).
    pub search: Option<String>,
    /// A field name, `-` in front for descending (`-updatedAt`).
    pub sort: Option<String>,
    /// Only records of this company (contacts, deals).
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    /// Only records of this contact (deals).
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub contact_id: Option<ContactId>,
    /// Only records owned by this member.
    pub owner_id: Option<i64>,
    /// Only deals in this pipeline.
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub pipeline_id: Option<PipelineId>,
    /// Only deals in this stage.
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub stage_id: Option<StageId>,
}

impl ListQuery {
    /// The page and limit, checked: `page ≥ 1`, `1 ≤ limit ≤ 200`.
    pub fn bounds(&self) -> Result<(i64, i64), AppError> {
        let page = self.page.unwrap_or(1);
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let mut details = Vec::new();
        if page < 1 {
            details.push(field("page", "min", "The page starts at 1"));
        }
        if !(1..=MAX_LIMIT).contains(&limit) {
            details.push(field("limit", "range", "The limit is between 1 and 200"));
        }
        if details.is_empty() {
            Ok((page, limit))
        } else {
            Err(AppError::validation(details))
        }
    }

    /// The search text, trimmed and lower-cased; `None` when empty.
    /// Everything that decides a list's answer besides its workspace, for the list cache:
    /// `list`, the page, the filters and the search as it is matched (trimmed, lower case).
    pub fn cache_key(&self, list: &str) -> String {
        format!(
            "{list}:{}:{}:{:?}:{:?}:{:?}:{:?}:{:?}:{:?}:{:?}",
            self.page.unwrap_or(1),
            self.limit.unwrap_or(DEFAULT_LIMIT),
            self.search_term(),
            self.sort,
            self.company_id,
            self.contact_id,
            self.owner_id,
            self.pipeline_id,
            self.stage_id,
        )
    }

    pub fn search_term(&self) -> Option<String> {
        let term = self.search.as_deref().unwrap_or("").trim().to_lowercase();
        (!term.is_empty()).then(|| term.chars().take(100).collect())
    }
}

fn field(name: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: name.into(),
        message: message.into(),
        code: Some(code.into()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub page: i64,
    pub limit: i64,
    pub total: i64,
    pub total_pages: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub pagination: Pagination,
}

impl<T> Page<T> {
    /// Roughly the memory the page takes, for the list cache's budget.
    pub fn weight(&self) -> usize {
        256 + self.items.len() * 768
    }

    pub fn new(items: Vec<T>, page: i64, limit: i64, total: i64) -> Page<T> {
        let total_pages = if total == 0 {
            0
        } else {
            (total + limit - 1) / limit
        };
        Page {
            items,
            pagination: Pagination {
                page,
                limit,
                total,
                total_pages,
            },
        }
    }
}
