//! `parse_mode=MarkdownV2` (strict: reserved characters must be escaped) and the legacy
//! `parse_mode=Markdown` (no nesting, few escapes), with Telegram's error messages.

use super::{Entity, Out};

const RESERVED: &str = "_*[]()~`>#+-=|{}.!";

struct Open {
    kind: &'static str,
    start: usize,
    byte: usize,
    language: Option<String>,
}

impl Open {
    fn new(kind: &'static str, start: usize, byte: usize) -> Self {
        Self {
            kind,
            start,
            byte,
            language: None,
        }
    }
}

fn entity_name(kind: &str) -> &'static str {
    match kind {
        "bold" => "Bold",
        "italic" => "Italic",
        "underline" => "Underline",
        "strikethrough" => "Strikethrough",
        "spoiler" => "Spoiler",
        "code" => "Code",
        "pre" => "Pre",
        _ => "TextUrl",
    }
}

fn reserved(c: char) -> String {
    format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")
}

/// Parses MarkdownV2; `Err` is the error detail.
pub(crate) fn parse_v2(input: &str) -> Result<Out, String> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out = Out::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while let Some(&(byte, c)) = chars.get(i) {
        let next = chars.get(i + 1).map(|&(_, n)| n);
        let in_code = stack
            .last()
            .is_some_and(|o| o.kind == "code" || o.kind == "pre");
        let line_start = i == 0 || chars[i - 1].1 == '\n';
        i += 1;
        if c == '\\' {
            let escaped = next
                .filter(|n| (1..=126).contains(&(*n as u32)))
                .ok_or_else(|| reserved('\\'))?;
            out.push(escaped);
            i += 1;
            continue;
        }
        if in_code {
            let closes_pre =
                c == '`' && next == Some('`') && chars.get(i + 1).map(|p| p.1) == Some('`');
            match stack.last().map(|o| o.kind) {
                Some("code") if c == '`' => close(&mut out, &mut stack),
                Some("pre") if closes_pre => {
                    close(&mut out, &mut stack);
                    i += 2;
                }
                _ => out.push(c),
            }
            continue;
        }
        match c {
            '*' => toggle(&mut out, &mut stack, "bold", byte)?,
            '~' => toggle(&mut out, &mut stack, "strikethrough", byte)?,
            '_' if next == Some('_') => {
                toggle(&mut out, &mut stack, "underline", byte)?;
                i += 1;
            }
            '_' => toggle(&mut out, &mut stack, "italic", byte)?,
            '|' if next == Some('|') => {
                toggle(&mut out, &mut stack, "spoiler", byte)?;
                i += 1;
            }
            '`' if next == Some('`') && chars.get(i + 1).map(|p| p.1) == Some('`') => {
                i += 2;
                let language = pre_language(&chars, &mut i);
                stack.push(Open {
                    language,
                    ..Open::new("pre", out.utf16, byte)
                });
            }
            '`' => stack.push(Open::new("code", out.utf16, byte)),
            '[' => stack.push(Open::new("text_link", out.utf16, byte)),
            ']' if stack.last().is_some_and(|o| o.kind == "text_link") => {
                let url = link_url(&chars, &mut i, byte)?;
                let Some(open) = stack.pop() else {
                    return Err(reserved(']'));
                };
                out.emit(Entity {
                    url: Some(url),
                    ..Entity::new("text_link", open.start, out.utf16)
                });
            }
            '>' if line_start => {
                quote.get_or_insert(out.utf16);
            }
            '\n' => {
                let continues = next == Some('>');
                if let (Some(start), false) = (quote, continues) {
                    out.emit(Entity::new("blockquote", start, out.utf16));
                    quote = None;
                }
                out.push(c);
            }
            _ if RESERVED.contains(c) => return Err(reserved(c)),
            _ => out.push(c),
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            entity_name(open.kind),
            open.byte
        ));
    }
    if let Some(start) = quote {
        out.emit(Entity::new("blockquote", start, out.utf16));
    }
    Ok(out)
}

