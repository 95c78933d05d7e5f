//! Tenant isolation: members of workspace A try B's ids on every REST route that takes an id,
//! on list filters, in request bodies, through server functions and on the live stream. Every
//! attempt is refused (404 as for a missing record, 403 where the role is refused first; a
//! foreign id inside a body is a 400 field error `not_found`), no answer mentions B's data, and
//! a digest of B's rows is the same before and after.

use crate::crm_support::call;
use crate::helpers::on_each_backend_with;
use crate::messaging_support::{connected_chat, fake, new_bot};
use crate::realtime::connect;
use crate::team_support::join_as;
use futures::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::{Column, Row};
use std::collections::HashMap;

/// Every name in B contains this, so an answer that leaks B's data shows it.
const MARK: &str = "bsecret";

type Ids = HashMap<&'static str, Vec<i64>>;

async fn id_of(
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
async fn populate_b(
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
async fn digest(app: &crate::helpers::TestApp, ws: i64) -> Vec<String> {
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
fn kind_of(path: &str) -> Option<&'static str> {
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
fn body_for(method: &str, path: &str, own_stage: i64) -> Option<Value> {
    Some(match (method, path) {
        ("PUT", "/api/team/members/{id}/role") => json!({"role": "viewer"}),
        ("PUT", "/api/pipeline/{id}") => json!({"name": "Taken", "isDefault": false}),
        ("PUT", "/api/pipeline/stages/{id}") => json!({"name": "Taken"}),
        ("PUT", "/api/messaging/folders/{id}") => json!({"name": "Taken"}),
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

fn refused(status: StatusCode) -> bool {
    status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN
}

#[tokio::test]
async fn a_member_of_one_workspace_reaches_nothing_of_another_by_any_id() {
    let fake = fake().await;
    let base = fake.base_url();
    on_each_backend_with(
        move |s| {
            s.telegram_api_base = base.clone();
            // Hundreds of requests from one address in a few seconds: above the per-IP limit.
            s.rate_limit_per_second = 10_000;
            s.rate_limit_burst = 10_000;
        },
        |app| {
            let fake = fake.clone();
            async move {
                let (a_owner, _) = app.new_account("Alpha").await;
                let (b, b_body) = app.new_account("BSecret Workspace").await;
                let b_ws = b_body["workspace"]["id"].as_i64().unwrap();
                let (a_admin, _) = join_as(&app, &a_owner, "admin").await;
                let (a_rep, _) = join_as(&app, &a_owner, "rep").await;
                let a_pipeline = {
                    let (_, p) = call(&app, &a_owner, Method::GET, "/api/pipeline", None).await;
                    p[0].clone()
                };
                let own_stage = a_pipeline["stages"][1]["id"].as_i64().unwrap();
                let ids = populate_b(&app, &b, &fake).await;
                let before = digest(&app, b_ws).await;
                let doc: Value = app
                    .client
                    .get(app.url("/api/openapi.json"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let attackers = [&a_owner, &a_admin, &a_rep];
                let mut attempts = 0;

                // 1. Every REST route that takes an id, with each of B's ids of that kind.
                for (path, item) in doc["paths"].as_object().unwrap() {
                    let Some(kind) = path.contains("{id}").then(|| kind_of(path)).flatten() else {
                        continue;
                    };
                    for method in item.as_object().unwrap().keys() {
                        let upper = method.to_uppercase();
                        for id in &ids[kind] {
                            for token in attackers {
                                let url = path.replace("{id}", &id.to_string());
                                let (status, answer) = call(
                                    &app,
                                    token,
                                    Method::from_bytes(upper.as_bytes()).unwrap(),
                                    &url,
                                    body_for(&upper, path, own_stage),
                                )
                                .await;
                                assert!(refused(status), "{upper} {url}: {status} {answer}");
                                assert!(
                                    !answer.to_string().to_lowercase().contains(MARK),
                                    "{upper} {url} leaked {answer}"
                                );
                                attempts += 1;
                            }
                        }
                    }
                }

                // 2. List filters naming B's records answer nothing of B.
                let filters = [
                    ("/api/crm/contacts?companyId=", "company"),
                    ("/api/crm/deals?companyId=", "company"),
                    ("/api/crm/deals?contactId=", "contact"),
                    ("/api/crm/deals?pipelineId=", "pipeline"),
                    ("/api/crm/deals?stageId=", "stage"),
                    ("/api/crm/deals?ownerId=", "member"),
                    ("/api/crm/contacts?ownerId=", "member"),
                    ("/api/pipeline/stages?pipelineId=", "pipeline"),
                    ("/api/messaging/chats?accountId=", "account"),
                    ("/api/messaging/chats?folderId=", "folder"),
                    ("/api/audit?actorId=", "member"),
                ];
                for (prefix, kind) in filters {
                    for id in &ids[kind] {
                        for token in attackers {
                            let (status, answer) =
                                call(&app, token, Method::GET, &format!("{prefix}{id}"), None)
                                    .await;
                            assert!(
                                status.is_success() || refused(status),
                                "{prefix}{id}: {status}"
                            );
                            assert!(
                                !answer.to_string().to_lowercase().contains(MARK),
                                "{prefix}{id} leaked {answer}"
                            );
                            if let Some(items) = answer["items"].as_array() {
                                assert!(items.is_empty(), "{prefix}{id}: {answer}");
                            }
                            attempts += 1;
                        }
                    }
                }

                // 3. B's ids inside bodies: refused as fields that name nothing in this workspace.
                for company in &ids["company"] {
                    for (path, body) in [
                        (
                            "/api/crm/contacts",
                            json!({"firstName": "X", "companyId": company}),
                        ),
                        (
                            "/api/crm/deals",
                            json!({"title": "X", "companyId": company}),
                        ),
                    ] {
                        let (status, answer) =
                            call(&app, &a_owner, Method::POST, path, Some(body)).await;
                        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
                        assert_eq!(answer["details"][0]["code"], "not_found", "{answer}");
                        attempts += 1;
                    }
                }
                for (path, body) in [
                    (
                        "/api/crm/deals",
                        json!({"title": "X", "stageId": ids["stage"][0]}),
                    ),
                    (
                        "/api/crm/deals",
                        json!({"title": "X", "contactId": ids["contact"][0]}),
                    ),
                    (
                        "/api/crm/deals",
                        json!({"title": "X", "ownerId": ids["member"][0]}),
                    ),
                    (
                        "/api/pipeline/stages",
                        json!({"pipelineId": ids["pipeline"][0], "name": "X"}),
                    ),
                    (
                        "/api/messaging/send",
                        json!({"conversationId": ids["conversation"][0], "text": "X"}),
                    ),
                ] {
                    let (status, answer) =
                        call(&app, &a_owner, Method::POST, path, Some(body)).await;
                    assert!(
                        refused(status)
                            || (status == StatusCode::BAD_REQUEST
                                && answer["details"][0]["code"] == "not_found"),
                        "{path}: {status} {answer}"
                    );
                    attempts += 1;
                }

                // 4. Server functions, called as the app calls them.
                // (server function, its id argument, the kind of id, other arguments)
                type Sfn = (
                    &'static str,
                    &'static str,
                    &'static str,
                    Vec<(&'static str, &'static str)>,
                );
                let sfns: Vec<Sfn> = vec![
                    ("get_company", "id", "company", vec![]),
                    (
                        "delete_company",
                        "id",
                        "company",
                        vec![("detach_deals", "true")],
                    ),
                    ("get_contact", "id", "contact", vec![]),
                    ("delete_contact", "id", "contact", vec![]),
                    ("get_deal", "id", "deal", vec![]),
                    ("delete_deal", "id", "deal", vec![]),
                    ("deal_stage_history", "deal_id", "deal", vec![]),
                    ("delete_pipeline", "id", "pipeline", vec![]),
                    ("delete_stage", "id", "stage", vec![]),
                    ("get_conversation", "id", "conversation", vec![]),
                    ("mark_conversation_read", "id", "conversation", vec![]),
                    (
                        "pin_conversation",
                        "id",
                        "conversation",
                        vec![("pinned", "true")],
                    ),
                    ("assign_conversation", "id", "conversation", vec![]),
                    ("retry_message", "id", "message", vec![]),
                    ("delete_folder", "id", "folder", vec![]),
                    ("disconnect_account", "id", "account", vec![]),
                    (
                        "change_member_role",
                        "user_id",
                        "member",
                        vec![("role", "viewer")],
                    ),
                    ("remove_member", "user_id", "member", vec![]),
                    ("transfer_ownership", "user_id", "member", vec![]),
                    ("revoke_invite", "id", "invite", vec![]),
                    ("revoke_api_token", "id", "token", vec![]),
                ];
                for (name, arg, kind, extra) in &sfns {
                    for id in &ids[*kind] {
                        for token in attackers {
                            let mut form = vec![(*arg, id.to_string())];
                            form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
                            let res = app
                                .client
                                .post(app.url(&format!("/sfn/{name}")))
                                .bearer_auth(token)
                                .form(&form)
                                .send()
                                .await
                                .unwrap();
                            let status = res.status();
                            let text = res.text().await.unwrap();
                            assert!(refused(status), "sfn {name}({arg}={id}): {status} {text}");
                            assert!(
                                !text.to_lowercase().contains(MARK),
                                "sfn {name} leaked {text}"
                            );
                            attempts += 1;
                        }
                    }
                }
                // Server functions with structured arguments, each naming one of B's records.
                let one = |kind: &str| ids[kind][0].to_string();
                let own = own_stage.to_string();
                let structured: Vec<(&str, Vec<(&str, String)>)> = vec![
                    (
                        "get_timeline",
                        vec![("kind", "deal".into()), ("id", one("deal"))],
                    ),
                    (
                        "add_note",
                        vec![
                            ("kind", "deal".into()),
                            ("id", one("deal")),
                            ("input[body]", "x".into()),
                        ],
                    ),
                    (
                        "add_reminder",
                        vec![
                            ("kind", "contact".into()),
                            ("id", one("contact")),
                            ("input[title]", "x".into()),
                            ("input[dueAt]", "4000000000000".into()),
                        ],
                    ),
                    (
                        "update_reminder",
                        vec![("id", one("reminder")), ("patch[done]", "true".into())],
                    ),
                    (
                        "save_company",
                        vec![("id", one("company")), ("input[name]", "Taken".into())],
                    ),
                    (
                        "save_contact",
                        vec![("id", one("contact")), ("input[firstName]", "Taken".into())],
                    ),
                    (
                        "save_deal",
                        vec![("id", one("deal")), ("input[title]", "Taken".into())],
                    ),
                    (
                        "change_deal_stage",
                        vec![("id", one("deal")), ("change[stageId]", own.clone())],
                    ),
                    (
                        "save_folder",
                        vec![("id", one("folder")), ("name", "Taken".into())],
                    ),
                    (
                        "save_pipeline",
                        vec![
                            ("id", one("pipeline")),
                            ("input[name]", "Taken".into()),
                            ("input[isDefault]", "false".into()),
                        ],
                    ),
                    (
                        "save_stage",
                        vec![("id", one("stage")), ("input[name]", "Taken".into())],
                    ),
                    (
                        "reorder_stages",
                        vec![
                            ("pipeline_id", one("pipeline")),
                            ("stage_ids[0]", one("stage")),
                        ],
                    ),
                    (
                        "set_conversation_folders",
                        vec![
                            ("id", one("conversation")),
                            ("folder_ids[0]", one("folder")),
                        ],
                    ),
                    (
                        "list_messages",
                        vec![
                            ("conversation_id", one("conversation")),
                            ("query[limit]", "10".into()),
                        ],
                    ),
                    (
                        "send_message",
                        vec![
                            ("input[conversationId]", one("conversation")),
                            ("input[text]", "hi".into()),
                        ],
                    ),
                    (
                        "create_from_chat",
                        vec![
                            ("id", one("conversation")),
                            ("input[contact][firstName]", "X".into()),
                        ],
                    ),
                    (
                        "board_totals",
                        vec![
                            ("query[pipelineId]", one("pipeline")),
                            ("pipeline_id", one("pipeline")),
                        ],
                    ),
                    (
                        "load_column",
                        vec![
                            ("query[pipelineId]", one("pipeline")),
                            ("pipeline_id", one("pipeline")),
                            ("stage_id", one("stage")),
                            ("offset", "0".into()),
                        ],
                    ),
                ];
                for (name, form) in &structured {
                    for token in attackers {
                        let res = app
                            .client
                            .post(app.url(&format!("/sfn/{name}")))
                            .bearer_auth(token)
                            .form(form)
                            .send()
                            .await
                            .unwrap();
                        let status = res.status();
                        let text = res.text().await.unwrap();
                        assert!(refused(status), "sfn {name}: {status} {text}");
                        assert!(
                            !text.to_lowercase().contains(MARK),
                            "sfn {name} leaked {text}"
                        );
                        attempts += 1;
                    }
                }
                let res = app
                    .client
                    .post(app.url("/sfn/switch_workspace"))
                    .bearer_auth(&a_owner)
                    .form(&[("workspace_id", b_ws.to_string())])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::NOT_FOUND);
                attempts += 1;

                let after = digest(&app, b_ws).await;
                let lost: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
                let added: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
                assert!(
                    lost.is_empty() && added.is_empty(),
                    "B changed:\nlost {lost:#?}\nnew {added:#?}"
                );

                // 5. The live stream: A's connections replay and receive nothing of B, even while B works.
                for token in attackers {
                    let mut ws = connect(&app, token, None).await.unwrap();
                    ws.send(tokio_tungstenite::tungstenite::Message::Text(
                        json!({"type": "resume", "after": 0}).to_string().into(),
                    ))
                    .await
                    .unwrap();
                    let (status, _) = call(
                        &app,
                        &b,
                        Method::POST,
                        "/api/crm/companies",
                        Some(json!({"name": "BSecret live"})),
                    )
                    .await;
                    assert_eq!(status, StatusCode::CREATED);
                    let deadline =
                        tokio::time::Instant::now() + std::time::Duration::from_millis(800);
                    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, ws.next()).await
                    {
                        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
                            assert!(!t.to_lowercase().contains(MARK), "the stream leaked {t}");
                        }
                    }
                    attempts += 1;
                }
                assert!(attempts >= 500, "only {attempts} attempts");
                eprintln!(
                    "isolation: {attempts} attempts, all refused; B's {} rows unchanged",
                    before.len()
                );
            }
        },
    )
    .await;
}
