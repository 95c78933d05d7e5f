//! Seeding the inbox: conversations of the connected bot and their messages, straight into
//! the database with batched multi-row INSERTs, in the columns inbound storage
//! (`messaging::server::inbound`) and sending (`messaging::server::send`) write.
//!
//! Messages are generated in time order and spread over the conversations at random (not one
//! conversation after another), so a conversation's messages are scattered through the table
//! as they are in a real inbox. Each conversation is a private chat with a Telegram user; in
//! about 30 % of them the last 1–5 messages are inbound and unread (`delivered`, counted in
//! `unread_count`); every other inbound message is `read`, every outbound one `sent`. The
//! `last_message_*` columns are then set from each conversation's newest message. SQLite's
//! `messages_fts` follows through its triggers; PostgreSQL gets `ANALYZE`.

use super::words::{self, Person};
use crate::crm::seed::{self as crm_seed, placeholders, Rng};
use anyhow::{ensure, Context, Result};
use sqlx::{AnyPool, AssertSqlSafe};
use std::time::{Duration, Instant};

/// Message rows per INSERT (11 values each: under both backends' parameter limits).
const BATCH: usize = 1000;
/// Message rows per transaction.
const COMMIT_EVERY: usize = 20_000;
/// Seeded messages' network ids start here, above the ids the fake Telegram server gives the
/// messages injected later (1, 2, … per chat), so those are never taken for duplicates.
const EXTERNAL_BASE: usize = 1_000_000;
/// The seeded history spans this long, ending now.
const SPAN_MS: i64 = 180 * 24 * 3600 * 1000;
/// Conversations pinned to the top of the list.
const PINNED: usize = 3;

/// A seeded conversation.
#[derive(Clone)]
pub struct Chat {
    pub id: i64,
    pub person: Person,
}

/// What the seeder wrote.
pub struct Seeded {
    pub chats: Vec<Chat>,
    pub messages: usize,
    pub unread_chats: usize,
    /// Messages that contain [`words::RARE_WORD`].
    pub rare_hits: usize,
    pub elapsed: Duration,
}

