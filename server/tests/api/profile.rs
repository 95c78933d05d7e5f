//! The member's own profile: language and time zone (stored, returned, followed by emails),
//! a new password while signed in, and moving the account to another email address.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, unique_email, TestApp};
use crate::team_support::{link_in, mail_to, token_of};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

/// Signs up `email` (in English, UTC); returns its session token.
async fn account(app: &TestApp, email: &str) -> String {
    let (status, body) = app.sign_up(email, PASSWORD, "Mine").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["accessToken"].as_str().unwrap().to_string()
}

/// Signs in from another browser (its own cookie jar), so no session of this test's client
/// is replaced; returns the status and the body.
async fn sign_in_elsewhere(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn patch_me(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    call(app, token, Method::PATCH, "/api/auth/me", Some(body)).await
}

/// Asserts the documented `{error, code, details}` shape with a message on `field`.
fn assert_field_error(
    status: StatusCode,
    body: &Value,
    expected: StatusCode,
    field: &str,
    code: &str,
) {
    assert_eq!(status, expected, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    let detail = body["details"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["field"] == field))
        .unwrap_or_else(|| panic!("no error on {field}: {body}"));
    assert_eq!(detail["code"], code, "{body}");
    assert!(
        detail["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Asserts the workspace's audit log holds each of `expected`.
async fn assert_audited(app: &TestApp, token: &str, expected: &[&str]) {
    let actions = audit_actions(app, token).await;
    for action in expected {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from {actions:?}"
        );
    }
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let (status, log) = call(app, token, Method::GET, "/api/audit?limit=100", None).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_profile_update_stores_the_language_and_time_zone_that_me_returns() {
    on_each_backend(|app| async move {
        let token = account(&app, &unique_email("prefs")).await;
        let (status, user) = patch_me(
            &app,
            &token,
            json!({"name": " Анна ", "locale": "ru", "timeZone": "Asia/Vladivostok"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(user["name"], "Анна");
        assert_eq!(user["locale"], "ru");
        assert_eq!(user["timeZone"], "Asia/Vladivostok");
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["locale"], "ru", "{me}");
        assert_eq!(me["user"]["timeZone"], "Asia/Vladivostok");
        assert_eq!(me["user"]["name"], "Анна");
        // Absent fields stay; a zone is stored as the database spells it.
        let (status, user) = patch_me(&app, &token, json!({"timeZone": "europe/berlin"})).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(user["timeZone"], "Europe/Berlin");
        assert_eq!(user["locale"], "ru");
        assert_eq!(user["name"], "Анна");
        let (status, user) =
            patch_me(&app, &token, json!({"timeZone": "UTC", "locale": "en"})).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["timeZone"], "UTC");
        assert_eq!(me["user"]["locale"], "en");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_time_zone_or_language_is_a_field_error_and_changes_nothing() {
    on_each_backend(|app| async move {
        let token = account(&app, &unique_email("badprefs")).await;
        let (status, body) = patch_me(&app, &token, json!({"timeZone": "Mars/Olympus_Mons"})).await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "timeZone",
            "time_zone",
        );
        assert_eq!(body["code"], "VALIDATION");
        let (status, body) =
            patch_me(&app, &token, json!({"timeZone": "Europe/Berlin; x=1"})).await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "timeZone",
            "time_zone",
        );
        for locale in ["de", "russian", ""] {
            let (status, body) = patch_me(&app, &token, json!({"locale": locale})).await;
            assert_field_error(status, &body, StatusCode::BAD_REQUEST, "locale", "locale");
            assert_eq!(body["code"], "VALIDATION");
        }
        let (status, body) = patch_me(
            &app,
            &token,
            json!({"locale": "ru", "timeZone": "Nowhere/City"}),
        )
        .await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "timeZone",
            "time_zone",
        );
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(
            me["user"]["locale"], "en",
            "a refused change changes nothing"
        );
        assert_eq!(me["user"]["timeZone"], "UTC");
    })
    .await;
}

#[tokio::test]
async fn sign_up_stores_the_language_and_time_zone_it_was_sent() {
    on_each_backend(|app| async move {
        let email = unique_email("signup-ru");
        let res = app
            .post_json(
                "/api/auth/signup",
                &json!({"email": email, "password": PASSWORD, "organizationName": "Ромашка",
                        "locale": "ru", "timeZone": "Asia/Vladivostok"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["user"]["locale"], "ru", "{body}");
        assert_eq!(body["user"]["timeZone"], "Asia/Vladivostok");
        let token = body["accessToken"].as_str().unwrap();
        let (_, me) = call(&app, token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["locale"], "ru");
        assert_eq!(me["user"]["timeZone"], "Asia/Vladivostok");
        // The confirmation email is in the language the member signed up in.
        let mail = mail_to(&app, "system", &email, "Parley").await;
        assert!(
            mail["subject"].as_str().unwrap().contains("Подтвердите"),
            "{mail}"
        );
        // Values the server does not know fall back instead of failing the sign-up.
        let other = unique_email("signup-odd");
        let res = app
            .post_json(
                "/api/auth/signup",
                &json!({"email": other, "password": PASSWORD, "organizationName": "Odd",
                        "locale": "xx", "timeZone": "Nowhere/City"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["user"]["locale"], "en", "{body}");
        assert_eq!(body["user"]["timeZone"], "UTC");
    })
    .await;
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_ends_the_other_sessions() {
    on_each_backend(|app| async move {
        let email = unique_email("newpw");
        let here = account(&app, &email).await;
        let (status, body) = sign_in_elsewhere(&app, &email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let elsewhere = body["accessToken"].as_str().unwrap().to_string();
        let change = |current: &'static str, new: &'static str| {
            let body = json!({"currentPassword": current, "newPassword": new});
            call(&app, &here, Method::POST, "/api/auth/password", Some(body))
        };
        let (status, body) = change("not my password", "a brand new password").await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "currentPassword",
            "wrong_password",
        );
        let (status, body) = change(PASSWORD, "short").await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "newPassword",
            "password_length",
        );
        let (status, _) = call(&app, &elsewhere, Method::GET, "/api/auth/me", None).await;
        assert_eq!(status, StatusCode::OK, "refused changes end nothing");
        let (status, body) = change(PASSWORD, "a brand new password").await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = call(&app, &here, Method::GET, "/api/auth/me", None).await;
        assert_eq!(status, StatusCode::OK, "the session that changed it stays");
        let (status, _) = call(&app, &elsewhere, Method::GET, "/api/auth/me", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "every other session ended"
        );
        let (status, _) = sign_in_elsewhere(&app, &email, PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = sign_in_elsewhere(&app, &email, "a brand new password").await;
        assert_eq!(status, StatusCode::OK);
        assert_audited(
            &app,
            &here,
            &["auth.password_changed", "auth.password_check_failed"],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn an_email_change_is_mailed_to_the_new_address_in_russian_and_applies_once() {
    on_each_backend(|app| async move {
        let old = unique_email("old");
        let token = account(&app, &old).await;
        let (status, body) = patch_me(&app, &token, json!({"locale": "ru"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let new = unique_email("new");
        let request = |password: &'static str| {
            let body = json!({"newEmail": new.to_uppercase(), "currentPassword": password});
            call(&app, &token, Method::POST, "/api/auth/email", Some(body))
        };
        let (status, body) = request("not my password").await;
        assert_field_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "currentPassword",
            "wrong_password",
        );
        let (status, body) = request(PASSWORD).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(
            me["user"]["email"], old,
            "nothing changes before the link is opened"
        );
        // An email to a Russian-speaking member is in Russian.
        let mail = mail_to(&app, "system", &new, "Parley").await;
        let subject = mail["subject"].as_str().unwrap();
        let text = mail["text"].as_str().unwrap();
        assert!(subject.contains("Подтвердите"), "{subject}");
        assert!(text.contains("Откройте ссылку"), "{text}");
        let link = link_in(text);
        assert!(link.contains("/confirm-email-change?token="), "{link}");
        let confirm = || {
            reqwest::Client::new()
                .post(app.url("/api/auth/email/confirm"))
                .json(&json!({"token": token_of(&link)}))
                .send()
        };
        assert_eq!(confirm().await.unwrap().status(), StatusCode::NO_CONTENT);
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["email"], new, "{me}");
        assert_eq!(
            me["security"]["emailVerified"], true,
            "the link proved the address"
        );
        // The old address is told, in Russian, with the way back.
        let notice = mail_to(&app, "system", &old, "изменён").await;
        assert!(notice["text"].as_str().unwrap().contains(&new), "{notice}");
        let again = confirm().await.unwrap();
        let status = again.status();
        let body: Value = again.json().await.unwrap();
        assert_field_error(status, &body, StatusCode::BAD_REQUEST, "token", "invalid");
        assert_eq!(
            sign_in_elsewhere(&app, &old, PASSWORD).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in_elsewhere(&app, &new, PASSWORD).await.0,
            StatusCode::OK
        );
        assert_audited(
            &app,
            &token,
            &["auth.email_change_requested", "auth.email_changed"],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn an_email_change_to_an_address_another_account_uses_is_refused() {
    on_each_backend(|app| async move {
        let mine = unique_email("mine");
        let token = account(&app, &mine).await;
        let theirs = unique_email("theirs");
        account(&app, &theirs).await;
        let body = json!({"newEmail": theirs, "currentPassword": PASSWORD});
        let (status, body) = call(&app, &token, Method::POST, "/api/auth/email", Some(body)).await;
        assert_field_error(
            status,
            &body,
            StatusCode::CONFLICT,
            "newEmail",
            "email_taken",
        );
        // Free when asked for, taken before the link is opened.
        let later = unique_email("later");
        let body = json!({"newEmail": later, "currentPassword": PASSWORD});
        let (status, body) = call(&app, &token, Method::POST, "/api/auth/email", Some(body)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let mail = mail_to(&app, "system", &later, "Parley").await;
        let link = link_in(mail["text"].as_str().unwrap());
        account(&app, &later).await;
        let res = reqwest::Client::new()
            .post(app.url("/api/auth/email/confirm"))
            .json(&json!({"token": token_of(&link)}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_field_error(status, &body, StatusCode::CONFLICT, "email", "email_taken");
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["email"], mine);
    })
    .await;
}

#[tokio::test]
async fn reset_and_invitation_emails_follow_the_language_set_in_the_profile() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Acme").await;
        let ws = owner_body["workspace"]["id"].as_i64().unwrap().to_string();
        let email = unique_email("russian");
        let member = account(&app, &email).await;
        let (status, body) = patch_me(&app, &member, json!({"locale": "ru"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let res = reqwest::Client::new()
            .post(app.url("/api/auth/forgot-password"))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        // (Found by its Russian subject: the English confirmation of the sign-up went there too.)
        let reset = mail_to(&app, "system", &email, "Сброс пароля").await;
        assert!(
            reset["text"].as_str().unwrap().contains("Откройте ссылку"),
            "{reset}"
        );
        // The owner writes in English; the invitation reaches the member in theirs.
        let (status, invite) = call(
            &app,
            &owner,
            Method::POST,
            "/api/team/members/invite",
            Some(json!({"email": email, "role": "rep"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{invite}");
        let mail = mail_to(&app, &ws, &email, "Parley").await;
        assert!(
            mail["subject"].as_str().unwrap().contains("приглашает"),
            "{mail}"
        );
    })
    .await;
}

/// Asks for an email change to `new`; the link mailed to it.
async fn change_link(app: &TestApp, token: &str, new: &str) -> String {
    let body = json!({"newEmail": new, "currentPassword": PASSWORD});
    let (status, body) = call(app, token, Method::POST, "/api/auth/email", Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let mail = mail_to(app, "system", new, "Parley").await;
    token_of(&link_in(mail["text"].as_str().unwrap()))
}

async fn confirm_change(app: &TestApp, link_token: &str) -> StatusCode {
    reqwest::Client::new()
        .post(app.url("/api/auth/email/confirm"))
        .json(&json!({"token": link_token}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn only_the_newest_email_change_link_works_and_a_password_change_ends_it() {
    on_each_backend(|app| async move {
        let old = unique_email("links");
        let token = account(&app, &old).await;
        // A mistyped address, then the right one: the first link no longer works.
        let mistyped = change_link(&app, &token, &unique_email("typo")).await;
        let right = change_link(&app, &token, &unique_email("right")).await;
        assert_eq!(
            confirm_change(&app, &mistyped).await,
            StatusCode::BAD_REQUEST
        );
        // The password changes before the right link is opened: it stops working too.
        let body = json!({"currentPassword": PASSWORD, "newPassword": "another long password"});
        let (status, body) =
            call(&app, &token, Method::POST, "/api/auth/password", Some(body)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(confirm_change(&app, &right).await, StatusCode::BAD_REQUEST);
        let (_, me) = call(&app, &token, Method::GET, "/api/auth/me", None).await;
        assert_eq!(me["user"]["email"], old, "{me}");
    })
    .await;
}

#[tokio::test]
async fn the_old_address_takes_the_account_back_and_signs_everyone_out() {
    on_each_backend(|app| async move {
        let old = unique_email("victim");
        let token = account(&app, &old).await;
        let taker = unique_email("taker");
        let link = change_link(&app, &token, &taker).await;
        assert_eq!(confirm_change(&app, &link).await, StatusCode::NO_CONTENT);
        let notice = mail_to(&app, "system", &old, "another email address").await;
        let back = token_of(&link_in(notice["text"].as_str().unwrap()));
        assert_eq!(confirm_change(&app, &back).await, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get_bearer("/api/auth/me", &token).await.status(),
            StatusCode::UNAUTHORIZED,
            "every session ends"
        );
        let (status, signed_in) = sign_in_elsewhere(&app, &old, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{signed_in}");
        assert_eq!(signed_in["user"]["email"], old);
        assert_eq!(
            confirm_change(&app, &back).await,
            StatusCode::BAD_REQUEST,
            "once"
        );
        let fresh = signed_in["accessToken"].as_str().unwrap();
        assert_audited(&app, fresh, &["auth.email_reverted"]).await;
    })
    .await;
}
