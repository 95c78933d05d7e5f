//! `parse_mode=HTML`: the tag subset Telegram documents, the four named entities plus
//! numeric ones, and its error messages for unknown or unbalanced tags.

use super::{Entity, Out};

struct Open {
    name: String,
    entity: Option<Entity>,
}

/// Parses Telegram's HTML subset into text and entities; `Err` is the error detail.
pub(crate) fn parse(input: &str) -> Result<Out, String> {
    let mut out = Out::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut at = 0;
    while let Some(c) = input[at..].chars().next() {
        match c {
            '<' => {
                let close = input[at..]
                    .find('>')
                    .ok_or_else(|| format!("Can't find end of tag at byte offset {at}"))?;
                let tag = &input[at + 1..at + close];
                if let Some(name) = tag.strip_prefix('/') {
                    end_tag(&mut out, &mut stack, name.trim().to_ascii_lowercase(), at)?;
                } else {
                    let open = start_tag(&out, &mut stack, tag, at)?;
                    stack.push(open);
                }
                at += close + 1;
            }
            '&' => {
                let (decoded, used) = entity_ref(&input[at..]);
                out.push(decoded);
                at += used;
            }
            _ => {
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    match stack.last() {
        Some(open) => Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.name
        )),
        None => Ok(out),
    }
}

fn start_tag(out: &Out, stack: &mut [Open], tag: &str, at: usize) -> Result<Open, String> {
    let tag = tag.trim().trim_end_matches('/');
    let (name, rest) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
    let name = name.to_ascii_lowercase();
    let attr = |key: &str| attribute(rest, key);
    let start = out.utf16;
    let kind = match name.as_str() {
        "b" | "strong" => "bold",
        "i" | "em" => "italic",
        "u" | "ins" => "underline",
        "s" | "strike" | "del" => "strikethrough",
        "tg-spoiler" => "spoiler",
        "span" if attr("class").as_deref() == Some("tg-spoiler") => "spoiler",
        "a" => "text_link",
        "pre" => "pre",
        "blockquote" if rest.contains("expandable") => "expandable_blockquote",
        "blockquote" => "blockquote",
        "tg-emoji" => "custom_emoji",
        "code" => {
            let language =
                attr("class").and_then(|c| c.strip_prefix("language-").map(str::to_owned));
            if let (Some(parent), Some(language)) = (stack.last_mut(), language) {
                if let Some(pre) = parent.entity.as_mut().filter(|e| e.kind == "pre") {
                    pre.language = Some(language);
                    return Ok(Open { name, entity: None });
                }
            }
            "code"
        }
        _ => {
            return Err(format!(
                "Unsupported start tag \"{name}\" at byte offset {at}"
            ))
        }
    };
    let mut entity = Entity::new(kind, start, start);
    if kind == "text_link" {
        entity.url = Some(
            attr("href").ok_or_else(|| format!("Can't find href of a link at byte offset {at}"))?,
        );
    }
    if kind == "custom_emoji" {
        entity.custom_emoji_id = attr("emoji-id");
    }
    Ok(Open {
        name,
        entity: Some(entity),
    })
}

fn end_tag(out: &mut Out, stack: &mut Vec<Open>, name: String, at: usize) -> Result<(), String> {
    let open = stack
        .pop()
        .ok_or_else(|| format!("Unexpected end tag at byte offset {at}"))?;
    if open.name != name {
        return Err(format!(
            "Unmatched end tag at byte offset {at}, expected \"</{}>\", found \"</{name}>\"",
            open.name
        ));
    }
    if let Some(mut entity) = open.entity {
        entity.length = out.utf16 - entity.offset;
        out.emit(entity);
    }
    Ok(())
}

/// The value of attribute `key` in `attrs` (`key="v"`, `key='v'` or `key=v`).
fn attribute(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = after[1..].find(q)? + 1;
                (&after[1..end], &after[end + 1..])
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if name == key {
            return Some(unescape(value));
        }
        rest = next;
    }
    None
}

fn unescape(value: &str) -> String {
    let mut decoded = String::new();
    let mut at = 0;
    while let Some(c) = value[at..].chars().next() {
        if c == '&' {
            let (d, used) = entity_ref(&value[at..]);
            decoded.push(d);
            at += used;
        } else {
            decoded.push(c);
            at += c.len_utf8();
        }
    }
    decoded
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references at the start of `s`;
/// anything else is a literal `&`, as Telegram treats it.
fn entity_ref(s: &str) -> (char, usize) {
    let Some(semi) = s.find(';').filter(|&i| i <= 10) else {
        return ('&', 1);
    };
    let name = &s[1..semi];
    let decoded = match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ if name.starts_with("#x") || name.starts_with("#X") => {
            u32::from_str_radix(&name[2..], 16)
                .ok()
                .and_then(char::from_u32)
        }
        _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
        _ => None,
    };
    match decoded {
        Some(c) => (c, semi + 1),
        None => ('&', 1),
    }
}
