//! Robustness: thousands of malformed, oversized, wrongly typed and unicode-edge requests to
//! every CRM route. None may answer 5xx, and a refused one (4xx) may not change any row.

use crate::crm_support::call;
use crate::fuzz_cases;
use crate::helpers::{on_each_backend, on_each_backend_with, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Every table the CRM routes write: the columns that make up a row's content, and which
/// rows count. The due-reminder worker marks reminders and records `reminder.due` events on
/// its own clock (reminders due in the past are valid input), so those are left out.
const TABLES: &[(&str, &str, &str)] = &[
    ("workspaces", "id, name, updated_at", "1 = 1"),
    ("companies", "id, workspace_id, name, industry, size, website, description, owner_id, search_text, updated_at", "1 = 1"),
    ("contacts", "id, workspace_id, first_name, last_name, display_name, email, phone, telegram_user_id, telegram_username, company_id, owner_id, search_text, updated_at", "1 = 1"),
    ("deals", "id, workspace_id, title, value_minor, currency, pipeline_id, stage_id, owner_id, contact_id, company_id, expected_close_date, probability, lost_reason, stage_entered_at, search_text, updated_at", "1 = 1"),
    ("notes", "id, workspace_id, contact_id, deal_id, body", "1 = 1"),
    ("reminders", "id, workspace_id, contact_id, deal_id, owner_id, title, due_at, done_at", "1 = 1"),
    ("activities", "id, workspace_id, subject_type, subject_id, kind, data", "1 = 1"),
    ("stage_history", "id, workspace_id, deal_id, from_stage_id, to_stage_id, reason", "1 = 1"),
    ("events", "workspace_id, seq, type, data", "type <> 'reminder.due'"),
    ("pipelines", "id, workspace_id, name, is_default, position", "1 = 1"),
    ("stages", "id, pipeline_id, name, kind, probability, position", "1 = 1"),
];

/// Row counts and a hash of every row's content, table by table.
async fn digest(pool: &sqlx::AnyPool) -> Vec<(&'static str, usize, u64)> {
    let mut out = Vec::new();
    for (table, columns, filter) in TABLES {
        let row = columns
            .split(", ")
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '~')"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let first = columns.split(", ").next().unwrap();
        let sql = format!("SELECT {row} FROM {table} WHERE {filter} ORDER BY {first}, 1");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await
            .unwrap();
        let mut h = DefaultHasher::new();
        rows.hash(&mut h);
        out.push((*table, rows.len(), h.finish()));
    }
    out
}

/// Sends requests and checks each answer against the rules.
struct Checker<'a> {
    app: &'a TestApp,
    token: String,
    pool: sqlx::AnyPool,
    state: Vec<(&'static str, usize, u64)>,
    sent: usize,
    refused: usize,
    failures: Vec<String>,
}

impl Checker<'_> {
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) {
        let mut req = self
            .app
            .client
            .request(method.clone(), self.app.url(path))
            .bearer_auth(&self.token);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct).body(body.clone());
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        self.sent += 1;
        let what = || {
            let shown: String = String::from_utf8_lossy(&body).chars().take(120).collect();
            format!(
                "{method} {} {shown:?} → {status} {}",
                &path[..path.len().min(160)],
                &text[..text.len().min(200)]
            )
        };
        if status.is_server_error() {
            self.failures.push(what());
        }
        let now = digest(&self.pool).await;
        if status.is_client_error() {
            self.refused += 1;
            if now != self.state {
                self.failures
                    .push(format!("refused but changed rows: {}", what()));
            }
        }
        self.state = now;
    }

    async fn json(&mut self, method: Method, path: &str, body: &Value) {
        self.send(
            method,
            path,
            Some("application/json"),
            serde_json::to_vec(body).unwrap(),
        )
        .await;
    }
}

