//! `parley-bench crm`: reads on a seeded 100k-contact workspace, on SQLite or PostgreSQL.
//!
//! 1. Starts Parley on a fresh database (a temporary SQLite file, or a throwaway PostgreSQL
//!    database), signs up, and seeds companies and contacts straight into the database.
//! 2. Point reads, `GET /api/crm/contacts/{id}` over shuffled seeded ids, beside the same read
//!    from a raw axum+sqlx server (`raw.rs`) on the same database.
//! 3. A list page with a search matching about 1 % (`?search=mar&limit=50`): the same URL
//!    again and again (answered from the list cache), the same search in varying letter case,
//!    and the same URL on a second Parley with the list cache off (`PARLEY_LIST_CACHE_MB=0`),
//!    beside the raw server running Parley's two queries every time.
//! 4. The search page over several terms in turn, on the server without the cache.
//! 5. When the server has `POST /api/crm/contacts/import`, one timed 10k-row CSV import.

pub(crate) mod args;
pub(crate) mod database;
pub(crate) mod raw;
mod report;
pub(crate) mod seed;

use crate::fresh::{self, Fresh};
use crate::http;
use crate::load::{self, LoadPlan, Target};
use crate::server::{Helper, Parley};
use anyhow::{ensure, Context, Result};
use args::CrmArgs;
use report::{CrmReport, Import};
use std::time::Instant;

pub const SUBCOMMAND: &str = "crm";
pub use raw::{main as raw_main, SUBCOMMAND as RAW_SUBCOMMAND};

pub fn main(argv: &[String]) -> Result<()> {
    let Some(args) = CrmArgs::parse(argv.iter().cloned())? else {
        return Ok(());
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    let report = runtime.block_on(run(&args))?;
    report.print();
    report.check_errors()
}

async fn run(args: &CrmArgs) -> Result<CrmReport> {
    let load_average = fresh::load_average();
    let Fresh {
        database,
        parley,
        db_url,
        token,
        workspace_id,
        user_id,
    } = Fresh::start(&args.server, args.backend, &args.pg_url, &[]).await?;

    let seeder = args.server.with_file_name("parley-seed");
    let seeded = if seeder.is_file() {
        eprintln!(
            "seeding {} contacts with {} …",
            args.contacts,
            seeder.display()
        );
        let pg = database.as_ref().map(|d| d.url.as_str());
        seed::with_parley_seed(&seeder, &parley, pg, &db_url, workspace_id, args.contacts).await?
    } else {
        eprintln!(
            "seeding {} contacts with batched SQL (no parley-seed) …",
            args.contacts
        );
        let seeded = seed::seed(&db_url, workspace_id, user_id, args.contacts).await?;
        seed::check_search_text(parley.addr, &token, &db_url, workspace_id).await?;
        seeded
    };
    eprintln!("seeded in {:.1} s", seeded.elapsed.as_secs_f64());
    let mut ids = seeded.contact_ids.clone();
    seed::Rng::new(42).shuffle(&mut ids);

    let plan = LoadPlan {
        connections: args.connections,
        warmup: crate::WARMUP,
        duration: args.duration,
    };
    let raw = Helper::start(
        "raw axum+sqlx",
        &[
            raw::SUBCOMMAND.into(),
            db_url.clone(),
            workspace_id.to_string(),
        ],
        "/ready",
    )
    .await?;
    eprintln!("raw server pid {}", raw.pid());
    let raw_paths: Vec<String> = ids.iter().map(|id| format!("/contacts/{id}")).collect();
    http::get_json(raw.addr, &raw_paths[0], "").await?;
    eprintln!("load: raw axum+sqlx GET /contacts/{{id}} ({plan}) …");
    let raw_stats = load::run(Target::rotating(raw.addr, &raw_paths, None)?, &plan).await?;
    let raw_list_path = format!("/contacts?search={LIST_TERM}");
    let raw_total = http::get_json(raw.addr, &raw_list_path, "").await?["total"].as_i64();
    eprintln!("load: raw axum+sqlx GET {raw_list_path} ({plan}) …");
    let list_raw = load::run(Target::new(raw.addr, &raw_list_path, None)?, &plan).await?;
    drop(raw);

    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/crm/contacts/{id}"))
        .collect();
    http::get_json(parley.addr, &paths[0], &token).await?;
    eprintln!("load: Parley GET /api/crm/contacts/{{id}} ({plan}) …");
    let parley_stats =
        load::run(Target::rotating(parley.addr, &paths, Some(&token))?, &plan).await?;

    let list_path = format!("/api/crm/contacts?search={LIST_TERM}&limit=50");
    let page = http::get_json(parley.addr, &list_path, &token).await?;
    let list_total = page["pagination"]["total"].as_i64();
    ensure!(
        list_total == raw_total,
        "Parley counts {list_total:?} matches, the raw server {raw_total:?}"
    );
    eprintln!("load: Parley GET {list_path}, the same URL ({plan}) …");
    let list_cached = load::run(Target::new(parley.addr, &list_path, Some(&token))?, &plan).await?;
    let case_paths: Vec<String> = letter_cases(LIST_TERM)
        .iter()
        .map(|term| format!("/api/crm/contacts?search={term}&limit=50"))
        .collect();
    eprintln!("load: Parley, the same search in varying letter case ({plan}) …");
    let list_case = load::run(
        Target::rotating(parley.addr, &case_paths, Some(&token))?,
        &plan,
    )
    .await?;

    // The same database, a second server that keeps no list pages.
    let uncached = Parley::start_with(
        &args.server,
        std::path::Path::new("target/site"),
        database.as_ref().map(|d| d.url.as_str()),
        &[
            ("PARLEY_LIST_CACHE_MB", "0".into()),
            ("PARLEY_DATA_DIR", parley.data_dir().display().to_string()),
        ],
    )
    .await?;
    http::get_json(uncached.addr, &list_path, &token).await?;
    eprintln!("load: Parley without the list cache, GET {list_path} ({plan}) …");
    let list_uncached =
        load::run(Target::new(uncached.addr, &list_path, Some(&token))?, &plan).await?;

    let search_plan = LoadPlan {
        connections: args.search_connections,
        ..plan
    };
    let mut search_paths = Vec::new();
    let mut search_totals = Vec::new();
    for term in seed::SEARCH_TERMS {
        let path = format!("/api/crm/contacts?search={term}&limit=50");
        let page = http::get_json(uncached.addr, &path, &token).await?;
        let total = page["pagination"]["total"].as_i64().context("no total")?;
        search_totals.push((term.to_string(), total));
        search_paths.push(path);
    }
    eprintln!("load: Parley without the list cache, search terms in turn ({search_plan}) …");
    let search_stats = load::run(
        Target::rotating(uncached.addr, &search_paths, Some(&token))?,
        &search_plan,
    )
    .await?;
    drop(uncached);

    let import = match args.import_rows {
        0 => None,
        rows => import(&parley, &token, rows).await?,
    };
    drop(parley);

    Ok(CrmReport {
        backend: args.backend,
        load_average,
        contacts: seeded.contact_ids.len(),
        companies: seeded.companies,
        deals: seeded.deals,
        seeded_by: seeded.by,
        seed_secs: seeded.elapsed.as_secs_f64(),
        connections: args.connections,
        search_connections: args.search_connections,
        warmup: crate::WARMUP,
        duration: args.duration,
        raw: raw_stats,
        parley: parley_stats,
        list_total: list_total.unwrap_or(0),
        list_raw,
        list_cached,
        list_case,
        list_uncached,
        search: search_stats,
        search_totals,
        import,
    })
}

/// The list's search: about 1 % of the seeded contacts.
const LIST_TERM: &str = "mar";

/// Every upper/lower-case spelling of `term` (`mar`, `Mar`, `mAr`, … `MAR`).
fn letter_cases(term: &str) -> Vec<String> {
    let letters: Vec<char> = term.chars().collect();
    (0..1u32 << letters.len())
        .map(|mask| {
            letters
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if mask & (1 << i) != 0 {
                        c.to_ascii_uppercase()
                    } else {
                        *c
                    }
                })
                .collect()
        })
        .collect()
}

