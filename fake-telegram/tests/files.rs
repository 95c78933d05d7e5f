//! Uploads, `getFile` and downloads.

mod common;

use common::{decode, TestBot, ALICE, TOKEN};
use fake_telegram::{FromUser, Inject, InjectFile};
use serde_json::json;

/// A PNG header claiming 3x2 pixels, followed by bytes that must survive the round trip.
fn png_bytes() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&3u32.to_be_bytes());
    png.extend_from_slice(&2u32.to_be_bytes());
    png.extend((0..=255u8).cycle().take(5000));
    png
}

#[tokio::test]
async fn an_uploaded_photo_downloads_byte_for_byte() {
    let bot = TestBot::start().await;
    bot.alice_says("send me the brochure");
    let bytes = png_bytes();
    let photo = reqwest::multipart::Part::bytes(bytes.clone())
        .file_name("brochure.png")
        .mime_str("image/png");
    let form = reqwest::multipart::Form::new()
        .text("chat_id", ALICE.to_string())
        .text("caption", "Our brochure")
        .part("photo", photo.expect("mime"));
    let response = bot
        .http
        .post(bot.method_url("sendPhoto"))
        .multipart(form)
        .send()
        .await
        .expect("answer");
    let (status, body) = decode(response).await;
    assert_eq!(status, 200, "{body}");
    let size = &body["result"]["photo"][0];
    assert_eq!(
        (size["width"].as_i64(), size["height"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(size["file_size"], bytes.len());
    assert_eq!(body["result"]["caption"], "Our brochure");

    let (status, file) = bot
        .call("getFile", json!({"file_id": size["file_id"]}))
        .await;
    assert_eq!(status, 200, "{file}");
    let path = file["result"]["file_path"].as_str().expect("file_path");
    assert_eq!(file["result"]["file_size"], bytes.len());
    let url = format!("{}/file/bot{TOKEN}/{path}", bot.fake.base_url());
    let download = bot.http.get(url).send().await.expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.bytes().await.expect("bytes").as_ref(),
        bytes.as_slice()
    );

    let log = bot.fake.call_log(TOKEN).expect("log");
    assert_eq!(
        log[0].params["photo"],
        json!({"file_name": "brochure.png", "size": bytes.len()})
    );
}

#[tokio::test]
async fn a_known_file_id_can_be_sent_again_and_an_unknown_one_is_rejected() {
    let bot = TestBot::start().await;
    let mut inject = Inject::text(TOKEN, FromUser::new(ALICE, "Alice"), "signed contract");
    inject.document = Some(InjectFile::from_bytes(
        b"%PDF-1.7 contract",
        Some("contract.pdf"),
        None,
    ));
    let update = bot.fake.inject_message(inject).expect("injected");
    let document = &update["message"]["document"];
    assert_eq!(document["mime_type"], "application/pdf");
    assert_eq!(update["message"]["caption"], "signed contract");

    let resend = json!({"chat_id": ALICE, "document": document["file_id"]});
    let (status, body) = bot.call("sendDocument", resend).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["result"]["document"]["file_unique_id"],
        document["file_unique_id"]
    );
    let (status, body) = bot
        .call(
            "sendDocument",
            json!({"chat_id": ALICE, "document": "no-such-file"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["description"],
        "Bad Request: wrong file identifier/HTTP URL specified"
    );
    let (status, _) = bot
        .call(
            "sendPhoto",
            json!({"chat_id": ALICE, "photo": document["file_id"]}),
        )
        .await;
    assert_eq!(status, 400, "a document is not a photo");
}

#[tokio::test]
async fn unknown_files_are_not_found() {
    let bot = TestBot::start().await;
    let (status, body) = bot.call("getFile", json!({"file_id": "nope"})).await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: invalid file_id"))
    );
    let url = format!("{}/file/bot{TOKEN}/photos/file_99.jpg", bot.fake.base_url());
    assert_eq!(
        bot.http.get(url).send().await.expect("answer").status(),
        404
    );
}
