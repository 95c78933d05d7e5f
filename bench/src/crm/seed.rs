//! Seeding the workspace, with `parley-seed` (server/src/bin/seed.rs) when it has been built
//! beside the server, else with the bench's own batched multi-row INSERTs.
//!
//! `parley-seed` writes companies, contacts, deals, notes and reminders as the services
//! would. The bench's fallback writes companies and contacts only (reads of contacts don't
//! depend on the rest), filling `search_text` exactly as `app/src/contacts/server.rs` and
//! `app/src/companies/server.rs` do; [`check_search_text`] proves that on every such run by
//! creating one contact through the API and comparing.

use crate::server::Parley;
use anyhow::{ensure, Context, Result};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Rows per INSERT statement (12 values each; well under both backends' parameter limits).
pub(crate) const BATCH: usize = 500;
/// Rows per transaction.
const COMMIT_EVERY: usize = 10_000;

const FIRST: &[&str] = &[
    "Maria", "Mark", "Marta", "Martin", "Marcus", "Marina", "Anna", "Anne", "Annika", "Alex",
    "Alexei", "Alena", "John", "Joanna", "Peter", "Paula", "Olga", "Oscar", "Ivan", "Irina",
    "Sergei", "Sofia", "Dmitri", "Daria", "Nikolai", "Natalia", "Elena", "Emil", "Fatima", "Felix",
    "Grace", "Hugo", "Ingrid", "Jonas", "Kira", "Leon", "Lina", "Mila", "Noah", "Nora", "Pavel",
    "Rosa", "Simon", "Tanya", "Umar", "Vera", "Yuri", "Zoe",
];
const LAST: &[&str] = &[
    "Ivanova", "Petrov", "Smith", "Johnson", "Garcia", "Novak", "Kowalski", "Schmidt", "Rossi",
    "Dubois", "Jensen", "Nielsen", "Hansen", "Larsen", "Berg", "Volkov", "Sokolov", "Popov",
    "Lebedev", "Kozlov", "Morozov", "Orlov", "Pavlov", "Fedorov", "Wagner", "Becker", "Hoffmann",
    "Keller", "Brown", "Wilson", "Taylor", "Clark", "Lewis", "Walker", "Young", "King", "Wright",
    "Lopez", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts",
    "Turner",
];
const COMPANY_WORDS: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Granite",
    "Summit",
    "Harbor",
    "Aurora",
    "Cedar",
    "Falcon",
    "Juniper",
    "Meridian",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Sterling",
    "Vertex",
];
const COMPANY_KINDS: &[&str] = &[
    "Logistics",
    "Labs",
    "Foods",
    "Media",
    "Systems",
    "Retail",
    "Travel",
    "Energy",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example",
    "corp.example",
    "inbox.example",
];

/// The search terms of the search-page run: common name prefixes, 3+ characters so both
/// backends use their trigram index.
pub const SEARCH_TERMS: &[&str] = &["mar", "ann", "ale", "ser"];

/// What a seeder wrote.
pub struct Seeded {
    /// Every contact id of the workspace, in insertion order.
    pub contact_ids: Vec<i64>,
    pub companies: usize,
    pub deals: usize,
    pub elapsed: Duration,
    /// Which seeder wrote it.
    pub by: &'static str,
}

/// Runs `parley-seed` on the server's database for the bench account's workspace (it reuses
/// the account), with companies and deals in the proportions of its defaults.
pub async fn with_parley_seed(
    binary: &Path,
    parley: &Parley,
    database_url: Option<&str>,
    url: &str,
    workspace_id: i64,
    contacts: usize,
) -> Result<Seeded> {
    let started = Instant::now();
    let mut command = Command::new(binary);
    command
        .args(["--contacts", &contacts.to_string()])
        .args(["--companies", &(contacts / 5).to_string()])
        .args(["--deals", &(contacts / 2).to_string()])
        .args([
            "--email",
            crate::http::EMAIL,
            "--password",
            crate::http::PASSWORD,
        ])
        .env("PARLEY_DATA_DIR", parley.data_dir())
        .env("PARLEY_CONFIG", parley.data_dir().join("absent.toml"))
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("PARLEY_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(std::io::stderr());
    if let Some(url) = database_url {
        command.env("PARLEY_DATABASE_URL", url);
    }
    let status = tokio::task::spawn_blocking(move || command.status())
        .await?
        .with_context(|| format!("running {}", binary.display()))?;
    ensure!(status.success(), "parley-seed failed: {status}");
    let elapsed = started.elapsed();
    let pool = connect(url).await?;
    let count = |table: &'static str| {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE workspace_id = $1");
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
                .bind(workspace_id)
                .fetch_one(&pool)
                .await
        }
    };
    let (companies, deals) = (count("companies").await?, count("deals").await?);
    analyze_postgres(&pool, url).await?;
    let contact_ids = contact_ids(&pool, workspace_id).await?;
    pool.close().await;
    ensure!(
        contact_ids.len() >= contacts,
        "parley-seed wrote {} contacts, expected {contacts}",
        contact_ids.len()
    );
    Ok(Seeded {
        contact_ids,
        companies: companies as usize,
        deals: deals as usize,
        elapsed,
        by: "parley-seed",
    })
}

