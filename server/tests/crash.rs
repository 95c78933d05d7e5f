//! Crash safety, with the real `parley` binary on SQLite and PostgreSQL:
//! - sign-ups in flight, `kill -9` the server, restart it: every sign-up that was answered
//!   201 can sign in;
//! - a message queued (`pending`) but not yet sent when the server is killed is sent exactly
//!   once after the restart (the fake Telegram server's log counts the deliveries).

#![expect(
    clippy::unwrap_used,
    reason = "a test reports by panicking; the lint policy's `allow-unwrap-in-tests` covers #[test] functions, not their helpers"
)]

#[expect(
    dead_code,
    reason = "the crash tests use part of the API tests' harness"
)]
#[path = "api/helpers.rs"]
mod helpers;

use helpers::{
    backends, create_pg_database, pg_database_url, unique_email, PgDatabase, TestBackend,
};
use reqwest::StatusCode;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(port: u16, data_dir: &std::path::Path, database_url: Option<&str>) -> Child {
    start_with(port, data_dir, database_url, &[])
}

fn start_with(
    port: u16,
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    envs: &[(&str, String)],
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parley"));
    for (key, value) in envs {
        cmd.env(key, value);
    }
    cmd.env("PARLEY_ADDR", format!("127.0.0.1:{port}"))
        .env("PARLEY_DATA_DIR", data_dir)
        .env("PARLEY_SIGNIN_PER_MINUTE_PER_IP", "1000000")
        .env("PARLEY_RATE_LIMIT_BURST", "1000000")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.spawn().expect("start the parley binary")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await {
            if res.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

/// Signs up accounts back to back until the server goes away; returns those answered 201.
async fn sign_up_until_gone(base: String, answered: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::new();
    loop {
        let email = unique_email("crash");
        let res = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({"email": email, "password": "survives a crash", "organizationName": "Durable"}))
            .send()
            .await;
        match res {
            Ok(r) if r.status() == StatusCode::CREATED => answered.lock().unwrap().push(email),
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sign_up_answered_201_survives_a_kill_9() {
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        let data_dir = tempfile::tempdir().unwrap();
        let (database_url, _dropped_at_end) = match &backend {
            TestBackend::Sqlite => (None, None),
            TestBackend::Postgres { admin_url } => {
                let name = create_pg_database(admin_url).await;
                let url = pg_database_url(admin_url, &name);
                (
                    Some(url),
                    Some(PgDatabase {
                        admin_url: admin_url.clone(),
                        name,
                    }),
                )
            }
        };
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let mut server = start(port, data_dir.path(), database_url.as_deref());
        wait_ready(&client, &base).await;

        let answered = Arc::new(Mutex::new(Vec::new()));
        let writers: Vec<_> = (0..8)
            .map(|_| tokio::spawn(sign_up_until_gone(base.clone(), answered.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        server.kill().expect("SIGKILL"); // kill -9, mid-flight
        server.wait().unwrap();
        for w in writers {
            w.await.unwrap();
        }
        let answered = answered.lock().unwrap().clone();
        assert!(
            answered.len() >= 5,
            "too few sign-ups were answered to prove anything: {}",
            answered.len()
        );

        let mut server = start(port, data_dir.path(), database_url.as_deref());
        wait_ready(&client, &base).await;
        for email in &answered {
            let res = client
                .post(format!("{base}/api/auth/signin"))
                .json(&json!({"email": email, "password": "survives a crash"}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "{email} was answered 201 but cannot sign in"
            );
        }
        eprintln!("{} answered sign-ups all survived", answered.len());
        server.kill().unwrap();
        server.wait().unwrap();
    }
}

async fn bearer(
    client: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut req = client.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_message_is_sent_exactly_once_across_a_kill_9() {
    use fake_telegram::{FakeTelegram, FromUser, Inject, NewBot};
    use reqwest::Method;
    let fake = FakeTelegram::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    for (n, backend) in backends().into_iter().enumerate() {
        eprintln!("-- on {backend:?}");
        let data_dir = tempfile::tempdir().unwrap();
        let (database_url, _dropped_at_end) = match &backend {
            TestBackend::Sqlite => (None, None),
            TestBackend::Postgres { admin_url } => {
                let name = create_pg_database(admin_url).await;
                let url = pg_database_url(admin_url, &name);
                (
                    Some(url),
                    Some(PgDatabase {
                        admin_url: admin_url.clone(),
                        name,
                    }),
                )
            }
        };
        let bot = format!(
            "{}:crash-secret-{}",
            8_100_000 + n,
            uuid::Uuid::new_v4().simple()
        );
        fake.add_bot(NewBot::new(&bot, "crash_test_bot")).unwrap();
        let envs = [("PARLEY_TELEGRAM_API_BASE", fake.base_url())];
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let mut server = start_with(port, data_dir.path(), database_url.as_deref(), &envs);
        wait_ready(&client, &base).await;
        let email = unique_email("sender");
        let res = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({"email": email, "password": "survives a crash", "organizationName": "Durable"}))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = res.json().await.unwrap();
        let token = body["accessToken"].as_str().unwrap().to_string();
        let (s, account) = bearer(
            &client,
            &token,
            Method::POST,
            format!("{base}/api/messaging/accounts"),
            Some(json!({"type": "telegram_bot", "token": bot})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{account}");
        fake.inject_message(Inject::text(&bot, FromUser::new(777_001, "Olga"), "Ping"))
            .unwrap();
        let mut chat = None;
        for _ in 0..200 {
            let (_, chats) = bearer(
                &client,
                &token,
                Method::GET,
                format!("{base}/api/messaging/chats"),
                None,
            )
            .await;
            chat = chats["items"][0]["id"].as_i64();
            if chat.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let chat = chat.expect("the inbound chat");
        // Telegram refuses the first attempt with a 3 s wait: the message is stored, pending,
        // and no call is under way when the server dies.
        fake.fail_next_with_429(&bot, Some("sendMessage"), 1, 3)
            .unwrap();
        let text = format!("Exactly once {n}");
        let (s, queued) = bearer(
            &client,
            &token,
            Method::POST,
            format!("{base}/api/messaging/send"),
            Some(json!({"conversationId": chat, "text": text})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{queued}");
        // Wait until the worker has recorded the refusal (the job is due again in 3 s).
        let mut page = serde_json::Value::Null;
        for _ in 0..200 {
            page = bearer(
                &client,
                &token,
                Method::GET,
                format!("{base}/api/messaging/conversations/{chat}/messages"),
                None,
            )
            .await
            .1;
            if page["items"][0]["error"]
                .as_str()
                .is_some_and(|e| e.contains("wait"))
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(page["items"][0]["state"], "pending", "{page}");
        assert!(
            page["items"][0]["error"].as_str().unwrap().contains("wait"),
            "{page}"
        );
        server.kill().expect("SIGKILL");
        server.wait().unwrap();

        let mut server = start_with(port, data_dir.path(), database_url.as_deref(), &envs);
        wait_ready(&client, &base).await;
        let mut state = String::new();
        for _ in 0..300 {
            let (_, page) = bearer(
                &client,
                &token,
                Method::GET,
                format!("{base}/api/messaging/conversations/{chat}/messages"),
                None,
            )
            .await;
            state = page["items"][0]["state"].as_str().unwrap_or("").to_string();
            if state == "sent" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(state, "sent");
        // Give a duplicate every chance to appear before counting.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let delivered = fake
            .sent_log(&bot)
            .unwrap()
            .into_iter()
            .filter(|m| m.text.as_deref() == Some(text.as_str()))
            .count();
        assert_eq!(delivered, 1, "delivered exactly once");
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
