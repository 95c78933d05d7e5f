//! Two-factor sign-in: enrolment, the second step, replay, recovery codes, rate limits.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, on_each_backend_with, unique_email, TestApp};
use crate::team_support::totp_code;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

/// An account with two-factor sign-in on; returns (email, secret, recovery codes, token).
async fn enrolled(app: &TestApp) -> (String, String, Vec<String>, String) {
    let email = unique_email("tfa");
    let (status, body) = app.sign_up(&email, PASSWORD, "Safe").await;
    assert_eq!(status, StatusCode::CREATED);
    let token = body["accessToken"].as_str().unwrap().to_string();
    let (status, setup) = call(app, &token, Method::POST, "/api/auth/2fa/setup", None).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(setup["otpauthUrl"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    assert!(setup["qr"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));
    let (status, codes) = call(
        app,
        &token,
        Method::POST,
        "/api/auth/2fa/verify-setup",
        Some(json!({"token": totp_code(&secret, 0)})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    let codes: Vec<String> = codes["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (email, secret, codes, token)
}

async fn challenge(app: &TestApp, email: &str) -> String {
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no session before the second step"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["requiresTwoFactor"], true, "{body}");
    body["tempToken"].as_str().unwrap().to_string()
}

async fn validate(app: &TestApp, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/auth/2fa/validate"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_in_asks_for_a_code_and_a_code_works_once() {
    on_each_backend(|app| async move {
        let (email, secret, _, _) = enrolled(&app).await;
        let temp = challenge(&app, &email).await;
        // The enrolment used the current step; the next one is fresh.
        let code = totp_code(&secret, 1);
        let res = validate(&app, json!({"tempToken": temp, "token": "000000"})).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = validate(&app, json!({"tempToken": temp, "token": code})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let ok: Value = res.json().await.unwrap();
        let (status, _) = call(
            &app,
            ok["accessToken"].as_str().unwrap(),
            Method::GET,
            "/api/auth/me",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // The same code again, even with a fresh password step, is refused; so is the used temp token.
        let temp2 = challenge(&app, &email).await;
        assert_eq!(
            validate(&app, json!({"tempToken": temp2, "token": code}))
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            validate(
                &app,
                json!({"tempToken": temp, "token": totp_code(&secret, 0)})
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    })
    .await;
}

#[tokio::test]
async fn twenty_concurrent_second_steps_with_one_code_let_exactly_one_in() {
    on_each_backend_with(
        |s| {
            s.signin_per_minute_per_account = 1000;
            s.signin_per_minute_per_ip = 1000;
        },
        |app| async move {
            let (email, secret, _, _) = enrolled(&app).await;
            let mut temps = Vec::new();
            for _ in 0..20 {
                temps.push(challenge(&app, &email).await);
            }
            let code = totp_code(&secret, 1);
            let attempts = temps.into_iter().map(|temp| {
                let app = &app;
                let code = code.clone();
                async move {
                    validate(app, json!({"tempToken": temp, "token": code}))
                        .await
                        .status()
                }
            });
            let statuses = futures::future::join_all(attempts).await;
            let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
            assert_eq!(ok, 1, "{statuses:?}");
            assert!(
                statuses
                    .iter()
                    .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED),
                "{statuses:?}"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    on_each_backend(|app| async move {
        let (email, _, codes, token) = enrolled(&app).await;
        let temp = challenge(&app, &email).await;
        let res = validate(
            &app,
            json!({"tempToken": temp, "recoveryCode": codes[3].to_uppercase()}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let temp = challenge(&app, &email).await;
        let res = validate(&app, json!({"tempToken": temp, "recoveryCode": codes[3]})).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let (_, security) = call(&app, &token, Method::GET, "/api/auth/security", None).await;
        assert_eq!(security["recoveryCodesLeft"], 9);
        assert_eq!(security["twoFactorEnabled"], true);
    })
    .await;
}

#[tokio::test]
async fn wrong_codes_are_rate_limited() {
    on_each_backend(|app| async move {
        let (email, _, _, _) = enrolled(&app).await;
        let temp = challenge(&app, &email).await;
        let mut statuses = Vec::new();
        for _ in 0..15 {
            statuses.push(
                validate(&app, json!({"tempToken": temp, "token": "123456"}))
                    .await
                    .status(),
            );
        }
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        let last = validate(&app, json!({"tempToken": temp, "token": "123456"})).await;
        assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(last.headers().get("retry-after").is_some());
    })
    .await;
}

#[tokio::test]
async fn turning_it_off_needs_a_current_code_and_the_secret_is_never_stored_in_clear() {
    on_each_backend(|app| async move {
        let (email, secret, _, token) = enrolled(&app).await;
        let stored: String = sqlx::query_scalar("SELECT sealed_secret FROM user_totp")
            .fetch_one(&app.db().await)
            .await
            .unwrap();
        assert!(
            !stored.contains(&secret),
            "the database holds the secret sealed"
        );
        let (status, _) = call(
            &app,
            &token,
            Method::POST,
            "/api/auth/2fa/disable",
            Some(json!({"token": "111111"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = call(
            &app,
            &token,
            Method::POST,
            "/api/auth/2fa/disable",
            Some(json!({"token": totp_code(&secret, 1)})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let res = app.sign_in(&email, PASSWORD).await;
        let body: Value = res.json().await.unwrap();
        assert!(
            body["accessToken"].is_string(),
            "signs in with the password alone again: {body}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_workspace_that_requires_two_factor_refuses_changes_until_the_member_enrols() {
    on_each_backend(|app| async move {
        let (owner, _) = app.new_account("Strict").await;
        let (rep, _) = crate::team_support::join_as(&app, &owner, "rep").await;
        let (status, _) = call(
            &app,
            &rep,
            Method::PUT,
            "/api/team/security",
            Some(json!({"requireTwoFactor": true})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only owners set the policy");
        let (status, _) = call(
            &app,
            &owner,
            Method::PUT,
            "/api/team/security",
            Some(json!({"requireTwoFactor": true})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, me) = call(&app, &rep, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["security"]["mustEnrolTwoFactor"], true);
        let (status, body) = call(
            &app,
            &rep,
            Method::POST,
            "/api/crm/companies",
            Some(json!({"name": "Blocked"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, setup) = call(&app, &rep, Method::POST, "/api/auth/2fa/setup", None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(
            &app,
            &rep,
            Method::POST,
            "/api/auth/2fa/verify-setup",
            Some(json!({"token": totp_code(setup["secret"].as_str().unwrap(), 0)})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(
            &app,
            &rep,
            Method::POST,
            "/api/crm/companies",
            Some(json!({"name": "Allowed"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    })
    .await;
}
