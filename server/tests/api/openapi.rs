//! `GET /api/openapi.json`: the OpenAPI document generated from the REST routes.

use crate::helpers::on_each_backend;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

/// Every operation the REST API serves under `/api` (besides `/api/openapi.json` itself).
/// A new route is added here as well as to its router (see `app/src/server/api.rs`).
const EXPECTED_OPERATIONS: &[(&str, &str)] = &[
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/signin"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/logout-everywhere"),
    ("GET", "/api/auth/me"),
    ("PATCH", "/api/auth/me"),
    ("POST", "/api/auth/password"),
    ("POST", "/api/auth/email"),
    ("POST", "/api/auth/email/confirm"),
    ("POST", "/api/auth/2fa/setup"),
    ("POST", "/api/auth/2fa/verify-setup"),
    ("POST", "/api/auth/2fa/disable"),
    ("POST", "/api/auth/2fa/validate"),
    ("POST", "/api/auth/forgot-password"),
    ("POST", "/api/auth/reset-password"),
    ("POST", "/api/auth/verify-email"),
    ("POST", "/api/auth/resend-verification"),
    ("GET", "/api/auth/security"),
    ("GET", "/api/auth/tokens"),
    ("POST", "/api/auth/tokens"),
    ("DELETE", "/api/auth/tokens/{id}"),
    ("GET", "/api/team"),
    ("GET", "/api/team/members"),
    ("PUT", "/api/team/members/{id}/role"),
    ("DELETE", "/api/team/members/{id}"),
    ("POST", "/api/team/members/invite"),
    ("GET", "/api/team/invite-links"),
    ("POST", "/api/team/invite-links"),
    ("DELETE", "/api/team/invite-links/{id}"),
    ("DELETE", "/api/team/invites/{id}"),
    ("POST", "/api/team/leave"),
    ("POST", "/api/team/transfer-ownership"),
    ("PUT", "/api/team/security"),
    ("GET", "/api/invites/{token}"),
    ("POST", "/api/invites/accept"),
    ("GET", "/api/audit"),
    ("GET", "/api/workspace/outbox"),
    ("GET", "/api/workspace"),
    ("PUT", "/api/workspace"),
    ("GET", "/api/workspace/members"),
    ("GET", "/api/workspace/activity"),
    ("GET", "/api/pipeline"),
    ("POST", "/api/pipeline"),
    ("PUT", "/api/pipeline/{id}"),
    ("DELETE", "/api/pipeline/{id}"),
    ("GET", "/api/pipeline/{id}/totals"),
    ("GET", "/api/pipeline/stages"),
    ("POST", "/api/pipeline/stages"),
    ("PUT", "/api/pipeline/stages/{id}"),
    ("DELETE", "/api/pipeline/stages/{id}"),
    ("GET", "/api/pipeline/stages/{id}/history"),
    ("GET", "/api/messaging/accounts"),
    ("POST", "/api/messaging/accounts"),
    ("DELETE", "/api/messaging/accounts/{id}"),
    ("POST", "/api/messaging/accounts/{id}/check"),
    ("GET", "/api/messaging/accounts/{id}/chats"),
    ("PUT", "/api/messaging/accounts/{id}/chats"),
    ("POST", "/api/messaging/accounts/{id}/resync"),
    ("POST", "/api/messaging/telegram/logins"),
    ("GET", "/api/messaging/telegram/logins/{id}"),
    ("DELETE", "/api/messaging/telegram/logins/{id}"),
    ("POST", "/api/messaging/telegram/logins/{id}/answer"),
    ("GET", "/api/messaging/telegram/app"),
    ("PUT", "/api/messaging/telegram/app"),
    ("GET", "/api/messaging/chats"),
    ("GET", "/api/messaging/conversations/{id}"),
    ("GET", "/api/messaging/conversations/{id}/messages"),
    ("POST", "/api/messaging/conversations/{id}/read"),
    ("POST", "/api/messaging/conversations"),
    ("POST", "/api/messaging/conversations/{id}/typing"),
    ("POST", "/api/messaging/send"),
    ("POST", "/api/messaging/send-file"),
    ("POST", "/api/messaging/messages/{id}/retry"),
    ("GET", "/api/messaging/media/{id}"),
    ("GET", "/api/messaging/search"),
    ("GET", "/api/messaging/folders"),
    ("POST", "/api/messaging/folders"),
    ("PUT", "/api/messaging/folders/{id}"),
    ("DELETE", "/api/messaging/folders/{id}"),
    ("PUT", "/api/messaging/conversations/{id}/folders"),
    ("GET", "/api/crm/companies"),
    ("POST", "/api/crm/companies"),
    ("GET", "/api/crm/companies/{id}"),
    ("PUT", "/api/crm/companies/{id}"),
    ("DELETE", "/api/crm/companies/{id}"),
    ("GET", "/api/crm/companies/{id}/activities"),
    ("GET", "/api/crm/contacts"),
    ("POST", "/api/crm/contacts"),
    ("GET", "/api/crm/contacts/{id}"),
    ("PUT", "/api/crm/contacts/{id}"),
    ("PATCH", "/api/crm/contacts/{id}"),
    ("DELETE", "/api/crm/contacts/{id}"),
    ("GET", "/api/crm/contacts/{id}/notes"),
    ("POST", "/api/crm/contacts/{id}/notes"),
    ("GET", "/api/crm/contacts/{id}/reminders"),
    ("POST", "/api/crm/contacts/{id}/reminders"),
    ("GET", "/api/crm/contacts/{id}/activities"),
    ("GET", "/api/crm/deals"),
    ("POST", "/api/crm/deals"),
    ("GET", "/api/crm/deals/{id}"),
    ("PUT", "/api/crm/deals/{id}"),
    ("DELETE", "/api/crm/deals/{id}"),
    ("PATCH", "/api/crm/deals/{id}/stage"),
    ("GET", "/api/crm/deals/{id}/history"),
    ("GET", "/api/crm/deals/{id}/notes"),
    ("POST", "/api/crm/deals/{id}/notes"),
    ("GET", "/api/crm/deals/{id}/reminders"),
    ("POST", "/api/crm/deals/{id}/reminders"),
    ("GET", "/api/crm/deals/{id}/activities"),
    ("DELETE", "/api/crm/notes/{id}"),
    ("PATCH", "/api/crm/reminders/{id}"),
    ("DELETE", "/api/crm/reminders/{id}"),
    ("POST", "/api/crm/contacts/import/preview"),
    ("POST", "/api/crm/contacts/import"),
    ("GET", "/api/crm/contacts/export.csv"),
    ("GET", "/api/crm/companies/export.csv"),
    ("GET", "/api/crm/deals/export.csv"),
];

