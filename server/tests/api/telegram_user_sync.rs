//! Telegram user accounts once connected, through the simulated Telegram: the sync selection,
//! idempotent storage, and update mapping (new, edit, delete, read both ways, typing).

use crate::crm_support::call;
use crate::messaging_support::eventually;
use crate::telegram_user_support::*;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn only_picked_chats_are_stored_with_their_history_once() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("Picks").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &token, &phone, None).await;
        let chats = pick(&app, &token, account, &["701", "-100123"]).await;
        assert_eq!(chats["folders"][0]["name"], "Clients");
        let lena = chats["chats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["peerId"] == "701")
            .unwrap()
            .clone();
        assert_eq!(lena["historyImported"], 3);

        let lena = conversation_of(&app, &token, "Lena Petrova")
            .await
            .expect("Lena's conversation");
        let history = messages_of(&app, &token, lena["id"].as_i64().unwrap()).await;
        let texts: Vec<&str> = history
            .iter()
            .rev()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["Hi Rita", "Hello Lena", "Is the offer still on?"]);
        assert_eq!(history[1]["direction"], "out");
        // History does not count as unread; the conversation sits in Telegram's folder.
        assert_eq!(lena["unreadCount"], 0);
        let (_, folders) = call(&app, &token, M::GET, "/api/messaging/folders", None).await;
        let clients = folders
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Clients")
            .unwrap()["id"]
            .clone();
        assert!(lena["folderIds"].as_array().unwrap().contains(&clients));
        assert!(conversation_of(&app, &token, "Sales team").await.is_some());
        // The mirrored folder follows Telegram; CRM folders are the team's.
        let (s, _) = call(
            &app,
            &token,
            M::PUT,
            &format!("/api/messaging/folders/{clients}"),
            Some(json!({"name": "Mine"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = call(
            &app,
            &token,
            M::DELETE,
            &format!("/api/messaging/folders/{clients}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/folders",
            Some(json!({"name": "Hot leads"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        assert!(conversation_of(&app, &token, "Oleg").await.is_none());

        // A message in a chat that was not picked is not stored anywhere.
        poke(
            &app,
            &phone,
            json!({"type": "message", "peerId": 702, "text": "secret from Oleg"}),
        )
        .await;
        // A message in a picked chat is stored, with the sender matched to the contact that
        // carries their Telegram id (added since the chat was picked). No contact is invented.
        assert!(conversation_of(&app, &token, "Lena Petrova").await.unwrap()["contactId"].is_null());
        let (s, lena_contact) = call(
            &app,
            &token,
            M::POST,
            "/api/crm/contacts",
            Some(json!({"firstName": "Lena", "lastName": "Petrova", "telegramUserId": 701, "telegramUsername": "lena_p"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{lena_contact}");
        poke(
            &app,
            &phone,
            json!({"type": "message", "peerId": 701, "text": "Can we talk today?"}),
        )
        .await;
        let lena = eventually("Lena's new message", || async {
            let c = conversation_of(&app, &token, "Lena Petrova").await?;
            (c["unreadCount"] == 1).then_some(c)
        })
        .await;
        assert_eq!(lena["lastMessageText"], "Can we talk today?");
        let db = app.db().await;
        let leaked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE text LIKE '%secret from Oleg%'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(leaked, 0);
        let contact = lena["contactId"].as_i64().expect("a contact was matched");
        assert_eq!(lena["contactId"], lena_contact["id"]);
        let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(contacts, 1, "no contact is created by a message");
        let (_, c) = call(
            &app,
            &token,
            M::GET,
            &format!("/api/crm/contacts/{contact}"),
            None,
        )
        .await;
        assert_eq!(c["telegramUserId"], 701);
        assert_eq!(c["telegramUsername"], "lena_p");
        assert_eq!(c["displayName"], "Lena Petrova");

        // A resync imports again: nothing is stored twice.
        let (s, _) = call(
            &app,
            &token,
            M::POST,
            &format!("/api/messaging/accounts/{account}/resync"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED);
        let path = format!("/api/messaging/accounts/{account}/chats");
        eventually("the resync's import", || async {
            let (_, chats) = call(&app, &token, M::GET, &path, None).await;
            let all_done = chats["chats"]
                .as_array()?
                .iter()
                .filter(|c| c["picked"] == true)
                .all(|c| c["historyState"] == "done");
            all_done.then_some(Value::Null)
        })
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let history = messages_of(&app, &token, lena["id"].as_i64().unwrap()).await;
        assert_eq!(history.len(), 4);
        // An unknown chat cannot be picked.
        let (s, body) = call(
            &app,
            &token,
            M::PUT,
            &path,
            Some(json!({"peerIds": ["424242"]})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    })
    .await;
}

#[tokio::test]
async fn edits_deletions_read_receipts_and_typing_arrive() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("Updates").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &token, &phone, None).await;
        pick(&app, &token, account, &["701"]).await;
        let lena = conversation_of(&app, &token, "Lena Petrova").await.unwrap();
        let cid = lena["id"].as_i64().unwrap();
        let new_id = poke(
            &app,
            &phone,
            json!({"type": "message", "peerId": 701, "text": "typo hre"}),
        )
        .await
        .unwrap();
        let find = |text: &'static str| {
            let app = &app;
            let token = token.clone();
            async move {
                messages_of(app, &token, cid)
                    .await
                    .into_iter()
                    .find(|m| m["text"] == text)
            }
        };
        eventually("the new message", || find("typo hre")).await;
        poke(
            &app,
            &phone,
            json!({"type": "edit", "peerId": 701, "id": new_id, "text": "typo here"}),
        )
        .await;
        let edited = eventually("the edit", || find("typo here")).await;
        assert!(edited["editedAt"].as_i64().is_some());
        poke(
            &app,
            &phone,
            json!({"type": "delete", "peerId": 701, "ids": [new_id]}),
        )
        .await;
        eventually("the deletion", || async {
            let m = find("typo here").await?;
            m["deletedAt"].as_i64().map(|_| m)
        })
        .await;
        // Read on another device: read here too.
        poke(
            &app,
            &phone,
            json!({"type": "readInbox", "peerId": 701, "maxId": new_id}),
        )
        .await;
        eventually("the chat read elsewhere", || async {
            let c = conversation_of(&app, &token, "Lena Petrova").await?;
            (c["unreadCount"] == 0).then_some(c)
        })
        .await;
        // A reply from Parley, then Lena reads it.
        let (s, sent) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": cid, "text": "Yes, today at 3?"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{sent}");
        let external = eventually("the reply sent", || async {
            let m = find("Yes, today at 3?").await?;
            (m["state"] == "sent").then_some(m)
        })
        .await["externalId"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap();
        let (_, out) = sim(&app, M::GET, &format!("/accounts/{phone}/sent"), None).await;
        assert_eq!(out[0]["text"], "Yes, today at 3?");
        assert_eq!(out[0]["peerId"], 701);
        poke(
            &app,
            &phone,
            json!({"type": "readOutbox", "peerId": 701, "maxId": external}),
        )
        .await;
        eventually("the read receipt", || async {
            let m = find("Yes, today at 3?").await?;
            (m["state"] == "read").then_some(m)
        })
        .await;
        // Typing is announced, never stored as a message.
        poke(&app, &phone, json!({"type": "typing", "peerId": 701})).await;
        let db = app.db().await;
        eventually("the typing event", || async {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM events WHERE type = 'conversation.typing'",
            )
            .fetch_one(&db)
            .await
            .ok()?;
            (n == 1).then_some(Value::Null)
        })
        .await;
        assert_eq!(messages_of(&app, &token, cid).await.len(), 5);
    })
    .await;
}