/// A target route with a valid body and the fields to spoil one by one.
struct Target {
    method: Method,
    path: String,
    base: Value,
    extra: Vec<(&'static str, Vec<Value>)>,
}

fn target(method: Method, path: String, base: Value) -> Target {
    Target {
        method,
        path,
        base,
        extra: Vec::new(),
    }
}

/// Records for the routes to aim at; returns the targets.
async fn arrange(app: &TestApp, t: &str) -> (Vec<Target>, Vec<String>) {
    let (_, pipelines) = call(app, t, Method::GET, "/api/pipeline", None).await;
    let stage = pipelines[0]["stages"][1]["id"].clone();
    let (_, co) = call(
        app,
        t,
        Method::POST,
        "/api/crm/companies",
        Some(json!({"name": "Fuzz Co"})),
    )
    .await;
    let (_, c) = call(
        app,
        t,
        Method::POST,
        "/api/crm/contacts",
        Some(json!({"displayName": "Fuzz Person", "companyId": co["id"]})),
    )
    .await;
    let (_, d) = call(
        app,
        t,
        Method::POST,
        "/api/crm/deals",
        Some(json!({"title": "Fuzz deal", "contactId": c["id"]})),
    )
    .await;
    let (_, r) = call(
        app,
        t,
        Method::POST,
        &format!("/api/crm/deals/{}/reminders", d["id"]),
        Some(json!({"title": "Fuzz", "dueAt": 4102444800000i64})),
    )
    .await;
    let company = json!({"name": "Fuzz Co 2", "industry": "x", "size": "1-10", "website": "fuzz.example", "description": "d", "ownerId": null});
    let contact = json!({"firstName": "A", "lastName": "B", "displayName": "Fuzz C", "email": "fuzz@example.com", "phone": "+1 555 0100",
        "telegramUserId": 5, "telegramUsername": "fuzz_tg", "companyId": co["id"], "ownerId": null});
    let deal = json!({"title": "Fuzz D", "valueMinor": 100, "currency": "USD", "pipelineId": pipelines[0]["id"], "stageId": stage,
        "ownerId": null, "contactId": c["id"], "companyId": co["id"], "expectedCloseDate": "2026-12-31", "probability": 50, "lostReason": ""});
    let import = json!({"csv": "Name,Email\nFuzz Import,fuzz-import@example.com\n", "mapping": {"Name": "displayName", "Email": "email"}});
    let csv: Vec<Value> = fuzz_cases::csv_files()
        .into_iter()
        .map(Value::String)
        .collect();
    let mapping_values = vec![
        json!({"Name": "nope"}),
        json!({"Name": 5}),
        json!({"": "email"}),
        json!({"Nope": "email"}),
        json!({"Name": ["email"]}),
    ];
    let mut targets = vec![
        target(Method::POST, "/api/crm/companies".into(), company.clone()),
        target(
            Method::PUT,
            format!("/api/crm/companies/{}", co["id"]),
            company,
        ),
        target(Method::POST, "/api/crm/contacts".into(), contact.clone()),
        target(
            Method::PUT,
            format!("/api/crm/contacts/{}", c["id"]),
            contact.clone(),
        ),
        target(
            Method::PATCH,
            format!("/api/crm/contacts/{}", c["id"]),
            contact,
        ),
        target(Method::POST, "/api/crm/deals".into(), deal.clone()),
        target(Method::PUT, format!("/api/crm/deals/{}", d["id"]), deal),
        target(
            Method::PATCH,
            format!("/api/crm/deals/{}/stage", d["id"]),
            json!({"stageId": stage, "reason": "r"}),
        ),
        target(
            Method::POST,
            format!("/api/crm/contacts/{}/notes", c["id"]),
            json!({"body": "note"}),
        ),
        target(
            Method::POST,
            format!("/api/crm/deals/{}/notes", d["id"]),
            json!({"body": "note"}),
        ),
        target(
            Method::POST,
            format!("/api/crm/contacts/{}/reminders", c["id"]),
            json!({"title": "r", "dueAt": 4102444800000i64, "ownerId": null}),
        ),
        target(
            Method::PATCH,
            format!("/api/crm/reminders/{}", r["id"]),
            json!({"title": "r", "dueAt": 4102444800000i64, "done": false}),
        ),
        target(
            Method::POST,
            "/api/crm/contacts/import/preview".into(),
            import.clone(),
        ),
        target(Method::POST, "/api/crm/contacts/import".into(), import),
    ];
    for t in targets.iter_mut().filter(|t| t.path.contains("/import")) {
        t.extra = vec![("csv", csv.clone()), ("mapping", mapping_values.clone())];
    }
    let with_ids = vec![
        "/api/crm/companies/{}".into(),
        "/api/crm/contacts/{}".into(),
        "/api/crm/deals/{}".into(),
        "/api/crm/deals/{}/stage".into(),
        "/api/crm/contacts/{}/notes".into(),
        "/api/crm/deals/{}/reminders".into(),
        "/api/crm/notes/{}".into(),
        "/api/crm/reminders/{}".into(),
        "/api/crm/companies/{}/activities".into(),
    ];
    (targets, with_ids)
}

#[tokio::test]
async fn malformed_requests_to_every_crm_route_never_answer_5xx_nor_change_rows_when_refused() {
    let loose = |s: &mut app::server::Settings| {
        s.rate_limit_per_second = 1_000_000;
        s.rate_limit_burst = 1_000_000;
    };
    on_each_backend_with(loose, |app| async move {
        let (token, _) = app.new_account("Fuzz").await;
        let (targets, with_ids) = arrange(&app, &token).await;
        let pool = app.db().await;
        let state = digest(&pool).await;
        let mut ch = Checker {
            app: &app,
            token,
            pool,
            state,
            sent: 0,
            refused: 0,
            failures: Vec::new(),
        };
        for t in &targets {
            let fields: Vec<String> = t.base.as_object().unwrap().keys().cloned().collect();
            for field in fields {
                let extra = t
                    .extra
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                for value in fuzz_cases::values().into_iter().chain(extra) {
                    let mut body = t.base.clone();
                    body[&field] = value;
                    ch.json(t.method.clone(), &t.path, &body).await;
                }
                let mut without = t.base.clone();
                without.as_object_mut().unwrap().remove(&field);
                ch.json(t.method.clone(), &t.path, &without).await;
            }
            for (content_type, body) in fuzz_cases::raw_bodies() {
                ch.send(t.method.clone(), &t.path, Some(content_type), body)
                    .await;
            }
        }
        for list in ["companies", "contacts", "deals"] {
            for q in fuzz_cases::queries() {
                ch.send(
                    Method::GET,
                    &format!("/api/crm/{list}?{q}"),
                    None,
                    Vec::new(),
                )
                .await;
                ch.send(
                    Method::GET,
                    &format!("/api/crm/{list}/export.csv?{q}"),
                    None,
                    Vec::new(),
                )
                .await;
            }
        }
        for path in &with_ids {
            for id in fuzz_cases::ids() {
                let path = path.replace("{}", id);
                for method in [
                    Method::GET,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::POST,
                ] {
                    ch.send(method, &path, Some("application/json"), b"{}".to_vec())
                        .await;
                }
            }
        }
        eprintln!(
            "{} requests, {} refused, {} problems",
            ch.sent,
            ch.refused,
            ch.failures.len()
        );
        assert!(ch.sent >= 1000, "{} requests", ch.sent);
        assert!(
            ch.failures.is_empty(),
            "{} problems:\n{}",
            ch.failures.len(),
            ch.failures
                .iter()
                .take(60)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn nul_characters_are_refused_alike_on_both_backends() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Nul").await;
        for (path, body) in [
            ("/api/crm/contacts", json!({ "firstName": "A\u{0}da" })),
            ("/api/crm/companies", json!({ "name": "Acme\u{0}" })),
            ("/api/crm/deals", json!({ "title": "\u{0}" })),
        ] {
            let (s, err) = call(&app, &t, Method::POST, path, Some(body)).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {err}");
            assert!(err["error"].as_str().unwrap().contains("NUL"), "{err}");
        }
        // A literal backslash followed by "u0000" is ordinary text.
        let body = json!({ "firstName": "C:\\u0000 path" });
        let (s, contact) = call(&app, &t, Method::POST, "/api/crm/contacts", Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{contact}");
        assert_eq!(contact["firstName"], "C:\\u0000 path");
        let (_, list) = call(&app, &t, Method::GET, "/api/crm/contacts", None).await;
        assert_eq!(list["pagination"]["total"], 1);
    })
    .await;
}