const PUBLIC_OPERATIONS: &[&str] = &[
    "signUp",
    "signIn",
    "validateTwoFactor",
    "forgotPassword",
    "resetPassword",
    "verifyEmail",
    "confirmEmailChange",
    "previewInvite",
    "acceptInvite",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

async fn fetch_document(app: &crate::helpers::TestApp) -> Value {
    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    serde_json::from_str(&res.text().await.unwrap()).expect("the document is JSON")
}

/// `(METHOD, path, operation)` for every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                found.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_exactly_once() {
    on_each_backend(|app| async move {
        let doc = fetch_document(&app).await;
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "{}",
            doc["openapi"]
        );
        assert_eq!(doc["info"]["title"], "Parley API");
        let documented: BTreeSet<(String, String)> = operations(&doc)
            .into_iter()
            .map(|(m, p, _)| (m, p))
            .collect();
        let expected: BTreeSet<(String, String)> = EXPECTED_OPERATIONS
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        let missing: Vec<_> = expected.difference(&documented).collect();
        let unexpected: Vec<_> = documented.difference(&expected).collect();
        assert!(
            missing.is_empty() && unexpected.is_empty(),
            "missing from the document: {missing:?}; not in EXPECTED_OPERATIONS: {unexpected:?}"
        );
        let ids: Vec<&str> = operations(&doc)
            .iter()
            .map(|(m, p, op)| {
                op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{m} {p} has no operationId"))
            })
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate operationIds: {ids:?}");
    })
    .await;
}

