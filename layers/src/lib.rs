//! The dependency rule of the `app` crate, checked (see `docs/ARCHITECTURE.md`):
//!
//! - the shared infrastructure (`server/`, `error`, `ids`, `validation`, `i18n`, `listing`)
//!   imports no domain;
//! - the inbox (`messaging/`) never imports a channel (`channels/`): channels implement the
//!   inbox's port and are registered at start-up;
//! - nothing inside the app imports the composition root (`platform/`), which imports
//!   everything and is used only by the server binary;
//! - dependencies point one way: no two modules import each other, directly or through
//!   others ([`cycles()`]).
//!
//! A module's imports are the `crate::<module>` paths in its files (grouped `crate::{a, b}`
//! included), comments left out. Known exceptions are listed with their reason in
//! [`EXCEPTIONS`], so the list is the debt still owed.

pub mod cycles;
pub mod source;

pub use cycles::{cycles, import_graph, Evidence};
pub use source::{crate_paths, modules};

use source::{owner_module, rust_files};
use std::path::Path;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree;

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
}