/// Times one `POST /api/crm/contacts/import` of `rows` new contacts, if the server has it.
async fn import(parley: &Parley, token: &str, rows: usize) -> Result<Option<Import>> {
    let doc = http::get_json(parley.addr, "/api/openapi.json", token).await?;
    if doc["paths"].get("/api/crm/contacts/import").is_none() {
        eprintln!("import: the server has no POST /api/crm/contacts/import; skipped");
        return Ok(None);
    }
    let mut rng = seed::Rng::new(0x1A);
    let mut csv = String::from("First name,Last name,Email,Phone,Company\n");
    for n in 0..rows {
        let c = seed::Contact::generate(n, 0, &mut rng);
        let company = if n % 2 == 0 { "Imported Holdings" } else { "" };
        csv.push_str(&format!(
            "{},{},import{n}@bench.example,{},{company}\n",
            c.first, c.last, c.phone
        ));
    }
    let body = serde_json::json!({ "csv": csv });
    eprintln!("import: POST /api/crm/contacts/import ({rows} rows) …");
    let req = http::post_json(parley.addr, "/api/crm/contacts/import", Some(token), &body)?;
    let started = Instant::now();
    let (status, answer) = http::send(parley.addr, req).await?;
    let secs = started.elapsed().as_secs_f64();
    let answer: serde_json::Value = serde_json::from_slice(&answer)?;
    ensure!(
        status.is_success(),
        "the import answered {status}: {answer}"
    );
    Ok(Some(Import {
        rows,
        created: answer["created"].as_u64().unwrap_or(0),
        failed: answer["failed"].as_array().map_or(0, Vec::len),
        secs,
    }))
}
