//! What the isolation suite sets up and checks: workspace B's records, a digest of B's rows,
//! the id kind of each REST path, valid bodies, and what counts as refused.

use crate::crm_support::call;
use crate::messaging_support::{connected_chat, new_bot};
use crate::team_support::join_as;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::{Column, Row};
use std::collections::HashMap;

/// Every name in B contains this, so an answer that leaks B's data shows it.
pub(crate) const MARK: &str = "bsecret";

pub(crate) type Ids = HashMap<&'static str, Vec<i64>>;

pub(crate) async fn id_of(
    app: &crate::helpers::TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
) -> i64 {
    let (status, created) = call(app, token, method, path, Some(body)).await;
    assert!(status.is_success(), "{path}: {status} {created}");
    created["id"]
        .as_i64()
        .or_else(|| created["token"]["id"].as_i64())
        .unwrap()
}

/// B's records: four of most kinds.
pub(crate) async fn populate_b(
    app: &crate::helpers::TestApp,
    b: &str,
    fake: &fake_telegram::FakeTelegram,
) -> Ids {
    let mut ids: Ids = HashMap::new();
    let (_, me) = call(app, b, Method::GET, "/api/auth/me", None).await;
    ids.insert("member", vec![me["user"]["id"].as_i64().unwrap()]);
    for n in 0..4 {
        let company = id_of(
            app,
            b,
            Method::POST,
            "/api/crm/companies",
            json!({"name": format!("BSecret Co {n}")}),
        )
        .await;
        let contact = id_of(
            app,
            b,
            Method::POST,
            "/api/crm/contacts",
            json!({"firstName": format!("BSecret {n}"), "companyId": company}),
        )
        .await;
        let deal = id_of(app, b, Method::POST, "/api/crm/deals", json!({"title": format!("BSecret deal {n}"), "contactId": contact, "companyId": company})).await;
        let note = id_of(
            app,
            b,
            Method::POST,
            &format!("/api/crm/deals/{deal}/notes"),
            json!({"body": "bsecret note"}),
        )
        .await;
        let reminder = id_of(
            app,
            b,
            Method::POST,
            &format!("/api/crm/contacts/{contact}/reminders"),
            json!({"title": "bsecret call", "dueAt": 4_000_000_000_000i64}),
        )
        .await;
        let pipeline = id_of(
            app,
            b,
            Method::POST,
            "/api/pipeline",
            json!({"name": format!("BSecret pipe {n}"), "isDefault": false}),
        )
        .await;
        let stage = id_of(
            app,
            b,
            Method::POST,
            "/api/pipeline/stages",
            json!({"pipelineId": pipeline, "name": "bsecret stage"}),
        )
        .await;
        let folder = id_of(
            app,
            b,
            Method::POST,
            "/api/messaging/folders",
            json!({"name": format!("bsecret {n}")}),
        )
        .await;
        let invite = id_of(
            app,
            b,
            Method::POST,
            "/api/team/invite-links",
            json!({"role": "rep"}),
        )
        .await;
        let token = id_of(
            app,
            b,
            Method::POST,
            "/api/auth/tokens",
            json!({"name": "bsecret"}),
        )
        .await;
        for (kind, id) in [
            ("company", company),
            ("contact", contact),
            ("deal", deal),
            ("note", note),
            ("reminder", reminder),
            ("pipeline", pipeline),
            ("stage", stage),
            ("folder", folder),
            ("invite", invite),
            ("token", token),
        ] {
            ids.entry(kind).or_default().push(id);
        }
    }
    // Two-factor rows too (user_totp, recovery_codes).
    let (_, setup) = call(app, b, Method::POST, "/api/auth/2fa/setup", None).await;
    let code = crate::team_support::totp_code(setup["secret"].as_str().unwrap(), 0);
    let (status, _) = call(
        app,
        b,
        Method::POST,
        "/api/auth/2fa/verify-setup",
        Some(json!({"token": code})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, rep) = join_as(app, b, "rep").await;
    ids.get_mut("member").unwrap().push(rep);
    let (bot, _) = new_bot(fake);
    let (account, conversation) = connected_chat(app, b, fake, &bot).await;
    let (_, messages) = call(
        app,
        b,
        Method::GET,
        &format!("/api/messaging/conversations/{conversation}/messages"),
        None,
    )
    .await;
    ids.insert("account", vec![account]);
    ids.insert("conversation", vec![conversation]);
    ids.insert(
        "message",
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect(),
    );
    ids
}

/// Every row of B (and of B's users), as text, table by table. Columns that background work
/// rewrites on its own (leases, polling marks) are left out.
pub(crate) async fn digest(app: &crate::helpers::TestApp, ws: i64) -> Vec<String> {
    let pool = app.db().await;
    let tables = [
        "companies",
        "contacts",
        "deals",
        "notes",
        "reminders",
        "activities",
        "stage_history",
        "pipelines",
        "events",
        "conversations",
        "reaches",
        "messages",
        "folders",
        "invites",
        "api_tokens",
        "memberships",
        "audit_log",
    ];
    let mut out = Vec::new();
    let mut queries: Vec<String> = tables
        .iter()
        .map(|t| format!("SELECT * FROM {t} WHERE workspace_id = {ws}"))
        .collect();
    queries.push(format!("SELECT * FROM stages WHERE pipeline_id IN (SELECT id FROM pipelines WHERE workspace_id = {ws})"));
    queries.push(format!(
        "SELECT id, name, slug, event_seq, require_two_factor FROM workspaces WHERE id = {ws}"
    ));
    queries.push(format!("SELECT id, email, password_hash, name FROM users WHERE id IN (SELECT user_id FROM memberships WHERE workspace_id = {ws})"));
    for q in queries {
        let rows = sqlx::query(sqlx::AssertSqlSafe(q.clone()))
            .fetch_all(&pool)
            .await
            .unwrap();
        for row in rows {
            let mut cells = vec![q.clone()];
            for (i, col) in row.columns().iter().enumerate() {
                let cell = row
                    .try_get::<Option<i64>, _>(i)
                    .map(|v| format!("{v:?}"))
                    .or_else(|_| {
                        row.try_get::<Option<String>, _>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .or_else(|_| row.try_get::<Option<f64>, _>(i).map(|v| format!("{v:?}")))
                    .unwrap_or_else(|_| "?".into());
                cells.push(format!("{}={cell}", col.name()));
            }
            out.push(cells.join(" "));
        }
    }
    out.sort();
    out
}

/// The kind of id a REST path takes, from its prefix.
pub(crate) fn kind_of(path: &str) -> Option<&'static str> {
    let kinds = [
        ("/api/auth/tokens/", "token"),
        ("/api/team/members/", "member"),
        ("/api/team/invite-links/", "invite"),
        ("/api/team/invites/", "invite"),
        ("/api/pipeline/stages/", "stage"),
        ("/api/pipeline/", "pipeline"),
        ("/api/messaging/accounts/", "account"),
        ("/api/messaging/conversations/", "conversation"),
        ("/api/messaging/messages/", "message"),
        ("/api/messaging/media/", "message"),
        ("/api/messaging/folders/", "folder"),
        ("/api/crm/companies/", "company"),
        ("/api/crm/contacts/", "contact"),
        ("/api/crm/deals/", "deal"),
        ("/api/crm/notes/", "note"),
        ("/api/crm/reminders/", "reminder"),
    ];
    kinds
        .iter()
        .find(|(p, _)| path.starts_with(p))
        .map(|(_, k)| *k)
}

/// A body that passes validation, so what answers is the id check.
pub(crate) fn body_for(method: &str, path: &str, own_stage: i64) -> Option<Value> {
    Some(match (method, path) {
        ("PUT", "/api/team/members/{id}/role") => json!({"role": "viewer"}),
        ("PUT", "/api/pipeline/{id}") => json!({"name": "Taken", "isDefault": false}),
        ("PUT", "/api/pipeline/stages/{id}") => json!({"name": "Taken"}),
        ("PUT", "/api/messaging/folders/{id}") => json!({"name": "Taken"}),
        ("PUT", "/api/messaging/accounts/{id}/chats") => json!({"peerIds": []}),
        ("PUT", "/api/messaging/conversations/{id}/folders") => json!({"folderIds": []}),
        ("PUT", "/api/crm/companies/{id}") => json!({"name": "Taken"}),
        ("PUT", "/api/crm/contacts/{id}") | ("PATCH", "/api/crm/contacts/{id}") => {
            json!({"firstName": "Taken"})
        }
        ("PUT", "/api/crm/deals/{id}") => json!({"title": "Taken"}),
        ("PATCH", "/api/crm/deals/{id}/stage") => json!({"stageId": own_stage}),
        ("POST", p) if p.ends_with("/notes") => json!({"body": "taken"}),
        ("POST", p) if p.ends_with("/reminders") => {
            json!({"title": "taken", "dueAt": 4_000_000_000_000i64})
        }
        ("PATCH", "/api/crm/reminders/{id}") => json!({"done": true}),
        _ => return None,
    })
}

pub(crate) fn refused(status: StatusCode) -> bool {
    status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN
}