/// Opens `kind`, or closes it when it is the innermost open entity.
fn toggle(
    out: &mut Out,
    stack: &mut Vec<Open>,
    kind: &'static str,
    byte: usize,
) -> Result<(), String> {
    match stack.iter().rposition(|o| o.kind == kind) {
        None => {
            stack.push(Open::new(kind, out.utf16, byte));
            Ok(())
        }
        Some(at) if at + 1 == stack.len() => {
            close(out, stack);
            Ok(())
        }
        Some(at) => Err(format!(
            "Can't find end of {} entity at byte offset {}",
            entity_name(stack[at + 1].kind),
            stack[at + 1].byte
        )),
    }
}

/// Closes the innermost entity.
fn close(out: &mut Out, stack: &mut Vec<Open>) {
    let Some(open) = stack.pop() else { return };
    let entity = Entity::new(open.kind, open.start, out.utf16);
    out.emit(Entity {
        language: open.language,
        ..entity
    });
}

/// After an opening fence: a language tag is the rest of the line, if it has no spaces.
fn pre_language(chars: &[(usize, char)], i: &mut usize) -> Option<String> {
    let line: String = chars[*i..]
        .iter()
        .map(|p| p.1)
        .take_while(|&c| c != '\n')
        .collect();
    let has_newline = chars.get(*i + line.chars().count()).is_some();
    if !has_newline || line.contains(char::is_whitespace) || line.contains('`') {
        return None;
    }
    *i += line.chars().count() + 1;
    (!line.is_empty()).then_some(line)
}

/// Reads `(url)` after a link's `]`; `)` and `\` inside must be escaped.
fn link_url(chars: &[(usize, char)], i: &mut usize, byte: usize) -> Result<String, String> {
    if chars.get(*i).map(|p| p.1) != Some('(') {
        return Err(format!("Can't find end of a URL at byte offset {byte}"));
    }
    *i += 1;
    let mut url = String::new();
    while let Some(&(_, c)) = chars.get(*i) {
        *i += 1;
        match c {
            ')' => return Ok(url),
            '\\' => {
                let escaped = chars.get(*i).map(|p| p.1).ok_or_else(|| reserved('\\'))?;
                url.push(escaped);
                *i += 1;
            }
            _ => url.push(c),
        }
    }
    Err(format!("Can't find end of a URL at byte offset {byte}"))
}

/// Parses legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````,
/// `[text](url)`; only `_ * ` [` can be escaped, and entities do not nest.
pub(crate) fn parse_legacy(input: &str) -> Result<Out, String> {
    let mut out = Out::default();
    let mut rest = input;
    let mut byte = 0;
    while let Some(c) = rest.chars().next() {
        let (kind, fence) = match c {
            '*' => ("bold", "*"),
            '_' => ("italic", "_"),
            '`' if rest.starts_with("```") => ("pre", "```"),
            '`' => ("code", "`"),
            '[' => ("text_link", "]"),
            '\\' if rest[1..].starts_with(['_', '*', '`', '[']) => {
                out.push(rest[1..].chars().next().unwrap_or('\\'));
                rest = &rest[2..];
                byte += 2;
                continue;
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
                byte += c.len_utf8();
                continue;
            }
        };
        let open = if fence == "]" { 1 } else { fence.len() };
        let unclosed = || format!("Can't find end of the entity starting at byte offset {byte}");
        let end = rest[open..].find(fence).ok_or_else(unclosed)? + open;
        let start = out.utf16;
        rest[open..end].chars().for_each(|c| out.push(c));
        let mut entity = Entity::new(kind, start, out.utf16);
        let mut used = end + fence.len();
        if kind == "text_link" {
            let tail = rest[used..].strip_prefix('(').ok_or_else(unclosed)?;
            let close = tail.find(')').ok_or_else(unclosed)?;
            entity.url = Some(tail[..close].to_owned());
            used += close + 2;
        }
        out.emit(entity);
        rest = &rest[used..];
        byte += used;
    }
    Ok(out)
}
