//! Sending through the Telegram bot channel against the fake Bot API server: pending to sent,
//! 429s honoured, and who may send or see what.

use crate::crm_support::{call, owner_and_viewer};
use crate::messaging_support::{connected_chat, eventually, new_bot, with_fake_telegram};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_goes_from_pending_to_sent_with_telegrams_id() {
    with_fake_telegram(|app, fake| async move {
            let (owner, _) = app.new_account("Sender").await;
            let (bot, _) = new_bot(&fake);
            let (_, chat) = connected_chat(&app, &owner, &fake, &bot).await;
            let (s, body) = call(&app, &owner, M::POST, "/api/messaging/send", Some(json!({"conversationId": chat, "text": "   "}))).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
            let (s, queued) = call(&app, &owner, M::POST, "/api/messaging/send", Some(json!({"conversationId": chat, "text": "Yes — 10% off until Friday"}))).await;
            assert_eq!(s, StatusCode::CREATED, "{queued}");
            assert_eq!(queued["state"], "pending");
            assert_eq!(queued["direction"], "out");
            let id = queued["id"].as_i64().unwrap();
            let sent = eventually("the message to be sent", || async {
                let (_, page) = call(&app, &owner, M::GET, &format!("/api/messaging/conversations/{chat}/messages"), None).await;
                page["items"].as_array()?.iter().find(|m| m["id"] == id && m["state"] == "sent").cloned()
            })
            .await;
            let log = fake.sent_log(&bot).unwrap();
            assert_eq!(log.len(), 1);
            assert_eq!(log[0].text.as_deref(), Some("Yes — 10% off until Friday"));
            assert_eq!(log[0].chat_id, 555_001);
            assert_eq!(sent["externalId"], log[0].message_id.to_string());
            // A reply quotes Telegram's id of the message replied to.
            let (_, page) = call(&app, &owner, M::GET, &format!("/api/messaging/conversations/{chat}/messages"), None).await;
            let inbound = page["items"].as_array().unwrap().iter().find(|m| m["direction"] == "in").unwrap().clone();
            let (s, _) = call(&app, &owner, M::POST, "/api/messaging/send", Some(json!({"conversationId": chat, "text": "As asked", "replyToMessageId": inbound["id"]}))).await;
            assert_eq!(s, StatusCode::CREATED);
            eventually("the reply to be sent", || async {
                let calls = fake.call_log(&bot).ok()?;
                calls.into_iter().find(|c| c.method == "sendMessage" && c.params["text"] == "As asked").map(|c| c.params)
            })
            .await
            .get("reply_parameters")
            .map(|r| assert_eq!(r["message_id"].to_string(), inbound["externalId"].as_str().unwrap()))
            .expect("the reply names the message");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_honoured_before_sending_again() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Patient").await;
        let (bot, _) = new_bot(&fake);
        let (account, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        fake.fail_next_with_429(&bot, Some("sendMessage"), 1, 2)
            .unwrap();
        let (s, _) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": chat, "text": "After the wait"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let flood = eventually("the flood wait to show", || async {
            let (_, accounts) = call(&app, &owner, M::GET, "/api/messaging/accounts", None).await;
            accounts
                .as_array()?
                .iter()
                .find(|a| a["id"] == account && a["status"] == "flood_wait")
                .cloned()
        })
        .await;
        assert!(flood["floodWaitUntil"].as_i64().is_some());
        eventually("the message to be sent after the wait", || async {
            (fake.sent_log(&bot).ok()?.len() == 1).then_some(Value::Null)
        })
        .await;
        let calls: Vec<_> = fake
            .call_log(&bot)
            .unwrap()
            .into_iter()
            .filter(|c| c.method == "sendMessage")
            .collect();
        assert_eq!(calls.len(), 2, "one refused, one accepted");
        assert_eq!(calls[0].status, 429);
        assert!(
            calls[1].at_ms >= calls[0].at_ms + 2000,
            "waited {} ms",
            calls[1].at_ms - calls[0].at_ms
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_conversations_answer_404_and_viewers_cannot_send() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _, viewer) = owner_and_viewer(&app).await;
        let (bot, _) = new_bot(&fake);
        let (account, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        let (s, _) = call(
            &app,
            &viewer,
            M::GET,
            &format!("/api/messaging/conversations/{chat}/messages"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "viewers read");
        let (s, body) = call(
            &app,
            &viewer,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": chat, "text": "Hi"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "FORBIDDEN");
        // A viewer reading the chat leaves it unread for the team.
        let read = format!("/api/messaging/conversations/{chat}/read");
        let (s, seen) = call(&app, &viewer, M::POST, &read, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(seen["unreadCount"], 1, "{seen}");
        let (_, seen) = call(&app, &owner, M::POST, &read, None).await;
        assert_eq!(seen["unreadCount"], 0, "{seen}");
        let (stranger, _) = app.new_account("Stranger").await;
        for (method, path, body) in [
            (M::GET, format!("/api/messaging/conversations/{chat}"), None),
            (
                M::GET,
                format!("/api/messaging/conversations/{chat}/messages"),
                None,
            ),
            (
                M::POST,
                format!("/api/messaging/conversations/{chat}/read"),
                None,
            ),
            (
                M::POST,
                "/api/messaging/send".to_string(),
                Some(json!({"conversationId": chat, "text": "Hi"})),
            ),
            (
                M::DELETE,
                format!("/api/messaging/accounts/{account}"),
                None,
            ),
        ] {
            let (s, body) = call(&app, &stranger, method, &path, body).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {body}");
            assert_eq!(body["code"], "NOT_FOUND");
        }
        let (_, chats) = call(&app, &stranger, M::GET, "/api/messaging/chats", None).await;
        assert_eq!(chats["pagination"]["total"], 0);
        let (_, hits) = call(
            &app,
            &stranger,
            M::GET,
            "/api/messaging/search?q=offer",
            None,
        )
        .await;
        assert_eq!(hits, json!([]));
        assert!(fake.sent_log(&bot).unwrap().is_empty(), "nothing was sent");
    })
    .await;
}