/// On PostgreSQL, refreshes the planner's statistics: what autovacuum does on its own within
/// a minute or so of a bulk load, done now so it doesn't happen in the middle of a run.
/// SQLite gets nothing: it never analyses by itself, and Parley doesn't ask it to.
pub(crate) async fn analyze_postgres(pool: &AnyPool, url: &str) -> Result<()> {
    if url.starts_with("postgres") {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    Ok(())
}

async fn contact_ids(pool: &AnyPool, workspace_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY id")
            .bind(workspace_id)
            .fetch_all(pool)
            .await?,
    )
}

/// Deterministic pseudo-random numbers (SplitMix64): the same data on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The lower-cased text search runs over: `app::server::query::search_text`, verbatim.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One generated contact; empty strings are what the service stores for "none".
pub struct Contact {
    pub first: String,
    pub last: String,
    pub display: String,
    pub email: String,
    pub phone: String,
    pub telegram: String,
    /// Index into the seeded companies.
    pub company: Option<usize>,
    pub owned: bool,
}

impl Contact {
    pub fn generate(n: usize, companies: usize, rng: &mut Rng) -> Contact {
        let first = rng.pick(FIRST).to_string();
        let last = rng.pick(LAST).to_string();
        let email = format!(
            "{}.{}{n}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            rng.pick(DOMAINS)
        );
        let telegram = if n.is_multiple_of(3) {
            format!("{}_{n}", first.to_lowercase())
        } else {
            String::new()
        };
        Contact {
            display: format!("{first} {last}"),
            phone: format!("+1 555 {:03} {:04}", n / 10_000 % 1000, n % 10_000),
            company: (companies > 0 && rng.below(10) < 8).then(|| rng.below(companies)),
            owned: rng.below(2) == 0,
            first,
            last,
            email,
            telegram,
        }
    }

    /// As `contacts::server::contact_search_text` builds it.
    pub fn search_text(&self, company_name: Option<&str>) -> String {
        search_text(&[
            &self.display,
            &self.first,
            &self.last,
            &self.email,
            &self.phone,
            &self.telegram,
            company_name.unwrap_or(""),
        ])
    }
}

pub(crate) async fn connect(url: &str) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    if url.starts_with("sqlite") {
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&pool)
            .await?;
    }
    Ok(pool)
}

