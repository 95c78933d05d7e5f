//! `parley-seed`, run as a process against the test server's database.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, unique_email, TestApp};
use reqwest::Method as M;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "seeded password";

/// Runs the seed binary on the app's database; returns what it printed.
async fn seed(app: &TestApp, email: &str, sizes: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_parley-seed"))
        .args(sizes)
        .args([
            "--email",
            email,
            "--password",
            PASSWORD,
            "--workspace",
            "Seeded",
        ])
        .env("DATABASE_URL", &app.db_url)
        .env("PARLEY_DATA_DIR", dir.path())
        .env_remove("PARLEY_CONFIG")
        .env_remove("PARLEY_DATABASE_URL")
        .current_dir(dir.path())
        .output()
        .await
        .expect("run parley-seed");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn search_text(app: &TestApp, table: &str, id: &Value) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT search_text FROM {table} WHERE id = $1"
    )))
    .bind(id.as_i64().unwrap())
    .fetch_one(&app.db().await)
    .await
    .unwrap()
}

/// Saving a seeded record through the API unchanged rewrites its `search_text` as the
/// service builds it; the seed must have built the same.
async fn assert_search_text_as_the_service_builds_it(
    app: &TestApp,
    t: &str,
    kind: &str,
    table: &str,
    item: &Value,
    input: Value,
) {
    let before = search_text(app, table, &item["id"]).await;
    let (s, body) = call(
        app,
        t,
        M::PUT,
        &format!("/api/crm/{kind}/{}", item["id"]),
        Some(input),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        search_text(app, table, &item["id"]).await,
        before,
        "{kind} {}",
        item["id"]
    );
}

