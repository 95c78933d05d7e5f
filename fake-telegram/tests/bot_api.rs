//! The envelope, authentication, request encodings and `sendMessage`.

mod common;

use common::{decode, TestBot, ALICE, TOKEN};
use serde_json::json;

#[tokio::test]
async fn get_me_describes_the_registered_bot() {
    let bot = TestBot::start().await;
    let (status, body) = bot.call("getMe", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["ok"], true);
    let me = &body["result"];
    assert_eq!(me["id"], 123456789);
    assert_eq!(me["is_bot"], true);
    assert_eq!(me["username"], "parley_test_bot");
    assert_eq!(me["first_name"], "parley_test_bot");
    for field in [
        "can_join_groups",
        "can_read_all_group_messages",
        "supports_inline_queries",
    ] {
        assert!(me[field].is_boolean(), "{field} is a boolean");
    }
}

#[tokio::test]
async fn an_unknown_token_is_unauthorized() {
    let bot = TestBot::start().await;
    let url = format!("{}/bot999:nope/getMe", bot.fake.base_url());
    let (status, body) = decode(bot.http.get(url).send().await.expect("answer")).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );
}

#[tokio::test]
async fn an_unknown_method_is_not_found_and_names_are_case_insensitive() {
    let bot = TestBot::start().await;
    let (status, body) = bot.call("sendTelepathy", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found"})
    );
    let (status, _) = bot.call("GETME", json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn send_message_answers_a_message_and_records_it_as_sent() {
    let bot = TestBot::start().await;
    let update = bot.alice_says("Hello, is anyone there?");
    let incoming_id = update["message"]["message_id"].clone();

    let params = json!({"chat_id": ALICE, "text": "Yes, how can I help?", "reply_parameters": {"message_id": incoming_id}});
    let (status, body) = bot.call("sendMessage", params).await;

    assert_eq!(status, 200, "{body}");
    let message = &body["result"];
    assert_eq!(message["text"], "Yes, how can I help?");
    assert_eq!(message["from"]["username"], "parley_test_bot");
    assert_eq!(
        message["chat"],
        json!({"id": ALICE, "first_name": "Alice", "username": "alice", "type": "private"})
    );
    assert!(message["message_id"].as_i64() > incoming_id.as_i64());
    assert!(message["date"].as_i64().unwrap_or_default() > 1_600_000_000);
    assert_eq!(
        message["reply_to_message"]["text"],
        "Hello, is anyone there?"
    );
    let sent = bot.fake.sent_log(TOKEN).expect("sent log");
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].chat_id, sent[0].kind.as_str()), (ALICE, "text"));
    assert_eq!(
        sent[0].message_id,
        message["message_id"].as_i64().unwrap_or_default()
    );
}

#[tokio::test]
async fn parameters_arrive_as_a_query_string_a_form_or_multipart() {
    let bot = TestBot::start().await;
    bot.alice_says("hi");
    let url = bot.method_url("sendMessage");
    let query = bot
        .http
        .get(&url)
        .query(&[("chat_id", ALICE.to_string()), ("text", "by query".into())]);
    let form = bot
        .http
        .post(&url)
        .form(&[("chat_id", ALICE.to_string()), ("text", "by form".into())]);
    let parts = reqwest::multipart::Form::new()
        .text("chat_id", ALICE.to_string())
        .text("text", "by multipart");
    let multipart = bot.http.post(&url).multipart(parts);
    for (request, text) in [
        (query, "by query"),
        (form, "by form"),
        (multipart, "by multipart"),
    ] {
        let (status, body) = decode(request.send().await.expect("answer")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["result"]["text"], text);
    }
}

#[tokio::test]
async fn sending_to_an_unknown_chat_or_without_text_is_a_bad_request() {
    let bot = TestBot::start().await;
    bot.alice_says("hi");
    let (status, body) = bot
        .call("sendMessage", json!({"chat_id": 42, "text": "hello"}))
        .await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: chat not found"))
    );
    assert_eq!(body["error_code"], 400);
    let (status, body) = bot
        .call("sendMessage", json!({"chat_id": ALICE, "text": ""}))
        .await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: message text is empty"))
    );
    let missing_reply = json!({"chat_id": ALICE, "text": "x", "reply_to_message_id": 999});
    let (status, body) = bot.call("sendMessage", missing_reply).await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: message to be replied not found"))
    );
    assert!(bot.fake.sent_log(TOKEN).expect("sent log").is_empty());
}

#[tokio::test]
async fn html_markup_becomes_entities_and_bad_markdown_is_rejected() {
    let bot = TestBot::start().await;
    bot.alice_says("hi");
    let html =
        json!({"chat_id": ALICE, "text": "<b>Deal</b> won &amp; closed", "parse_mode": "HTML"});
    let (status, body) = bot.call("sendMessage", html).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["text"], "Deal won & closed");
    assert_eq!(
        body["result"]["entities"],
        json!([{"type": "bold", "offset": 0, "length": 4}])
    );
    let markdown = json!({"chat_id": ALICE, "text": "Total: 5.00!", "parse_mode": "MarkdownV2"});
    let (status, body) = bot.call("sendMessage", markdown).await;
    assert_eq!(status, 400);
    let description = body["description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with("Bad Request: can't parse entities: Character '.' is reserved"),
        "{description}"
    );
}
