//! The role matrix: every role × every action of `app::access::permissions::MATRIX` (the table
//! docs/PERMISSIONS.md shows), each tried with a real request; allowed or refused exactly as
//! the matrix says.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, TestApp};
use crate::team_support::join_as;
use app::access::permissions::{Action, Grant, MATRIX, ROLES};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Records the probes act on, all owned by the workspace's owner (so "own" grants do not reach
/// them).
struct Fixture {
    contact: i64,
    owner_id: i64,
}

async fn company(app: &TestApp, token: &str, owner: Option<i64>) -> i64 {
    let (status, body) = call(
        app,
        token,
        Method::POST,
        "/api/crm/companies",
        Some(json!({"name": "Probe Co", "ownerId": owner})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// One representative request for `action`; its status.
async fn probe(app: &TestApp, owner: &str, token: &str, f: &Fixture, action: Action) -> StatusCode {
    let req = |method: Method, path: String, body: Option<Value>| async move {
        call(app, token, method, &path, body).await.0
    };
    match action {
        Action::ReadRecords => req(Method::GET, "/api/crm/deals".into(), None).await,
        Action::CreateRecords => {
            req(
                Method::POST,
                "/api/crm/companies".into(),
                Some(json!({"name": "New"})),
            )
            .await
        }
        Action::EditRecords => {
            let id = company(app, owner, Some(f.owner_id)).await;
            req(
                Method::PUT,
                format!("/api/crm/companies/{id}"),
                Some(json!({"name": "Renamed", "ownerId": f.owner_id})),
            )
            .await
        }
        Action::DeleteRecords => {
            let id = company(app, owner, Some(f.owner_id)).await;
            req(Method::DELETE, format!("/api/crm/companies/{id}"), None).await
        }
        Action::ImportRecords => {
            req(
                Method::POST,
                "/api/crm/contacts/import".into(),
                Some(json!({"csv": "First name,Email\nIan,ian@example.com\n"})),
            )
            .await
        }
        Action::WriteNotes => {
            // A note of the owner's: adding is open to every writer, deleting someone else's is not.
            let (_, note) = call(
                app,
                owner,
                Method::POST,
                &format!("/api/crm/contacts/{}/notes", f.contact),
                Some(json!({"body": "owner's"})),
            )
            .await;
            req(
                Method::DELETE,
                format!("/api/crm/notes/{}", note["id"]),
                None,
            )
            .await
        }
        // Refused before the conversation is looked up: 403, or 404 for a role that may.
        Action::ReplyInConversations => {
            req(
                Method::POST,
                "/api/messaging/send".into(),
                Some(json!({"conversationId": 999_999, "text": "hi"})),
            )
            .await
        }
        Action::StartConversations => {
            req(
                Method::POST,
                "/api/messaging/conversations".into(),
                Some(json!({"accountId": 999_999, "username": "somebody"})),
            )
            .await
        }
        Action::AssignConversations => {
            let res = app
                .client
                .post(app.url("/sfn/assign_conversation"))
                .bearer_auth(token)
                .form(&[("id", "999999")])
                .send()
                .await
                .unwrap();
            res.status()
        }
        Action::ManageFolders => {
            req(
                Method::POST,
                "/api/messaging/folders".into(),
                Some(json!({"name": "Hot"})),
            )
            .await
        }
        Action::ConnectChannels => {
            req(
                Method::POST,
                "/api/messaging/accounts".into(),
                Some(json!({"type": "telegram_bot", "token": ""})),
            )
            .await
        }
        Action::ConfigurePipelines => {
            req(
                Method::POST,
                "/api/pipeline".into(),
                Some(json!({"name": "P", "isDefault": false})),
            )
            .await
        }
        Action::ManageWorkspace => {
            req(
                Method::PUT,
                "/api/workspace".into(),
                Some(json!({"name": "Acme"})),
            )
            .await
        }
        Action::ManageTeam => {
            req(
                Method::POST,
                "/api/team/invite-links".into(),
                Some(json!({"role": "viewer"})),
            )
            .await
        }
        Action::ReadAuditLog => req(Method::GET, "/api/audit".into(), None).await,
        Action::SetSecurityPolicy => {
            req(
                Method::PUT,
                "/api/team/security".into(),
                Some(json!({"requireTwoFactor": false})),
            )
            .await
        }
        Action::TransferOwnership => {
            req(
                Method::POST,
                "/api/team/transfer-ownership".into(),
                Some(json!({"userId": 999_999})),
            )
            .await
        }
    }
}

#[tokio::test]
async fn every_role_may_do_exactly_what_the_matrix_says() {
    on_each_backend(|app| async move {
        let (owner, body) = app.new_account("Acme").await;
        let owner_id = body["user"]["id"].as_i64().unwrap();
        let (_, contact) = call(
            &app,
            &owner,
            Method::POST,
            "/api/crm/contacts",
            Some(json!({"firstName": "Pat", "ownerId": owner_id})),
        )
        .await;
        let fixture = Fixture {
            contact: contact["id"].as_i64().unwrap(),
            owner_id,
        };
        let mut tokens = Vec::new();
        for role in ROLES {
            let token = match role.as_str() {
                "owner" => owner.clone(),
                other => join_as(&app, &owner, other).await.0,
            };
            tokens.push((role, token));
        }
        let mut checked = 0;
        for (action, name, _, _) in MATRIX {
            for (role, token) in &tokens {
                let status = probe(&app, &owner, token, &fixture, *action).await;
                // The probes act on the owner's records, which an "own" grant does not reach.
                let expected = role.grant(*action) == Grant::All
                    || (role.grant(*action) == Grant::Own
                        && !matches!(
                            action,
                            Action::EditRecords | Action::DeleteRecords | Action::WriteNotes
                        ));
                assert_eq!(
                    status != StatusCode::FORBIDDEN,
                    expected,
                    "{name} as {}: {status}",
                    role.as_str()
                );
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{name} as {}",
                    role.as_str()
                );
                checked += 1;
            }
        }
        assert_eq!(checked, MATRIX.len() * 5);
    })
    .await;
}

#[tokio::test]
async fn reps_edit_their_own_and_unowned_records_but_not_others_and_hand_nothing_away() {
    on_each_backend(|app| async move {
        let (owner, body) = app.new_account("Acme").await;
        let owner_id = body["user"]["id"].as_i64().unwrap();
        let (rep, rep_id) = join_as(&app, &owner, "rep").await;
        let mine = company(&app, &rep, Some(rep_id)).await;
        let unowned = company(&app, &owner, None).await;
        let theirs = company(&app, &owner, Some(owner_id)).await;
        for (id, owner_field, expected) in [
            (mine, Some(rep_id), StatusCode::OK),
            (unowned, None, StatusCode::OK),
            (theirs, Some(owner_id), StatusCode::FORBIDDEN),
            (mine, Some(owner_id), StatusCode::FORBIDDEN),
        ] {
            let (status, body) = call(
                &app,
                &rep,
                Method::PUT,
                &format!("/api/crm/companies/{id}"),
                Some(json!({"name": "Edited", "ownerId": owner_field})),
            )
            .await;
            assert_eq!(status, expected, "{id} {owner_field:?}: {body}");
        }
        let (status, _) = call(
            &app,
            &rep,
            Method::POST,
            "/api/crm/deals",
            Some(json!({"title": "For the boss", "ownerId": owner_id})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, deal) = call(
            &app,
            &owner,
            Method::POST,
            "/api/crm/deals",
            Some(json!({"title": "Boss deal", "ownerId": owner_id})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{deal}");
        let stages = deal["pipelineId"].as_i64().unwrap();
        let (_, list) = call(
            &app,
            &owner,
            Method::GET,
            &format!("/api/pipeline/stages?pipelineId={stages}"),
            None,
        )
        .await;
        let next = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] != deal["stageId"])
            .unwrap()["id"]
            .clone();
        let (status, _) = call(
            &app,
            &rep,
            Method::PATCH,
            &format!("/api/crm/deals/{}/stage", deal["id"]),
            Some(json!({"stageId": next})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a rep cannot move someone else's deal"
        );
        let (status, _) = call(
            &app,
            &rep,
            Method::DELETE,
            &format!("/api/crm/companies/{mine}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}
