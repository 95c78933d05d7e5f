//! Telegram user accounts' health, through the simulated Telegram: sending under flood waits,
//! reading marked in Telegram, and a revoked session that needs logging in again.

use crate::crm_support::call;
use crate::messaging_support::eventually;
use crate::telegram_user_support::*;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
#[tokio::test]
async fn flood_waits_pause_sending_and_reading_marks_telegram_read() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("Flood").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &token, &phone, None).await;
        pick(&app, &token, account, &["701"]).await;
        let cid = conversation_of(&app, &token, "Lena Petrova").await.unwrap()["id"].as_i64().unwrap();
        sim(&app, M::POST, &format!("/accounts/{phone}/flood"), Some(json!({"seconds": 3}))).await;
        let history = messages_of(&app, &token, cid).await;
        let reply_to = history.iter().find(|m| m["direction"] == "in").unwrap()["id"].as_i64().unwrap();
        let (s, sent) = call(&app, &token, M::POST, "/api/messaging/send",
            Some(json!({"conversationId": cid, "text": "After the wait", "replyToMessageId": reply_to}))).await;
        assert_eq!(s, StatusCode::CREATED, "{sent}");
        let waiting = account_in_state(&app, &token, account, "flood_wait")
        .await;
        let until = waiting["floodWaitUntil"].as_i64().unwrap();
        assert!(until > app::server::now_ms() + 1000, "{waiting}");
        let (_, out) = sim(&app, M::GET, &format!("/accounts/{phone}/sent"), None).await;
        assert_eq!(out.as_array().unwrap().len(), 0, "nothing goes out during the wait");
        let message = eventually("the message after the wait", || async {
            let m = messages_of(&app, &token, cid).await.into_iter().find(|m| m["text"] == "After the wait")?;
            (m["state"] == "sent").then_some(m)
        })
        .await;
        assert!(app::server::now_ms() >= until);
        let (_, out) = sim(&app, M::GET, &format!("/accounts/{phone}/sent"), None).await;
        assert_eq!(out.as_array().unwrap().len(), 1);
        assert!(out[0]["replyTo"].as_i64().is_some(), "{out}");
        assert_eq!(message["externalId"], out[0]["id"].to_string().as_str());
        account_in_state(&app, &token, account, "connected")
        .await;

        // Reading the chat here marks it read in Telegram.
        let id = poke(&app, &phone, json!({"type": "message", "peerId": 701, "text": "Read me"})).await.unwrap();
        eventually("the unread message", || async {
            let c = conversation_of(&app, &token, "Lena Petrova").await?;
            (c["unreadCount"] == 1).then_some(c)
        })
        .await;
        let (s, _) = call(&app, &token, M::POST, &format!("/api/messaging/conversations/{cid}/read"), None).await;
        assert_eq!(s, StatusCode::OK);
        eventually("the read in Telegram", || async {
            let (_, reads) = sim(&app, M::GET, &format!("/accounts/{phone}/reads"), None).await;
            reads.as_array()?.iter().find(|r| r[0] == 701 && r[1] == id).cloned()
        })
        .await;

        // Files go out through the account too, with their caption.
        let pdf = b"%PDF-1.4 quote".to_vec();
        let (s, body) = crate::messaging_files::send_file(&app, &token, cid, "The quote", Some(("quote.pdf", "application/pdf", pdf))).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        eventually("the file at Telegram", || async {
            let (_, out) = sim(&app, M::GET, &format!("/accounts/{phone}/sent"), None).await;
            out.as_array()?.iter().find(|m| m["fileName"] == "quote.pdf" && m["text"] == "The quote").cloned()
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_revoked_session_needs_relogin_and_tells_the_owner() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("Revoked").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &token, &phone, None).await;
        pick(&app, &token, account, &["701"]).await;
        sim(&app, M::POST, &format!("/accounts/{phone}/revoke"), None).await;
        poke(
            &app,
            &phone,
            json!({"type": "message", "peerId": 701, "text": "anyone?"}),
        )
        .await;
        let a = account_in_state(&app, &token, account, "needs_relogin").await;
        assert!(!a["lastError"].as_str().unwrap().is_empty());
        let db = app.db().await;
        let told: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE type = 'account.needs_relogin'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(told, 1);
        // ... and by email (no SMTP configured in tests: the local outbox).
        eventually("the re-login email", || async {
            let dir = app.data_dir().join("outbox");
            let found = walk(&dir).into_iter().any(|f| {
                std::fs::read_to_string(&f)
                    .is_ok_and(|t| t.contains("Connect your Telegram account Rita Rep"))
            });
            found.then_some(Value::Null)
        })
        .await;
        // Sending from it is refused until it is connected again.
        let cid = conversation_of(&app, &token, "Lena Petrova").await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let (s, _) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": cid, "text": "hello?"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        // Logging in again brings it back, with its chats.
        let again = connect(&app, &token, &phone, None).await;
        assert_eq!(again, account);
        poke(
            &app,
            &phone,
            json!({"type": "message", "peerId": 701, "text": "back again"}),
        )
        .await;
        eventually("the message after re-login", || async {
            messages_of(&app, &token, cid)
                .await
                .into_iter()
                .find(|m| m["text"] == "back again")
        })
        .await;
    })
    .await;
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
