//! Writing first (`POST /api/messaging/conversations`) and "typing…" on the network, through
//! the channels' port: a person found by username or phone on a user account (the simulated
//! Telegram), the allowance, the rules the server checks, and the lookup running on the
//! instance that holds the account's connection.

use crate::crm_support::call;
use crate::messaging_support::{connected_chat, eventually, new_bot, with_fake_telegram};
use crate::team_support::join_as;
use crate::telegram_user_support::{
    account_in_state, connect, messages_of, set_app, sim, simulated, telegram_account,
    with_simulated,
};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};

static PEOPLE: AtomicI64 = AtomicI64::new(0);

/// A Telegram user outside Parley (unique in the process-wide simulated world): (user id,
/// username, phone).
async fn person(
    app: &crate::helpers::TestApp,
    name: &str,
    phone_findable: bool,
) -> (i64, String, String) {
    let n = PEOPLE.fetch_add(1, Ordering::Relaxed);
    let pid = i64::from(std::process::id() % 1000);
    let user_id = 5_000_000 + pid * 10_000 + n;
    let username = format!("{}_{pid}_{n}", name.to_lowercase());
    let phone = format!("+4477{pid:03}{n:05}");
    let (s, body) = sim(
        app,
        M::POST,
        "/people",
        Some(
            json!({"userId": user_id, "name": name, "username": username, "phone": phone,
            "phoneFindable": phone_findable}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    (user_id, username, phone)
}

/// An owner with a connected Telegram user account: (token, user id, account id, phone).
async fn owner_with_account(app: &crate::helpers::TestApp) -> (String, i64, i64, String) {
    let (token, body) = app.new_account("Reach").await;
    set_app(app, &token).await;
    let phone = telegram_account(app, None).await;
    let account = connect(app, &token, &phone, None).await;
    account_in_state(app, &token, account, "connected").await;
    (token, body["user"]["id"].as_i64().unwrap(), account, phone)
}

async fn start(app: &crate::helpers::TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        token,
        M::POST,
        "/api/messaging/conversations",
        Some(body),
    )
    .await
}

fn field_code(body: &Value, field: &str) -> Option<String> {
    body["details"]
        .as_array()?
        .iter()
        .find(|d| d["field"] == field)
        .and_then(|d| d["code"].as_str())
        .map(String::from)
}

#[tokio::test]
async fn a_person_found_by_username_or_phone_gets_a_conversation_and_the_message_goes_out() {
    with_simulated(|app| async move {
        let (token, me, account, phone) = owner_with_account(&app).await;
        let (maria_id, maria, _) = person(&app, "Maria", true).await;
        let (_, _, ivan_phone) = person(&app, "Ivan", true).await;
        let (_, _, hidden_phone) = person(&app, "Hidden", false).await;
        // A contact already carries Maria's Telegram id: the new chat is linked to it.
        let (s, contact) = call(
            &app,
            &token,
            M::POST,
            "/api/crm/contacts",
            Some(json!({"firstName": "Maria", "telegramUserId": maria_id})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{contact}");

        let (s, chat) = start(
            &app,
            &token,
            json!({"accountId": account, "username": format!("@{maria}")}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{chat}");
        assert_eq!(chat["title"], "Maria");
        assert_eq!(chat["username"], maria.as_str());
        assert_eq!(chat["kind"], "private");
        assert_eq!(chat["accountId"], account);
        assert_eq!(
            chat["assigneeId"], me,
            "the member who wrote first has the chat"
        );
        assert_eq!(chat["contactId"], contact["id"], "matched like any chat");
        // The same person again: the same conversation, not a second one.
        let (s, again) = start(
            &app,
            &token,
            json!({"accountId": account, "username": format!("https://t.me/{maria}")}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["id"], chat["id"]);

        // The first message goes out through the account, to the person found.
        let conversation = chat["id"].as_i64().unwrap();
        let (s, sent) = call(
            &app,
            &token,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": conversation, "text": "Hello Maria, Rita from Parley"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{sent}");
        eventually("the first message sent", || async {
            let messages = messages_of(&app, &token, conversation).await;
            (messages.first()?["state"] == "sent").then_some(Value::Null)
        })
        .await;
        let (_, out) = sim(&app, M::GET, &format!("/accounts/{phone}/sent"), None).await;
        let out = out.as_array().unwrap();
        assert!(
            out.iter()
                .any(|m| m["peerId"] == maria_id && m["text"] == "Hello Maria, Rita from Parley"),
            "{out:?}"
        );

        // By phone, in the forms people type it.
        let spaced = format!(
            "{} {} {}",
            &ivan_phone[..3],
            &ivan_phone[3..7],
            &ivan_phone[7..]
        );
        let (s, ivan) = start(&app, &token, json!({"accountId": account, "phone": spaced})).await;
        assert_eq!(s, StatusCode::OK, "{ivan}");
        assert_eq!(ivan["title"], "Ivan");

        // Nobody has it, or its owner hides it: a field error, no conversation.
        let (s, body) = start(
            &app,
            &token,
            json!({"accountId": account, "username": "nobody_has_this_name"}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            field_code(&body, "username").as_deref(),
            Some("nobody_found")
        );
        let (s, body) = start(
            &app,
            &token,
            json!({"accountId": account, "phone": hidden_phone}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(field_code(&body, "phone").as_deref(), Some("nobody_found"));

        // Every lookup counted, found or not; the account shows how it can write first.
        let (_, accounts) = call(&app, &token, M::GET, "/api/messaging/accounts", None).await;
        let reach = &accounts.as_array().unwrap()[0]["reach"];
        assert_eq!(reach["byUsername"], true);
        assert_eq!(reach["byPhone"], true);
        assert_eq!(reach["perDay"], 50);
        assert_eq!(reach["used"], 5, "{reach}");

        // The member sees "typing…" reach the person.
        let (s, typing) = call(
            &app,
            &token,
            M::POST,
            &format!("/api/messaging/conversations/{conversation}/typing"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{typing}");
        assert_eq!(typing["shown"], true);
        let (_, typed) = sim(&app, M::GET, &format!("/accounts/{phone}/typing"), None).await;
        assert_eq!(typed["peers"], json!([maria_id]));
    })
    .await;
}

#[tokio::test]
async fn the_server_checks_the_input_the_role_the_account_and_the_allowance() {
    with_simulated(|app| async move {
        let (token, _, account, phone) = owner_with_account(&app).await;
        let (_, maria, _) = person(&app, "Maria", true).await;

        for (body, field, code) in [
            (json!({"accountId": account}), "username", "required"),
            (json!({"accountId": account, "username": "x y"}), "username", "telegram_username"),
            (json!({"accountId": account, "phone": "8 912 345 67 89"}), "phone", "phone_international"),
            (json!({"accountId": account, "username": maria, "phone": "+79123456789"}), "phone", "invalid"),
        ] {
            let (s, answer) = start(&app, &token, body.clone()).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {answer}");
            assert_eq!(field_code(&answer, field).as_deref(), Some(code), "{body} → {answer}");
        }

        // Another workspace's account is not found; a viewer may not; a rep may not write
        // from an account somebody else owns.
        let (stranger, _) = app.new_account("Elsewhere").await;
        let (s, body) = start(&app, &stranger, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        let (viewer, _) = join_as(&app, &token, "viewer").await;
        let (s, body) = start(&app, &viewer, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        let (rep, _) = join_as(&app, &token, "rep").await;
        let (s, body) = start(&app, &rep, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        let (supervisor, _) = join_as(&app, &token, "supervisor").await;
        let (s, body) = start(&app, &supervisor, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::OK, "{body}");

        // The allowance: 50 lookups in the last 24 hours, then 429 until the oldest ages out.
        let db = app.db().await;
        let workspace: i64 = sqlx::query_scalar("SELECT workspace_id FROM channel_accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&db)
            .await
            .unwrap();
        let now = app::server::now_ms();
        let hour = 3_600_000_i64;
        for _ in 0..49 {
            sqlx::query(
                "INSERT INTO reaches (workspace_id, account_id, query, state, created_at, updated_at) \
                 VALUES ($1, $2, '{\"username\":\"someone\"}', 'not_found', $3, $3)",
            )
            .bind(workspace)
            .bind(account)
            .bind(now - 23 * hour)
            .execute(&db)
            .await
            .unwrap();
        }
        let res = app
            .client
            .post(app.url("/api/messaging/conversations"))
            .bearer_auth(&token)
            .json(&json!({"accountId": account, "username": maria}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((3000..=3600).contains(&wait), "about an hour until the oldest ages out: {wait}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "RATE_LIMITED");
        // A day later those lookups no longer count.
        sqlx::query("UPDATE reaches SET created_at = $1 WHERE account_id = $2 AND created_at < $3")
            .bind(now - 25 * hour)
            .bind(account)
            .bind(now - hour)
            .execute(&db)
            .await
            .unwrap();
        let (s, body) = start(&app, &token, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::OK, "{body}");

        // The network's own flood wait on lookups reaches the member as a refusal.
        let (s, _) = sim(&app, M::POST, &format!("/accounts/{phone}/resolve-flood"), Some(json!({"seconds": 300}))).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, body) = start(&app, &token, json!({"accountId": account, "username": maria})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        assert!(body["error"].as_str().unwrap().contains("300"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_bot_cannot_write_first_but_shows_typing() {
    with_fake_telegram(|app, fake| async move {
        let (token, _) = app.new_account("Bot reach").await;
        let (bot, _) = new_bot(&fake);
        let (account, conversation) = connected_chat(&app, &token, &fake, &bot).await;
        let (s, body) = start(
            &app,
            &token,
            json!({"accountId": account, "username": "someone_else"}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            field_code(&body, "username").as_deref(),
            Some("unsupported")
        );
        let (_, accounts) = call(&app, &token, M::GET, "/api/messaging/accounts", None).await;
        assert_eq!(accounts[0]["reach"], Value::Null);

        let (s, typing) = call(
            &app,
            &token,
            M::POST,
            &format!("/api/messaging/conversations/{conversation}/typing"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{typing}");
        assert_eq!(typing["shown"], true);
        let log = fake.call_log(&bot).unwrap();
        let action = log
            .iter()
            .find(|e| e.method == "sendChatAction")
            .expect("sendChatAction");
        assert_eq!(action.params["action"], "typing");
        assert_eq!(action.status, 200);
    })
    .await;
}

#[tokio::test]
async fn the_lookup_runs_on_the_instance_holding_the_account() {
    with_simulated(|app| async move {
        let (token, _, account, _) = owner_with_account(&app).await;
        let (_, maria, _) = person(&app, "Maria", true).await;
        // Instances sharing a database share the key that seals sessions.
        let key = std::fs::read_to_string(app.data_dir().join("secret.key")).unwrap();
        let second = app
            .spawn_second_with(&move |s| {
                simulated(s);
                s.secret_key = Some(key.trim().to_string().into());
            })
            .await;
        // The member's request lands on the instance without the connection.
        let (s, chat) = start(
            &second,
            &token,
            json!({"accountId": account, "username": maria}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{chat}");
        assert_eq!(chat["title"], "Maria");
        let db = app.db().await;
        let (locked_by, attempts, state): (Option<String>, i64, String) = sqlx::query_as(
            "SELECT locked_by, attempts, state FROM jobs WHERE kind = 'messaging.reach'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(state, "done");
        assert_eq!(
            attempts, 1,
            "no attempt burned by the instance without the connection"
        );
        assert_eq!(locked_by, None);
        let holder: String =
            sqlx::query_scalar("SELECT lease_owner FROM channel_accounts WHERE id = $1")
                .bind(account)
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(holder, app.state.instance_id);
    })
    .await;
}
