//! Messages with placeholders and plural forms, through Project Fluent.
//!
//! `app/locales/<lang>.ftl` hold every sentence whose words depend on a value: counts
//! ("1 участник", "2 участника", "5 участников" — CLDR plural rules from `intl_pluralrules`),
//! names put into a sentence in the order each language wants, the activity feed, the
//! timeline, toasts and emails. Plain labels stay in the `Strings` tables. Each file is parsed
//! once per process (server) or page (browser) on first use. Numbers placed into a message are
//! grouped the language's way (`1 234`).

use super::number::format_count;
use super::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

const EN_FTL: &str = include_str!("../../locales/en.ftl");
const RU_FTL: &str = include_str!("../../locales/ru.ftl");

/// The source of a language's messages.
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => EN_FTL,
        Lang::Ru => RU_FTL,
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around placeholders would end up in copied text and tests.
    bundle.set_use_isolating(false);
    match lang {
        Lang::En => bundle.set_formatter(Some(number_en)),
        Lang::Ru => bundle.set_formatter(Some(number_ru)),
    }
    // The files are part of the build and checked by a test; a syntax error still leaves
    // every well-formed message usable.
    let resource = FluentResource::try_new(source(lang).to_string()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

fn number_in(value: &FluentValue, lang: Lang) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 9e15 => {
            Some(format_count(n.value as i64, lang))
        }
        _ => None,
    }
}

fn number_en<M>(value: &FluentValue, _: &M) -> Option<String> {
    number_in(value, Lang::En)
}

fn number_ru<M>(value: &FluentValue, _: &M) -> Option<String> {
    number_in(value, Lang::Ru)
}

static BUNDLES: LazyLock<[Bundle; 2]> = LazyLock::new(|| [bundle(Lang::En), bundle(Lang::Ru)]);

/// A value put into a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(n as i64)
    }
}

/// Whether `id` is a message of `lang`.
pub fn has(lang: Lang, id: &str) -> bool {
    BUNDLES[lang as usize].has_message(id)
}

/// The message `id` in `lang` with `args` put in; the id itself when it is missing (a test
/// keeps that from happening).
pub fn tr(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = &BUNDLES[lang as usize];
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent_args.set(*name, FluentValue::from(s.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// A message to render later, in whatever language is shown then (toasts).
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg {
            id,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((name, value.into()));
        self
    }
    pub fn render(&self, lang: Lang) -> String {
        tr(lang, self.id, &self.args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// Every message id (and attribute) of a file with the placeholders it uses.
    fn placeholders(source: &'static str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| {
            panic!("the file does not parse: {errors:?}");
        });
        let mut out = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                for a in &m.attributes {
                    pattern_vars(&a.value, &mut vars);
                }
                out.insert(m.id.name.to_string(), vars);
            }
        }
        out
    }

    fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
            ast::Expression::Inline(i) => inline_vars(i, vars),
        }
    }

    fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for p in &arguments.positional {
                    inline_vars(p, vars);
                }
            }
            _ => {}
        }
    }

    /// Fails when a message exists in one language and not the other, or when the two use
    /// different placeholders.
    fn compare(
        a: &BTreeMap<String, BTreeSet<String>>,
        b: &BTreeMap<String, BTreeSet<String>>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        for (id, vars) in a {
            match b.get(id) {
                None => problems.push(format!("{id}: only in the first language")),
                Some(other) if other != vars => {
                    problems.push(format!("{id}: placeholders {vars:?} against {other:?}"))
                }
                _ => {}
            }
        }
        for id in b.keys().filter(|id| !a.contains_key(*id)) {
            problems.push(format!("{id}: only in the second language"));
        }
        problems
    }

    #[test]
    fn every_language_has_every_message_with_the_same_placeholders() {
        let problems = compare(&placeholders(EN_FTL), &placeholders(RU_FTL));
        assert!(
            problems.is_empty(),
            "translation tables differ:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_check_catches_a_missing_message_and_a_renamed_placeholder() {
        let en = placeholders("a = { $name } joined\nb = Hello\n");
        let ru = placeholders("a = { $title } присоединился\n");
        let problems = compare(&en, &ru);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("a: placeholders"));
        assert!(problems[1].starts_with("b: only in the first"));
    }

    /// The literal message ids a source file passes to `Msg::new(…)` or `tr(lang, …)`,
    /// however the call is wrapped.
    fn ids_used(text: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for (marker, after_first_arg) in [("Msg::new(", false), ("tr(", true)] {
            for (i, _) in text.match_indices(marker) {
                let before = text[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let mut rest = &text[i + marker.len()..];
                if after_first_arg {
                    let Some(comma) = rest.find(',') else {
                        continue;
                    };
                    let first = &rest[..comma];
                    if first.matches('(').count() != first.matches(')').count() {
                        continue;
                    }
                    rest = &rest[comma + 1..];
                }
                if let Some(quoted) = rest.trim_start().strip_prefix('"') {
                    ids.push(quoted[..quoted.find('"').unwrap_or(0)].to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn the_code_asks_only_for_messages_that_exist() {
        assert_eq!(
            ids_used("Msg::new(\"a\")\ntr(\n    lang.get(),\n    \"b\",\n)\nattr(x, \"no\")\ntr(lang, &id)"),
            ["a", "b"]
        );
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut used = 0;
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("i18n/messages.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for id in ids_used(&text) {
                        used += 1;
                        if !has(Lang::En, &id) {
                            missing.push(format!("{}: {id}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(used > 30, "the scan found only {used} uses");
        assert!(
            missing.is_empty(),
            "messages used but not defined:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn plural_forms_follow_each_language() {
        let members = |lang, n: i64| tr(lang, "members-count", &[("count", n.into())]);
        let en: Vec<String> = [0, 1, 2, 5, 11, 21, 22]
            .iter()
            .map(|n| members(Lang::En, *n))
            .collect();
        assert_eq!(
            en,
            [
                "0 members",
                "1 member",
                "2 members",
                "5 members",
                "11 members",
                "21 members",
                "22 members"
            ]
        );
        let ru: Vec<String> = [0, 1, 2, 5, 11, 21, 22]
            .iter()
            .map(|n| members(Lang::Ru, *n))
            .collect();
        assert_eq!(
            ru,
            [
                "0 участников",
                "1 участник",
                "2 участника",
                "5 участников",
                "11 участников",
                "21 участник",
                "22 участника"
            ]
        );
        assert_eq!(members(Lang::Ru, 1234), "1\u{a0}234 участника");
        assert_eq!(members(Lang::En, 1234), "1,234 members");
    }

    #[test]
    fn names_go_where_each_language_puts_them() {
        let joined = |lang| tr(lang, "event-member-joined", &[("name", "Anna".into())]);
        assert_eq!(joined(Lang::En), "Anna joined the workspace");
        assert_eq!(joined(Lang::Ru), "Anna — новый участник пространства");
        assert_eq!(Msg::new("toast-saved").render(Lang::Ru), "Сохранено");
        assert_eq!(tr(Lang::En, "no-such-message", &[]), "no-such-message");
    }
}
