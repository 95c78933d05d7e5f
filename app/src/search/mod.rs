//! One search over companies, contacts and deals, for the ⌘K palette.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// `contact`, `company` or `deal`.
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub subtitle: String,
    /// Where the hit opens.
    pub href: String,
}

/// Up to five matches of each kind.
#[server(prefix = "/sfn", endpoint = "search_all")]
pub async fn search_all(term: String) -> Result<Vec<SearchHit>, AppError> {
    use crate::listing::ListQuery;
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let term = term.trim().to_string();
        if term.is_empty() {
            return Ok(Vec::new());
        }
        let q = ListQuery {
            limit: Some(5),
            search: Some(term),
            ..Default::default()
        };
        let mut hits = Vec::new();
        for c in crate::contacts::server::list(&state, &auth, &q)
            .await?
            .items
        {
            let subtitle = [c.email.clone(), c.company_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            hits.push(SearchHit {
                kind: "contact".into(),
                id: c.id.0,
                title: c.display_name,
                subtitle,
                href: format!("/contacts/{}", c.id),
            });
        }
        for c in crate::companies::server::list(&state, &auth, &q)
            .await?
            .items
        {
            hits.push(SearchHit {
                kind: "company".into(),
                id: c.id.0,
                title: c.name,
                subtitle: c.industry,
                href: format!("/companies/{}", c.id),
            });
        }
        // Money in the language of the page that asked (its cookie).
        let lang = crate::providers::prefs::initial().lang;
        for d in crate::deals::server::list(&state, &auth, &q).await?.items {
            let subtitle = crate::i18n::number::format_money(d.value_minor, &d.currency, lang);
            hits.push(SearchHit {
                kind: "deal".into(),
                id: d.id.0,
                title: d.title,
                subtitle,
                href: format!("/deals/{}", d.id),
            });
        }
        Ok(hits)
    })
    .await
}
