//! Sending files (`POST /api/messaging/send-file`, multipart) through the fake Bot API server:
//! images go as photos and anything else as documents, on the same durable path as text;
//! bad forms get field errors and strangers and viewers get nothing.

use crate::crm_support::{call, owner_and_viewer};
use crate::helpers::TestApp;
use crate::messaging_support::{connected_chat, eventually, new_bot, with_fake_telegram};
use reqwest::multipart::{Form, Part};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

/// A 1×1 transparent PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

/// Posts a multipart form; `file` is (name, mime type, bytes).
pub(crate) async fn send_file(
    app: &TestApp,
    token: &str,
    chat: i64,
    text: &str,
    file: Option<(&str, &str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let mut form = Form::new()
        .text("conversationId", chat.to_string())
        .text("text", text.to_string());
    if let Some((name, mime, bytes)) = file {
        form = form.part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str(mime)
                .unwrap(),
        );
    }
    let res = app
        .client
        .post(app.url("/api/messaging/send-file"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_sent_as_photos_or_documents_and_kept_in_the_store() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _, viewer) = owner_and_viewer(&app).await;
        let (bot, _) = new_bot(&fake);
        let (_, chat) = connected_chat(&app, &owner, &fake, &bot).await;

        let (s, photo) = send_file(
            &app,
            &owner,
            chat,
            "Our price list",
            Some(("quote.png", "image/png", PNG.to_vec())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{photo}");
        assert_eq!(photo["state"], "pending");
        assert_eq!(photo["text"], "Our price list");
        assert_eq!(photo["media"]["kind"], "photo");
        assert_eq!(photo["media"]["fileName"], "quote.png");
        let pdf = b"%PDF-1.4 terms and conditions".to_vec();
        let (s, doc) = send_file(
            &app,
            &owner,
            chat,
            "",
            Some(("../../terms.pdf", "application/pdf", pdf.clone())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{doc}");
        assert_eq!(doc["media"]["kind"], "document");
        assert_eq!(doc["media"]["fileName"], "terms.pdf");
        assert_eq!(doc["media"]["mimeType"], "application/pdf");

        for (id, what) in [(&photo["id"], "photo"), (&doc["id"], "document")] {
            eventually(&format!("the {what} to be sent"), || async {
                let (_, page) = call(
                    &app,
                    &owner,
                    M::GET,
                    &format!("/api/messaging/conversations/{chat}/messages"),
                    None,
                )
                .await;
                page["items"]
                    .as_array()?
                    .iter()
                    .find(|m| m["id"] == *id && m["state"] == "sent")
                    .cloned()
            })
            .await;
        }
        let calls = fake.call_log(&bot).unwrap();
        let sent_photo = calls
            .iter()
            .find(|c| c.method == "sendPhoto")
            .expect("sendPhoto was called");
        assert_eq!(sent_photo.params["caption"], "Our price list");
        assert_eq!(
            sent_photo.params["photo"],
            json!({"file_name": "quote.png", "size": PNG.len()})
        );
        let sent_doc = calls
            .iter()
            .find(|c| c.method == "sendDocument")
            .expect("sendDocument was called");
        assert_eq!(
            sent_doc.params["document"],
            json!({"file_name": "terms.pdf", "size": pdf.len()})
        );
        let kinds: Vec<String> = fake
            .sent_log(&bot)
            .unwrap()
            .into_iter()
            .map(|m| m.kind)
            .collect();
        assert_eq!(kinds, ["photo", "document"]);

        // The store serves the same bytes back to members, viewers included.
        let media = photo["media"]["id"].as_i64().unwrap();
        let res = app
            .client
            .get(app.url(&format!("/api/messaging/media/{media}")))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_file_forms_get_field_errors_and_strangers_and_viewers_send_nothing() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _, viewer) = owner_and_viewer(&app).await;
        let (bot, _) = new_bot(&fake);
        let (_, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        let png = || Some(("quote.png", "image/png", PNG.to_vec()));

        let (s, body) = send_file(&app, &owner, chat, "no file", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["field"], "file");
        let (s, body) = send_file(&app, &owner, chat, &"x".repeat(1025), png()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["code"], "VALIDATION");
        assert_eq!(body["details"][0]["field"], "text");
        let big = vec![0u8; 20 * 1024 * 1024 + 1];
        let (s, body) = send_file(
            &app,
            &owner,
            chat,
            "",
            Some(("big.bin", "application/octet-stream", big)),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["details"][0]["field"], "file");
        assert_eq!(body["details"][0]["code"], "too_large");

        let (s, body) = send_file(&app, &viewer, chat, "", png()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        let (stranger, _) = app.new_account("Stranger").await;
        let (s, body) = send_file(&app, &stranger, chat, "", png()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["code"], "NOT_FOUND");

        let (_, page) = call(
            &app,
            &owner,
            M::GET,
            &format!("/api/messaging/conversations/{chat}/messages"),
            None,
        )
        .await;
        let outbound = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "out")
            .count();
        assert_eq!(outbound, 0, "no refused form left a message");
        let media: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media")
            .fetch_one(&app.db().await)
            .await
            .unwrap();
        assert_eq!(media, 0, "no refused form left a file record");
        assert!(fake
            .call_log(&bot)
            .unwrap()
            .iter()
            .all(|c| !c.method.starts_with("send")));
    })
    .await;
}
