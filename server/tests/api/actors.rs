//! Who acts: changes made by an automation rule or by Parley itself record that source in
//! stage history, the timeline and the audit log.

use crate::crm_support::call;
use reqwest::{Method as M, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_by_a_rule_or_by_parley_record_their_source() {
    use crate::helpers::on_each_backend;
    use crate::pipelines::{create_pipeline, deal, stage_id};
    use app::access::server::{Actor, AuthContext};
    use app::deals::StageChange;
    use app::ids::{DealId, StageId, WorkspaceId};
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Actors").await;
        let p = create_pipeline(
            &app,
            &t,
            "Sales",
            &[
                ("New", "open", 10),
                ("Talking", "open", 50),
                ("Won", "won", 100),
            ],
        )
        .await;
        let pipeline = p["id"].as_i64().unwrap();
        let (new, talking, won) = (
            stage_id(&p, "New"),
            stage_id(&p, "Talking"),
            stage_id(&p, "Won"),
        );
        let id = deal(&app, &t, "Acme", new, pipeline, 10_000, "EUR").await;
        let (_, me) = call(&app, &t, M::GET, "/api/auth/me", None).await;
        let ws = WorkspaceId(me["workspace"]["id"].as_i64().unwrap());

        // A rule acts with its author's rights; Parley with the owner's.
        let system = AuthContext::system(&app.state, ws).await.unwrap();
        assert_eq!(system.user_id.0, me["user"]["id"].as_i64().unwrap());
        let rule = system.clone().acting_as(Actor::Automation { rule_id: 7 });
        let change = |stage_id| StageChange {
            stage_id: StageId(stage_id),
            reason: None,
            after_deal_id: None,
            value_minor: None,
        };
        app::deals::server::change_stage(&app.state, &rule, DealId(id), change(talking))
            .await
            .unwrap();
        app::deals::server::change_stage(&app.state, &system, DealId(id), change(won))
            .await
            .unwrap();
        // And a member through the API, as before.
        let (s, _) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{id}/stage"),
            Some(json!({ "stageId": new })),
        )
        .await;
        assert_eq!(s, StatusCode::OK);

        let (_, history) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{id}/history"),
            None,
        )
        .await;
        let mut sources: Vec<(i64, String)> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["toStageId"].as_i64().unwrap(),
                    h["source"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        sources.sort();
        let mut expected = vec![
            // Created through the API.
            (new, "api".to_string()),
            (talking, "automation".to_string()),
            (won, "system".to_string()),
            (new, "api".to_string()),
        ];
        expected.sort();
        assert_eq!(sources, expected, "{history}");

        // The deal's timeline says how each move was made, and shows no member for those a
        // rule or Parley made.
        let (_, timeline) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{id}/activities"),
            None,
        )
        .await;
        let mut moves: Vec<&str> = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "stage_changed")
            .map(|a| a["source"].as_str().unwrap())
            .collect();
        moves.sort();
        assert_eq!(moves, ["api", "automation", "system"], "{timeline}");

        // The audit log records Parley as the author of what it changed.
        let input = app::workspaces::WorkspaceInput {
            name: "Actors renamed".into(),
        };
        app::workspaces::server::rename(&app.state, &system, input)
            .await
            .unwrap();
        let (_, log) = call(&app, &t, M::GET, "/api/audit?action=workspace", None).await;
        let renamed = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "workspace.renamed")
            .unwrap_or_else(|| panic!("{log}"));
        assert_eq!(renamed["source"], "system");
    })
    .await;
}
