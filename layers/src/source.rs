//! Reading the app's source: its top-level modules, its Rust files, and the `crate::` paths
//! in each file (grouped `crate::{a, b}` included, comments left out).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The app's top-level modules: the folders and `.rs` files directly under `root`.
pub fn modules(root: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if module && name != "lib" && name != "main" {
            found.insert(name.to_string());
        }
    }
    Ok(found)
}

/// The top-level module a file belongs to (`messaging/server/send.rs` → `messaging`);
/// `None` for the crate root.
pub(crate) fn owner_module(relative: &str) -> Option<String> {
    let first = relative.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

pub(crate) fn rust_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The top-level modules named by `crate::` paths in `source`, with their line numbers;
/// comments are skipped, and `crate::{a::b, c}` names `a` and `c`.
pub fn crate_paths(source: &str) -> Vec<(usize, String)> {
    let code = strip_comments(source);
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = code[at..].find("crate::") {
        let start = at + offset;
        at = start + "crate::".len();
        // `$crate::` in macros and identifiers ending in `crate` are not paths of this crate.
        if start > 0 {
            let before = bytes[start - 1];
            if before == b'$' || before == b'_' || before.is_ascii_alphanumeric() {
                continue;
            }
        }
        let line = code[..start].matches('\n').count() + 1;
        if code[at..].starts_with('{') {
            for (name, name_at) in group_heads(&code, at) {
                found.push((code[..name_at].matches('\n').count() + 1, name));
            }
            let _ = line;
        } else {
            let name: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((line, name));
            }
        }
    }
    found
}

/// The first identifier of each item of the group starting at `open` (`{`), at depth one.
fn group_heads(code: &str, open: usize) -> Vec<(String, usize)> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    let mut i = open;
    let bytes = code.as_bytes();
    while i < bytes.len() {
        let c = bytes[i] as char;
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expecting = true,
            c if expecting && depth == 1 && (c.is_alphanumeric() || c == '_') => {
                let name: String = code[i..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                i += name.len();
                heads.push((name, i));
                expecting = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// The source with `//` and `/* */` comments blanked (newlines kept) and string literals
/// kept as they are.
fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A source tree of `files` (path, text) in a temporary directory, for tests.
#[cfg(test)]
pub(crate) fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_and_identifier_lookalikes_are_not_paths() {
        assert_eq!(
            crate_paths("$crate::x(); my_crate::y(); crate::deals::z();"),
            vec![(1, "deals".to_string())]
        );
    }
}
