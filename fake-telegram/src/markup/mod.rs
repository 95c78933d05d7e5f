//! Formatting options: `parse_mode` (HTML, MarkdownV2, legacy Markdown) is parsed into plain
//! text plus MessageEntity objects, with Telegram's "can't parse entities" errors for
//! malformed markup, so a client that escapes badly fails here as it would in production.
//!
//! Not modelled: automatic `url`/`mention`/`hashtag` entities Telegram detects in plain text.

mod html;
mod markdown;

use serde_json::{json, Value};

use crate::reply::Reply;

/// A MessageEntity under construction; offsets and lengths are in UTF-16 code units.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    kind: &'static str,
    offset: usize,
    length: usize,
    url: Option<String>,
    language: Option<String>,
    custom_emoji_id: Option<String>,
}

impl Entity {
    fn new(kind: &'static str, offset: usize, end: usize) -> Self {
        Self {
            kind,
            offset,
            length: end.saturating_sub(offset),
            url: None,
            language: None,
            custom_emoji_id: None,
        }
    }

    fn to_json(&self) -> Value {
        let mut entity = json!({ "type": self.kind, "offset": self.offset, "length": self.length });
        if let Some(url) = &self.url {
            entity["url"] = json!(url);
        }
        if let Some(language) = &self.language {
            entity["language"] = json!(language);
        }
        if let Some(id) = &self.custom_emoji_id {
            entity["custom_emoji_id"] = json!(id);
        }
        entity
    }
}

/// Plain text being produced, with its length in UTF-16 code units.
#[derive(Default)]
pub(crate) struct Out {
    text: String,
    utf16: usize,
    entities: Vec<Entity>,
}

impl Out {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.utf16 += c.len_utf16();
    }

    fn emit(&mut self, entity: Entity) {
        if entity.length > 0 {
            self.entities.push(entity);
        }
    }
}

/// Text with its entities, ready to be put in a Message.
pub struct Formatted {
    /// The text Telegram shows, markup removed and surrounding whitespace trimmed.
    pub text: String,
    /// MessageEntity objects, sorted as Telegram sorts them.
    pub entities: Vec<Value>,
}

/// Parses `text` according to `parse_mode`, or takes `explicit` entities as given.
pub fn format(
    text: &str,
    parse_mode: Option<&str>,
    explicit: Option<Value>,
) -> Result<Formatted, Reply> {
    let out = match parse_mode.map(str::trim).filter(|m| !m.is_empty()) {
        None => {
            let entities = explicit
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            return Ok(trim_plain(text, entities));
        }
        Some(mode) if mode.eq_ignore_ascii_case("html") => html::parse(text),
        Some(mode) if mode.eq_ignore_ascii_case("markdownv2") => markdown::parse_v2(text),
        Some(mode) if mode.eq_ignore_ascii_case("markdown") => markdown::parse_legacy(text),
        Some(_) => return Err(Reply::bad_request("unsupported parse_mode")),
    }
    .map_err(|detail| Reply::bad_request(format!("can't parse entities: {detail}")))?;
    Ok(trim(out))
}

/// Plain text keeps client-supplied entities as they are, only trimming the text.
fn trim_plain(text: &str, entities: Vec<Value>) -> Formatted {
    let lead: usize = text
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf16)
        .sum();
    let trimmed = text.trim();
    let shifted = entities
        .into_iter()
        .map(|mut e| {
            if let Some(offset) = e["offset"].as_u64() {
                e["offset"] = json!((offset as usize).saturating_sub(lead));
            }
            e
        })
        .collect();
    Formatted {
        text: trimmed.to_owned(),
        entities: shifted,
    }
}

/// Telegram strips leading and trailing whitespace; entities are clipped to what remains.
fn trim(out: Out) -> Formatted {
    let lead: usize = out
        .text
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf16)
        .sum();
    let text = out.text.trim().to_owned();
    let end = lead + text.encode_utf16().count();
    let mut entities: Vec<Entity> = out
        .entities
        .into_iter()
        .filter_map(|mut e| {
            let start = e.offset.max(lead);
            let stop = (e.offset + e.length).min(end);
            (stop > start).then(|| {
                e.offset = start - lead;
                e.length = stop - start;
                e
            })
        })
        .collect();
    entities.sort_by_key(|e| (e.offset, std::cmp::Reverse(e.length)));
    Formatted {
        text,
        entities: entities.iter().map(Entity::to_json).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::format;
    use serde_json::json;

    #[test]
    fn html_bold_becomes_a_bold_entity() {
        let f = format("Hi <b>José</b> &amp; co", Some("HTML"), None).expect("valid HTML");
        assert_eq!(f.text, "Hi José & co");
        assert_eq!(
            f.entities,
            vec![json!({"type": "bold", "offset": 3, "length": 4})]
        );
    }

    #[test]
    fn html_with_an_unknown_tag_is_rejected() {
        let err = format("<blink>x</blink>", Some("HTML"), None)
            .err()
            .expect("rejected");
        let description = err.body["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(description.starts_with("Bad Request: can't parse entities: Unsupported start tag"));
    }

    #[test]
    fn markdown_v2_requires_reserved_characters_to_be_escaped() {
        let err = format("Price: 10.5", Some("MarkdownV2"), None)
            .err()
            .expect("rejected");
        assert_eq!(
            err.body["description"],
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"
        );
        let ok = format(
            "*Price:* 10\\.5 [link](https://e.x/a\\)b)",
            Some("MarkdownV2"),
            None,
        )
        .expect("valid");
        assert_eq!(ok.text, "Price: 10.5 link");
        assert_eq!(
            ok.entities[0],
            json!({"type": "bold", "offset": 0, "length": 6})
        );
        assert_eq!(ok.entities[1]["url"], "https://e.x/a)b");
    }

    #[test]
    fn utf16_offsets_count_emoji_as_two_units() {
        let f = format("😀 <i>x</i>", Some("HTML"), None).expect("valid");
        assert_eq!(
            f.entities[0],
            json!({"type": "italic", "offset": 3, "length": 1})
        );
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let f = format("  <b>hi</b>  ", Some("html"), None).expect("valid");
        assert_eq!(f.text, "hi");
        assert_eq!(f.entities[0]["offset"], 0);
    }
}
