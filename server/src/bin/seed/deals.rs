//! Deals over the default pipeline's stages, and the notes and reminders on contacts and
//! deals; see `generate.rs` for the generator they share.

use super::generate::{CompanyRef, ContactRef, Gen, DAY};
use super::insert::V;
use super::names::*;
use app::server::query::search_text;
use rand::distributions::Distribution;
use rand::Rng;

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

/// A stage of the default pipeline.
pub struct Stage {
    pub id: i64,
    pub pipeline_id: i64,
    pub kind: String,
    pub probability: i64,
}

/// `YYYY-MM-DD` of epoch milliseconds.
fn date(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

impl Gen {
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
