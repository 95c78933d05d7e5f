//! The dependency rule of the `app` crate, checked (see `docs/ARCHITECTURE.md`):
//!
//! - the shared infrastructure (`server/`, `error`, `ids`, `validation`, `i18n`, `listing`)
//!   imports no domain;
//! - the inbox (`messaging/`) never imports a channel (`channels/`): channels implement the
//!   inbox's port and are registered at start-up;
//! - nothing inside the app imports the composition root (`platform/`), which imports
//!   everything and is used only by the server binary;
//! - dependencies point one way: no two modules import each other, directly or through
//!   others ([`cycles`]).
//!
//! A module's imports are the `crate::<module>` paths in its files (grouped `crate::{a, b}`
//! included), comments left out. Known exceptions are listed with their reason in
//! [`EXCEPTIONS`], so the list is the debt still owed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of the app crate that are shared infrastructure.
pub const INFRASTRUCTURE: &[&str] = &["server", "error", "ids", "validation", "i18n", "listing"];

/// One rule: files of module `from` may not import any of `forbidden` (`*` meaning every
/// module that is not infrastructure).
pub struct Rule {
    pub from: &'static str,
    pub forbidden: &'static [&'static str],
    pub why: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        from: "server",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "error",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "ids",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "validation",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "i18n",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "listing",
        forbidden: &["*"],
        why: "the shared infrastructure imports no domain",
    },
    Rule {
        from: "messaging",
        forbidden: &["channels"],
        why: "the inbox never names a network: channels implement its port",
    },
    Rule {
        from: "*",
        forbidden: &["platform"],
        why: "only the server binary uses the composition root",
    },
];

/// Imports the rules forbid that are still there, each with the reason it is tolerated.
/// (file relative to `app/src`, imported module, reason)
pub const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// One import across the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file, relative to the source root.
    pub file: String,
    pub line: usize,
    pub imports: String,
    pub why: &'static str,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} imports crate::{} — {}",
            self.file, self.line, self.imports, self.why
        )
    }
}

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

