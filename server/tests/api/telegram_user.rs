//! Telegram user accounts, driven through the boundary's in-process implementation (the
//! simulated Telegram): the login state machine, the sealed session, and the single-owner
//! lease across two instances. What syncs afterwards is in `telegram_user_sync.rs`.

use crate::crm_support::{call, owner_and_member};
use crate::helpers::assert_error;
use crate::messaging_support::eventually;
use crate::telegram_user_support::*;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;
use std::time::Duration;

#[tokio::test]
async fn login_by_phone_walks_code_and_password_and_seals_the_session() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("Phones").await;
        let phone = telegram_account(&app, Some("hunter2")).await;
        let start = json!({"method": "phone", "phone": phone});
        // Without the workspace's Telegram application there is nothing to log in with.
        let (s, body) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(start.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        set_app(&app, &token).await;
        // A bad number and a number without a Telegram account are field errors.
        let (s, body) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(json!({"method": "phone", "phone": "12"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["field"], "phone");
        let (s, body) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(json!({"method": "phone", "phone": "+19990000000"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["code"], "no_account");
        // Telegram's flood wait on login requests is a 429 with Retry-After.
        sim(
            &app,
            M::POST,
            &format!("/accounts/{phone}/login-flood"),
            Some(json!({"seconds": 42})),
        )
        .await;
        let res = app
            .client
            .post(app.url("/api/messaging/telegram/logins"))
            .bearer_auth(&token)
            .json(&start)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("42")
        );
        assert_error(res, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED").await;

        let (s, login) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(start),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{login}");
        assert_eq!(login["step"], "code");
        let id = login["id"].as_str().unwrap().to_string();
        // Another member cannot continue someone else's login.
        let (other, _) = app.new_account("Elsewhere").await;
        let (s, _) = answer(&app, &other, &id, "00000").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // A wrong code keeps the login at its step.
        let code = code_for(&app, &phone).await;
        let wrong = if code == "11111" { "22222" } else { "11111" };
        let (s, body) = answer(&app, &token, &id, wrong).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["code"], "invalid_code");
        let (s, login) = answer(&app, &token, &id, &code).await;
        assert_eq!(s, StatusCode::OK, "{login}");
        assert_eq!(login["step"], "password");
        assert!(login["passwordHint"]
            .as_str()
            .is_some_and(|h| !h.is_empty()));
        let (s, body) = answer(&app, &token, &id, "wrong").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["code"], "invalid_password");
        let (s, done) = answer(&app, &token, &id, "hunter2").await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["step"], "done");
        let account = done["accountId"].as_i64().unwrap();
        // The login is over: its id is gone.
        let (s, _) = answer(&app, &token, &id, "hunter2").await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        let (_, accounts) = call(&app, &token, M::GET, "/api/messaging/accounts", None).await;
        let listed = accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == account)
            .unwrap()
            .clone();
        assert_eq!(listed["type"], "telegram_user");
        assert_eq!(listed["name"], "Rita Rep");

        // The session is sealed: the database holds neither the key nor its base64.
        let (_, keys) = sim(&app, M::GET, &format!("/accounts/{phone}/sessions"), None).await;
        let keys: Vec<String> = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        assert!(!keys.is_empty());
        let db = app.db().await;
        let row = sqlx::query("SELECT secret FROM channel_accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&db)
            .await
            .unwrap();
        let secret: String = row.get("secret");
        use base64::Engine as _;
        for key in &keys {
            let session = format!("{{\"key\":\"{key}\"}}");
            let b64 = base64::engine::general_purpose::STANDARD.encode(&session);
            assert!(
                !secret.contains(key.as_str()) && !secret.contains(&b64),
                "the session is stored in clear"
            );
        }
        assert!(secret.len() > 40);

        // One Telegram account belongs to one workspace.
        set_app(&app, &other).await;
        let (s, login) = call(
            &app,
            &other,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(json!({"method": "phone", "phone": phone})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{login}");
        let code = code_for(&app, &phone).await;
        let (s, _) = answer(&app, &other, login["id"].as_str().unwrap(), &code).await;
        assert_eq!(s, StatusCode::OK);
        let (s, body) = answer(&app, &other, login["id"].as_str().unwrap(), "hunter2").await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");

        // A viewer connects nothing.
        let (owner, _, viewer) = owner_and_member(&app, "viewer").await;
        set_app(&app, &owner).await;
        let (s, _) = call(
            &app,
            &viewer,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(json!({"method": "qr"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn qr_login_refreshes_the_code_before_it_expires_and_asks_for_the_password() {
    with_simulated(|app| async move {
        let (token, _) = app.new_account("QR").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, Some("s3cret")).await;
        // Short-lived codes, so that expiry and refresh happen within the test.
        sim(&app, M::POST, "/qr/ttl", Some(json!({"ms": 1500}))).await;
        let (s, login) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/telegram/logins",
            Some(json!({"method": "qr"})),
        )
        .await;
        sim(&app, M::POST, "/qr/ttl", Some(json!({"ms": 30000}))).await;
        assert_eq!(s, StatusCode::CREATED, "{login}");
        assert_eq!(login["step"], "qr");
        let first = login["qrUrl"].as_str().unwrap().to_string();
        assert!(first.starts_with("tg://login?token="));
        assert!(login["qrSvg"].as_str().unwrap().contains("<svg"));
        let id = login["id"].as_str().unwrap().to_string();
        tokio::time::sleep(Duration::from_millis(1600)).await;
        // The expired code cannot be scanned; polling shows a fresh one.
        let (s, _) = sim(
            &app,
            M::POST,
            "/qr/scan",
            Some(json!({"token": first, "phone": phone})),
        )
        .await;
        assert_eq!(s, StatusCode::GONE);
        let (s, polled) = call(
            &app,
            &token,
            M::GET,
            &format!("/api/messaging/telegram/logins/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{polled}");
        assert_eq!(polled["step"], "qr");
        let second = polled["qrUrl"].as_str().unwrap().to_string();
        assert_ne!(first, second);
        assert!(polled["qrExpiresAt"].as_i64().unwrap() > app::server::now_ms() + 20_000);
        // Unscanned, the same code stays (no new code on every poll).
        let (_, again) = call(
            &app,
            &token,
            M::GET,
            &format!("/api/messaging/telegram/logins/{id}"),
            None,
        )
        .await;
        assert_eq!(again["qrUrl"], second.as_str());
        let (s, _) = sim(
            &app,
            M::POST,
            "/qr/scan",
            Some(json!({"token": second, "phone": phone})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, scanned) = call(
            &app,
            &token,
            M::GET,
            &format!("/api/messaging/telegram/logins/{id}"),
            None,
        )
        .await;
        assert_eq!(scanned["step"], "password", "{scanned}");
        assert!(scanned["qrUrl"].is_null());
        let (s, done) = answer(&app, &token, &id, "s3cret").await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["step"], "done");
        assert!(done["accountId"].as_i64().is_some());
    })
    .await;
}

#[tokio::test]
async fn one_instance_at_a_time_drives_an_account() {
    with_simulated(|mut app| async move {
        let (token, _) = app.new_account("Lease").await;
        set_app(&app, &token).await;
        let phone = telegram_account(&app, None).await;
        let account = connect(&app, &token, &phone, None).await;
        pick(&app, &token, account, &["701"]).await;
        // Instances sharing a database share the key that seals sessions.
        let key = std::fs::read_to_string(app.data_dir().join("secret.key")).unwrap();
        let second = app
            .spawn_second_with(&move |s| {
                simulated(s);
                s.secret_key = Some(key.trim().to_string().into());
            })
            .await;
        // For several of the second instance's rounds, one connection listens.
        for _ in 0..8 {
            assert_eq!(listeners(&app, &phone).await, 1);
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let db = second.db().await;
        let owner: String =
            sqlx::query_scalar("SELECT lease_owner FROM channel_accounts WHERE id = $1")
                .bind(account)
                .fetch_one(&db)
                .await
                .unwrap();
        // The first instance stops: the second takes the account over and receives.
        app.stop_server();
        eventually("the other instance's lease", || async {
            let now: Option<String> =
                sqlx::query_scalar("SELECT lease_owner FROM channel_accounts WHERE id = $1")
                    .bind(account)
                    .fetch_one(&db)
                    .await
                    .ok()?;
            now.filter(|o| *o != owner).map(Value::String)
        })
        .await;
        eventually("one listener again", || async {
            (listeners(&second, &phone).await == 1).then_some(Value::Null)
        })
        .await;
        poke(
            &second,
            &phone,
            json!({"type": "message", "peerId": 701, "text": "handed over"}),
        )
        .await;
        let (second_token, _) = (token.clone(), ());
        eventually("the message on the second instance", || async {
            let c = conversation_of(&second, &second_token, "Lena Petrova").await?;
            (c["lastMessageText"] == "handed over").then_some(c)
        })
        .await;
    })
    .await;
}

/// How many connections listen to the account's updates at Telegram.
async fn listeners(app: &crate::helpers::TestApp, phone: &str) -> i64 {
    let path = format!("/accounts/{phone}/listeners");
    sim(app, M::GET, &path, None).await.1["listeners"]
        .as_i64()
        .unwrap()
}
