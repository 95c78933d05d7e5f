use crate::helpers::{assert_error, on_each_backend, on_each_backend_with, unique_email};
use reqwest::{header, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_cross_site_rest_mutation_is_refused_and_changes_nothing() {
    on_each_backend(|app| async move {
        let email = unique_email("evil");
        let res = app
            .client
            .post(app.url("/api/auth/signup"))
            .header(header::ORIGIN, "http://evil.example")
            .json(&json!({"email": email, "password": "long enough pw", "organizationName": "X"}))
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::FORBIDDEN, "FORBIDDEN").await;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&app.db().await)
            .await
            .unwrap();
        assert_eq!(count, 0);
    })
    .await;
}

#[tokio::test]
async fn a_cross_site_server_function_call_is_refused_and_changes_nothing() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Before").await;
        let res = app
            .client
            .post(app.url("/sfn/rename_workspace"))
            .bearer_auth(&token)
            .header(header::ORIGIN, "http://evil.example")
            .header("sec-fetch-site", "cross-site")
            .form(&[("input[name]", "Hijacked")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let me: serde_json::Value = app
            .get_bearer("/api/auth/me", &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["workspace"]["name"], "Before");
    })
    .await;
}

#[tokio::test]
async fn same_origin_server_function_calls_work() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Before").await;
        let res = app
            .client
            .post(app.url("/sfn/rename_workspace"))
            .bearer_auth(&token)
            .header(header::ORIGIN, app.address.clone())
            .header("sec-fetch-site", "same-origin")
            .form(&[("input[name]", "After")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let me: serde_json::Value = app
            .get_bearer("/api/auth/me", &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["workspace"]["name"], "After");
    })
    .await;
}

#[tokio::test]
async fn fetch_metadata_alone_refuses_cross_site_mutations() {
    on_each_backend(|app| async move {
        let res = app
            .client
            .post(app.url("/api/auth/signin"))
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"email": "a@b.co", "password": "whatever pw"}))
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::FORBIDDEN, "FORBIDDEN").await;
    })
    .await;
}

