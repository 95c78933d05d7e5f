//! The inbox: one demo Telegram bot account of the workspace, its private chats and their
//! messages. The account has no token and the status `needs_relogin` (nothing polls or
//! sends for it; sending says to connect it) so the inbox, its search and its CRM panel can be tried
//! without Telegram. Messages are drawn in time order and spread over the chats at random, so
//! a chat's history is scattered through the table as in a real inbox; in about 30 % of the
//! chats the last one to three messages are inbound and unread.

use super::generate::{Gen, DAY};
use super::insert::{insert_all, V};
use super::names::{FIRST_NAMES, LAST_NAMES};
use app::server::{now_ms, Db};
use rand::Rng;
use sqlx::Row;

const CONVERSATION_COLUMNS: &[&str] = &[
    "workspace_id",
    "account_id",
    "peer_id",
    "kind",
    "title",
    "username",
    "search_text",
    "unread_count",
    "pinned",
    "created_at",
    "updated_at",
];
const MESSAGE_COLUMNS: &[&str] = &[
    "workspace_id",
    "conversation_id",
    "direction",
    "sender_name",
    "author_id",
    "text",
    "state",
    "external_id",
    "sent_at",
    "created_at",
    "updated_at",
];

/// What leads and reps write; `{}` is a number.
const LEAD_LINES: &[&str] = &[
    "Hello! Is the offer from your site still valid?",
    "Can you send the price list for {} seats?",
    "We need the invoice for order #{} by Friday",
    "When will the delivery arrive? Tracking says customs",
    "Could we move the meeting to tomorrow at {}:00?",
    "Is there a discount for a yearly subscription?",
    "The contract looks fine, our lawyer has one question",
    "Please call me back, I am free after {}:00",
    "Do you ship to Kazakhstan? We need {} pallets",
    "Thanks, the samples arrived. The team liked them",
    "What payment terms can you offer for wholesale?",
    "Our budget is approved, let's talk about onboarding",
];
const REP_LINES: &[&str] = &[
    "Hi! Yes, the offer is valid until the end of the month",
    "Here is the quote for {} seats, valid for 14 days",
    "The invoice for order #{} is on its way to your email",
    "Delivery is planned for next week, I'll send the tracking number",
    "Done, the meeting is moved. See you at {}:00",
    "A yearly plan gets {}% off, shall I prepare a proposal?",
    "Sure, send me the question and I'll ask our legal team",
    "I will call you at {}:00",
    "Yes, we ship there; {} pallets take about ten days",
    "Great to hear! Shall we schedule a demo for the whole team?",
    "For wholesale we offer 30 days of deferred payment",
    "Wonderful! I'll send the onboarding plan today",
];
/// Chats pinned to the top of the list.
const PINNED: usize = 3;
/// The history spans this long, ending now.
const SPAN_DAYS: i64 = 120;

