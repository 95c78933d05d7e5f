use crate::companies::list_companies;
use crate::i18n::use_strings;
use crate::listing::ListQuery;
use crate::workspaces::list_members;
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

/// `(user id, name)` options of the workspace's members, with "none".
pub fn member_options() -> Signal<Vec<(String, String)>> {
    let t = use_strings();
    let members = crate::providers::client_fetch(list_members);
    Signal::derive(move || {
        let mut options = vec![(String::new(), t.get().none_option.to_string())];
        if let Some(Ok(list)) = members.get() {
            options.extend(list.into_iter().map(|m| {
                let name = if m.name.is_empty() { m.email } else { m.name };
                (m.user_id.0.to_string(), name)
            }));
        }
        options
    })
}