/// `($1, …, $k), ($k+1, …)`: `rows` groups of `width` numbered placeholders.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Seeds `contacts` contacts (and one company per hundred) into the workspace.
pub async fn seed(url: &str, workspace_id: i64, owner_id: i64, contacts: usize) -> Result<Seeded> {
    let started = Instant::now();
    let pool = connect(url).await?;
    let company_names = seed_companies(&pool, workspace_id, owner_id, contacts / 100).await?;
    let company_ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM companies WHERE workspace_id = $1 ORDER BY id")
            .bind(workspace_id)
            .fetch_all(&pool)
            .await?;
    ensure!(
        company_ids.len() == company_names.len(),
        "companies went missing"
    );

    let mut rng = Rng::new(0x5EED);
    let now = now_ms();
    let mut tx = pool.begin().await?;
    for start in (0..contacts).step_by(BATCH) {
        let rows: Vec<Contact> = (start..(start + BATCH).min(contacts))
            .map(|n| Contact::generate(n, company_ids.len(), &mut rng))
            .collect();
        let sql = format!(
            "INSERT INTO contacts (workspace_id, first_name, last_name, display_name, email, \
             phone, telegram_username, company_id, owner_id, search_text, created_at, \
             updated_at) VALUES {}",
            placeholders(rows.len(), 12)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (i, c) in rows.iter().enumerate() {
            let at = now - ((contacts - start - i) as i64) * 60_000;
            let company = c.company.map(|k| company_names[k].as_str());
            q = q
                .bind(workspace_id)
                .bind(c.first.clone())
                .bind(c.last.clone())
                .bind(c.display.clone())
                .bind(c.email.clone())
                .bind(c.phone.clone())
                .bind(c.telegram.clone())
                .bind(c.company.map(|k| company_ids[k]))
                .bind(c.owned.then_some(owner_id))
                .bind(c.search_text(company))
                .bind(at)
                .bind(at);
        }
        q.execute(&mut *tx).await.context("inserting contacts")?;
        if (start + BATCH).is_multiple_of(COMMIT_EVERY) {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    analyze_postgres(&pool, url).await?;
    let contact_ids = contact_ids(&pool, workspace_id).await?;
    ensure!(
        contact_ids.len() == contacts,
        "seeded {} contacts, expected {contacts}",
        contact_ids.len()
    );
    pool.close().await;
    Ok(Seeded {
        contact_ids,
        companies: company_ids.len(),
        deals: 0,
        elapsed: started.elapsed(),
        by: "the bench's batched SQL",
    })
}

/// Inserts `count` companies; returns their names in insertion order.
async fn seed_companies(
    pool: &AnyPool,
    workspace_id: i64,
    owner_id: i64,
    count: usize,
) -> Result<Vec<String>> {
    let mut rng = Rng::new(0xC0);
    let now = now_ms();
    let mut names = Vec::with_capacity(count);
    for start in (0..count).step_by(BATCH) {
        let end = (start + BATCH).min(count);
        let sql = format!(
            "INSERT INTO companies (workspace_id, name, industry, website, owner_id, \
             search_text, created_at, updated_at) VALUES {}",
            placeholders(end - start, 8)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for n in start..end {
            let name = format!(
                "{} {} {n}",
                rng.pick(COMPANY_WORDS),
                rng.pick(COMPANY_KINDS)
            );
            let industry = rng.pick(COMPANY_KINDS).to_string();
            let website = format!("https://{}.example", name.to_lowercase().replace(' ', "-"));
            q = q
                .bind(workspace_id)
                .bind(name.clone())
                .bind(industry.clone())
                .bind(website.clone())
                .bind(owner_id)
                // As `companies::server::company_search_text` builds it.
                .bind(search_text(&[&name, &industry, &website]))
                .bind(now)
                .bind(now);
            names.push(name);
        }
        q.execute(pool).await.context("inserting companies")?;
    }
    Ok(names)
}

/// Creates one contact through the API and checks that the database holds the search text
/// this module would have written for it.
pub async fn check_search_text(
    addr: SocketAddr,
    token: &str,
    url: &str,
    workspace_id: i64,
) -> Result<()> {
    let pool = connect(url).await?;
    let company: AnyRow =
        sqlx::query("SELECT id, name FROM companies WHERE workspace_id = $1 ORDER BY id LIMIT 1")
            .bind(workspace_id)
            .fetch_one(&pool)
            .await
            .context("reading a seeded company")?;
    let (company_id, company_name): (i64, String) = (company.try_get(0)?, company.try_get(1)?);
    let mut c = Contact::generate(3_000_000, 1, &mut Rng::new(7));
    c.company = Some(0);
    let body = serde_json::json!({
        "firstName": c.first, "lastName": c.last, "email": c.email, "phone": c.phone,
        "telegramUsername": c.telegram, "companyId": company_id,
    });
    let req = crate::http::post_json(addr, "/api/crm/contacts", Some(token), &body)?;
    let (status, answer) = crate::http::send(addr, req).await?;
    let answer: serde_json::Value = serde_json::from_slice(&answer)?;
    ensure!(
        status.as_u16() == 201,
        "creating a contact answered {status}: {answer}"
    );
    let stored: String = sqlx::query_scalar("SELECT search_text FROM contacts WHERE id = $1")
        .bind(answer["id"].as_i64().context("no id")?)
        .fetch_one(&pool)
        .await?;
    let ours = c.search_text(Some(&company_name));
    ensure!(
        stored == ours,
        "the seeder's search_text differs from the service's:\n  service: {stored:?}\n  seeder:  {ours:?}"
    );
    pool.close().await;
    Ok(())
}
