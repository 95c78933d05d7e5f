//! The import graph of the app's top-level modules and the loops in it: dependencies must
//! point one way, so any group of modules that import each other (directly or through others)
//! is reported with every import that closes the loop.

use crate::source::{crate_paths, modules, owner_module, rust_files};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree;

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
}
