//! Stage moves (pipeline boundary, card order, won value, lost reason), the stage history and
//! board totals, on both backends.

use crate::crm_support::call;
use crate::helpers::on_each_backend;
use crate::pipelines::{create_pipeline, deal, stage_id};
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn moves_stay_in_the_pipeline_keep_card_order_and_are_paged_in_history() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Moves").await;
        let p = create_pipeline(
            &app,
            &t,
            "Flow",
            &[
                ("One", "open", 10),
                ("Two", "open", 50),
                ("Won", "won", 100),
                ("Lost", "lost", 0),
            ],
        )
        .await;
        let other = create_pipeline(&app, &t, "Other", &[("Elsewhere", "open", 10)]).await;
        let pid = p["id"].as_i64().unwrap();
        let (one, two, won, lost) = (
            stage_id(&p, "One"),
            stage_id(&p, "Two"),
            stage_id(&p, "Won"),
            stage_id(&p, "Lost"),
        );
        let a = deal(&app, &t, "A", one, pid, 1000, "USD").await;
        let b = deal(&app, &t, "B", two, pid, 1000, "USD").await;
        let c = deal(&app, &t, "C", two, pid, 1000, "USD").await;
        // Another pipeline's stage: 400 VALIDATION.
        let (s, err) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{a}/stage"),
            Some(json!({ "stageId": stage_id(&other, "Elsewhere") })),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(err["code"], "VALIDATION");
        assert_eq!(err["details"][0]["field"], "stageId");
        // New cards go on top: Two is [C, B]. Put A between C and B.
        let (s, moved) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{a}/stage"),
            Some(json!({ "stageId": two, "afterDealId": c })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{moved}");
        let order = |page: &Value| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["title"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let (_, page) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals?stageId={two}&sort=position"),
            None,
        )
        .await;
        assert_eq!(order(&page), ["C", "A", "B"]);
        // Within the column: B to the top, then C after B (gaps close and the column renumbers).
        call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{b}/stage"),
            Some(json!({ "stageId": two })),
        )
        .await;
        for _ in 0..12 {
            call(
                &app,
                &t,
                M::PATCH,
                &format!("/api/crm/deals/{c}/stage"),
                Some(json!({ "stageId": two, "afterDealId": b })),
            )
            .await;
            call(
                &app,
                &t,
                M::PATCH,
                &format!("/api/crm/deals/{a}/stage"),
                Some(json!({ "stageId": two, "afterDealId": b })),
            )
            .await;
        }
        let (_, page) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals?stageId={two}&sort=position"),
            None,
        )
        .await;
        assert_eq!(order(&page), ["B", "A", "C"]);
        // afterDealId must be in the target column.
        let (s, err) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{a}/stage"),
            Some(json!({ "stageId": won, "afterDealId": b })),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
        assert_eq!(err["details"][0]["field"], "afterDealId");
        // Won with the final value; lost with the reason.
        let (_, d) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{a}/stage"),
            Some(json!({ "stageId": won, "valueMinor": 4200 })),
        )
        .await;
        assert_eq!(d["valueMinor"], 4200);
        let (_, d) = call(
            &app,
            &t,
            M::PATCH,
            &format!("/api/crm/deals/{b}/stage"),
            Some(json!({ "stageId": lost, "reason": "Budget cut" })),
        )
        .await;
        assert_eq!(d["lostReason"], "Budget cut");
        // History: the deal's own, and the stage's paged.
        let (_, history) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{a}/history"),
            None,
        )
        .await;
        let moves: Vec<(Value, Value)> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["fromStageName"].clone(), m["toStageName"].clone()))
            .collect();
        assert_eq!(
            moves,
            [
                (json!("Two"), json!("Won")),
                (json!("One"), json!("Two")),
                (Value::Null, json!("One"))
            ]
        );
        assert!(history
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["source"] == "api" && m["actorName"].is_string()));
        // Into Two: B and C at creation, A once (moves within the column are not stage moves);
        // out of Two: A and B.
        let (s, page1) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/pipeline/stages/{two}/history?limit=2"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            page1["pagination"],
            json!({ "page": 1, "limit": 2, "total": 5, "totalPages": 3 })
        );
        let (_, page3) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/pipeline/stages/{two}/history?limit=2&page=3"),
            None,
        )
        .await;
        assert_eq!(page3["items"].as_array().unwrap().len(), 1);
        // Newest first: B's creation in Two is the oldest.
        assert_eq!(page3["items"][0]["dealTitle"], "B");
        assert_eq!(page3["items"][0]["fromStageId"], Value::Null);
        let (s, _) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/pipeline/stages/{two}/history?limit=201"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn column_totals_are_per_currency_and_weighted() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Totals").await;
        let p = create_pipeline(&app, &t, "Money", &[("Open", "open", 50), ("Empty", "open", 10)]).await;
        let pid = p["id"].as_i64().unwrap();
        let open = stage_id(&p, "Open");
        deal(&app, &t, "Dollars", open, pid, 10_000, "USD").await;
        deal(&app, &t, "More dollars", open, pid, 5_000, "USD").await;
        // A deal's own probability wins over the stage's.
        let body = json!({ "title": "Euros", "valueMinor": 20_000, "currency": "EUR", "pipelineId": pid, "stageId": open, "probability": 25 });
        call(&app, &t, M::POST, "/api/crm/deals", Some(body)).await;
        let (s, totals) = call(&app, &t, M::GET, &format!("/api/pipeline/{pid}/totals"), None).await;
        assert_eq!(s, StatusCode::OK, "{totals}");
        assert_eq!(
            totals,
            json!([
                { "stageId": open, "count": 3, "totals": [
                    { "currency": "EUR", "valueMinor": 20_000, "weightedMinor": 5_000 },
                    { "currency": "USD", "valueMinor": 15_000, "weightedMinor": 7_500 },
                ]},
                { "stageId": stage_id(&p, "Empty"), "count": 0, "totals": [] },
            ])
        );
        let (_, filtered) = call(&app, &t, M::GET, &format!("/api/pipeline/{pid}/totals?search=euro"), None).await;
        assert_eq!(filtered[0]["count"], 1, "{filtered}");
        let (other, _) = app.new_account("Other").await;
        let (s, _) = call(&app, &other, M::GET, &format!("/api/pipeline/{pid}/totals"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}