/// Seeds `conversations` chats and `messages` messages (at least one per chat); answers how
/// many of each were written.
pub async fn seed(
    db: &Db,
    gen: &mut Gen,
    conversations: usize,
    messages: usize,
) -> anyhow::Result<(usize, usize)> {
    if conversations == 0 {
        return Ok((0, 0));
    }
    let messages = messages.max(conversations);
    let ws = gen.workspace_id;
    let account = demo_account(db, ws).await?;
    let start = gen.now - SPAN_DAYS * DAY;

    // Who each chat is with, how many messages it has and how many of its last are unread.
    let people: Vec<(String, String)> = (0..conversations).map(|i| person(gen, i)).collect();
    let mut counts = vec![1usize; conversations];
    for _ in conversations..messages {
        let c = gen.rng.gen_range(0..conversations);
        counts[c] += 1;
    }
    let unread: Vec<usize> = counts
        .iter()
        .map(|&n| match gen.chance(0.3) {
            true => gen.rng.gen_range(1..=3).min(n),
            false => 0,
        })
        .collect();
    let first_id: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM conversations WHERE account_id = $1")
            .bind(account)
            .fetch_one(&db.pool)
            .await?;
    insert_all(
        db,
        "conversations",
        CONVERSATION_COLUMNS,
        conversations,
        |i| {
            let (title, username) = &people[i];
            vec![
                V::Int(ws),
                V::Int(account),
                // Telegram user ids of their own, after those of earlier seeds.
                V::Text((5_000_000_000_i64 + first_id + i as i64).to_string()),
                V::Text("private".into()),
                V::Text(title.clone()),
                V::Text(username.clone()),
                V::Text(format!("{title} {username}").to_lowercase()),
                V::Int(unread[i] as i64),
                V::Int(i64::from(i < PINNED)),
                V::Int(start),
                V::Int(start),
            ]
        },
    )
    .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE account_id = $1 AND id > $2 ORDER BY id",
    )
    .bind(account)
    .bind(first_id)
    .fetch_all(&db.pool)
    .await?;
    anyhow::ensure!(
        ids.len() == conversations,
        "the conversations were not all written"
    );

    let rep: String =
        sqlx::query_scalar("SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = $1")
            .bind(gen.owner_id)
            .fetch_one(&db.pool)
            .await?;
    // The order of all messages: chat `c` appears `counts[c]` times, shuffled.
    let mut order: Vec<u32> = Vec::with_capacity(messages);
    for (c, &n) in counts.iter().enumerate() {
        order.extend(std::iter::repeat_n(c as u32, n));
    }
    for i in (1..order.len()).rev() {
        order.swap(i, gen.rng.gen_range(0..=i));
    }
    let step = (SPAN_DAYS * DAY / messages as i64).max(1);
    let mut seen = vec![0usize; conversations];
    insert_all(db, "messages", MESSAGE_COLUMNS, messages, |i| {
        let c = order[i] as usize;
        let k = seen[c];
        seen[c] += 1;
        let unread_tail = counts[c] - k <= unread[c];
        let inbound = unread_tail || gen.chance(0.55);
        let lines = if inbound { LEAD_LINES } else { REP_LINES };
        let n = gen.rng.gen_range(2..60).to_string();
        let at = start + i as i64 * step;
        vec![
            V::Int(ws),
            V::Int(ids[c]),
            V::Text(if inbound { "in" } else { "out" }.into()),
            V::Text(if inbound {
                people[c].0.clone()
            } else {
                rep.clone()
            }),
            V::OptInt((!inbound).then_some(gen.owner_id)),
            V::Text(gen.pick(lines).replace("{}", &n)),
            V::Text(
                match (inbound, unread_tail) {
                    (true, true) => "delivered",
                    (true, false) => "read",
                    (false, _) => "sent",
                }
                .into(),
            ),
            V::Text(format!("seed-{}", k + 1)),
            V::Int(at),
            V::Int(at),
            V::Int(at),
        ]
    })
    .await?;
    set_last_messages(db, account).await?;
    Ok((conversations, messages))
}

/// The workspace's demo account, created on the first seed.
async fn demo_account(db: &Db, ws: i64) -> anyhow::Result<i64> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO channel_accounts (workspace_id, kind, external_id, name, username, secret, \
         status, last_error, created_at, updated_at) \
         VALUES ($1, 'telegram_bot', $2, 'Demo bot (seeded)', 'parley_demo_bot', '', 'needs_relogin', \
         'Demo data from parley-seed: connect a real bot to send and receive', $3, $3) \
         ON CONFLICT (kind, external_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id",
    )
    .bind(ws)
    .bind(format!("parley-seed-{ws}"))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get("id")?)
}

/// A lead: (display name, Telegram username).
fn person(gen: &mut Gen, i: usize) -> (String, String) {
    let (first, first_latin) = gen.pick(FIRST_NAMES);
    let (last, last_latin) = gen.pick(LAST_NAMES);
    (
        format!("{first} {last}"),
        format!("{first_latin}_{last_latin}_{i}"),
    )
}

/// Each chat's `last_message_*` from its newest message, as storing or sending one leaves them.
async fn set_last_messages(db: &Db, account: i64) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE conversations SET last_message_id = (SELECT MAX(m.id) FROM messages m \
         WHERE m.conversation_id = conversations.id) WHERE account_id = $1",
    )
    .bind(account)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE conversations SET \
         last_message_text = (SELECT substr(m.text, 1, 200) FROM messages m WHERE m.id = conversations.last_message_id), \
         last_message_at = (SELECT m.sent_at FROM messages m WHERE m.id = conversations.last_message_id), \
         updated_at = (SELECT m.sent_at FROM messages m WHERE m.id = conversations.last_message_id) \
         WHERE account_id = $1",
    )
    .bind(account)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
