//! The seeding steps in order: companies, contacts, deals, notes, reminders, then what the
//! services would have written beside them (timeline entries, stage history, one event).

use super::deals::{self, Stage};
use super::generate::{self, CompanyRef, ContactRef, Gen};
use super::insert::{insert_all, json_object, max_id, run};
use super::Options;
use app::ids::{UserId, WorkspaceId};
use app::server::{now_ms, Db};
use sqlx::{AssertSqlSafe, Row};
use std::time::Instant;

/// Prints one step's count and time.
fn report(what: &str, count: u64, since: Instant) {
    println!(
        "  {what:<18} {count:>8} in {:>6.2} s",
        since.elapsed().as_secs_f64()
    );
}

async fn stages(db: &Db, workspace: i64) -> anyhow::Result<Vec<Stage>> {
    let rows = sqlx::query(
        "SELECT s.id, s.pipeline_id, s.kind, s.probability FROM stages s \
         JOIN pipelines p ON p.id = s.pipeline_id \
         WHERE s.workspace_id = $1 AND p.is_default = 1 ORDER BY s.position, s.id",
    )
    .bind(workspace)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Stage {
                id: r.try_get("id")?,
                pipeline_id: r.try_get("pipeline_id")?,
                kind: r.try_get("kind")?,
                probability: r.try_get("probability")?,
            })
        })
        .collect()
}

async fn seeded_companies(db: &Db, workspace: i64, after: i64) -> anyhow::Result<Vec<CompanyRef>> {
    let rows = sqlx::query(
        "SELECT id, name, website FROM companies WHERE workspace_id = $1 AND id > $2 ORDER BY id",
    )
    .bind(workspace)
    .bind(after)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CompanyRef {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                domain: r.try_get("website")?,
            })
        })
        .collect()
}

async fn seeded_contacts(db: &Db, workspace: i64, after: i64) -> anyhow::Result<Vec<ContactRef>> {
    let rows = sqlx::query(
        "SELECT c.id, c.display_name, c.company_id, co.name AS company_name FROM contacts c \
         LEFT JOIN companies co ON co.id = c.company_id WHERE c.workspace_id = $1 AND c.id > $2 ORDER BY c.id",
    )
    .bind(workspace)
    .bind(after)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ContactRef {
                id: r.try_get("id")?,
                name: r.try_get("display_name")?,
                company_id: r.try_get("company_id")?,
                company_name: r.try_get("company_name")?,
            })
        })
        .collect()
}

async fn seeded_ids(db: &Db, table: &str, workspace: i64, after: i64) -> anyhow::Result<Vec<i64>> {
    let sql = format!("SELECT id FROM {table} WHERE workspace_id = $1 AND id > $2 ORDER BY id");
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(workspace)
        .bind(after)
        .fetch_all(&db.pool)
        .await?)
}

/// The ids each table had before seeding, so what this run wrote can be read back.
struct Before {
    companies: i64,
    contacts: i64,
    deals: i64,
    notes: i64,
    reminders: i64,
}

