use crate::i18n::use_strings;
use crate::workspaces::list_members;
use leptos::prelude::*;

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
