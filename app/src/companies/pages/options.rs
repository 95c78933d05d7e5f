//! The company picker's options, used by the contact and deal forms.

use crate::companies::list_companies;
use crate::i18n::use_strings;
use crate::listing::ListQuery;
use leptos::prelude::*;

/// `(id, name)` options of the workspace's companies (the first 200 by name), with "none".
pub fn company_options() -> Signal<Vec<(String, String)>> {
    let t = use_strings();
    // Loaded in the browser only: options are not worth delaying the page for.
    let companies = crate::providers::client_fetch(|| {
        list_companies(ListQuery {
            limit: Some(200),
            sort: Some("name".into()),
            ..Default::default()
        })
    });
    Signal::derive(move || {
        let mut options = vec![(String::new(), t.get().none_option.to_string())];
        if let Some(Ok(page)) = companies.get() {
            options.extend(page.items.into_iter().map(|c| (c.id.to_string(), c.name)));
        }
        options
    })
}
