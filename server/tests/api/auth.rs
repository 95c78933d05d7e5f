use crate::helpers::{assert_error, on_each_backend, on_each_backend_with, unique_email};
use reqwest::{header, StatusCode};
use serde_json::json;

#[tokio::test]
async fn sign_up_answers_201_with_user_workspace_and_a_working_access_token() {
    on_each_backend(|app| async move {
        let email = unique_email("Founder");
        let (status, body) = app
            .sign_up(&email, "correct horse battery", "  Acme Sales  ")
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["user"]["email"], email.to_lowercase());
        assert_eq!(body["workspace"]["name"], "Acme Sales", "names are trimmed");
        assert_eq!(body["role"], "owner");
        let token = body["accessToken"].as_str().expect("accessToken");

        let me = app.get_bearer("/api/auth/me", token).await;
        assert_eq!(me.status(), StatusCode::OK);
        let me: serde_json::Value = me.json().await.unwrap();
        assert_eq!(me["user"]["email"], email.to_lowercase());
        assert_eq!(me["workspace"]["name"], "Acme Sales");
        assert_eq!(me["workspaces"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn sign_up_sets_an_http_only_same_site_session_cookie() {
    on_each_backend(|app| async move {
        let res = app
            .post_json("/api/auth/signup", &json!({"email": unique_email("c"), "password": "long enough pw", "organizationName": "C"}))
            .await;
        let cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
        assert!(cookie.starts_with("parley_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        // The cookie alone authenticates (the client keeps cookies).
        let me = app.client.get(app.url("/api/auth/me")).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn wrong_password_answers_401_unauthorized() {
    on_each_backend(|app| async move {
        let email = unique_email("pw");
        app.sign_up(&email, "the right password", "W").await;
        assert_error(
            app.sign_in(&email, "the wrong password").await,
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
        )
        .await;
        assert_error(
            app.sign_in(&unique_email("nobody"), "whatever pw").await,
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
        )
        .await;
        let ok = app
            .sign_in(&email.to_uppercase(), "the right password")
            .await;
        assert_eq!(ok.status(), StatusCode::OK, "emails are case-insensitive");
    })
    .await;
}

#[tokio::test]
async fn malformed_json_answers_400_bad_request() {
    on_each_backend(|app| async move {
        let res = app
            .client
            .post(app.url("/api/auth/signup"))
            .header(header::CONTENT_TYPE, "application/json")
            .body("{\"email\": ")
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::BAD_REQUEST, "BAD_REQUEST").await;
        let missing = app
            .post_json("/api/auth/signin", &json!({"email": "a@b.co"}))
            .await;
        assert_error(missing, StatusCode::BAD_REQUEST, "BAD_REQUEST").await;
    })
    .await;
}

#[tokio::test]
async fn invalid_input_answers_400_validation_naming_each_field() {
    on_each_backend(|app| async move {
        let res = app
            .post_json(
                "/api/auth/signup",
                &json!({"email": "not-an-email", "password": "short", "organizationName": "   "}),
            )
            .await;
        let body = assert_error(res, StatusCode::BAD_REQUEST, "VALIDATION").await;
        let fields: Vec<&str> = body["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["email", "password", "workspaceName"], "{body}");
        assert!(body["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("valid email"));
    })
    .await;
}

#[tokio::test]
async fn signing_up_twice_with_one_email_answers_409_conflict() {
    on_each_backend(|app| async move {
        let email = unique_email("twice");
        app.sign_up(&email, "password one", "A").await;
        let (status, body) = app
            .sign_up(&email.to_uppercase(), "password two", "B")
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "CONFLICT");
        assert_eq!(body["details"][0]["field"], "email");
    })
    .await;
}

#[tokio::test]
async fn a_burst_of_failed_sign_ins_answers_429_with_retry_after() {
    on_each_backend(|app| async move {
        let email = unique_email("burst");
        app.sign_up(&email, "the right password", "W").await;
        let mut limited = None;
        for _ in 0..15 {
            let res = app.sign_in(&email, "a wrong password").await;
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                limited = Some(res);
                break;
            }
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let res = limited.expect("the burst was throttled");
        let retry: u64 = res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry >= 1);
        assert_error(res, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED").await;
        // Even the right password waits now: the account is throttled, not just the guess.
        assert_eq!(
            app.sign_in(&email, "the right password").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    })
    .await;
}

#[tokio::test]
async fn me_without_credentials_or_with_a_bad_token_answers_401() {
    on_each_backend(|app| async move {
        let res = app
            .client
            .get(app.url("/api/auth/me"))
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::UNAUTHORIZED, "UNAUTHORIZED").await;
        assert_error(
            app.get_bearer("/api/auth/me", "forged-token").await,
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn logout_ends_the_session_and_sign_out_everywhere_ends_them_all() {
    on_each_backend(|app| async move {
        let email = unique_email("out");
        app.sign_up(&email, "a fine password", "W").await;
        let mut tokens = Vec::new();
        for _ in 0..3 {
            // Separate clients: a sign-in replaces the session of the cookie it came with.
            let res = reqwest::Client::new()
                .post(app.url("/api/auth/signin"))
                .json(&json!({"email": email, "password": "a fine password"}))
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = res.json().await.unwrap();
            tokens.push(body["accessToken"].as_str().unwrap().to_string());
        }
        let out = app
            .client
            .post(app.url("/api/auth/logout"))
            .bearer_auth(&tokens[0])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            app.get_bearer("/api/auth/me", &tokens[0]).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get_bearer("/api/auth/me", &tokens[1]).await.status(),
            StatusCode::OK
        );

        let all = app
            .client
            .post(app.url("/api/auth/logout-everywhere"))
            .bearer_auth(&tokens[1])
            .send()
            .await
            .unwrap();
        assert_eq!(all.status(), StatusCode::NO_CONTENT);
        for t in &tokens {
            assert_eq!(
                app.get_bearer("/api/auth/me", t).await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
    })
    .await;
}

#[tokio::test]
async fn signing_in_rotates_the_session_cookie() {
    on_each_backend(|app| async move {
        let email = unique_email("rotate");
        let (_, body) = app.sign_up(&email, "a fine password", "W").await;
        let first = body["accessToken"].as_str().unwrap().to_string();
        // The client still carries the sign-up cookie; signing in replaces that session.
        let res = app.sign_in(&email, "a fine password").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            app.get_bearer("/api/auth/me", &first).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.client
                .get(app.url("/api/auth/me"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_after_the_idle_time() {
    on_each_backend_with(
        |s| s.session_idle_minutes = 0,
        |app| async move {
            let (token, _) = app.new_account("Idle").await;
            assert_eq!(
                app.get_bearer("/api/auth/me", &token).await.status(),
                StatusCode::UNAUTHORIZED
            );
        },
    )
    .await;
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    on_each_backend(|app| async move {
        let email = unique_email("hash");
        app.sign_up(&email, "plain text secret", "W").await;
        let pool = app.db().await;
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
            .bind(email.to_lowercase())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let tokens: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert!(
            tokens.iter().all(|t| t.len() == 64),
            "only token hashes are stored"
        );
    })
    .await;
}