/// Seeds `conversations` conversations of `account_id` and `messages` messages; outbound ones
/// are written by `user_id`.
pub async fn seed(
    url: &str,
    workspace_id: i64,
    account_id: i64,
    user_id: i64,
    conversations: usize,
    messages: usize,
) -> Result<Seeded> {
    ensure!(
        conversations > 0 && messages >= conversations,
        "--messages must be at least --conversations (every conversation has a message)"
    );
    let started = Instant::now();
    let pool = crm_seed::connect(url).await?;
    let mut rng = Rng::new(0x1B0C5);
    let people: Vec<Person> = (0..conversations)
        .map(|n| Person::generate(n, &mut rng))
        .collect();
    let counts = message_counts(conversations, messages, &mut rng);
    // Unread tail per conversation: 30 % have 1–5 unread inbound messages (at most all).
    let unread: Vec<usize> = counts
        .iter()
        .map(|&n| match rng.below(10) < 3 {
            true => (1 + rng.below(5)).min(n),
            false => 0,
        })
        .collect();
    let start = crm_seed::now_ms() - SPAN_MS;
    let ids =
        insert_conversations(&pool, workspace_id, account_id, &people, &unread, start).await?;

    let sender: String =
        sqlx::query_scalar("SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&pool)
            .await
            .context("reading the bench user's name")?;
    // The global order of messages: conversation `c` appears `counts[c]` times, shuffled.
    let mut order: Vec<u32> = Vec::with_capacity(messages);
    for (c, &n) in counts.iter().enumerate() {
        order.extend(std::iter::repeat_n(c as u32, n));
    }
    rng.shuffle(&mut order);
    let step = (SPAN_MS / messages as i64).max(1);
    let mut seen = vec![0usize; conversations];
    let mut tx = pool.begin().await?;
    for first in (0..messages).step_by(BATCH) {
        let end = (first + BATCH).min(messages);
        let sql = format!(
            "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, author_id, \
             text, state, external_id, sent_at, created_at, updated_at) VALUES {}",
            placeholders(end - first, 11)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (i, &c) in order.iter().enumerate().take(end).skip(first) {
            let c = c as usize;
            let k = seen[c];
            seen[c] += 1;
            let remaining = counts[c] - k - 1;
            let inbound = remaining < unread[c] || rng.below(100) < 55;
            let state = match (inbound, remaining < unread[c]) {
                (true, true) => "delivered",
                (true, false) => "read",
                (false, _) => "sent",
            };
            let at = start + i as i64 * step;
            q = q
                .bind(workspace_id)
                .bind(ids[c])
                .bind(if inbound { "in" } else { "out" })
                .bind(if inbound {
                    people[c].title()
                } else {
                    sender.clone()
                })
                .bind((!inbound).then_some(user_id))
                .bind(words::message(i, &mut rng))
                .bind(state)
                .bind((EXTERNAL_BASE + k).to_string())
                .bind(at)
                .bind(at)
                .bind(at);
        }
        q.execute(&mut *tx).await.context("inserting messages")?;
        if end.is_multiple_of(COMMIT_EVERY) {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    set_last_messages(&pool, workspace_id).await?;
    crm_seed::analyze_postgres(&pool, url).await?;
    pool.close().await;
    let chats = ids
        .into_iter()
        .zip(people)
        .map(|(id, person)| Chat { id, person })
        .collect();
    Ok(Seeded {
        chats,
        messages,
        unread_chats: unread.iter().filter(|&&u| u > 0).count(),
        rare_hits: words::rare_count(messages),
        elapsed: started.elapsed(),
    })
}

/// Messages per conversation: uneven (1 to about twice the average), adding up to `messages`.
fn message_counts(conversations: usize, messages: usize, rng: &mut Rng) -> Vec<usize> {
    let average = messages / conversations;
    let mut counts: Vec<usize> = (0..conversations)
        .map(|_| 1 + rng.below(2 * average.max(1) - 1))
        .collect();
    let mut total: usize = counts.iter().sum();
    while total != messages {
        let c = rng.below(conversations);
        if total < messages {
            counts[c] += 1;
            total += 1;
        } else if counts[c] > 1 {
            counts[c] -= 1;
            total -= 1;
        }
    }
    counts
}

/// Inserts the conversations in `people`'s order; answers their ids in that order.
async fn insert_conversations(
    pool: &AnyPool,
    workspace_id: i64,
    account_id: i64,
    people: &[Person],
    unread: &[usize],
    start: i64,
) -> Result<Vec<i64>> {
    let mut tx = pool.begin().await?;
    for first in (0..people.len()).step_by(BATCH) {
        let end = (first + BATCH).min(people.len());
        let sql = format!(
            "INSERT INTO conversations (workspace_id, account_id, peer_id, kind, title, username, \
             search_text, unread_count, pinned, created_at, updated_at) VALUES {}",
            placeholders(end - first, 11)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for n in first..end {
            let p = &people[n];
            q = q
                .bind(workspace_id)
                .bind(account_id)
                .bind(p.user_id.to_string())
                .bind("private")
                .bind(p.title())
                .bind(p.username.clone())
                .bind(p.search_text())
                .bind(unread[n] as i64)
                .bind(i64::from(n < PINNED))
                .bind(start)
                .bind(start);
        }
        q.execute(&mut *tx)
            .await
            .context("inserting conversations")?;
    }
    tx.commit().await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE workspace_id = $1 ORDER BY id")
            .bind(workspace_id)
            .fetch_all(pool)
            .await?;
    ensure!(
        ids.len() == people.len(),
        "seeded {} conversations, expected {}",
        ids.len(),
        people.len()
    );
    Ok(ids)
}

/// Each conversation's `last_message_*` from its newest message, as storing or sending one
/// leaves them (the preview is the text: seeded texts are one line, under 200 characters).
async fn set_last_messages(pool: &AnyPool, workspace_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET last_message_id = (SELECT MAX(m.id) FROM messages m \
         WHERE m.conversation_id = conversations.id) WHERE workspace_id = $1",
    )
    .bind(workspace_id)
    .execute(pool)
    .await
    .context("setting last_message_id")?;
    sqlx::query(
        "UPDATE conversations SET \
         last_message_text = (SELECT substr(m.text, 1, 200) FROM messages m WHERE m.id = conversations.last_message_id), \
         last_message_at = (SELECT m.sent_at FROM messages m WHERE m.id = conversations.last_message_id), \
         updated_at = (SELECT m.sent_at FROM messages m WHERE m.id = conversations.last_message_id) \
         WHERE workspace_id = $1",
    )
    .bind(workspace_id)
    .execute(pool)
    .await
    .context("setting last_message_text and last_message_at")?;
    Ok(())
}

/// The workspace's conversations with unread messages now, by id.
pub async fn unread_conversations(url: &str, workspace_id: i64) -> Result<Vec<i64>> {
    let pool = crm_seed::connect(url).await?;
    let ids = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE workspace_id = $1 AND unread_count > 0 ORDER BY id",
    )
    .bind(workspace_id)
    .fetch_all(&pool)
    .await?;
    pool.close().await;
    Ok(ids)
}
