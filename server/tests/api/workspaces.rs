use crate::helpers::{assert_error, on_each_backend};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn an_owner_renames_the_workspace_and_an_event_is_recorded() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Old name").await;
        let res = app
            .client
            .put(app.url("/api/workspace"))
            .bearer_auth(&token)
            .json(&json!({"name": "  New name "}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.json::<Value>().await.unwrap()["name"], "New name");
        let home: Value = app
            .get_bearer("/api/workspace/activity", &token)
            .await
            .json()
            .await
            .unwrap();
        let kinds: Vec<&str> = home["recentEvents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["workspace.renamed", "member.joined", "workspace.created"]
        );
        let seqs: Vec<i64> = home["recentEvents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(
            seqs,
            [3, 2, 1],
            "sequence numbers are per workspace and gapless"
        );
    })
    .await;
}

#[tokio::test]
async fn renaming_to_an_empty_name_answers_400_validation() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Keep").await;
        let res = app
            .client
            .put(app.url("/api/workspace"))
            .bearer_auth(&token)
            .json(&json!({"name": "   "}))
            .send()
            .await
            .unwrap();
        let body = assert_error(res, StatusCode::BAD_REQUEST, "VALIDATION").await;
        assert_eq!(body["details"][0]["field"], "name");
    })
    .await;
}

#[tokio::test]
async fn a_viewer_cannot_rename_the_workspace() {
    on_each_backend(|app| async move {
        let (owner, owner_body) = app.new_account("Team A").await;
        let (viewer, viewer_body) = app.new_account("Viewer's own").await;
        let team_a = owner_body["workspace"]["id"].as_i64().unwrap();
        let viewer_id = viewer_body["user"]["id"].as_i64().unwrap();
        // Invites arrive with the team issue; arrange the membership directly.
        sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'viewer', 0)")
            .bind(team_a)
            .bind(viewer_id)
            .execute(&app.db().await)
            .await
            .unwrap();
        let switch = app.client.post(app.url("/sfn/switch_workspace")).bearer_auth(&viewer).form(&[("workspace_id", team_a.to_string())]).send().await.unwrap();
        assert_eq!(switch.status(), StatusCode::OK);
        let me: Value = app.get_bearer("/api/auth/me", &viewer).await.json().await.unwrap();
        assert_eq!(me["workspace"]["id"], team_a);
        assert_eq!(me["role"], "viewer");
        assert_eq!(me["workspaces"].as_array().unwrap().len(), 2);

        let res = app.client.put(app.url("/api/workspace")).bearer_auth(&viewer).json(&json!({"name": "Taken over"})).send().await.unwrap();
        assert_error(res, StatusCode::FORBIDDEN, "FORBIDDEN").await;
        let ws: Value = app.get_bearer("/api/workspace", &owner).await.json().await.unwrap();
        assert_eq!(ws["name"], "Team A");
    })
    .await;
}

#[tokio::test]
async fn switching_to_a_workspace_one_does_not_belong_to_answers_404() {
    on_each_backend(|app| async move {
        let (_, other) = app.new_account("Other").await;
        let (me, _) = app.new_account("Mine").await;
        let target = other["workspace"]["id"].as_i64().unwrap();
        let res = app
            .client
            .post(app.url("/sfn/switch_workspace"))
            .bearer_auth(&me)
            .form(&[("workspace_id", target.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "NOT_FOUND");
        let now: Value = app
            .get_bearer("/api/auth/me", &me)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(now["workspace"]["name"], "Mine");
    })
    .await;
}

#[tokio::test]
async fn a_user_creates_a_second_workspace_and_signs_in_to_the_last_one_used() {
    on_each_backend(|app| async move {
        let email = crate::helpers::unique_email("multi");
        let (_, body) = app.sign_up(&email, "a fine password", "First").await;
        let token = body["accessToken"].as_str().unwrap().to_string();
        let res = app
            .client
            .post(app.url("/sfn/create_workspace"))
            .bearer_auth(&token)
            .form(&[("input[name]", "Second")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let me: Value = app
            .get_bearer("/api/auth/me", &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["workspace"]["name"], "Second");
        assert_eq!(me["role"], "owner");
        let signin: Value = app
            .sign_in(&email, "a fine password")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(signin["workspace"]["name"], "Second");
    })
    .await;
}
