//! `getUpdates`: long polling, timeouts and offset confirmation.

mod common;

use std::time::{Duration, Instant};

use common::TestBot;
use serde_json::json;

#[tokio::test]
async fn a_long_poll_returns_as_soon_as_a_message_arrives() {
    let bot = TestBot::start().await;
    let started = Instant::now();
    let poll = bot.call("getUpdates", json!({"timeout": 10}));
    let inject = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        bot.alice_says("Is the offer still valid?")
    };
    let ((status, body), injected) = tokio::join!(poll, inject);

    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let updates = body["result"].as_array().expect("an array of updates");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0], injected);
    assert_eq!(updates[0]["message"]["text"], "Is the offer still valid?");
    assert_eq!(updates[0]["message"]["from"]["is_bot"], false);
}

#[tokio::test]
async fn a_long_poll_with_nothing_to_deliver_returns_an_empty_list_after_the_timeout() {
    let bot = TestBot::start().await;
    let started = Instant::now();
    let (status, body) = bot.call("getUpdates", json!({"timeout": 1})).await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(body, json!({"ok": true, "result": []}));
    assert!(
        waited >= Duration::from_millis(950),
        "returned after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "returned after {waited:?}");
}

#[tokio::test]
async fn an_offset_confirms_earlier_updates_and_they_are_not_delivered_again() {
    let bot = TestBot::start().await;
    let first = bot.alice_says("one")["update_id"]
        .as_i64()
        .expect("update_id");
    let second = bot.alice_says("two")["update_id"]
        .as_i64()
        .expect("update_id");
    assert_eq!(second, first + 1);

    let (_, body) = bot.call("getUpdates", json!({})).await;
    assert_eq!(
        body["result"].as_array().map(Vec::len),
        Some(2),
        "unconfirmed updates repeat"
    );
    let (_, body) = bot.call("getUpdates", json!({"offset": first + 1})).await;
    let ids: Vec<_> = body["result"]
        .as_array()
        .expect("array")
        .iter()
        .map(|u| u["update_id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(second)]);
    let (_, body) = bot.call("getUpdates", json!({})).await;
    assert_eq!(
        body["result"].as_array().map(Vec::len),
        Some(1),
        "the first update is forgotten"
    );
    let (_, body) = bot.call("getUpdates", json!({"offset": second + 1})).await;
    assert_eq!(body["result"], json!([]));
}

#[tokio::test]
async fn limit_caps_how_many_updates_one_call_returns() {
    let bot = TestBot::start().await;
    for text in ["a", "b", "c"] {
        bot.alice_says(text);
    }
    let (_, body) = bot.call("getUpdates", json!({"limit": 2})).await;
    let texts: Vec<_> = body["result"]
        .as_array()
        .expect("array")
        .iter()
        .map(|u| u["message"]["text"].clone())
        .collect();
    assert_eq!(texts, vec![json!("a"), json!("b")]);
}

#[tokio::test]
async fn a_newer_get_updates_ends_a_waiting_one_with_a_conflict() {
    let bot = TestBot::start().await;
    let older = bot.call("getUpdates", json!({"timeout": 10}));
    let newer = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        bot.call("getUpdates", json!({})).await
    };
    let ((status, body), (newer_status, _)) = tokio::join!(older, newer);
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );
    assert_eq!(newer_status, 200);
}

#[tokio::test]
async fn an_edit_arrives_as_an_edited_message_update() {
    let bot = TestBot::start().await;
    let original = bot.alice_says("See you at 5");
    let message_id = original["message"]["message_id"]
        .as_i64()
        .expect("message_id");
    let mut edit = fake_telegram::Inject::text(
        common::TOKEN,
        fake_telegram::FromUser::new(common::ALICE, "Alice"),
        "See you at 6",
    );
    edit.edit_of = Some(message_id);
    let update = bot.fake.inject_message(edit).expect("edit injected");
    assert_eq!(update["edited_message"]["message_id"], message_id);
    assert_eq!(update["edited_message"]["text"], "See you at 6");
    assert!(update["edited_message"]["edit_date"].is_i64());
}