/// Every import across `rules` under `root` (the app's `src`), minus `exceptions`.
pub fn violations(
    root: &Path,
    rules: &[Rule],
    exceptions: &[(&str, &str, &str)],
) -> std::io::Result<Vec<Violation>> {
    let modules = modules(root)?;
    let mut found = Vec::new();
    for file in rust_files(root)? {
        let relative = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(owner) = owner_module(&relative) else {
            continue;
        };
        let source = std::fs::read_to_string(&file)?;
        for (line, imported) in crate_paths(&source) {
            if imported == owner || !modules.contains(&imported) {
                continue;
            }
            for rule in rules {
                if rule.from != "*" && rule.from != owner {
                    continue;
                }
                let forbidden = rule.forbidden.iter().any(|f| {
                    *f == imported || (*f == "*" && !INFRASTRUCTURE.contains(&imported.as_str()))
                });
                let excused = exceptions
                    .iter()
                    .any(|(f, m, _)| *f == relative && (*m == "*" || *m == imported));
                if forbidden && !excused {
                    found.push(Violation {
                        file: relative.clone(),
                        line,
                        imports: imported.clone(),
                        why: rule.why,
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    found.dedup();
    Ok(found)
}

/// Where one module first imports another: `(file, line)`.
pub type Evidence = (String, usize);

/// The import graph of the app's top-level modules: for each module, the modules it imports
/// and where it first does.
pub fn import_graph(root: &Path) -> std::io::Result<BTreeMap<String, BTreeMap<String, Evidence>>> {
    let modules = modules(root)?;
    let mut graph: BTreeMap<String, BTreeMap<String, Evidence>> = BTreeMap::new();
    for file in rust_files(root)? {
        let relative = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(owner) = owner_module(&relative) else {
            continue;
        };
        let source = std::fs::read_to_string(&file)?;
        for (line, imported) in crate_paths(&source) {
            if imported != owner && modules.contains(&imported) {
                graph
                    .entry(owner.clone())
                    .or_default()
                    .entry(imported)
                    .or_insert_with(|| (relative.clone(), line));
            }
        }
    }
    Ok(graph)
}

/// Groups of modules that import each other (directly or through others), each with the
/// imports that close the loop: `(importer, imported, where)`. Empty when every dependency
/// points one way.
pub fn cycles(root: &Path) -> std::io::Result<Vec<Vec<(String, String, Evidence)>>> {
    let graph = import_graph(root)?;
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![from.to_string()];
        while let Some(m) = pending.pop() {
            for next in graph.get(&m).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(next.clone()) {
                    pending.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut grouped = BTreeSet::new();
    let mut found = Vec::new();
    for module in graph.keys() {
        if grouped.contains(module) || !reachable[module].contains(module) {
            continue;
        }
        // Its strongly connected group: the modules it reaches that reach it back.
        let group: BTreeSet<&String> = reachable[module]
            .iter()
            .filter_map(|m| reachable.get_key_value(m).map(|(k, r)| (*k, r)))
            .filter(|(_, r)| r.contains(module))
            .map(|(k, _)| k)
            .collect();
        let mut edges = Vec::new();
        for from in &group {
            for (to, evidence) in &graph[*from] {
                if group.contains(to) {
                    edges.push(((*from).clone(), to.clone(), evidence.clone()));
                }
            }
            grouped.insert((*from).clone());
        }
        found.push(edges);
    }
    Ok(found)
}

/// The top-level module a file belongs to (`messaging/server/send.rs` → `messaging`);
/// `None` for the crate root.
fn owner_module(relative: &str) -> Option<String> {
    let first = relative.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

fn rust_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        dir
    }

    fn found(dir: &tempfile::TempDir) -> Vec<String> {
        violations(dir.path(), RULES, &[])
            .unwrap()
            .iter()
            .map(|v| format!("{}:{} {}", v.file, v.line, v.imports))
            .collect()
    }

    #[test]
    fn the_app_keeps_the_rule() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        let found = violations(&root, RULES, EXCEPTIONS).unwrap();
        let listed: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert!(
            found.is_empty(),
            "imports across the rule:\n{}",
            listed.join("\n")
        );
        assert!(modules(&root).unwrap().contains("messaging"));
    }

    #[test]
    fn the_app_has_no_import_cycles() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        let found = cycles(&root).unwrap();
        let listed: Vec<String> = found
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|(a, b, (file, line))| format!("  {a} -> {b} ({file}:{line})"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        assert!(
            found.is_empty(),
            "modules that import each other:\n{}",
            listed.join("\n\n")
        );
        assert!(import_graph(&root).unwrap()["messaging"].contains_key("server"));
    }

    #[test]
    fn a_deliberate_cycle_is_reported_with_every_import_in_it() {
        let dir = tree(&[
            (
                "auth/mod.rs",
                "use crate::team::Action;\nuse crate::ids::UserId;",
            ),
            ("team/mod.rs", "use crate::workspaces::Role;"),
            ("workspaces/server.rs", "\n\nuse crate::auth::AuthContext;"),
            (
                "deals/mod.rs",
                "use crate::auth::AuthContext; use crate::contacts::X;",
            ),
            ("contacts/mod.rs", "use crate::ids::ContactId;"),
            ("ids.rs", ""),
        ]);
        let found = cycles(dir.path()).unwrap();
        let edges: Vec<String> = found
            .iter()
            .flatten()
            .map(|(a, b, (file, line))| format!("{a}->{b} {file}:{line}"))
            .collect();
        assert_eq!(
            edges,
            vec![
                "auth->team auth/mod.rs:1",
                "team->workspaces team/mod.rs:1",
                "workspaces->auth workspaces/server.rs:3",
            ]
        );
        assert_eq!(found.len(), 1, "deals and contacts import one way only");
    }

    #[test]
    fn a_deliberate_violation_is_reported_with_its_line() {
        let dir = tree(&[
            (
                "lib.rs",
                "pub mod server; pub mod deals; pub mod messaging; pub mod channels;",
            ),
            ("server/mod.rs", "pub mod db;"),
            (
                "server/db.rs",
                "use crate::error::AppError;\n\nuse crate::deals::DealView;\n",
            ),
            ("deals/mod.rs", "use crate::server::Db;"),
            (
                "messaging/server/send.rs",
                "fn f() { crate::channels::telegram_bot::send(); }",
            ),
            (
                "channels/mod.rs",
                "use crate::messaging::server::channel::Channel;",
            ),
            ("error.rs", ""),
        ]);
        assert_eq!(
            found(&dir),
            vec![
                "messaging/server/send.rs:1 channels",
                "server/db.rs:3 deals"
            ]
        );
    }

    #[test]
    fn grouped_imports_count_and_comments_do_not() {
        let dir = tree(&[
            ("server/state.rs", "use crate::{\n    ids::WorkspaceId,\n    auth::server::AuthCache,\n};\n"),
            ("server/db.rs", "//! See crate::deals for the moves.\n/* crate::team */ const A: &str = \"x\"; // crate::auth\n"),
            ("auth/mod.rs", ""),
            ("deals/mod.rs", ""),
            ("team/mod.rs", ""),
            ("ids.rs", ""),
        ]);
        assert_eq!(found(&dir), vec!["server/state.rs:3 auth"]);
    }

    #[test]
    fn nothing_imports_the_composition_root_and_exceptions_are_honoured() {
        let dir = tree(&[
            (
                "platform/mod.rs",
                "use crate::deals::X; use crate::server::Y;",
            ),
            ("deals/mod.rs", "use crate::platform::job_registry;"),
            ("server/state.rs", "use crate::deals::MoveQueue;"),
        ]);
        assert_eq!(
            found(&dir),
            vec!["deals/mod.rs:1 platform", "server/state.rs:1 deals"]
        );
        let excused = violations(
            dir.path(),
            RULES,
            &[("server/state.rs", "*", "AppState's parts")],
        )
        .unwrap();
        assert_eq!(excused.len(), 1, "{excused:?}");
        assert_eq!(excused[0].imports, "platform");
    }

    #[test]
    fn macro_and_identifier_lookalikes_are_not_paths() {
        assert_eq!(
            crate_paths("$crate::x(); my_crate::y(); crate::deals::z();"),
            vec![(1, "deals".to_string())]
        );
    }
}
