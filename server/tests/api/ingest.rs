//! The inbox's one ingest path: the same message heard through the bot and through a user
//! account becomes the same rows, with the same contact match.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with, TestApp};
use crate::messaging_support::{eventually, fake, new_bot};
use crate::telegram_user_support::{connect, pick, poke, set_app, simulated, telegram_account};
use fake_telegram::{FromUser, Inject};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use sqlx::Row as _;

/// What a conversation and its message with `text` look like on the channel `kind`, without
/// the ids and times that differ by nature (the contact is named instead of numbered).
async fn rows(app: &TestApp, kind: &str, title: &str, text: &str) -> Option<String> {
    let db = app.db().await;
    let row = sqlx::query(
        "SELECT c.kind, c.title, c.username, c.search_text, c.unread_count, c.last_message_text, \
         ct.display_name, m.direction, m.sender_name, m.text, m.state, m.error, m.media_id, \
         m.reply_to_id, m.author_id, m.edited_at, m.deleted_at \
         FROM conversations c JOIN channel_accounts a ON a.id = c.account_id \
         LEFT JOIN contacts ct ON ct.id = c.contact_id \
         JOIN messages m ON m.conversation_id = c.id \
         WHERE a.kind = $1 AND c.title = $2 AND m.text = $3",
    )
    .bind(kind)
    .bind(title)
    .bind(text)
    .fetch_optional(&db)
    .await
    .unwrap()?;
    let text = |i: usize| row.try_get::<Option<String>, _>(i).unwrap();
    let number = |i: usize| row.try_get::<Option<i64>, _>(i).unwrap();
    Some(format!(
        "conversation {:?} {:?} {:?} {:?} unread {:?} last {:?} contact {:?} | \
         message {:?} {:?} {:?} {:?} {:?} media {:?} reply {:?} author {:?} edited {:?} deleted {:?}",
        text(0),
        text(1),
        text(2),
        text(3),
        number(4),
        text(5),
        text(6),
        text(7),
        text(8),
        text(9),
        text(10),
        text(11),
        number(12),
        number(13),
        number(14),
        number(15),
        number(16),
    ))
}

async fn lena_contact(app: &TestApp, token: &str) {
    let (s, body) = call(
        app,
        token,
        M::POST,
        "/api/crm/contacts",
        Some(json!({"firstName": "Lena", "lastName": "Petrova", "telegramUserId": 701})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn the_same_message_through_either_channel_makes_the_same_rows() {
    let fake = fake().await;
    let base = fake.base_url();
    on_each_backend_with(
        move |s| {
            s.telegram_api_base = base.clone();
            simulated(s);
        },
        |app| {
            let fake = fake.clone();
            async move {
                // Two workspaces: one hears Telegram through a bot, the other through a rep's
                // own account (Lena and Oleg picked). Each knows Lena's Telegram id; nobody
                // knows Oleg's.
                let (bot_side, _) = app.new_account("Bot side").await;
                let (user_side, _) = app.new_account("Account side").await;
                lena_contact(&app, &bot_side).await;
                lena_contact(&app, &user_side).await;
                let (bot, _) = new_bot(&fake);
                let (s, body) = call(
                    &app,
                    &bot_side,
                    M::POST,
                    "/api/messaging/accounts",
                    Some(json!({"type": "telegram_bot", "token": bot})),
                )
                .await;
                assert_eq!(s, StatusCode::CREATED, "{body}");
                set_app(&app, &user_side).await;
                let phone = telegram_account(&app, None).await;
                let account = connect(&app, &user_side, &phone, None).await;
                pick(&app, &user_side, account, &["701", "702"]).await;

                let lena = FromUser {
                    last_name: Some("Petrova".into()),
                    username: Some("lena_p".into()),
                    ..FromUser::new(701, "Lena")
                };
                let sent = [
                    (lena, "Lena Petrova", "Can we talk today?"),
                    (FromUser::new(702, "Oleg"), "Oleg", "Ping again"),
                ];
                for (from, title, text) in sent {
                    fake.inject_message(Inject::text(&bot, from, text)).unwrap();
                    poke(
                        &app,
                        &phone,
                        json!({"type": "message", "peerId": if title == "Oleg" { 702 } else { 701 }, "text": text}),
                    )
                    .await;
                    let by_bot = eventually("the bot's rows", || async {
                        rows(&app, "telegram_bot", title, text).await.map(Value::from)
                    })
                    .await;
                    let by_account = eventually("the account's rows", || async {
                        rows(&app, "telegram_user", title, text).await.map(Value::from)
                    })
                    .await;
                    assert_eq!(by_bot, by_account);
                    let contact = if title == "Oleg" { "None" } else { "Some(\"Lena Petrova\")" };
                    assert!(
                        by_bot.as_str().unwrap().contains(&format!("contact {contact}")),
                        "{by_bot}"
                    );
                }
                // Neither channel invents contacts: each workspace still has only Lena.
                let db = app.db().await;
                let contacts: Vec<String> = sqlx::query_scalar("SELECT display_name FROM contacts")
                    .fetch_all(&db)
                    .await
                    .unwrap();
                assert_eq!(contacts, ["Lena Petrova", "Lena Petrova"]);
            }
        },
    )
    .await;
}
