use crate::crm_support::call;
use crate::helpers::{assert_error, on_each_backend};
use reqwest::StatusCode;
use serde_json::{json, Value};

use reqwest::Method as M;

#[tokio::test]
async fn a_new_workspace_has_the_default_pipeline() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Pipes").await;
        let (s, pipelines) = call(&app, &t, M::GET, "/api/pipeline", None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(pipelines.as_array().unwrap().len(), 1);
        let stages: Vec<(&str, &str)> = pipelines[0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap(), s["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(
            stages,
            [
                ("New", "open"),
                ("Qualified", "open"),
                ("Proposal", "open"),
                ("Negotiation", "open"),
                ("Won", "won"),
                ("Lost", "lost")
            ]
        );
        assert_eq!(pipelines[0]["isDefault"], true);
    })
    .await;
}

#[tokio::test]
async fn contacts_have_full_crud_with_trimming_and_201_204() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Crud").await;
        let (s, company) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": " Acme Corp ", "industry": "Logistics"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{company}");
        assert_eq!(company["name"], "Acme Corp");
        let (s, c) = call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({
            "firstName": " Ada ", "lastName": "Lovelace", "email": "ADA@Example.com", "phone": "+44 20 7946 0000",
            "telegramUsername": "@ada_l", "companyId": company["id"]
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["displayName"], "Ada Lovelace");
        assert_eq!(c["email"], "ada@example.com");
        assert_eq!(c["telegramUsername"], "ada_l");
        assert_eq!(c["companyName"], "Acme Corp");
        let id = c["id"].as_i64().unwrap();

        let (s, got) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{id}"), None).await;
        assert_eq!((s, got["id"].as_i64()), (StatusCode::OK, Some(id)));

        let (s, patched) = call(&app, &t, M::PATCH, &format!("/api/crm/contacts/{id}"), Some(json!({"phone": null, "lastName": "King"}))).await;
        assert_eq!(s, StatusCode::OK, "{patched}");
        assert_eq!(patched["phone"], Value::Null);
        assert_eq!(patched["lastName"], "King");
        assert_eq!(patched["email"], "ada@example.com", "PATCH keeps what it does not name");

        let (s, put) = call(&app, &t, M::PUT, &format!("/api/crm/contacts/{id}"), Some(json!({"displayName": "Countess"}))).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(put["email"], Value::Null, "PUT replaces the whole record");

        let (s, timeline) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{id}/activities"), None).await;
        assert_eq!(s, StatusCode::OK);
        let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["edited", "edited", "created"]);
        let fields = timeline[1]["data"]["fields"].as_array().unwrap();
        assert!(fields.contains(&json!("lastName")) && fields.contains(&json!("phone")), "{fields:?}");

        let (s, _) = call(&app, &t, M::DELETE, &format!("/api/crm/contacts/{id}"), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = call(&app, &t, M::GET, &format!("/api/crm/contacts/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn invalid_records_answer_400_validation_naming_the_fields() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Valid").await;
        let (s, body) = call(&app, &t, M::POST, "/api/crm/contacts", Some(json!({"email": "nope", "phone": "call me", "telegramUsername": "x"}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "VALIDATION");
        let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["displayName", "email", "phone", "telegramUsername"]);

        let (s, body) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({"title": "", "valueMinor": -5, "currency": "dollars", "expectedCloseDate": "31/12/2026", "probability": 101}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let fields: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["currency", "expectedCloseDate", "probability", "title", "valueMinor"]);

        let long = "x".repeat(201);
        let (s, body) = call(&app, &t, M::POST, "/api/crm/companies", Some(json!({"name": long}))).await;
        assert_eq!((s, body["details"][0]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("too_long")));
    })
    .await;
}

