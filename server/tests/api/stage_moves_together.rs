//! Stage moves that arrive together (the group commit), on both backends: none is lost or
//! written twice, places stay distinct, and their events stream live and replay alike.

use crate::crm_support::call;
use crate::helpers::{on_each_backend, TestApp};
use crate::pipelines::{create_pipeline, deal, stage_id};
use crate::realtime::{connect, next_json};
use futures::SinkExt;
use reqwest::{Method as M, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// Moves that arrive together are written together (one transaction) — none is lost, each
/// writes its history once, the column keeps distinct places, and racing moves of one deal
/// all land in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_moves_are_all_written_once_with_distinct_places() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Rush").await;
        let p = create_pipeline(&app, &t, "Rush", &[("In", "open", 10), ("Out", "open", 50)]).await;
        let pid = p["id"].as_i64().unwrap();
        let (inbox, out) = (stage_id(&p, "In"), stage_id(&p, "Out"));
        let mut deals = Vec::new();
        for n in 0..24 {
            deals.push(deal(&app, &t, &format!("D{n}"), inbox, pid, 100, "USD").await);
        }
        move_all_at_once(&app, &t, &deals, out).await;
        let (_, page) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals?stageId={out}&sort=position&limit=100"),
            None,
        )
        .await;
        let positions: std::collections::HashSet<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions.len(), 24, "every card has its own place: {page}");
        for d in &deals {
            let (_, history) = call(
                &app,
                &t,
                M::GET,
                &format!("/api/crm/deals/{d}/history"),
                None,
            )
            .await;
            let moves: Vec<_> = history
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["fromStageId"] == inbox)
                .collect();
            assert_eq!(moves.len(), 1, "one history row per move: {history}");
        }
        // Eight racing moves of one deal, back and forth: every one is applied (the stale
        // ones read again), so the history holds them all and the deal ends where the last
        // answer says.
        let target = deals[0];
        let racing = (0..8).map(|n| {
            let (app, t) = (&app, &t);
            let stage = if n % 2 == 0 { inbox } else { out };
            async move {
                call(
                    app,
                    t,
                    M::PATCH,
                    &format!("/api/crm/deals/{target}/stage"),
                    Some(json!({ "stageId": stage })),
                )
                .await
            }
        });
        for (s, body) in futures::future::join_all(racing).await {
            assert_eq!(s, StatusCode::OK, "{body}");
        }
        let (_, history) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals/{target}/history"),
            None,
        )
        .await;
        let items = history.as_array().unwrap();
        for pair in items.windows(2) {
            assert_eq!(
                pair[0]["fromStageId"], pair[1]["toStageId"],
                "an unbroken chain of moves: {history}"
            );
        }
        let (_, now) = call(&app, &t, M::GET, &format!("/api/crm/deals/{target}"), None).await;
        assert_eq!(now["stageId"], items[0]["toStageId"]);
    })
    .await;
}

/// The events of moves written together reach a connected board live, numbered one after
/// another with each card's new place, and a board that was away replays the same events from
/// the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn moves_written_together_stream_live_and_replay_alike() {
    on_each_backend(|app| async move {
        let (t, _) = app.new_account("Stream").await;
        let p = create_pipeline(
            &app,
            &t,
            "Stream",
            &[("In", "open", 10), ("Out", "open", 50)],
        )
        .await;
        let pid = p["id"].as_i64().unwrap();
        let (inbox, out) = (stage_id(&p, "In"), stage_id(&p, "Out"));
        let mut deals = Vec::new();
        for n in 0..12 {
            deals.push(deal(&app, &t, &format!("S{n}"), inbox, pid, 100 + n, "USD").await);
        }
        let mut live = connect(&app, &t, None).await.expect("connected");
        live.send(Message::Text(
            json!({"type": "resume", "after": null}).to_string().into(),
        ))
        .await
        .unwrap();
        let resumed = next_json(&mut live).await;
        assert_eq!(resumed["type"], "resumed");
        let before = resumed["seq"].as_i64().unwrap();
        move_all_at_once(&app, &t, &deals, out).await;
        let mut streamed = Vec::new();
        while streamed.len() < deals.len() {
            let event = next_json(&mut live).await;
            assert_eq!(event["type"], "deal.stage_changed", "{event}");
            streamed.push(event);
        }
        let seqs: Vec<i64> = streamed
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(seqs, ((before + 1)..=(before + 12)).collect::<Vec<_>>());
        let (_, column) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/deals?stageId={out}&limit=100"),
            None,
        )
        .await;
        for card in column["items"].as_array().unwrap() {
            let event = streamed
                .iter()
                .find(|e| e["data"]["id"] == card["id"])
                .unwrap_or_else(|| panic!("an event for {card}"));
            assert_eq!(event["data"]["position"], card["position"], "{event}");
            assert_eq!(event["data"]["stageId"], out);
            assert_eq!(event["data"]["fromStageId"], inbox);
            assert_eq!(event["data"]["valueMinor"], card["valueMinor"]);
        }
        let mut away = connect(&app, &t, None).await.expect("connected");
        away.send(Message::Text(
            json!({"type": "resume", "after": before})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
        let mut replayed = Vec::new();
        loop {
            let event = next_json(&mut away).await;
            if event["type"] == "resumed" {
                assert_eq!(event["seq"], before + 12);
                break;
            }
            replayed.push(event);
        }
        assert_eq!(
            replayed, streamed,
            "the stored events are the ones sent live"
        );
    })
    .await;
}

/// Moves every deal to `stage` with concurrent requests; each must answer 200 in the stage.
async fn move_all_at_once(app: &TestApp, t: &str, deals: &[i64], stage: i64) {
    let moves = deals.iter().map(|d| async move {
        let path = format!("/api/crm/deals/{d}/stage");
        call(app, t, M::PATCH, &path, Some(json!({ "stageId": stage }))).await
    });
    for (s, body) in futures::future::join_all(moves).await {
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["stageId"], stage);
    }
}