#[tokio::test]
async fn every_documented_operation_is_served_by_the_router() {
    on_each_backend(|app| async move {
        let doc = fetch_document(&app).await;
        for (method, path, _) in operations(&doc) {
            let url = app.url(&path.replace("{id}", "1"));
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            // Unauthenticated and without a body: answered by the route (401, 400…), never
            // by the method check (405) or the `/api` fallback ("Route not found").
            let res = app
                .client
                .request(method.clone(), &url)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                !body.contains("Route not found"),
                "{method} {path} is documented but not served: {status} {body}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn contact_input_and_the_error_shape_are_described_as_serialised() {
    on_each_backend(|app| async move {
        let doc = fetch_document(&app).await;
        let schemas = &doc["components"]["schemas"];

        let input = &schemas["ContactInput"];
        assert_eq!(input["type"], "object", "{input}");
        let fields: BTreeSet<&str> = input["properties"]
            .as_object()
            .expect("ContactInput properties")
            .keys()
            .map(String::as_str)
            .collect();
        let expected: BTreeSet<&str> = [
            "firstName",
            "lastName",
            "displayName",
            "email",
            "phone",
            "telegramUserId",
            "telegramUsername",
            "companyId",
            "ownerId",
        ]
        .into();
        assert_eq!(fields, expected);
        // Every field has a default, so none is required.
        assert!(input
            .get("required")
            .is_none_or(|r| r == &Value::Array(vec![])));
        assert!(input["properties"]["email"]["type"]
            .as_array()
            .is_some_and(|t| t.contains(&"string".into()) && t.contains(&"null".into())));
        assert_eq!(input["properties"]["companyId"]["format"], "int64");

        let error = &schemas["AppError"];
        assert_eq!(
            error["required"],
            serde_json::json!(["error", "code"]),
            "{error}"
        );
        assert_eq!(error["properties"]["error"]["type"], "string");
        assert_eq!(error["properties"]["details"]["type"], "array");
        let codes = &schemas["ErrorCode"]["enum"];
        for code in ["NOT_FOUND", "VALIDATION", "UNAUTHORIZED", "RATE_LIMITED"] {
            assert!(codes.as_array().unwrap().contains(&code.into()), "{codes}");
        }
        assert_eq!(
            schemas["FieldError"]["required"],
            serde_json::json!(["field", "message"])
        );

        let get_contact = &doc["paths"]["/api/crm/contacts/{id}"]["get"]["responses"];
        assert_eq!(
            get_contact["404"]["$ref"],
            "#/components/responses/NotFound"
        );
        assert_eq!(
            get_contact["401"]["$ref"],
            "#/components/responses/Unauthorized"
        );
        let not_found = &doc["components"]["responses"]["NotFound"];
        assert_eq!(
            not_found["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/AppError"
        );
    })
    .await;
}

#[tokio::test]
async fn lists_document_their_page_shape_and_query_parameters() {
    on_each_backend(|app| async move {
        let doc = fetch_document(&app).await;
        let list = &doc["paths"]["/api/crm/contacts"]["get"];
        let params: Vec<&str> = list["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| {
                assert_eq!(p["in"], "query", "{p}");
                p["name"].as_str().unwrap()
            })
            .collect();
        for name in [
            "page",
            "limit",
            "search",
            "sort",
            "companyId",
            "contactId",
            "ownerId",
            "pipelineId",
            "stageId",
        ] {
            assert!(params.contains(&name), "{name} missing from {params:?}");
        }
        let limit = list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap();
        assert_eq!(limit["schema"]["maximum"], 200, "{limit}");

        let body = &list["responses"]["200"]["content"]["application/json"]["schema"];
        let page = match body["$ref"].as_str() {
            Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
            None => body,
        };
        assert_eq!(
            page["required"],
            serde_json::json!(["items", "pagination"]),
            "{page}"
        );
        // utoipa inlines a generic's argument: the items are ContactView, spelled out.
        let items = &page["properties"]["items"];
        assert_eq!(items["type"], "array", "{page}");
        assert_eq!(
            items["items"], doc["components"]["schemas"]["ContactView"],
            "{page}"
        );
        let pagination = &doc["components"]["schemas"]["Pagination"]["properties"];
        for field in ["page", "limit", "total", "totalPages"] {
            assert!(pagination.get(field).is_some(), "{pagination}");
        }
    })
    .await;
}

#[tokio::test]
async fn operations_need_a_bearer_token_or_the_session_cookie_unless_public() {
    on_each_backend(|app| async move {
        let doc = fetch_document(&app).await;
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerAuth"]["type"], "http");
        assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
        assert_eq!(schemes["cookieAuth"]["type"], "apiKey");
        assert_eq!(schemes["cookieAuth"]["in"], "cookie");
        assert_eq!(schemes["cookieAuth"]["name"], "parley_session");
        for (method, path, op) in operations(&doc) {
            let id = op["operationId"].as_str().unwrap();
            if PUBLIC_OPERATIONS.contains(&id) {
                assert_eq!(op["security"], serde_json::json!([]), "{method} {path}");
            } else {
                assert_eq!(
                    op["security"],
                    serde_json::json!([{"bearerAuth": []}, {"cookieAuth": []}]),
                    "{method} {path}"
                );
                assert!(op["responses"].get("401").is_some(), "{method} {path}");
            }
            assert!(op["responses"].get("429").is_some(), "{method} {path}");
        }
    })
    .await;
}
