//! Tenant isolation: members of workspace A try B's ids on every REST route that takes an id,
//! on list filters, in request bodies, through server functions and on the live stream. Every
//! attempt is refused (404 as for a missing record, 403 where the role is refused first; a
//! foreign id inside a body is a 400 field error `not_found`), no answer mentions B's data, and
//! a digest of B's rows is the same before and after.

use crate::crm_support::call;
use crate::helpers::on_each_backend_with;
use crate::isolation_support::{body_for, digest, kind_of, populate_b, refused, MARK};
use crate::messaging_support::fake;
use crate::realtime::connect;
use crate::team_support::join_as;
use futures::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

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
