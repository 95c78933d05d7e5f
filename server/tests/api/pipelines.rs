//! Pipeline administration on both backends: roles, shaping, deleting stages and pipelines.
//! The helpers here are shared with `stage_moves.rs`.

use crate::crm_support::{call, owner_and_member};
use crate::helpers::{on_each_backend, TestApp};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

pub(crate) async fn create_pipeline(
    app: &TestApp,
    t: &str,
    name: &str,
    stages: &[(&str, &str, i64)],
) -> Value {
    let (s, p) = call(
        app,
        t,
        M::POST,
        "/api/pipeline",
        Some(json!({ "name": name })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    for (name, kind, probability) in stages {
        let body =
            json!({ "pipelineId": id, "name": name, "kind": kind, "probability": probability });
        let (s, stage) = call(app, t, M::POST, "/api/pipeline/stages", Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{stage}");
    }
    pipeline(app, t, id).await
}

pub(crate) async fn pipeline(app: &TestApp, t: &str, id: i64) -> Value {
    let (_, all) = call(app, t, M::GET, "/api/pipeline", None).await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .expect("the pipeline")
}

pub(crate) fn stage_id(pipeline: &Value, name: &str) -> i64 {
    pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .expect(name)["id"]
        .as_i64()
        .unwrap()
}

pub(crate) fn stage_names(pipeline: &Value) -> Vec<String> {
    pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn deal(
    app: &TestApp,
    t: &str,
    title: &str,
    stage: i64,
    pipeline: i64,
    value: i64,
    currency: &str,
) -> i64 {
    let body = json!({ "title": title, "valueMinor": value, "currency": currency, "pipelineId": pipeline, "stageId": stage });
    let (s, d) = call(app, t, M::POST, "/api/crm/deals", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["id"].as_i64().unwrap()
}

#[tokio::test]
async fn only_owners_and_admins_configure_pipelines() {
    on_each_backend(|app| async move {
        for role in ["rep", "viewer", "supervisor"] {
            let (owner, _, member) = owner_and_member(&app, role).await;
            let p = create_pipeline(&app, &owner, "Partners", &[("Intro", "open", 10)]).await;
            let (pid, sid) = (p["id"].as_i64().unwrap(), stage_id(&p, "Intro"));
            let attempts = [
                (
                    M::POST,
                    "/api/pipeline".to_string(),
                    Some(json!({ "name": "Mine" })),
                ),
                (
                    M::PUT,
                    format!("/api/pipeline/{pid}"),
                    Some(json!({ "name": "Renamed" })),
                ),
                (M::DELETE, format!("/api/pipeline/{pid}"), None),
                (
                    M::POST,
                    "/api/pipeline/stages".to_string(),
                    Some(json!({ "pipelineId": pid, "name": "X" })),
                ),
                (
                    M::PUT,
                    format!("/api/pipeline/stages/{sid}"),
                    Some(json!({ "name": "Y" })),
                ),
                (M::DELETE, format!("/api/pipeline/stages/{sid}"), None),
            ];
            for (method, path, body) in attempts {
                let (s, err) = call(&app, &member, method.clone(), &path, body).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} {method} {path}: {err}");
                assert_eq!(err["code"], "FORBIDDEN");
            }
            // Reading stays open, and nothing changed.
            let (s, _) = call(&app, &member, M::GET, "/api/pipeline", None).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(stage_names(&pipeline(&app, &owner, pid).await), ["Intro"]);
            assert_eq!(pipeline(&app, &owner, pid).await["name"], "Partners");
        }
        // An admin may.
        let (_, _, admin) = owner_and_member(&app, "admin").await;
        let (s, _) = call(
            &app,
            &admin,
            M::POST,
            "/api/pipeline",
            Some(json!({ "name": "Admin's" })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn pipelines_and_stages_are_shaped_in_place() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Shape").await;
        let p = create_pipeline(&app, &t, "Enterprise", &[("A", "open", 10), ("B", "open", 20), ("C", "won", 100), ("D", "lost", 0)]).await;
        let pid = p["id"].as_i64().unwrap();
        assert_eq!(p["isDefault"], false);
        assert_eq!(stage_names(&p), ["A", "B", "C", "D"]);
        // Move B to the front, rename and recolour C.
        let b = stage_id(&p, "B");
        let (s, _) = call(&app, &t, M::PUT, &format!("/api/pipeline/stages/{b}"), Some(json!({ "name": "B", "position": 0, "probability": 20 }))).await;
        assert_eq!(s, StatusCode::OK);
        let c = stage_id(&p, "C");
        let (s, stage) = call(&app, &t, M::PUT, &format!("/api/pipeline/stages/{c}"),
            Some(json!({ "name": "Closed won", "color": "#16A34A", "kind": "won", "probability": 100, "rottingDays": 30 }))).await;
        assert_eq!(s, StatusCode::OK, "{stage}");
        assert_eq!(stage["color"], "#16a34a");
        assert_eq!(stage["rottingDays"], 30);
        let p = pipeline(&app, &t, pid).await;
        assert_eq!(stage_names(&p), ["B", "A", "Closed won", "D"]);
        let positions: Vec<i64> = p["stages"].as_array().unwrap().iter().map(|s| s["position"].as_i64().unwrap()).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        // Bad input is refused per field.
        let (s, err) = call(&app, &t, M::POST, "/api/pipeline/stages",
            Some(json!({ "pipelineId": pid, "name": " ", "color": "blue", "probability": 101, "rottingDays": 0 }))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
        let fields: Vec<&str> = err["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["color", "name", "probability", "rottingDays"]);
        // Default: making this one the default takes it from the old one.
        let (s, view) = call(&app, &t, M::PUT, &format!("/api/pipeline/{pid}"), Some(json!({ "name": "Enterprise sales", "isDefault": true }))).await;
        assert_eq!(s, StatusCode::OK, "{view}");
        let (_, all) = call(&app, &t, M::GET, "/api/pipeline", None).await;
        let defaults: Vec<&str> = all.as_array().unwrap().iter().filter(|p| p["isDefault"] == true).map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(defaults, ["Enterprise sales"]);
        // New deals now land in its first stage.
        let (_, d) = call(&app, &t, M::POST, "/api/crm/deals", Some(json!({ "title": "Default lands" }))).await;
        assert_eq!(d["stageId"], b);
        // Another workspace's pipeline and stage are not found.
        let (other, _) = app.new_account("Other").await;
        let (s, _) = call(&app, &other, M::PUT, &format!("/api/pipeline/{pid}"), Some(json!({ "name": "Stolen" }))).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call(&app, &other, M::DELETE, &format!("/api/pipeline/stages/{b}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call(&app, &other, M::GET, &format!("/api/pipeline/stages/{b}/history"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Reordering a pipeline with a foreign stage in the list is refused.
        let (s, _) = call(&app, &other, M::POST, "/api/pipeline/stages", Some(json!({ "pipelineId": pid, "name": "Sneaky" }))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(stage_names(&pipeline(&app, &t, pid).await), ["B", "A", "Closed won", "D"]);
    })
    .await;
}

#[tokio::test]
async fn deleting_a_stage_moves_its_deals_and_writes_their_history() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Delete").await;
        let p = create_pipeline(
            &app,
            &t,
            "Main",
            &[("Old", "open", 10), ("Keep", "open", 30)],
        )
        .await;
        let other = create_pipeline(&app, &t, "Other", &[("Elsewhere", "open", 10)]).await;
        let pid = p["id"].as_i64().unwrap();
        let (old, keep) = (stage_id(&p, "Old"), stage_id(&p, "Keep"));
        let mut ids = Vec::new();
        for i in 0..3 {
            ids.push(deal(&app, &t, &format!("Deal {i}"), old, pid, 1000, "USD").await);
        }
        let kept = deal(&app, &t, "Already there", keep, pid, 500, "USD").await;
        // Without a destination: refused, nothing changed.
        let (s, err) = call(
            &app,
            &t,
            M::DELETE,
            &format!("/api/pipeline/stages/{old}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{err}");
        assert!(err["error"].as_str().unwrap().contains("3 deal"), "{err}");
        // Another pipeline's stage, or the stage itself: refused.
        let elsewhere = stage_id(&other, "Elsewhere");
        for to in [elsewhere, old] {
            let (s, err) = call(
                &app,
                &t,
                M::DELETE,
                &format!("/api/pipeline/stages/{old}?moveToStageId={to}"),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
            assert_eq!(err["details"][0]["field"], "moveToStageId");
        }
        assert_eq!(stage_names(&pipeline(&app, &t, pid).await), ["Old", "Keep"]);
        let (s, _) = call(
            &app,
            &t,
            M::DELETE,
            &format!("/api/pipeline/stages/{old}?moveToStageId={keep}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(stage_names(&pipeline(&app, &t, pid).await), ["Keep"]);
        let (_, page) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals?stageId={keep}&sort=position&limit=10"),
            None,
        )
        .await;
        let titles: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap())
            .collect();
        // The moved deals go below the ones already there, in their old order.
        assert_eq!(
            titles,
            ["Already there", "Deal 2", "Deal 1", "Deal 0"],
            "{page}"
        );
        for id in &ids {
            let (_, history) = call(
                &app,
                &t,
                M::GET,
                &format!("/api/crm/deals/{id}/history"),
                None,
            )
            .await;
            let last = &history[0];
            assert_eq!(last["toStageId"], keep, "{history}");
            assert!(
                last["reason"].as_str().unwrap().contains("Old"),
                "{history}"
            );
            assert_eq!(last["source"], "api");
        }
        let (_, history) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/pipeline/stages/{keep}/history?limit=200"),
            None,
        )
        .await;
        assert_eq!(history["pagination"]["total"], 4, "{history}");
        // The last stage of a pipeline stays.
        let (s, _) = call(
            &app,
            &t,
            M::DELETE,
            &format!("/api/pipeline/stages/{keep}?moveToStageId={elsewhere}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        // A pipeline with deals: refused without a destination, or moved into another pipeline.
        let (s, _) = call(&app, &t, M::DELETE, &format!("/api/pipeline/{pid}"), None).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = call(
            &app,
            &t,
            M::DELETE,
            &format!("/api/pipeline/{pid}?moveToStageId={keep}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = call(
            &app,
            &t,
            M::DELETE,
            &format!("/api/pipeline/{pid}?moveToStageId={elsewhere}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, d) = call(&app, &t, M::GET, &format!("/api/crm/deals/{kept}"), None).await;
        assert_eq!(d["stageId"], elsewhere);
        assert_eq!(d["pipelineId"], other["id"]);
        let (s, _) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/pipeline/stages?pipelineId={pid}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}
