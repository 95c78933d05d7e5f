//! The inbox over the Telegram bot channel, against the fake Bot API server on loopback:
//! connecting, receiving (polling and webhook), durable sending, 429s, reading, isolation.

use crate::crm_support::call;
use crate::helpers::on_each_backend_with;
use crate::messaging_support::{connected_chat, eventually, fake, new_bot, with_fake_telegram};
use fake_telegram::{FromUser, Inject};
use reqwest::{Method as M, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_connects_by_token_and_its_token_is_sealed() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Inbox").await;
        let (bot, username) = new_bot(&fake);
        let (s, body) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/accounts",
            Some(json!({"type": "telegram_bot", "token": "1:wrong"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["field"], "token", "{body}");
        let (s, body) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/accounts",
            Some(json!({"type": "telegram_bot", "token": bot})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["username"], username.as_str());
        assert_eq!(body["status"], "connected");
        assert!(
            !body.to_string().contains(&bot),
            "the token never leaves the server"
        );
        let (_, list) = call(&app, &owner, M::GET, "/api/messaging/accounts", None).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        let stored: String = sqlx::query_scalar("SELECT secret FROM channel_accounts")
            .fetch_one(&app.db().await)
            .await
            .unwrap();
        let secret_part = bot.split(':').nth(1).unwrap();
        assert!(
            !stored.contains(secret_part),
            "the database holds the token sealed"
        );
        // The same bot in another workspace is refused.
        let (other, _) = app.new_account("Elsewhere").await;
        let (s, body) = call(
            &app,
            &other,
            M::POST,
            "/api/messaging/accounts",
            Some(json!({"type": "telegram_bot", "token": bot})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_messages_arrive_by_polling_with_unread_counts_and_reading_clears_them() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Inbox").await;
        let (bot, _) = new_bot(&fake);
        let (account, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        fake.inject_message(Inject::text(
            &bot,
            FromUser::new(555_001, "Lena"),
            "And the price?",
        ))
        .unwrap();
        let page = eventually("the second message", || async {
            let (_, page) = call(
                &app,
                &owner,
                M::GET,
                &format!("/api/messaging/conversations/{chat}/messages"),
                None,
            )
            .await;
            (page["items"].as_array()?.len() == 2).then_some(page)
        })
        .await;
        assert_eq!(page["items"][0]["text"], "And the price?", "newest first");
        assert_eq!(page["items"][0]["direction"], "in");
        assert_eq!(page["items"][0]["senderName"], "Lena");
        let (_, conversation) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/conversations/{chat}"),
            None,
        )
        .await;
        assert_eq!(conversation["unreadCount"], 2);
        assert_eq!(conversation["lastMessageText"], "And the price?");
        let (_, accounts) = call(&app, &owner, M::GET, "/api/messaging/accounts", None).await;
        assert_eq!(accounts[0]["id"], account);
        assert_eq!(accounts[0]["unread"], 2);
        let (_, unread) = call(
            &app,
            &owner,
            M::GET,
            "/api/messaging/chats?filter=unread",
            None,
        )
        .await;
        assert_eq!(unread["pagination"]["total"], 1);
        let (s, read) = call(
            &app,
            &owner,
            M::POST,
            &format!("/api/messaging/conversations/{chat}/read"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{read}");
        assert_eq!(read["unreadCount"], 0);
        let (_, unread) = call(
            &app,
            &owner,
            M::GET,
            "/api/messaging/chats?filter=unread",
            None,
        )
        .await;
        assert_eq!(unread["pagination"]["total"], 0);
        let (_, page) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/conversations/{chat}/messages?limit=1"),
            None,
        )
        .await;
        assert_eq!(page["items"][0]["state"], "read");
        let older = page["nextBefore"].as_i64().expect("an older page");
        let (_, page) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/conversations/{chat}/messages?limit=1&before={older}"),
            None,
        )
        .await;
        assert_eq!(page["items"][0]["text"], "Hello, is the offer still on?");
        assert!(page["nextBefore"].is_null());
        let (_, hits) = call(&app, &owner, M::GET, "/api/messaging/search?q=offer", None).await;
        assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
        assert_eq!(hits[0]["conversationTitle"], "Lena");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_delivered_twice_by_webhook_is_stored_once() {
    let fake = fake().await;
    let base = fake.base_url();
    on_each_backend_with(
        move |s| {
            s.telegram_api_base = base.clone();
            s.public_url = Some("https://crm.example.com".into());
        },
        |app| {
            let fake = fake.clone();
            async move {
                let (owner, _) = app.new_account("Hooks").await;
                let (bot, _) = new_bot(&fake);
                let (s, account) = call(&app, &owner, M::POST, "/api/messaging/accounts", Some(json!({"type": "telegram_bot", "token": bot}))).await;
                assert_eq!(s, StatusCode::CREATED, "{account}");
                let id = account["id"].as_i64().unwrap();
                let set = fake.call_log(&bot).unwrap().into_iter().find(|c| c.method == "setWebhook").expect("setWebhook was called");
                assert_eq!(set.params["url"], format!("https://crm.example.com/api/telegram/webhook/{id}"));
                let secret = set.params["secret_token"].as_str().unwrap().to_string();
                let update = json!({"update_id": 9001, "message": {"message_id": 17, "date": 1_790_000_000,
                    "from": {"id": 42, "is_bot": false, "first_name": "Ivan"},
                    "chat": {"id": 42, "type": "private", "first_name": "Ivan", "username": "ivan42"},
                    "text": "Twice delivered"}});
                let hook = app.url(&format!("/api/telegram/webhook/{id}"));
                let wrong = app.client.post(&hook).header("X-Telegram-Bot-Api-Secret-Token", "nope").json(&update).send().await.unwrap();
                assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
                for _ in 0..2 {
                    let res = app.client.post(&hook).header("X-Telegram-Bot-Api-Secret-Token", &secret).json(&update).send().await.unwrap();
                    assert_eq!(res.status(), StatusCode::OK);
                }
                let (_, chats) = call(&app, &owner, M::GET, "/api/messaging/chats", None).await;
                assert_eq!(chats["pagination"]["total"], 1, "{chats}");
                assert_eq!(chats["items"][0]["unreadCount"], 1, "counted once");
                assert_eq!(chats["items"][0]["username"], "ivan42");
                let chat = chats["items"][0]["id"].as_i64().unwrap();
                let (_, page) = call(&app, &owner, M::GET, &format!("/api/messaging/conversations/{chat}/messages"), None).await;
                assert_eq!(page["items"].as_array().unwrap().len(), 1, "stored once: {page}");
                assert_eq!(page["items"][0]["externalId"], "17");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_group_conversations_with_their_unread_totals() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Folders").await;
        let (bot, _) = new_bot(&fake);
        let (_, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        let (s, folder) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/folders",
            Some(json!({"name": "  Hot leads "})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{folder}");
        assert_eq!(folder["name"], "Hot leads");
        let id = folder["id"].as_i64().unwrap();
        let (s, _) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/folders",
            Some(json!({"name": ""})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, c) = call(
            &app,
            &owner,
            M::PUT,
            &format!("/api/messaging/conversations/{chat}/folders"),
            Some(json!({"folderIds": [id]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["folderIds"], json!([id]));
        let (_, folders) = call(&app, &owner, M::GET, "/api/messaging/folders", None).await;
        assert_eq!(folders[0]["unread"], 1, "{folders}");
        let (_, inside) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/chats?folderId={id}"),
            None,
        )
        .await;
        assert_eq!(inside["pagination"]["total"], 1);
        assert_eq!(inside["items"][0]["folderIds"], json!([id]));
        // Another workspace's folder cannot be used, nor seen.
        let (stranger, _) = app.new_account("Stranger").await;
        let (_, theirs) = call(
            &app,
            &stranger,
            M::POST,
            "/api/messaging/folders",
            Some(json!({"name": "Theirs"})),
        )
        .await;
        let (s, body) = call(
            &app,
            &owner,
            M::PUT,
            &format!("/api/messaging/conversations/{chat}/folders"),
            Some(json!({"folderIds": [theirs["id"]]})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        let (s, _) = call(
            &app,
            &stranger,
            M::DELETE,
            &format!("/api/messaging/folders/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, renamed) = call(
            &app,
            &owner,
            M::PUT,
            &format!("/api/messaging/folders/{id}"),
            Some(json!({"name": "Warm"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(renamed["name"], "Warm");
        let (s, _) = call(
            &app,
            &owner,
            M::DELETE,
            &format!("/api/messaging/folders/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, c) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/conversations/{chat}"),
            None,
        )
        .await;
        assert_eq!(
            c["folderIds"],
            json!([]),
            "the conversation stays, out of the folder"
        );
    })
    .await;
}
