//! The control API over HTTP, and the binary as the Playwright suite runs it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use base64::Engine;
use common::decode;
use fake_telegram::FakeTelegram;
use serde_json::{json, Value};

async fn control(http: &reqwest::Client, base: &str, path: &str, body: Value) -> Value {
    let response = http
        .post(format!("{base}/_control/{path}"))
        .json(&body)
        .send()
        .await
        .expect("answer");
    let (status, body) = decode(response).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["result"].clone()
}

#[tokio::test]
async fn the_control_endpoints_register_inject_limit_log_and_reset() {
    let fake = FakeTelegram::start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("start");
    let (base, http) = (fake.base_url(), reqwest::Client::new());
    let token = "777:control-secret";
    let bot = control(
        &http,
        &base,
        "bots",
        json!({"token": token, "username": "ctl_bot", "first_name": "Control"}),
    )
    .await;
    assert_eq!(bot["first_name"], "Control");

    let photo = base64::engine::general_purpose::STANDARD.encode(b"GIF89a\x02\x00\x03\x00rest");
    let inject = json!({"token": token, "from": {"id": 9, "first_name": "Bob"}, "text": "look", "photo": {"data": photo}});
    let update = control(&http, &base, "inject", inject).await;
    assert_eq!(update["message"]["caption"], "look");
    assert_eq!(update["message"]["photo"][0]["width"], 2);
    assert_eq!(update["message"]["chat"]["type"], "private");

    control(
        &http,
        &base,
        "rate-limit",
        json!({"token": token, "method": "getupdates", "count": 1, "retry_after": 3}),
    )
    .await;
    let status = http
        .get(format!("{base}/bot{token}/getUpdates"))
        .send()
        .await
        .expect("answer")
        .status();
    assert_eq!(status, 429);
    let send = json!({"chat_id": 9, "text": "hi Bob"});
    http.post(format!("{base}/bot{token}/sendMessage"))
        .json(&send)
        .send()
        .await
        .expect("answer");

    let (_, log) = decode(
        http.get(format!("{base}/_control/log?token={token}"))
            .send()
            .await
            .expect("log"),
    )
    .await;
    let methods: Vec<_> = log["result"]
        .as_array()
        .expect("log")
        .iter()
        .map(|e| (e["method"].clone(), e["status"].clone()))
        .collect();
    assert_eq!(
        methods,
        vec![
            (json!("getUpdates"), json!(429)),
            (json!("sendMessage"), json!(200))
        ]
    );
    let (_, sent) = decode(
        http.get(format!("{base}/_control/sent?token={token}"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(sent["result"][0]["text"], "hi Bob");
    assert_eq!(sent["result"][0]["kind"], "text");

    control(&http, &base, "reset", json!({})).await;
    let status = http
        .get(format!("{base}/bot{token}/getMe"))
        .send()
        .await
        .expect("answer")
        .status();
    assert_eq!(status, 401, "reset forgets the bot");
}

#[tokio::test]
async fn the_binary_preregisters_bots_and_prints_its_address() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-telegram"))
        .args(["--addr", "127.0.0.1:0"])
        .env("FAKE_TELEGRAM_BOTS", "42:abc=first_bot,43:def=second_bot")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let line = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("utf-8");
    let base = line
        .strip_prefix("listening on ")
        .expect("the address line")
        .to_owned();

    let (status, me) = decode(
        reqwest::get(format!("{base}/bot43:def/getMe"))
            .await
            .expect("answer"),
    )
    .await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let exit = child.wait().expect("the binary exits");
    assert_eq!(
        (status, me["result"]["username"].as_str()),
        (200, Some("second_bot"))
    );
    assert!(exit.success(), "SIGTERM stops it cleanly: {exit:?}");
}
