//! Password reset, email verification, personal API tokens and the audit log.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, unique_email};
use crate::team_support::{join_as, link_in, mail_to, token_of};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn a_reset_request_reads_the_same_for_known_and_unknown_addresses() {
    on_each_backend(|app| async move {
        let email = unique_email("known");
        app.sign_up(&email, PASSWORD, "Mine").await;
        let mut answers = Vec::new();
        for address in [email.clone(), unique_email("nobody")] {
            let res = reqwest::Client::new()
                .post(app.url("/api/auth/forgot-password"))
                .json(&json!({"email": address}))
                .send()
                .await
                .unwrap();
            answers.push((res.status(), res.text().await.unwrap()));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].0, StatusCode::ACCEPTED);
        mail_to(&app, "system", &email, "Reset").await;
    })
    .await;
}

#[tokio::test]
async fn a_reset_link_sets_the_password_once_and_signs_out_every_session() {
    on_each_backend(|app| async move {
        let email = unique_email("reset");
        let (_, body) = app.sign_up(&email, PASSWORD, "Mine").await;
        let old_session = body["accessToken"].as_str().unwrap().to_string();
        reqwest::Client::new()
            .post(app.url("/api/auth/forgot-password"))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        let mail = mail_to(&app, "system", &email, "Reset").await;
        let token = token_of(&link_in(mail["text"].as_str().unwrap()));
        let reset = |password: &'static str| {
            let token = token.clone();
            let url = app.url("/api/auth/reset-password");
            async move {
                reqwest::Client::new()
                    .post(url)
                    .json(&json!({"token": token, "password": password}))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let short = reset("short").await;
        assert_eq!(short.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            reset("a brand new password").await.status(),
            StatusCode::NO_CONTENT
        );
        let (status, _) = call(&app, &old_session, Method::GET, "/api/auth/me", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "the reset signed out every session"
        );
        assert_eq!(
            app.sign_in(&email, PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.sign_in(&email, "a brand new password").await.status(),
            StatusCode::OK
        );
        let reused = reset("yet another password").await;
        assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
        let body: Value = reused.json().await.unwrap();
        assert_eq!(body["details"][0]["field"], "token");
    })
    .await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    on_each_backend(|app| async move {
        let email = unique_email("late");
        app.sign_up(&email, PASSWORD, "Mine").await;
        reqwest::Client::new()
            .post(app.url("/api/auth/forgot-password"))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        let mail = mail_to(&app, "system", &email, "Reset").await;
        let token = token_of(&link_in(mail["text"].as_str().unwrap()));
        sqlx::query("UPDATE auth_tokens SET expires_at = 1 WHERE purpose = 'reset'")
            .execute(&app.db().await)
            .await
            .unwrap();
        let res = reqwest::Client::new()
            .post(app.url("/api/auth/reset-password"))
            .json(&json!({"token": token, "password": "a brand new password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.sign_in(&email, PASSWORD).await.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn sign_up_sends_a_verification_link_that_confirms_the_address_once() {
    on_each_backend(|app| async move {
        let email = unique_email("verify");
        let (_, body) = app.sign_up(&email, PASSWORD, "Mine").await;
        let session = body["accessToken"].as_str().unwrap().to_string();
        let (_, me) = call(&app, &session, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["security"]["emailVerified"], false);
        let mail = mail_to(&app, "system", &email, "Confirm").await;
        let token = token_of(&link_in(mail["text"].as_str().unwrap()));
        let verify = || {
            reqwest::Client::new()
                .post(app.url("/api/auth/verify-email"))
                .json(&json!({"token": token}))
                .send()
        };
        assert_eq!(verify().await.unwrap().status(), StatusCode::NO_CONTENT);
        assert_eq!(verify().await.unwrap().status(), StatusCode::BAD_REQUEST);
        let (_, security) = call(&app, &session, Method::GET, "/api/auth/security", None).await;
        assert_eq!(security["emailVerified"], true);
    })
    .await;
}

#[tokio::test]
async fn an_api_token_acts_with_its_owners_role_until_revoked_and_is_stored_hashed() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Acme").await;
        let (viewer, _) = join_as(&app, &owner, "viewer").await;
        let (status, created) = call(
            &app,
            &viewer,
            Method::POST,
            "/api/auth/tokens",
            Some(json!({"name": "  reports  "})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let secret = created["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("pat_"));
        assert_eq!(created["token"]["name"], "reports");
        let (_, me) = call(&app, &secret, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["role"], "viewer");
        assert_eq!(me["workspace"]["name"], "Acme");
        let (status, _) = call(
            &app,
            &secret,
            Method::POST,
            "/api/crm/companies",
            Some(json!({"name": "Nope"})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the token has the viewer's role"
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_all(&app.db().await)
            .await
            .unwrap();
        assert!(stored.iter().all(|h| !h.contains(&secret[4..])));
        let (_, list) = call(&app, &viewer, Method::GET, "/api/auth/tokens", None).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert!(list[0]["lastUsedAt"].is_i64(), "{list}");
        assert!(list[0].get("secret").is_none());
        let (status, _) = call(
            &app,
            &secret,
            Method::POST,
            "/api/auth/tokens",
            Some(json!({"name": "child"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a token cannot mint tokens");
        let (status, _) = call(
            &app,
            &owner,
            Method::DELETE,
            &format!("/api/auth/tokens/{}", created["token"]["id"]),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "only its owner revokes it");
        let (status, _) = call(
            &app,
            &viewer,
            Method::DELETE,
            &format!("/api/auth/tokens/{}", created["token"]["id"]),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call(&app, &secret, Method::GET, "/api/auth/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_records_security_actions_for_admins_only() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Acme").await;
        let owner_email = owner_body["user"]["email"].as_str().unwrap().to_string();
        let (rep, rep_id) = join_as(&app, &owner, "rep").await;
        call(
            &app,
            &owner,
            Method::PUT,
            &format!("/api/team/members/{rep_id}/role"),
            Some(json!({"role": "supervisor"})),
        )
        .await;
        call(
            &app,
            &owner,
            Method::POST,
            "/api/auth/tokens",
            Some(json!({"name": "ci"})),
        )
        .await;
        call(
            &app,
            &owner,
            Method::POST,
            "/api/pipeline",
            Some(json!({"name": "Partners", "isDefault": false})),
        )
        .await;
        assert_eq!(
            app.sign_in(&owner_email, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
        let (status, log) = call(&app, &owner, Method::GET, "/api/audit?limit=100", None).await;
        assert_eq!(status, StatusCode::OK, "{log}");
        let actions: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for expected in [
            "member.joined",
            "invite.link_created",
            "member.role_changed",
            "api_token.created",
            "pipeline.created",
            "auth.signin_failed",
        ] {
            assert!(
                actions.contains(&expected),
                "{expected} missing from {actions:?}"
            );
        }
        let change = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "member.role_changed")
            .unwrap();
        assert_eq!(change["details"]["before"], "rep");
        assert_eq!(change["details"]["after"], "supervisor");
        assert_eq!(change["ip"], "127.0.0.1");
        assert_eq!(change["targetId"], rep_id.to_string());
        let (_, only) = call(&app, &owner, Method::GET, "/api/audit?action=member", None).await;
        assert!(
            only["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["action"].as_str().unwrap().starts_with("member.")),
            "{only}"
        );
        let (status, _) = call(&app, &rep, Method::GET, "/api/audit", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
