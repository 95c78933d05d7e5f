//! UI pieces shared by the company, contact and deal pages.

mod options;
mod record_header;

use crate::ids::StageId;
pub use options::member_options;
pub use record_header::RecordHeader;

/// `Some(id)` from a select's value ("" is none).
pub fn parse_id<T: std::str::FromStr>(value: &str) -> Option<T> {
    value.parse().ok()
}

/// A select's value from an optional id.
pub fn id_value<T: std::fmt::Display>(id: Option<T>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// The CSV export of a list with its current search, sort and stage filter.
pub fn export_href(entity: &str, search: &str, sort: &str, stage_id: Option<StageId>) -> String {
    let mut href = format!("/api/crm/{entity}/export.csv?sort={}", percent_encode(sort));
    if !search.is_empty() {
        href.push_str(&format!("&search={}", percent_encode(search)));
    }
    if let Some(stage) = stage_id {
        href.push_str(&format!("&stageId={stage}"));
    }
    href
}

/// Percent-encodes a query value (identical on the server and in the browser).
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
