//! What the messaging tests share: bots registered at a fake Bot API server on loopback, a
//! server pointed at it on each backend, a connected chat, and polling for an outcome.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with, TestApp};
use fake_telegram::{FakeTelegram, FromUser, Inject, NewBot};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

static BOTS: AtomicU64 = AtomicU64::new(1);

/// A bot registered at the fake: (token, username).
pub(crate) fn new_bot(fake: &FakeTelegram) -> (String, String) {
    let n = BOTS.fetch_add(1, Ordering::Relaxed);
    let token = format!(
        "{}:secret-{n}-{}",
        7_000_000 + n,
        uuid::Uuid::new_v4().simple()
    );
    let username = format!("parley_test_{n}_bot");
    fake.add_bot(NewBot::new(&token, &username)).unwrap();
    (token, username)
}

pub(crate) async fn fake() -> Arc<FakeTelegram> {
    Arc::new(
        FakeTelegram::start("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap(),
    )
}

/// Runs `test` on each backend against a fresh server pointed at one fake Bot API server.
pub(crate) async fn with_fake_telegram<F, Fut>(test: F)
where
    F: Fn(TestApp, Arc<FakeTelegram>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let fake = fake().await;
    let base = fake.base_url();
    on_each_backend_with(
        move |s| s.telegram_api_base = base.clone(),
        |app| test(app, fake.clone()),
    )
    .await;
}

/// Polls `check` every 50 ms for up to 10 s.
pub(crate) async fn eventually<F, Fut>(what: &str, mut check: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<Value>>,
{
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Connects a bot and waits for the first injected message to create its conversation.
/// Returns (account id, conversation id).
pub(crate) async fn connected_chat(
    app: &TestApp,
    token: &str,
    fake: &FakeTelegram,
    bot: &str,
) -> (i64, i64) {
    let (s, account) = call(
        app,
        token,
        M::POST,
        "/api/messaging/accounts",
        Some(json!({"type": "telegram_bot", "token": bot})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{account}");
    fake.inject_message(Inject::text(
        bot,
        FromUser::new(555_001, "Lena"),
        "Hello, is the offer still on?",
    ))
    .unwrap();
    let chat = eventually("the inbound chat", || async {
        let (_, chats) = call(app, token, M::GET, "/api/messaging/chats", None).await;
        chats["items"].as_array().and_then(|a| a.first().cloned())
    })
    .await;
    (
        account["id"].as_i64().unwrap(),
        chat["id"].as_i64().unwrap(),
    )
}