pub async fn seed(
    db: &Db,
    o: &Options,
    user: UserId,
    workspace: WorkspaceId,
) -> anyhow::Result<()> {
    let ws = workspace.0;
    let mut gen = Gen::new(o.seed, now_ms(), ws, user.0);
    let before = Before {
        companies: max_id(db, "companies").await?,
        contacts: max_id(db, "contacts").await?,
        deals: max_id(db, "deals").await?,
        notes: max_id(db, "notes").await?,
        reminders: max_id(db, "reminders").await?,
    };

    let t = Instant::now();
    insert_all(
        db,
        "companies",
        generate::COMPANY_COLUMNS,
        o.companies,
        |i| gen.company(i),
    )
    .await?;
    let companies = seeded_companies(db, ws, before.companies).await?;
    report("companies", companies.len() as u64, t);

    let t = Instant::now();
    insert_all(db, "contacts", generate::CONTACT_COLUMNS, o.contacts, |i| {
        gen.contact(i, &companies)
    })
    .await?;
    let contacts = seeded_contacts(db, ws, before.contacts).await?;
    report("contacts", contacts.len() as u64, t);

    let t = Instant::now();
    let stages = stages(db, ws).await?;
    anyhow::ensure!(!stages.is_empty(), "the workspace has no default pipeline");
    insert_all(db, "deals", deals::DEAL_COLUMNS, o.deals, |_| {
        gen.deal(&contacts, &companies, &stages)
    })
    .await?;
    let deals = seeded_ids(db, "deals", ws, before.deals).await?;
    report("deals", deals.len() as u64, t);

    let t = Instant::now();
    let has_subjects = !contacts.is_empty() || !deals.is_empty();
    let notes = if has_subjects {
        o.notes.unwrap_or(o.deals / 5 + o.contacts / 20)
    } else {
        0
    };
    let reminders = if has_subjects {
        o.reminders.unwrap_or(o.deals / 10)
    } else {
        0
    };
    insert_all(db, "notes", deals::NOTE_COLUMNS, notes, |_| {
        gen.note(&contacts, &deals)
    })
    .await?;
    insert_all(db, "reminders", deals::REMINDER_COLUMNS, reminders, |_| {
        gen.reminder(&contacts, &deals)
    })
    .await?;
    report("notes, reminders", (notes + reminders) as u64, t);

    let t = Instant::now();
    let written = derived(db, &before, ws, user.0).await?;
    report("timeline, history", written, t);

    let t = Instant::now();
    let (conversations, messages) =
        super::inbox::seed(db, &mut gen, o.conversations, o.messages).await?;
    report("chats, messages", (conversations + messages) as u64, t);

    let seeded = app::workspaces::WorkspaceEvent::Seeded {
        companies: companies.len(),
        contacts: contacts.len(),
        deals: deals.len(),
        notes,
        reminders,
        conversations,
        messages,
    };
    let mut tx = db.begin().await?;
    // Nothing listens to the seed: on PostgreSQL a server's sequencer numbers the event when
    // it starts (or within seconds, if one is running).
    let _unpublished =
        app::realtime::server::record_event(&mut tx, workspace, Some(user), &seeded).await?;
    tx.commit().await?;
    Ok(())
}

/// What the services write beside each record: a "created" (or "note_added",
/// "reminder_added") timeline entry, and a deal's first stage-history row.
async fn derived(db: &Db, before: &Before, ws: i64, user: i64) -> anyhow::Result<u64> {
    let b = db.backend;
    let subject_type = "CASE WHEN deal_id IS NOT NULL THEN 'deal' ELSE 'contact' END";
    let subject_id = "COALESCE(deal_id, contact_id)";
    let entries = [
        (
            "companies",
            "'company'",
            "id",
            "created",
            json_object(b, &[("name", "name")]),
            before.companies,
        ),
        (
            "contacts",
            "'contact'",
            "id",
            "created",
            json_object(b, &[("name", "display_name")]),
            before.contacts,
        ),
        (
            "deals",
            "'deal'",
            "id",
            "created",
            json_object(b, &[("title", "title")]),
            before.deals,
        ),
        (
            "notes",
            subject_type,
            subject_id,
            "note_added",
            json_object(b, &[("noteId", "id"), ("excerpt", "SUBSTR(body, 1, 140)")]),
            before.notes,
        ),
        (
            "reminders",
            subject_type,
            subject_id,
            "reminder_added",
            json_object(
                b,
                &[
                    ("reminderId", "id"),
                    ("title", "title"),
                    ("dueAt", "due_at"),
                ],
            ),
            before.reminders,
        ),
    ];
    let mut written = 0;
    for (table, kind, id, what, data, after) in entries {
        let sql = format!(
            "INSERT INTO activities (workspace_id, subject_type, subject_id, kind, data, actor_id, created_at) \
             SELECT workspace_id, {kind}, {id}, '{what}', {data}, $3, created_at FROM {table} \
             WHERE workspace_id = $1 AND id > $2"
        );
        written += run(db, sql, &[ws, after, user]).await?;
    }
    let history = "INSERT INTO stage_history (workspace_id, deal_id, from_stage_id, to_stage_id, actor_id, reason, source, created_at) \
         SELECT workspace_id, id, NULL, stage_id, $3, '', 'manual', stage_entered_at FROM deals WHERE workspace_id = $1 AND id > $2";
    written += run(db, history.to_string(), &[ws, before.deals, user]).await?;
    Ok(written)
}
