//! Message search on both backends: newest first, at most 50 hits, case-insensitive, short
//! terms too, and never another workspace's messages.

use crate::crm_support::call;
use crate::helpers::TestApp;
use crate::messaging_support::{connected_chat, new_bot, with_fake_telegram};
use fake_telegram::FakeTelegram;
use reqwest::Method as M;
use serde_json::Value;

/// A workspace with a connected bot and one chat: (bearer token, workspace id, chat id).
async fn workspace_with_chat(app: &TestApp, fake: &FakeTelegram, name: &str) -> (String, i64, i64) {
    let (token, _) = app.new_account(name).await;
    let (bot, _) = new_bot(fake);
    let (_, chat) = connected_chat(app, &token, fake, &bot).await;
    let ws = sqlx::query_scalar("SELECT workspace_id FROM conversations WHERE id = $1")
        .bind(chat)
        .fetch_one(&app.db().await)
        .await
        .unwrap();
    (token, ws, chat)
}

/// Stores `texts` as inbound messages of a chat, oldest first.
async fn store(app: &TestApp, ws: i64, chat: i64, texts: &[String]) {
    let db = app.db().await;
    for (n, text) in texts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO messages (workspace_id, conversation_id, direction, sender_name, text, state, \
             external_id, sent_at, created_at, updated_at) VALUES ($1, $2, 'in', 'Lena', $3, 'read', $4, $5, $5, $5)",
        )
        .bind(ws)
        .bind(chat)
        .bind(text)
        .bind(format!("search-{ws}-{n}"))
        .bind(1_700_000_000_000_i64 + n as i64)
        .execute(&db)
        .await
        .unwrap();
    }
}

fn texts(hits: &Value) -> Vec<String> {
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["message"]["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_is_newest_first_capped_at_50_and_scoped_to_the_workspace() {
    with_fake_telegram(|app, fake| async move {
        let (mine, ws, chat) = workspace_with_chat(&app, &fake, "Searcher").await;
        let (theirs, other_ws, other_chat) = workspace_with_chat(&app, &fake, "Other").await;
        let ours: Vec<String> = (0..60)
            .map(|n| format!("Order number {n} is packed"))
            .collect();
        store(&app, ws, chat, &ours).await;
        store(
            &app,
            other_ws,
            other_chat,
            &["Their order number 999".to_string()],
        )
        .await;

        let (_, hits) = call(
            &app,
            &mine,
            M::GET,
            "/api/messaging/search?q=ORDER%20NUMBER",
            None,
        )
        .await;
        let found = texts(&hits);
        assert_eq!(found.len(), 50, "{hits}");
        let newest: Vec<String> = ours.iter().rev().take(50).cloned().collect();
        assert_eq!(found, newest, "the 50 newest, newest first");
        assert!(hits
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["message"]["conversationId"] == chat));

        let (_, hits) = call(
            &app,
            &mine,
            M::GET,
            "/api/messaging/search?q=number%2042%20",
            None,
        )
        .await;
        assert_eq!(texts(&hits), ["Order number 42 is packed"]);
        // Two characters: no trigram index, the same answer by a scan.
        let (_, hits) = call(&app, &mine, M::GET, "/api/messaging/search?q=59", None).await;
        assert_eq!(texts(&hits), ["Order number 59 is packed"]);
        let (_, hits) = call(&app, &mine, M::GET, "/api/messaging/search?q=999", None).await;
        assert_eq!(
            texts(&hits),
            Vec::<String>::new(),
            "another workspace's message"
        );
        let (_, hits) = call(&app, &theirs, M::GET, "/api/messaging/search?q=order", None).await;
        assert_eq!(texts(&hits), ["Their order number 999"]);
        let (_, hits) = call(
            &app,
            &mine,
            M::GET,
            "/api/messaging/search?q=%22%20OR%20%22",
            None,
        )
        .await;
        assert_eq!(
            texts(&hits),
            Vec::<String>::new(),
            "quotes are searched for, not parsed"
        );
    })
    .await;
}
