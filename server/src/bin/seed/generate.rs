//! Deterministic records: the same seed draws the same people, companies and deals (times
//! are relative to the moment of seeding). Each row's `search_text` is built exactly as the
//! services build it, so search finds seeded records. Companies and contacts are drawn here,
//! deals, notes and reminders in `deals.rs`.

use super::insert::V;
use super::names::*;
use app::server::query::search_text;
use rand::distributions::WeightedIndex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(crate) const DAY: i64 = 86_400_000;

pub const COMPANY_COLUMNS: &[&str] = &[
    "workspace_id",
    "name",
    "industry",
    "size",
    "website",
    "description",
    "owner_id",
    "search_text",
    "created_at",
    "updated_at",
];
pub const CONTACT_COLUMNS: &[&str] = &[
    "workspace_id",
    "first_name",
    "last_name",
    "display_name",
    "email",
    "phone",
    "telegram_user_id",
    "telegram_username",
    "company_id",
    "owner_id",
    "search_text",
    "created_at",
    "updated_at",
];
/// A seeded company, as contacts and deals refer to it.
pub struct CompanyRef {
    pub id: i64,
    pub name: String,
    pub domain: String,
}

/// A seeded contact, as deals, notes and reminders refer to it.
pub struct ContactRef {
    pub id: i64,
    pub name: String,
    pub company_id: Option<i64>,
    pub company_name: Option<String>,
}

pub struct Gen {
    pub(crate) rng: StdRng,
    pub(crate) now: i64,
    pub(crate) workspace_id: i64,
    pub(crate) owner_id: i64,
    pub(crate) currencies: WeightedIndex<u32>,
    pub(crate) stages: WeightedIndex<u32>,
}

fn is_cyrillic(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

impl Gen {
    pub fn new(seed: u64, now: i64, workspace_id: i64, owner_id: i64) -> Gen {
        Gen {
            rng: StdRng::seed_from_u64(seed),
            now,
            workspace_id,
            owner_id,
            currencies: WeightedIndex::new(CURRENCIES.iter().map(|c| c.1)).expect("weights"),
            stages: WeightedIndex::new(STAGE_WEIGHTS).expect("weights"),
        }
    }

    pub(crate) fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.rng.gen_range(0..list.len())]
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    /// A moment up to `days` days ago.
    pub(crate) fn past(&mut self, days: i64) -> i64 {
        self.now - self.rng.gen_range(0..days * DAY)
    }

    /// The `i`-th company: names are unique (a city tells apart the second 10,000 on).
    pub fn company(&mut self, i: usize) -> Vec<V> {
        let combos = COMPANY_WORDS.len() * COMPANY_KINDS.len() * COMPANY_SUFFIXES.len();
        let j = (i % combos * 7919 + 13) % combos;
        let (word, slug) = COMPANY_WORDS[j % COMPANY_WORDS.len()];
        let kind = COMPANY_KINDS[j / COMPANY_WORDS.len() % COMPANY_KINDS.len()];
        let suffix = COMPANY_SUFFIXES[j / (COMPANY_WORDS.len() * COMPANY_KINDS.len())];
        let mut name = format!("{word} {kind} {suffix}");
        let cycle = i / combos;
        if cycle > 0 {
            name = format!("{name} ({} {cycle})", CITIES[cycle % CITIES.len()]);
        }
        let tld = if is_cyrillic(word) {
            "ru"
        } else {
            self.pick(DOMAINS)
        };
        let website = format!(
            "{slug}-{}{}.{tld}",
            kind.to_lowercase(),
            if cycle > 0 {
                cycle.to_string()
            } else {
                String::new()
            }
        );
        let industry = self.pick(INDUSTRIES);
        let size = self.pick(SIZES);
        let description = format!("{industry} company, {size} people.");
        let created = self.past(730);
        let updated = created + self.rng.gen_range(0..(self.now - created).max(1));
        let text = search_text(&[&name, industry, &website]);
        vec![
            V::Int(self.workspace_id),
            V::Text(name),
            V::Text(industry.into()),
            V::Text(size.into()),
            V::Text(website),
            V::Text(description),
            V::OptInt(Some(self.owner_id)),
            V::Text(text),
            V::Int(created),
            V::Int(updated),
        ]
    }

    fn phone(&mut self, russian: bool) -> String {
        let r = &mut self.rng;
        if russian {
            format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                r.gen_range(0..100),
                r.gen_range(0..1000),
                r.gen_range(0..100),
                r.gen_range(0..100)
            )
        } else if r.gen_bool(0.5) {
            format!(
                "+1 {:03} 555 {:04}",
                r.gen_range(200..1000),
                r.gen_range(0..10000)
            )
        } else {
            format!(
                "+44 20 {:04} {:04}",
                r.gen_range(0..10000),
                r.gen_range(0..10000)
            )
        }
    }

    /// The `i`-th contact; most work for one of `companies`.
    pub fn contact(&mut self, i: usize, companies: &[CompanyRef]) -> Vec<V> {
        let russian = self.chance(0.3);
        let names =
            |list: &'static [(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
                list.iter()
                    .copied()
                    .filter(|(n, _)| is_cyrillic(n) == russian)
                    .collect()
            };
        let (first, first_latin) = self.pick(&names(FIRST_NAMES));
        let (last, last_latin) = self.pick(&names(LAST_NAMES));
        // Russian surnames agree with the first name: Ирина Петрова, Иван Петров.
        let female = russian && first.ends_with(['а', 'я']);
        let (last, last_latin) = match female {
            true => (format!("{last}а"), format!("{last_latin}a")),
            false => (last.to_string(), last_latin.to_string()),
        };
        let company = (!companies.is_empty() && self.chance(0.75))
            .then(|| &companies[self.rng.gen_range(0..companies.len())]);
        let host = match company {
            Some(c) => c.domain.clone(),
            None => self.pick(MAIL_HOSTS).to_string(),
        };
        let email = self
            .chance(0.9)
            .then(|| format!("{first_latin}.{last_latin}{i}@{host}"));
        let phone = self.chance(0.8).then(|| self.phone(russian));
        let telegram = self
            .chance(0.6)
            .then(|| format!("{first_latin}_{last_latin}{i}"));
        let telegram_id = (telegram.is_some() && self.chance(0.4))
            .then(|| self.rng.gen_range(100_000_000..7_000_000_000i64));
        let display = format!("{first} {last}");
        let text = search_text(&[
            &display,
            first,
            &last,
            email.as_deref().unwrap_or(""),
            phone.as_deref().unwrap_or(""),
            telegram.as_deref().unwrap_or(""),
            company.map(|c| c.name.as_str()).unwrap_or(""),
        ]);
        let created = self.past(365);
        let updated = created + self.rng.gen_range(0..(self.now - created).max(1));
        let owner = self.chance(0.85).then_some(self.owner_id);
        vec![
            V::Int(self.workspace_id),
            V::Text(first.into()),
            V::Text(last),
            V::Text(display),
            V::Text(email.unwrap_or_default()),
            V::Text(phone.unwrap_or_default()),
            V::OptInt(telegram_id),
            V::Text(telegram.unwrap_or_default()),
            V::OptInt(company.map(|c| c.id)),
            V::OptInt(owner),
            V::Text(text),
            V::Int(created),
            V::Int(updated),
        ]
    }
}
