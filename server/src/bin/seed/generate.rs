//! Deterministic records: the same seed draws the same people, companies and deals (times
//! are relative to the moment of seeding). Each row's `search_text` is built exactly as the
//! services build it, so search finds seeded records.

use super::insert::V;
use super::names::*;
use app::server::query::search_text;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DAY: i64 = 86_400_000;

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
pub const DEAL_COLUMNS: &[&str] = &[
    "workspace_id",
    "title",
    "value_minor",
    "currency",
    "pipeline_id",
    "stage_id",
    "owner_id",
    "contact_id",
    "company_id",
    "expected_close_date",
    "probability",
    "lost_reason",
    "position",
    "stage_entered_at",
    "search_text",
    "created_at",
    "updated_at",
];
pub const NOTE_COLUMNS: &[&str] = &[
    "workspace_id",
    "contact_id",
    "deal_id",
    "author_id",
    "body",
    "created_at",
];
pub const REMINDER_COLUMNS: &[&str] = &[
    "workspace_id",
    "contact_id",
    "deal_id",
    "owner_id",
    "title",
    "due_at",
    "done_at",
    "notified_at",
    "created_at",
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

/// A stage of the default pipeline.
pub struct Stage {
    pub id: i64,
    pub pipeline_id: i64,
    pub kind: String,
    pub probability: i64,
}

pub struct Gen {
    rng: StdRng,
    now: i64,
    workspace_id: i64,
    owner_id: i64,
    currencies: WeightedIndex<u32>,
    stages: WeightedIndex<u32>,
}

fn is_cyrillic(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

/// `YYYY-MM-DD` of epoch milliseconds.
fn date(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
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

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.rng.gen_range(0..list.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    /// A moment up to `days` days ago.
    fn past(&mut self, days: i64) -> i64 {
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

    /// A deal in one of `stages`, usually with a contact (and that contact's company).
    pub fn deal(
        &mut self,
        contacts: &[ContactRef],
        companies: &[CompanyRef],
        stages: &[Stage],
    ) -> Vec<V> {
        let contact = (!contacts.is_empty() && self.chance(0.85))
            .then(|| &contacts[self.rng.gen_range(0..contacts.len())]);
        let (company_id, company_name) = match contact {
            Some(c) => (c.company_id, c.company_name.clone()),
            None if !companies.is_empty() && self.chance(0.5) => {
                let c = &companies[self.rng.gen_range(0..companies.len())];
                (Some(c.id), Some(c.name.clone()))
            }
            None => (None, None),
        };
        let product = self.pick(PRODUCTS);
        let title = match (&company_name, contact) {
            (Some(co), _) => format!("{product} — {co}"),
            (None, Some(c)) => format!("{product} — {}", c.name),
            _ => product.to_string(),
        };
        let (currency, _, typical) = CURRENCIES[self.currencies.sample(&mut self.rng)];
        let value = (typical as f64 * self.rng.gen_range(0.05..4.0)) as i64 / 100 * 100;
        let stage = &stages[self.stages.sample(&mut self.rng).min(stages.len() - 1)];
        let created = self.past(365);
        let entered = created + self.rng.gen_range(0..(self.now - created).max(1));
        let close = match stage.kind.as_str() {
            "open" => self.now + self.rng.gen_range(-30..180) * DAY,
            _ => entered,
        };
        let lost = if stage.kind == "lost" {
            self.pick(LOST_REASONS)
        } else {
            ""
        };
        let probability = self.chance(0.5).then_some(stage.probability);
        let text = search_text(&[
            &title,
            contact.map(|c| c.name.as_str()).unwrap_or(""),
            company_name.as_deref().unwrap_or(""),
        ]);
        vec![
            V::Int(self.workspace_id),
            V::Text(title),
            V::Int(value),
            V::Text(currency.into()),
            V::Int(stage.pipeline_id),
            V::Int(stage.id),
            V::OptInt(Some(self.owner_id)),
            V::OptInt(contact.map(|c| c.id)),
            V::OptInt(company_id),
            V::OptText(Some(date(close))),
            V::OptInt(probability),
            V::Text(lost.into()),
            V::Int(0),
            V::Int(entered),
            V::Text(text),
            V::Int(created),
            V::Int(entered),
        ]
    }

    /// A contact's or a deal's subject ids: (contact_id, deal_id).
    fn subject(&mut self, contacts: &[ContactRef], deals: &[i64]) -> (Option<i64>, Option<i64>) {
        if !deals.is_empty() && (contacts.is_empty() || self.chance(0.5)) {
            (None, Some(deals[self.rng.gen_range(0..deals.len())]))
        } else {
            (
                Some(contacts[self.rng.gen_range(0..contacts.len())].id),
                None,
            )
        }
    }

    pub fn note(&mut self, contacts: &[ContactRef], deals: &[i64]) -> Vec<V> {
        let (contact, deal) = self.subject(contacts, deals);
        let body = self.pick(NOTES);
        let created = self.past(180);
        vec![
            V::Int(self.workspace_id),
            V::OptInt(contact),
            V::OptInt(deal),
            V::OptInt(Some(self.owner_id)),
            V::Text(body.into()),
            V::Int(created),
        ]
    }

    /// Reminders already due count as notified, so the reminder worker does not announce
    /// thousands of them at once.
    pub fn reminder(&mut self, contacts: &[ContactRef], deals: &[i64]) -> Vec<V> {
        let (contact, deal) = self.subject(contacts, deals);
        let title = self.pick(REMINDERS);
        let due = self.now + self.rng.gen_range(-14..45) * DAY + self.rng.gen_range(0..DAY);
        let past = due <= self.now;
        let done = (past && self.chance(0.6)).then_some(due);
        let created = due.min(self.now) - self.rng.gen_range(DAY..30 * DAY);
        vec![
            V::Int(self.workspace_id),
            V::OptInt(contact),
            V::OptInt(deal),
            V::Int(self.owner_id),
            V::Text(title.into()),
            V::Int(due),
            V::OptInt(done),
            V::OptInt(past.then_some(due)),
            V::Int(created),
        ]
    }
}
