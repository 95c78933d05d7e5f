//! `parley-seed`: fills a workspace with realistic, deterministic demo data.
//!
//! It connects like the server (`Settings::load()`: `PARLEY_DATA_DIR`, `DATABASE_URL`, …),
//! applies the migrations, signs up the owner account with its workspace (or reuses the
//! account and seeds its current workspace), then writes companies, contacts, deals over the
//! default pipeline's stages, notes and reminders, and an inbox (a demo bot account, its chats
//! and their messages) in batched multi-row `INSERT`s.

// A binary's root finds its modules beside it; these live in `seed/`.
#[path = "seed/deals.rs"]
mod deals;
#[path = "seed/generate.rs"]
mod generate;
#[path = "seed/inbox.rs"]
mod inbox;
#[path = "seed/insert.rs"]
mod insert;
#[path = "seed/names.rs"]
mod names;
#[path = "seed/phases.rs"]
mod phases;

use anyhow::{bail, Context};
use app::auth::server::{password, service};
use app::auth::SignUpInput;
use app::ids::{UserId, WorkspaceId};
use app::server::extract::ClientMeta;
use app::server::{AppState, Db, Settings};
use leptos::config::LeptosOptions;
use sqlx::Row;
use std::time::Instant;

const USAGE: &str = "\
Usage: parley-seed [options]

  --contacts N      contacts to create (default 100000)
  --companies N     companies to create (default 20000)
  --deals N         deals to create (default 50000)
  --notes N         notes on contacts and deals (default deals/5 + contacts/20)
  --reminders N     reminders on contacts and deals (default deals/10)
  --conversations N chats of the inbox's demo bot account (default 500)
  --messages N      messages over those chats (default 20000; the inbox benchmark's
                    scale is --conversations 5000 --messages 1000000)
  --email EMAIL     the owner account (default owner@example.com)
  --password PW     its password: sets it for a new account, must match for an existing one
                    (default parley-demo-password)
  --workspace NAME  the new account's workspace (default \"Demo Sales\")
  --seed N          the random seed; the same seed draws the same records (default 42)

The database is the server's: PARLEY_DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL).";

pub struct Options {
    pub contacts: usize,
    pub companies: usize,
    pub deals: usize,
    pub notes: Option<usize>,
    pub reminders: Option<usize>,
    pub conversations: usize,
    pub messages: usize,
    pub email: String,
    pub password: String,
    pub workspace: String,
    pub seed: u64,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        contacts: 100_000,
        companies: 20_000,
        deals: 50_000,
        notes: None,
        reminders: None,
        conversations: 500,
        messages: 20_000,
        email: "owner@example.com".into(),
        password: "parley-demo-password".into(),
        workspace: "Demo Sales".into(),
        seed: 42,
    };
    let mut args = args;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .replace('_', "")
                .parse::<usize>()
                .map_err(|_| format!("{flag} takes a number, not {value:?}"))
        };
        match flag.as_str() {
            "--contacts" => o.contacts = number()?,
            "--companies" => o.companies = number()?,
            "--deals" => o.deals = number()?,
            "--notes" => o.notes = Some(number()?),
            "--reminders" => o.reminders = Some(number()?),
            "--conversations" => o.conversations = number()?,
            "--messages" => o.messages = number()?,
            "--seed" => o.seed = number()? as u64,
            "--email" => o.email = value.trim().to_lowercase(),
            "--password" => o.password = value,
            "--workspace" => o.workspace = value,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(o)
}

/// The owner and the workspace to seed: an existing account's current workspace (after
/// checking its password), or a new account and workspace.
async fn account(state: &AppState, o: &Options) -> anyhow::Result<(UserId, WorkspaceId, bool)> {
    let existing = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&o.email)
        .fetch_optional(&state.db.pool)
        .await?;
    if let Some(row) = existing {
        let user = UserId(row.try_get("id")?);
        if !password::verify(o.password.clone(), Some(row.try_get("password_hash")?)).await? {
            bail!("{} exists and --password does not match it", o.email);
        }
        let (workspace, _) = app::workspaces::server::default_membership(state, user)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("the account belongs to no workspace")?;
        return Ok((user, workspace, false));
    }
    let input = SignUpInput {
        email: o.email.clone(),
        password: o.password.clone(),
        workspace_name: o.workspace.clone(),
        name: "Demo Owner".into(),
        ..Default::default()
    };
    let meta = ClientMeta {
        ip: std::net::Ipv4Addr::LOCALHOST.into(),
        user_agent: "parley-seed".into(),
    };
    let done = service::sign_up(state, input, &meta)
        .await
        .map_err(|e| anyhow::anyhow!("signing up {}: {} {:?}", o.email, e, e.details))?;
    Ok((done.user.id, done.workspace.id, true))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return Ok(());
        }
        Err(message) => {
            eprintln!("parley-seed: {message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let settings = Settings::load()?;
    let db = Db::connect(&settings).await?;
    db.migrate().await?;
    let leptos = LeptosOptions::builder().output_name("parley").build();
    let parts = app::platform::parts(&settings, &db, app::platform::consumer_registry())?;
    let state = AppState::new(
        db.clone(),
        settings,
        leptos,
        app::platform::job_registry(),
        parts,
    )?;
    let started = Instant::now();
    let (user, workspace, new) = account(&state, &options).await?;
    println!(
        "Seeding workspace {workspace} of {} ({}) on {:?}",
        options.email,
        if new {
            "new account"
        } else {
            "existing account"
        },
        db.backend
    );
    phases::seed(&db, &options, user, workspace).await?;
    println!(
        "Done in {:.1} s. Sign in as {} with the password given (or the default).",
        started.elapsed().as_secs_f64(),
        options.email
    );
    Ok(())
}