#[tokio::test]
async fn a_small_seed_is_searchable_and_seeding_again_reuses_the_account() {
    on_each_backend(|app| async move {
        let email = unique_email("seed");
        let printed = seed(&app, &email, &["--contacts", "200", "--companies", "40", "--deals", "120", "--conversations", "30", "--messages", "300"]).await;
        assert!(printed.contains("new account") && printed.contains("contacts"), "{printed}");
        let res = app.sign_in(&email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK);
        let t = res.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_string();
        for (kind, total) in [("contacts", 200), ("companies", 40), ("deals", 120)] {
            let (_, page) = call(&app, &t, M::GET, &format!("/api/crm/{kind}?limit=1"), None).await;
            assert_eq!(page["pagination"]["total"], total, "{kind}");
        }

        // Search finds seeded rows by email, company name and deal title.
        let (_, contacts) = call(&app, &t, M::GET, "/api/crm/contacts?limit=200&sort=email", None).await;
        let with_company = contacts["items"].as_array().unwrap().iter()
            .find(|c| c["email"].is_string() && c["companyName"].is_string())
            .expect("a seeded contact with an email and a company")
            .clone();
        let email_local = with_company["email"].as_str().unwrap().split('@').next().unwrap().to_uppercase();
        let (_, found) = call(&app, &t, M::GET, &format!("/api/crm/contacts?search={email_local}"), None).await;
        assert!(found["items"].as_array().unwrap().iter().any(|c| c["id"] == with_company["id"]), "{email_local}: {found}");
        let company = with_company["companyName"].as_str().unwrap();
        let (_, by_company) = call(&app, &t, M::GET, &format!("/api/crm/contacts?search={company}&limit=200"), None).await;
        assert!(by_company["items"].as_array().unwrap().iter().any(|c| c["id"] == with_company["id"]), "{company}");
        let (_, deals) = call(&app, &t, M::GET, "/api/crm/deals?limit=1", None).await;
        let deal = deals["items"][0].clone();
        let (_, by_title) = call(&app, &t, M::GET, &format!("/api/crm/deals?search={}", deal["title"].as_str().unwrap()), None).await;
        assert!(by_title["items"].as_array().unwrap().iter().any(|d| d["id"] == deal["id"]), "{deal}");
        let (_, history) = call(&app, &t, M::GET, &format!("/api/crm/deals/{}/activities", deal["id"]), None).await;
        assert_eq!(history[0]["kind"], "created");

        // The inbox: a demo bot account that says it is not connected, its chats and messages.
        let (_, accounts) = call(&app, &t, M::GET, "/api/messaging/accounts", None).await;
        assert_eq!(accounts.as_array().unwrap().len(), 1, "{accounts}");
        assert_eq!(accounts[0]["status"], "needs_relogin");
        let (_, chats) = call(&app, &t, M::GET, "/api/messaging/chats?limit=50", None).await;
        assert_eq!(chats["pagination"]["total"], 30);
        let items = chats["items"].as_array().unwrap();
        assert!(items[..3].iter().all(|c| c["pinned"] == true) && items[3..].iter().all(|c| c["pinned"] == false));
        let db = app.db().await;
        let counted: (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), (SELECT COUNT(*) FROM messages WHERE state = 'delivered'), \
             (SELECT CAST(COALESCE(SUM(unread_count), 0) AS BIGINT) FROM conversations) FROM messages",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(counted.0, 300, "messages");
        assert_eq!(counted.1, counted.2, "unread counts match the unread messages");
        assert!(counted.1 > 0, "some chats have unread messages");
        let chat = items[5]["id"].as_i64().unwrap();
        let (_, page) = call(&app, &t, M::GET, &format!("/api/messaging/conversations/{chat}/messages?limit=200"), None).await;
        let newest = &page["items"][0];
        assert_eq!(newest["text"], items[5]["lastMessageText"]);
        let (_, hits) = call(&app, &t, M::GET, "/api/messaging/search?q=invoice", None).await;
        assert!(!hits.as_array().unwrap().is_empty(), "seeded messages are searchable");
        let (s, body) = call(&app, &t, M::POST, "/api/messaging/send", Some(json!({"conversationId": chat, "text": "Hi"}))).await;
        assert_eq!(s, StatusCode::CONFLICT, "the demo account cannot send: {body}");

        let c = &with_company;
        assert_search_text_as_the_service_builds_it(&app, &t, "contacts", "contacts", c, json!({
            "firstName": c["firstName"], "lastName": c["lastName"], "displayName": c["displayName"], "email": c["email"],
            "phone": c["phone"], "telegramUserId": c["telegramUserId"], "telegramUsername": c["telegramUsername"],
            "companyId": c["companyId"], "ownerId": c["ownerId"],
        })).await;
        let (_, co) = call(&app, &t, M::GET, &format!("/api/crm/companies/{}", c["companyId"]), None).await;
        assert_search_text_as_the_service_builds_it(&app, &t, "companies", "companies", &co, json!({
            "name": co["name"], "industry": co["industry"], "size": co["size"], "website": co["website"],
            "description": co["description"], "ownerId": co["ownerId"],
        })).await;
        let d = &deal;
        assert_search_text_as_the_service_builds_it(&app, &t, "deals", "deals", d, json!({
            "title": d["title"], "valueMinor": d["valueMinor"], "currency": d["currency"], "pipelineId": d["pipelineId"],
            "stageId": d["stageId"], "ownerId": d["ownerId"], "contactId": d["contactId"], "companyId": d["companyId"],
            "expectedCloseDate": d["expectedCloseDate"], "probability": d["probability"], "lostReason": d["lostReason"],
        })).await;

        // Again with the same account: its workspace grows by the same, deterministic records.
        let printed = seed(&app, &email, &["--contacts", "200", "--companies", "40", "--deals", "120", "--conversations", "30", "--messages", "300"]).await;
        assert!(printed.contains("existing account"), "{printed}");
        let (_, page) = call(&app, &t, M::GET, "/api/crm/contacts?limit=1", None).await;
        assert_eq!(page["pagination"]["total"], 400);
        let names: Vec<String> = sqlx::query_scalar("SELECT display_name FROM contacts ORDER BY id")
            .fetch_all(&app.db().await)
            .await
            .unwrap();
        assert_eq!(names[..200], names[200..], "the same seed draws the same people");
        let (_, chats) = call(&app, &t, M::GET, "/api/messaging/chats?limit=1", None).await;
        assert_eq!(chats["pagination"]["total"], 60, "a second inbox seed adds chats of their own");
    })
    .await;
}
