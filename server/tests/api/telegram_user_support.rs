//! What the Telegram user-account tests share: a server on the simulated Telegram (the
//! boundary's in-process implementation, driven through its control routes), an account with
//! chats and history on the Telegram side, and connecting it the way a rep does.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with, TestApp};
use crate::messaging_support::eventually;
use app::server::config::TelegramUserBackend;
use app::server::Settings;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

static PHONES: AtomicU64 = AtomicU64::new(0);

pub fn simulated(s: &mut Settings) {
    s.telegram_user_backend = TelegramUserBackend::Simulated;
    s.telegram_history_pause_ms = 10;
}

pub async fn with_simulated<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_backend_with(simulated, test).await
}

/// A call to the simulated Telegram's control routes (Telegram's side: no Parley session).
pub async fn sim(app: &TestApp, method: M, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/simulated-telegram{path}")));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("simulated Telegram");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A Telegram account: Lena (private, 3 messages) and Oleg (private, 2) in the folder
/// "Clients", and a team group (2). Returns its phone (unique per call: the simulated
/// Telegram is one world for the whole process, like the real one).
pub async fn telegram_account(app: &TestApp, password: Option<&str>) -> String {
    let n = PHONES.fetch_add(1, Ordering::Relaxed);
    let phone = format!("+1555{:03}{:04}", std::process::id() % 1000, n);
    let user_id = 9_000_000 + (std::process::id() as i64 % 1000) * 10_000 + n as i64;
    let (s, body) = sim(
        app,
        M::POST,
        "/accounts",
        Some(json!({
            "phone": phone, "userId": user_id, "name": "Rita Rep", "username": "rita_rep",
            "password": password,
            "folders": [{"id": 3, "title": "Clients"}],
            "chats": [
                {"peerId": 701, "title": "Lena Petrova", "username": "lena_p", "folderIds": [3], "messages": [
                    {"text": "Hi Rita"}, {"text": "Hello Lena", "outgoing": true}, {"text": "Is the offer still on?"}]},
                {"peerId": 702, "title": "Oleg", "folderIds": [3], "messages": [{"text": "Ping"}, {"text": "Pong", "outgoing": true}]},
                {"peerId": -100123, "title": "Sales team", "kind": "group", "messages": [{"text": "Standup at 10"}, {"text": "ok"}]}
            ]
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    phone
}

/// Sets the workspace's Telegram application (an owner's first step).
pub async fn set_app(app: &TestApp, token: &str) {
    let (s, body) = call(
        app,
        token,
        M::PUT,
        "/api/messaging/telegram/app",
        Some(json!({"apiId": 123456, "apiHash": "0123456789abcdef0123456789abcdef"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// The code the simulated Telegram "sent to the app" of `phone`.
pub async fn code_for(app: &TestApp, phone: &str) -> String {
    let (s, body) = sim(app, M::GET, &format!("/accounts/{phone}/code"), None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["code"].as_str().unwrap().to_string()
}

/// Connects the account by phone and code (and password); returns the account id.
pub async fn connect(app: &TestApp, token: &str, phone: &str, password: Option<&str>) -> i64 {
    let (s, login) = call(
        app,
        token,
        M::POST,
        "/api/messaging/telegram/logins",
        Some(json!({"method": "phone", "phone": phone})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{login}");
    let id = login["id"].as_str().unwrap().to_string();
    let code = code_for(app, phone).await;
    let (s, mut login) = answer(app, token, &id, &code).await;
    assert_eq!(s, StatusCode::OK, "{login}");
    if let Some(p) = password {
        assert_eq!(login["step"], "password");
        let (s, done) = answer(app, token, &id, p).await;
        assert_eq!(s, StatusCode::OK, "{done}");
        login = done;
    }
    assert_eq!(login["step"], "done", "{login}");
    login["accountId"].as_i64().unwrap()
}

pub async fn answer(app: &TestApp, token: &str, login: &str, value: &str) -> (StatusCode, Value) {
    call(
        app,
        token,
        M::POST,
        &format!("/api/messaging/telegram/logins/{login}/answer"),
        Some(json!({ "value": value })),
    )
    .await
}

/// Waits for the worker to list the account's chats, then picks `peers` and waits for their
/// history. Returns the chat listing.
pub async fn pick(app: &TestApp, token: &str, account: i64, peers: &[&str]) -> Value {
    let path = format!("/api/messaging/accounts/{account}/chats");
    eventually("the chat list from Telegram", || async {
        let (_, chats) = call(app, token, M::GET, &path, None).await;
        (chats["chats"].as_array().map_or(0, Vec::len) == 3).then_some(chats)
    })
    .await;
    let (s, body) = call(app, token, M::PUT, &path, Some(json!({ "peerIds": peers }))).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    eventually("the picked chats' history", || async {
        let (_, chats) = call(app, token, M::GET, &path, None).await;
        let done = chats["chats"]
            .as_array()?
            .iter()
            .filter(|c| c["picked"] == true && c["historyState"] == "done")
            .count();
        (done == peers.len()).then_some(chats)
    })
    .await
}

/// The conversation of a peer, from the chat list.
pub async fn conversation_of(app: &TestApp, token: &str, title: &str) -> Option<Value> {
    let (_, chats) = call(app, token, M::GET, "/api/messaging/chats?limit=100", None).await;
    chats["items"]
        .as_array()?
        .iter()
        .find(|c| c["title"] == title)
        .cloned()
}

pub async fn messages_of(app: &TestApp, token: &str, conversation: i64) -> Vec<Value> {
    let (s, page) = call(
        app,
        token,
        M::GET,
        &format!("/api/messaging/conversations/{conversation}/messages?limit=100"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

/// Plays an update from Telegram's side; answers the new message's id for messages.
pub async fn poke(app: &TestApp, phone: &str, update: Value) -> Option<i64> {
    let (s, body) = sim(
        app,
        M::POST,
        &format!("/accounts/{phone}/updates"),
        Some(update),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["id"].as_i64()
}

/// Waits until the account shows `status` in the accounts list; answers it.
pub async fn account_in_state(app: &TestApp, token: &str, account: i64, status: &str) -> Value {
    eventually(&format!("the account {status}"), || async {
        let (_, accounts) = call(app, token, M::GET, "/api/messaging/accounts", None).await;
        let a = accounts
            .as_array()?
            .iter()
            .find(|a| a["id"] == account)?
            .clone();
        (a["status"] == status).then_some(a)
    })
    .await
}