#[tokio::test]
async fn html_pages_carry_a_csp_whose_nonce_matches_the_hydration_script() {
    on_each_backend(|app| async move {
        let res = app.client.get(app.url("/signin")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers().clone();
        let csp = h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("a nonce")
            .to_string();
        assert!(nonce.len() >= 16);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            h[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin"
        );
        assert!(h.contains_key("x-request-id"));
        assert!(
            !h.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "no HSTS without TLS"
        );
        let html = res.text().await.unwrap();
        let scripts: Vec<&str> = html
            .match_indices("<script")
            .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
            .collect();
        assert!(!scripts.is_empty());
        for s in scripts {
            assert!(
                s.contains(&format!("nonce=\"{nonce}\"")),
                "script without the nonce: {s}"
            );
        }
        // A new request gets a new nonce.
        let again = app.client.get(app.url("/signin")).send().await.unwrap();
        assert!(!again.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains(&nonce));
    })
    .await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    on_each_backend_with(
        |s| s.tls = true,
        |app| async move {
            for path in ["/healthz", "/api/auth/me", "/no-such-page", "/api/nothing"] {
                let res = app.client.get(app.url(path)).send().await.unwrap();
                let h = res.headers();
                assert!(h.contains_key(header::CONTENT_SECURITY_POLICY), "{path}");
                assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
                assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY), "{path}");
                assert!(h["x-request-id"].to_str().unwrap().len() >= 32, "{path}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn unknown_api_routes_answer_404_in_the_error_shape() {
    on_each_backend(|app| async move {
        let res = app
            .client
            .get(app.url("/api/nothing/here"))
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "NOT_FOUND").await;
    })
    .await;
}

#[tokio::test]
async fn too_many_requests_from_one_ip_answer_429_with_retry_after() {
    on_each_backend_with(
        |s| {
            s.rate_limit_per_second = 1;
            s.rate_limit_burst = 5;
        },
        |app| async move {
            let mut statuses = Vec::new();
            for _ in 0..10 {
                statuses.push(
                    app.client
                        .get(app.url("/api/auth/me"))
                        .send()
                        .await
                        .unwrap(),
                );
            }
            let limited = statuses
                .into_iter()
                .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
                .expect("429");
            assert!(limited.headers().contains_key(header::RETRY_AFTER));
            assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED").await;
            // Health probes are never limited.
            assert_eq!(
                app.client
                    .get(app.url("/healthz"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                StatusCode::OK
            );
        },
    )
    .await;
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    on_each_backend_with(
        |s| s.body_limit_bytes = 1024,
        |app| async move {
            let big = "x".repeat(4096);
            let res = app
                .post_json("/api/auth/signin", &json!({"email": big, "password": "p"}))
                .await;
            assert!(
                res.status() == StatusCode::PAYLOAD_TOO_LARGE
                    || res.status() == StatusCode::BAD_REQUEST,
                "{}",
                res.status()
            );
        },
    )
    .await;
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    on_each_backend_with(
        |s| s.cors_origins = vec!["https://partner.example".into()],
        |app| async move {
            let preflight = |origin: &'static str| {
                app.client
                    .request(reqwest::Method::OPTIONS, app.url("/api/auth/me"))
                    .header(header::ORIGIN, origin)
                    .header("access-control-request-method", "GET")
                    .send()
            };
            let ok = preflight("https://partner.example").await.unwrap();
            assert_eq!(
                ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
                "https://partner.example"
            );
            let other = preflight("https://other.example").await.unwrap();
            assert!(!other
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        },
    )
    .await;
}

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    on_each_backend(|app| async move {
        assert_eq!(
            app.client
                .get(app.url("/healthz"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        assert_eq!(
            ready.json::<serde_json::Value>().await.unwrap()["status"],
            "ready"
        );
    })
    .await;
}

#[tokio::test]
async fn internal_details_never_leak_into_errors() {
    on_each_backend(|app| async move {
        // A server function called with arguments it cannot decode is the caller's mistake.
        let res = app
            .client
            .post(app.url("/sfn/switch_workspace"))
            .form(&[("workspace_id", "not-a-number")])
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(status.is_client_error(), "{status} {body}");
        assert!(
            !body.to_lowercase().contains("sqlx") && !body.contains("panicked"),
            "{body}"
        );
    })
    .await;
}

/// A file answered while a page renders on the same worker thread keeps to its own headers:
/// the page goes out with its policy and nonce, the file with the policy without one.
#[tokio::test]
async fn files_served_while_pages_render_never_take_the_pages_headers() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/parley.css"), "body { margin: 0 }").unwrap();
    let root = site.path().to_path_buf();
    on_each_backend_with(
        move |s| s.site_root = root.clone(),
        |app| async move {
            let email = unique_email("pages");
            let (status, body) = app.sign_up(&email, "correct horse battery", "Pages").await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let res = app
                .sign_in_form(&app.client, &email, "correct horse battery")
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            let csp = |res: &reqwest::Response| {
                res.headers()[header::CONTENT_SECURITY_POLICY]
                    .to_str()
                    .unwrap()
                    .to_string()
            };
            for _ in 0..40 {
                // `/contacts` renders after its data loads: files are asked for meanwhile.
                let page = app.client.get(app.url("/contacts")).send();
                let files = futures::future::join_all(
                    (0..4).map(|_| app.client.get(app.url("/pkg/parley.css")).send()),
                );
                let (page, files) = tokio::join!(page, files);
                let page = page.unwrap();
                assert_eq!(page.status(), StatusCode::OK);
                assert!(csp(&page).contains("'nonce-"), "the page lost its nonce");
                let html = page.text().await.unwrap();
                assert!(
                    html.contains("<script"),
                    "a signed-in page with its scripts"
                );
                for file in files {
                    let file = file.unwrap();
                    assert_eq!(file.status(), StatusCode::OK);
                    assert!(
                        !csp(&file).contains("'nonce-"),
                        "a file took the page's policy"
                    );
                    assert_eq!(file.text().await.unwrap(), "body { margin: 0 }");
                }
            }
        },
    )
    .await;
}