#[tokio::test]
async fn deals_move_only_within_their_pipeline_and_keep_history() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Deals").await;
        let (_, pipelines) = call(&app, &t, M::GET, "/api/pipeline", None).await;
        let stages = pipelines[0]["stages"].as_array().unwrap().clone();
        let (s, deal) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/deals",
            Some(json!({"title": "Big one", "valueMinor": 1250000, "currency": "eur"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{deal}");
        assert_eq!(
            deal["stageName"], "New",
            "new deals start in the default pipeline's first stage"
        );
        assert_eq!(deal["currency"], "EUR");
        let id = deal["id"].as_i64().unwrap();

        let (s, moved) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{id}/stage"),
            Some(json!({"stageId": stages[2]["id"], "reason": "sent the proposal"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{moved}");
        assert_eq!(moved["stageName"], "Proposal");

        // A stage of another workspace's pipeline does not exist here.
        let (other, _) = app.new_account("Other").await;
        let (_, theirs) = call(&app, &other, M::GET, "/api/pipeline", None).await;
        let foreign_stage = theirs[0]["stages"][1]["id"].clone();
        let (s, body) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{id}/stage"),
            Some(json!({"stageId": foreign_stage})),
        )
        .await;
        assert_eq!(
            (s, body["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("VALIDATION"))
        );
        assert_eq!(body["details"][0]["field"], "stageId");

        let (_, timeline) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{id}/activities"),
            None,
        )
        .await;
        assert_eq!(timeline[0]["kind"], "stage_changed");
        assert_eq!(timeline[0]["data"]["to"], "Proposal");
        assert_eq!(timeline[0]["data"]["reason"], "sent the proposal");
        let history: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM stage_history WHERE deal_id = $1")
                .bind(id)
                .fetch_one(&app.db().await)
                .await
                .unwrap();
        assert_eq!(history, 2, "creation and the move");
    })
    .await;
}

#[tokio::test]
async fn foreign_ids_answer_404_and_foreign_references_are_refused() {
    on_each_backend(|app| async move {
        let (a, _) = app.new_account("A").await;
        let (b, _) = app.new_account("B").await;
        let (_, company_b) = call(
            &app,
            &b,
            M::POST,
            "/api/crm/companies",
            Some(json!({"name": "B's company"})),
        )
        .await;
        let (_, contact_b) = call(
            &app,
            &b,
            M::POST,
            "/api/crm/contacts",
            Some(json!({"displayName": "B's contact"})),
        )
        .await;
        let (_, deal_b) = call(
            &app,
            &b,
            M::POST,
            "/api/crm/deals",
            Some(json!({"title": "B's deal"})),
        )
        .await;
        for (path, id) in [
            ("companies", &company_b),
            ("contacts", &contact_b),
            ("deals", &deal_b),
        ] {
            let url = format!("/api/crm/{path}/{}", id["id"]);
            assert_eq!(
                call(&app, &a, M::GET, &url, None).await.0,
                StatusCode::NOT_FOUND,
                "{url}"
            );
            assert_eq!(
                call(&app, &a, M::DELETE, &url, None).await.0,
                StatusCode::NOT_FOUND,
                "{url}"
            );
        }
        let (s, body) = call(
            &app,
            &a,
            M::POST,
            "/api/crm/contacts",
            Some(json!({"displayName": "Mine", "companyId": company_b["id"]})),
        )
        .await;
        assert_eq!(
            (s, body["details"][0]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("companyId"))
        );
        let (s, _) = call(
            &app,
            &a,
            M::GET,
            &format!("/api/crm/contacts/{}/notes", contact_b["id"]),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = call(&app, &a, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(list["pagination"]["total"], 0);
        // B's records are untouched.
        let (s, _) = call(
            &app,
            &b,
            M::GET,
            &format!("/api/crm/deals/{}", deal_b["id"]),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn deleting_a_company_with_deals_answers_409_unless_told_to_detach() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Del").await;
        let (_, co) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/companies",
            Some(json!({"name": "Has deals"})),
        )
        .await;
        let (_, deal) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/deals",
            Some(json!({"title": "Attached", "companyId": co["id"]})),
        )
        .await;
        let url = format!("/api/crm/companies/{}", co["id"]);
        let (s, body) = call(&app, &t, M::DELETE, &url, None).await;
        assert_eq!(
            (s, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("CONFLICT"))
        );
        let (s, _) = call(
            &app,
            &t,
            M::DELETE,
            &format!("{url}?detachDeals=true"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, kept) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{}", deal["id"]),
            None,
        )
        .await;
        assert_eq!(kept["companyId"], Value::Null);
    })
    .await;
}

#[tokio::test]
async fn notes_and_reminders_live_on_contacts_and_deals() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Notes").await;
        let (_, deal) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/deals",
            Some(json!({"title": "Noted"})),
        )
        .await;
        let base = format!("/api/crm/deals/{}", deal["id"]);
        let (s, note) = call(
            &app,
            &t,
            M::POST,
            &format!("{base}/notes"),
            Some(json!({"body": "  Called, interested.  "})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{note}");
        assert_eq!(note["body"], "Called, interested.");
        let (s, body) = call(
            &app,
            &t,
            M::POST,
            &format!("{base}/notes"),
            Some(json!({"body": "   "})),
        )
        .await;
        assert_eq!(
            (s, body["details"][0]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("body"))
        );
        let (s, r) = call(
            &app,
            &t,
            M::POST,
            &format!("{base}/reminders"),
            Some(json!({"title": "Follow up", "dueAt": 4102444800000i64})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let (s, done) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/reminders/{}", r["id"]),
            Some(json!({"done": true})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(done["doneAt"].as_i64().is_some());
        let (_, notes) = call(&app, &t, M::GET, &format!("{base}/notes"), None).await;
        assert_eq!(notes.as_array().unwrap().len(), 1);
        let (_, timeline) = call(&app, &t, M::GET, &format!("{base}/activities"), None).await;
        let kinds: Vec<&str> = timeline
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["reminder_done", "reminder_added", "note_added", "created"]
        );
        assert_eq!(
            call(
                &app,
                &t,
                M::DELETE,
                &format!("/api/crm/notes/{}", note["id"]),
                None
            )
            .await
            .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(
                &app,
                &t,
                M::DELETE,
                &format!("/api/crm/reminders/{}", r["id"]),
                None
            )
            .await
            .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(
                &app,
                &t,
                M::DELETE,
                &format!("/api/crm/notes/{}", note["id"]),
                None
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn viewers_read_but_cannot_write_records() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Team").await;
        let (viewer, viewer_body) = app.new_account("Own").await;
        let team = owner_body["workspace"]["id"].as_i64().unwrap();
        sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'viewer', 0)")
            .bind(team)
            .bind(viewer_body["user"]["id"].as_i64().unwrap())
            .execute(&app.db().await)
            .await
            .unwrap();
        app.client.post(app.url("/sfn/switch_workspace")).bearer_auth(&viewer).form(&[("workspace_id", team.to_string())]).send().await.unwrap();
        let (_, c) = call(&app, &owner, M::POST, "/api/crm/contacts", Some(json!({"displayName": "Visible"}))).await;
        let (s, list) = call(&app, &viewer, M::GET, "/api/crm/contacts", None).await;
        assert_eq!((s, list["pagination"]["total"].as_i64()), (StatusCode::OK, Some(1)));
        let (s, body) = call(&app, &viewer, M::POST, "/api/crm/contacts", Some(json!({"displayName": "Nope"}))).await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("FORBIDDEN")));
        let (s, _) = call(&app, &viewer, M::DELETE, &format!("/api/crm/contacts/{}", c["id"]), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let _ = assert_error;
    })
    .await;
}
