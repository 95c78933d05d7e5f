//! `setWebhook` delivery to a receiver on loopback, retries, and the switch back to polling.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use common::{TestBot, ALICE, TOKEN};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// What a receiver saw: the secret header and the update.
type Delivery = (Option<String>, Value);

#[derive(Clone)]
struct Receiver {
    seen: mpsc::UnboundedSender<Delivery>,
    failures_left: Arc<AtomicUsize>,
    answer: Value,
}

async fn receive(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    Json(update): Json<Value>,
) -> Response {
    let secret = headers
        .get("X-Telegram-Bot-Api-Secret-Token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = receiver.seen.send((secret, update));
    let failing = receiver
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Json(receiver.answer).into_response()
}

/// A webhook receiver that fails the first `failures` deliveries and answers `answer`.
async fn start_receiver(
    failures: usize,
    answer: Value,
) -> (String, mpsc::UnboundedReceiver<Delivery>) {
    let (seen, deliveries) = mpsc::unbounded_channel();
    let state = Receiver {
        seen,
        failures_left: Arc::new(AtomicUsize::new(failures)),
        answer,
    };
    let app = Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, deliveries)
}

async fn next(deliveries: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(5), deliveries.recv())
        .await
        .expect("a delivery within 5 s")
        .expect("the receiver is running")
}

async fn pending_count_reaches_zero(bot: &TestBot) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, info) = bot.call("getWebhookInfo", json!({})).await;
        if info["result"]["pending_update_count"] == 0 || Instant::now() > deadline {
            return info["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn updates_are_posted_with_the_secret_and_polling_conflicts_until_the_webhook_is_deleted() {
    let bot = TestBot::start().await;
    let (url, mut deliveries) = start_receiver(0, json!({})).await;
    let pending = bot.alice_says("sent before the webhook");

    let (status, body) = bot
        .call(
            "setWebhook",
            json!({"url": url, "secret_token": "s3cret-Token_1"}),
        )
        .await;
    assert_eq!(
        body,
        json!({"ok": true, "result": true, "description": "Webhook was set"}),
        "{status}"
    );
    assert_eq!(
        next(&mut deliveries).await,
        (Some("s3cret-Token_1".into()), pending)
    );
    let live = bot.alice_says("sent while the webhook is set");
    assert_eq!(next(&mut deliveries).await.1, live);
    let info = pending_count_reaches_zero(&bot).await;
    assert_eq!(
        (info["url"].as_str(), info["pending_update_count"].as_i64()),
        (Some(url.as_str()), Some(0))
    );

    let (status, body) = bot.call("getUpdates", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );

    let (_, body) = bot.call("deleteWebhook", json!({})).await;
    assert_eq!(body["description"], "Webhook was deleted");
    let polled = bot.alice_says("sent after deleteWebhook");
    let (status, body) = bot.call("getUpdates", json!({})).await;
    assert_eq!((status, body["result"].clone()), (200, json!([polled])));
    assert!(
        deliveries.try_recv().is_err(),
        "nothing more reaches the old webhook"
    );
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_until_it_accepts_and_then_no_duplicates() {
    let bot = TestBot::start().await;
    let (url, mut deliveries) = start_receiver(2, json!({})).await;
    bot.call("setWebhook", json!({"url": url})).await;
    let update = bot.alice_says("please retry me");

    for attempt in 1..=3 {
        let (secret, delivered) = next(&mut deliveries).await;
        assert_eq!(
            delivered, update,
            "attempt {attempt} carries the same update"
        );
        assert_eq!(secret, None, "no secret was set");
    }
    let info = pending_count_reaches_zero(&bot).await;
    assert_eq!(info["pending_update_count"], 0);
    assert!(
        info["last_error_message"]
            .as_str()
            .is_some_and(|m| m.contains("500")),
        "{info}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        deliveries.try_recv().is_err(),
        "an accepted update is not sent again"
    );
}

#[tokio::test]
async fn a_method_in_the_webhook_answer_is_executed() {
    let bot = TestBot::start().await;
    let answer = json!({"method": "sendMessage", "chat_id": ALICE, "text": "Thanks, we got it"});
    let (url, mut deliveries) = start_receiver(0, answer).await;
    bot.call("setWebhook", json!({"url": url})).await;
    bot.alice_says("hello");
    next(&mut deliveries).await;

    let deadline = Instant::now() + Duration::from_secs(5);
    while bot.fake.sent_log(TOKEN).expect("sent").is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = bot.fake.sent_log(TOKEN).expect("sent");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text.as_deref(), Some("Thanks, we got it"));
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_gets_a_bounded_burst_and_the_update_stays_pending() {
    let bot = TestBot::start().await;
    let (url, mut deliveries) = start_receiver(usize::MAX, json!({})).await;
    bot.call("setWebhook", json!({"url": url})).await;
    let update = bot.alice_says("nobody is listening");

    for _ in 0..fake_telegram::WEBHOOK_ATTEMPTS {
        assert_eq!(next(&mut deliveries).await.1, update);
    }
    // Attempts are WEBHOOK_BACKOFF apart, so one more would have arrived by now.
    tokio::time::sleep(fake_telegram::WEBHOOK_BACKOFF * 2 + Duration::from_millis(100)).await;
    assert!(deliveries.try_recv().is_err(), "the burst is bounded");
    let (_, info) = bot.call("getWebhookInfo", json!({})).await;
    assert_eq!(info["result"]["pending_update_count"], 1);
    assert!(info["result"]["last_error_date"].is_i64());
}
