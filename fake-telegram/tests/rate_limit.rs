//! Armed 429 answers and the call log's timing.

mod common;

use std::time::Duration;

use common::{TestBot, ALICE, TOKEN};
use serde_json::json;

#[tokio::test]
async fn an_armed_limit_answers_429_and_the_log_shows_how_long_the_client_waited() {
    let bot = TestBot::start().await;
    bot.alice_says("hi");
    bot.fake
        .fail_next_with_429(TOKEN, Some("sendMessage"), 1, 1)
        .expect("armed");
    let params = json!({"chat_id": ALICE, "text": "hello"});

    let (status, body) = bot.call("sendMessage", params.clone()).await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})
    );
    let (status, _) = bot.call("getMe", json!({})).await;
    assert_eq!(status, 200, "other methods are not limited");
    let retry_after = body["parameters"]["retry_after"]
        .as_u64()
        .unwrap_or_default();
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let (status, _) = bot.call("sendMessage", params).await;
    assert_eq!(status, 200);

    let log = bot.fake.call_log(TOKEN).expect("log");
    let sends: Vec<_> = log.iter().filter(|e| e.method == "sendMessage").collect();
    assert_eq!(
        sends.iter().map(|e| e.status).collect::<Vec<_>>(),
        vec![429, 200]
    );
    assert!(
        sends[1].at_ms - sends[0].at_ms >= 1000,
        "waited {} ms",
        sends[1].at_ms - sends[0].at_ms
    );
    assert_eq!(
        bot.fake.sent_log(TOKEN).expect("sent").len(),
        1,
        "delivered exactly once"
    );
}

#[tokio::test]
async fn a_limit_without_a_method_applies_to_any_method_for_count_calls() {
    let bot = TestBot::start().await;
    bot.fake
        .fail_next_with_429(TOKEN, None, 2, 7)
        .expect("armed");
    let mut statuses = Vec::new();
    for method in ["getMe", "getUpdates", "getMe"] {
        statuses.push(bot.call(method, json!({})).await.0);
    }
    assert_eq!(statuses, vec![429, 429, 200]);
}

#[tokio::test]
async fn a_revoked_token_answers_401_to_every_call() {
    let bot = TestBot::start().await;
    let (status, _) = bot.call("getMe", json!({})).await;
    assert_eq!(status, 200);
    bot.fake.revoke_token(TOKEN).expect("revoked");
    for method in ["getMe", "getUpdates", "sendMessage"] {
        let (status, body) = bot.call(method, json!({})).await;
        assert_eq!(status, 401, "{method}: {body}");
        assert_eq!(body["description"], "Unauthorized");
    }
    assert!(bot.fake.revoke_token("123:unknown").is_err());
}
