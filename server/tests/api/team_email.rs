//! Invitations by email: through the local outbox and through a real SMTP server on loopback.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, on_each_backend_with, unique_email};
use crate::team_support::{accept_new, link_in, mail_to, token_of, SmtpSink};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_email_invitation_lands_in_the_outbox_and_its_link_joins_that_address_only() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Acme").await;
        let ws = owner_body["workspace"]["id"].as_i64().unwrap().to_string();
        let email = unique_email("invited");
        let (status, invite) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/members/invite",
            Some(json!({"email": email.to_uppercase(), "role": "rep"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{invite}");
        assert_eq!(invite["email"], email);
        assert!(
            invite["url"].is_null(),
            "an email invitation's link exists only in the email"
        );
        let mail = mail_to(&app, &ws, &email, "Acme").await;
        let token = token_of(&link_in(mail["text"].as_str().unwrap()));
        let (_, outbox) = call(&app, &owner, Method::GET, "/api/workspace/outbox", None).await;
        assert_eq!(outbox[0]["to"], email);
        // Someone else, signed in, cannot take it.
        let (stranger, _) = app.new_account("Other").await;
        let res = app
            .client
            .post(app.url("/api/invites/accept"))
            .bearer_auth(&stranger)
            .json(&json!({"token": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // The address in the email is the account's; a different one is ignored.
        let (status, joined) = accept_new(&app, &token, Some(unique_email("other"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(joined["user"]["email"], email);
        assert_eq!(joined["role"], "rep");
        let (_, me) = call(
            &app,
            joined["accessToken"].as_str().unwrap(),
            Method::GET,
            "/api/auth/me",
            None,
        )
        .await;
        assert_eq!(
            me["security"]["emailVerified"], true,
            "the email proved the address"
        );
        let (_, team) = call(&app, &owner, Method::GET, "/api/team", None).await;
        assert_eq!(team["invites"].as_array().unwrap().len(), 0, "{team}");
    })
    .await;
}

#[tokio::test]
async fn with_smtp_configured_an_invitation_is_sent_to_the_smtp_server() {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    on_each_backend_with(
        move |s| {
            s.smtp_host = Some("127.0.0.1".into());
            s.smtp_port = port;
            s.smtp_tls = app::server::config::SmtpTls::None;
            s.mail_from = "Parley <crm@example.com>".into();
        },
        |app| {
            let sink = &sink;
            async move {
                let (owner, _) = app.new_account("Acme").await;
                let email = unique_email("smtp");
                let (status, _) = call(
                    &app,
                    &owner,
                    Method::POST,
                    "/api/team/members/invite",
                    Some(json!({"email": email, "role": "viewer"})),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED);
                let message = sink.message_to(&email).await;
                assert_eq!(message.from, "crm@example.com");
                let text = message.data.replace("=\n", "").replace("=3D", "=");
                assert!(text.contains("multipart/alternative"), "{text}");
                let token = token_of(&text[text.find("/join?token=").unwrap()..]);
                let (status, _) = accept_new(&app, &token, None).await;
                assert_eq!(status, StatusCode::OK);
            }
        },
    )
    .await;
}
