//! Word lists of the seeded inbox: people's names and usernames, and message text made of a
//! business-chat vocabulary picked with a skewed (Zipf-like) frequency, so some search terms
//! match a large share of the messages, others a few, and some none.

use crate::crm::seed::Rng;

pub const FIRST: &[&str] = &[
    "Maria", "Mark", "Marta", "Martin", "Anna", "Alex", "Alena", "John", "Joanna", "Peter",
    "Paula", "Olga", "Oscar", "Ivan", "Irina", "Sergei", "Sofia", "Dmitri", "Daria", "Nikolai",
    "Natalia", "Elena", "Emil", "Fatima", "Felix", "Grace", "Hugo", "Ingrid", "Jonas", "Kira",
    "Leon", "Lina", "Mila", "Noah", "Nora", "Pavel", "Rosa", "Simon", "Tanya", "Umar", "Vera",
    "Yuri", "Zoe",
];
pub const LAST: &[&str] = &[
    "Ivanova", "Petrov", "Smith", "Johnson", "Garcia", "Novak", "Kowalski", "Schmidt", "Rossi",
    "Dubois", "Jensen", "Nielsen", "Hansen", "Berg", "Volkov", "Sokolov", "Popov", "Lebedev",
    "Kozlov", "Morozov", "Orlov", "Pavlov", "Fedorov", "Wagner", "Becker", "Keller", "Brown",
    "Wilson", "Taylor", "Clark", "Walker", "Young", "King", "Wright", "Lopez", "Hill", "Green",
];

/// The vocabulary, most frequent first: a word's chance falls with its rank.
const VOCAB: &[&str] = &[
    "the",
    "you",
    "and",
    "for",
    "can",
    "please",
    "thanks",
    "order",
    "price",
    "today",
    "tomorrow",
    "invoice",
    "delivery",
    "send",
    "call",
    "meeting",
    "contract",
    "payment",
    "week",
    "discount",
    "quote",
    "sample",
    "shipping",
    "update",
    "question",
    "team",
    "offer",
    "support",
    "account",
    "details",
    "schedule",
    "confirm",
    "catalog",
    "warehouse",
    "budget",
    "proposal",
    "demo",
    "trial",
    "renewal",
    "licence",
    "refund",
    "tracking",
    "address",
    "receipt",
    "pallet",
    "courier",
    "customs",
    "deadline",
    "approval",
    "manager",
    "colleague",
    "presentation",
    "spreadsheet",
    "agreement",
    "signature",
    "installment",
    "wholesale",
    "container",
    "logistics",
    "procurement",
    "subscription",
    "onboarding",
    "integration",
    "webinar",
    "certificate",
    "inventory",
    "forecast",
    "quarterly",
    "headquarters",
    "bookkeeping",
];
/// Messages that carry [`RARE_WORD`]: one in this many (the 8th of each block).
const RARE_EVERY: usize = 50_000;
/// A word that appears in one message in [`RARE_EVERY`] and nowhere else.
pub const RARE_WORD: &str = "zanzibar";
/// Terms of the search run: vocabulary words from frequent to scarce, all 3+ characters so
/// both backends use their trigram index, and two words that appear in no message.
pub const SEARCH_TERMS: &[&str] = &[
    "order",
    "invoice",
    "delivery",
    "meeting",
    "discount",
    "shipping",
    "proposal",
    "refund",
    "customs",
    "signature",
    "wholesale",
    "integration",
    "inventory",
    "bookkeeping",
    "quokka",
    "marzipan",
];

/// How many of the first `messages` messages carry [`RARE_WORD`].
pub fn rare_count(messages: usize) -> usize {
    messages / RARE_EVERY + usize::from(messages % RARE_EVERY > 7)
}

/// The text of the `n`th message: 3 to 16 words, sometimes with an order number.
pub fn message(n: usize, rng: &mut Rng) -> String {
    let words = 3 + rng.below(14);
    let mut text = String::with_capacity(words * 8);
    for w in 0..words {
        // The product of two uniform picks leans towards the start of the list.
        let rank = rng.below(VOCAB.len()) * rng.below(VOCAB.len()) / VOCAB.len();
        let word = VOCAB[rank];
        if w == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    if rng.below(6) == 0 {
        text.push_str(&format!(" #{}", 1000 + rng.below(9000)));
    }
    if n % RARE_EVERY == 7 {
        text.push(' ');
        text.push_str(RARE_WORD);
    }
    text.push(if rng.below(3) == 0 { '?' } else { '.' });
    text
}

/// A Telegram user of the inbox: what a private chat with the bot carries.
#[derive(Clone)]
pub struct Person {
    /// The Telegram user id, which is also the private chat's id (`peer_id`).
    pub user_id: i64,
    pub first: String,
    pub last: String,
    pub username: String,
}

impl Person {
    pub fn generate(n: usize, rng: &mut Rng) -> Person {
        let first = rng.pick(FIRST).to_string();
        // One in ten gives no last name, one in four no username.
        let last = if rng.below(10) == 0 {
            String::new()
        } else {
            rng.pick(LAST).to_string()
        };
        let username = if rng.below(4) == 0 {
            String::new()
        } else {
            format!(
                "{}_{}{}",
                first.to_lowercase(),
                last.to_lowercase(),
                n % 1000
            )
            .replace("__", "_")
        };
        Person {
            user_id: 200_000_000 + n as i64,
            first,
            last,
            username,
        }
    }

    /// The conversation title: `Chat::display_title` of a private chat.
    pub fn title(&self) -> String {
        if self.last.is_empty() {
            self.first.clone()
        } else {
            format!("{} {}", self.first, self.last).trim().to_string()
        }
    }

    /// `search_text` as inbound storage writes it: `lower(title + ' ' + username)`.
    pub fn search_text(&self) -> String {
        format!("{} {}", self.title(), self.username).to_lowercase()
    }
}
