//! Building list queries: a WHERE clause with numbered placeholders and its values, search
//! included. Only whitelisted SQL fragments are ever interpolated; values are always bound.

use super::Backend;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::Any;

#[derive(Debug, Clone, Hash)]
pub enum Value {
    Int(i64),
    Text(String),
}

/// `WHERE` conditions joined by `AND`, with their bound values in placeholder order.
#[derive(Debug, Clone, Default, Hash)]
pub struct Conditions {
    parts: Vec<String>,
    values: Vec<Value>,
    /// Which part is the workspace scope (see `search`).
    workspace_part: Option<usize>,
    /// Whether a search narrows the rows (see `is_search`).
    search: bool,
    /// On SQLite, the search's FTS5 table and which part tests it (see `fts_walk`).
    fts: Option<(String, usize, usize)>,
}

/// A list read by walking a search's FTS5 matches newest first (see [`Conditions::fts_walk`]).
pub struct FtsWalk {
    /// Replaces `FROM <table> <alias>`: the matches, each joined to its row.
    pub from: String,
    /// The conditions, the search tested by the walk itself.
    pub conditions: String,
    /// The order the walk yields, `<alias>.id DESC`.
    pub order: String,
}

impl Conditions {
    /// Scoped to a workspace: every list starts here.
    pub fn in_workspace(alias: &str, workspace_id: i64) -> Conditions {
        let mut c = Conditions::default();
        c.push(
            &format!("{alias}.workspace_id = {{}}"),
            Value::Int(workspace_id),
        );
        c.workspace_part = Some(0);
        c
    }

    /// Adds `fragment`, where `{}` stands for the next placeholder.
    pub fn push(&mut self, fragment: &str, value: Value) {
        self.values.push(value);
        self.parts
            .push(fragment.replace("{}", &format!("${}", self.values.len())));
    }

    /// `column = value`, when there is a value (an id or a number).
    pub fn eq(&mut self, column: &str, value: Option<impl Into<i64>>) {
        if let Some(v) = value {
            self.push(&format!("{column} = {{}}"), Value::Int(v.into()));
        }
    }

    /// Case-insensitive substring search over `alias.search_text`, through the backend's
    /// index beside `table`: FTS5 trigram in `<table>_fts` on SQLite, pg_trgm over
    /// `<table>_search` on PostgreSQL (both need 3+ characters; shorter terms scan).
    pub fn search(&mut self, backend: Backend, alias: &str, table: &str, term: Option<&str>) {
        let Some(term) = term else { return };
        // NUL is refused by FTS5 queries and by PostgreSQL text alike, and no stored text
        // holds one: the search is for the rest of the term.
        let term = term.replace('\0', "");
        if term.is_empty() {
            return;
        }
        self.search = true;
        if term.chars().count() >= 3 && backend == Backend::Sqlite {
            // Without table statistics SQLite takes `workspace_id = ?` for a selective index
            // and walks the whole workspace, testing every row against the matches (262 ms at
            // 100k contacts). A unary `+` keeps the scope off that index, so the query starts
            // from the FTS matches instead.
            if let Some(i) = self.workspace_part {
                self.parts[i] = format!("+{}", self.parts[i]);
            }
            let quoted = format!("\"{}\"", term.replace('"', "\"\""));
            // The part pushed next, and its value's placeholder.
            let at = (self.parts.len(), self.values.len() + 1);
            self.fts = Some((format!("{table}_fts"), at.0, at.1));
            self.push(
                &format!(
                    "{alias}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH {{}})"
                ),
                Value::Text(quoted),
            );
        } else {
            let escaped = term
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = Value::Text(format!("%{escaped}%"));
            if term.chars().count() >= 3 && backend == Backend::Postgres {
                // The trigram index lives beside the table (see migration 0010).
                self.push(
                    &format!(
                        "{alias}.id IN (SELECT id FROM {table}_search WHERE search_text LIKE {{}} ESCAPE '\\')"
                    ),
                    pattern,
                );
            } else {
                self.push(
                    &format!("{alias}.search_text LIKE {{}} ESCAPE '\\'"),
                    pattern,
                );
            }
        }
    }

    /// Whether a search term narrows the rows: then a list's matches are few, and counting
    /// them beside the page (`COUNT(*) OVER ()`) is cheaper than a second scan.
    pub fn is_search(&self) -> bool {
        self.search
    }

    /// On SQLite, the same conditions read from the search's FTS5 matches in `rowid DESC`
    /// order, joined to their rows, for a list ordered by `alias.id DESC`: the walk stops once
    /// the page is full, where `id IN (matches)` collects every match first (at 7,000 matches,
    /// 1.3 ms for a page of 50). `from` is `<table> <alias>` as the list's query names it.
    pub fn fts_walk(&self, from: &str) -> Option<FtsWalk> {
        let (fts, part, placeholder) = self.fts.as_ref()?;
        let alias = from.split_whitespace().last()?;
        let mut parts = self.parts.clone();
        parts[*part] = format!("{fts} MATCH ${placeholder}");
        Some(FtsWalk {
            // CROSS JOIN keeps the matches the outer loop (SQLite never reorders it).
            from: format!("{fts} CROSS JOIN {from} ON {alias}.id = {fts}.rowid"),
            conditions: parts.join(" AND "),
            order: format!("{fts}.rowid DESC"),
        })
    }

    pub fn sql(&self) -> String {
        self.parts.join(" AND ")
    }

    /// The number the next placeholder would get.
    pub fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    pub fn bind<'q>(&self, mut q: Query<'q, Any, AnyArguments>) -> Query<'q, Any, AnyArguments> {
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }

    pub fn bind_as<'q, O>(
        &self,
        mut q: QueryAs<'q, Any, O, AnyArguments>,
    ) -> QueryAs<'q, Any, O, AnyArguments> {
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }

    pub fn bind_scalar<'q, O>(
        &self,
        mut q: QueryScalar<'q, Any, O, AnyArguments>,
    ) -> QueryScalar<'q, Any, O, AnyArguments> {
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }
}

/// The lower-cased text search runs over.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Maps a `sort` parameter (`name`, `-updatedAt`) to an ORDER BY clause through a whitelist;
/// unknown fields fall back to the default.
pub fn order_by(sort: Option<&str>, allowed: &[(&str, &str)], default: &str) -> String {
    let Some(sort) = sort.map(str::trim).filter(|s| !s.is_empty()) else {
        return default.to_string();
    };
    let (field, desc) = match sort.strip_prefix('-') {
        Some(f) => (f, true),
        None => (sort, false),
    };
    match allowed.iter().find(|(name, _)| *name == field) {
        Some((_, column)) => format!(
            "{column} {}, {}",
            if desc { "DESC" } else { "ASC" },
            default
        ),
        None => default.to_string(),
    }
}

/// `($1, $2, …), (…), …`: the `VALUES` list of a multi-row `INSERT` of `rows` rows of
/// `columns` values each.
pub fn values_list(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * columns + c + 1));
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod values_list_tests {
    #[test]
    fn numbers_placeholders_row_by_row() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values_list(1, 1), "($1)");
    }
}
