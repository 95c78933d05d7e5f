//! Helpers shared by the CSV, seed and robustness tests: JSON calls with a Bearer token,
//! CSV downloads, and a viewer in someone else's workspace.

use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A request with the Bearer token, JSON in and out (`Null` when the answer is not JSON).
pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A CSV download: its status, `Content-Type`, `Content-Disposition` and rows (header first,
/// the byte-order mark removed).
pub struct Download {
    pub status: StatusCode,
    pub content_type: String,
    pub disposition: String,
    pub rows: Vec<Vec<String>>,
}

pub async fn download(app: &TestApp, token: &str, path: &str) -> Download {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (status, content_type, disposition) = (
        res.status(),
        header("content-type"),
        header("content-disposition"),
    );
    let text = res.text().await.expect("body");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Download {
        status,
        content_type,
        disposition,
        rows,
    }
}

/// A CSV file's text from rows of cells, quoted as needed.
pub fn csv_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// An owner's workspace and a second account that is a viewer in it (its session switched
/// there). Returns (owner token, owner's sign-up body, viewer token).
pub async fn owner_and_viewer(app: &TestApp) -> (String, Value, String) {
    owner_and_member(app, "viewer").await
}

/// An owner's workspace and a second account with `role` in it (its session switched there).
/// Returns (owner token, owner's sign-up body, member token).
pub async fn owner_and_member(app: &TestApp, role: &str) -> (String, Value, String) {
    let (owner, owner_body) = app.new_account("Team").await;
    let (viewer, viewer_body) = app.new_account("Own").await;
    let team = owner_body["workspace"]["id"].as_i64().unwrap();
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, 0)",
    )
    .bind(team)
    .bind(viewer_body["user"]["id"].as_i64().unwrap())
    .bind(role)
    .execute(&app.db().await)
    .await
    .unwrap();
    let res = app
        .client
        .post(app.url("/sfn/switch_workspace"))
        .bearer_auth(&viewer)
        .form(&[("workspace_id", team.to_string())])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success(),
        "switching workspace: {}",
        res.status()
    );
    let (_, me) = call(app, &viewer, Method::GET, "/api/auth/me", None).await;
    assert_eq!(me["role"], role, "{me}");
    (owner, owner_body, viewer)
}
