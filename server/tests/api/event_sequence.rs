//! The event sequence under concurrent writers: every acknowledged write's events are
//! numbered before the answer, without gaps, in the order the writes committed; the live
//! stream and a resume deliver them all in order, and a durable consumer sees each once.

use crate::consumers::{caught_up, create_tally, with_tally};
use crate::crm_support::call;
use crate::helpers::{backends, TestApp};
use crate::pipelines::{create_pipeline, deal, stage_id};
use crate::realtime::{connect, next_json, next_json_within, Socket};
use futures::SinkExt;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const WRITERS: usize = 32;
const CREATES_EACH: usize = 3;
const PATCHES_EACH: usize = 2;
/// Stage moves of each writer's own deal (numbered in the moves' own transactions, between
/// the sequencer's passes that number the other writes).
const MOVES_EACH: usize = 2;

async fn resume(ws: &mut Socket, after: i64) -> (Vec<Value>, i64) {
    ws.send(Message::Text(
        json!({"type": "resume", "after": after}).to_string().into(),
    ))
    .await
    .unwrap();
    let mut replayed = Vec::new();
    loop {
        let m = next_json(ws).await;
        if m["type"] == "resumed" {
            return (replayed, m["seq"].as_i64().unwrap());
        }
        replayed.push(m);
    }
}

fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_concurrent_writers_get_gapless_numbers_in_commit_order() {
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        // About 250 requests from one address in a second or two: above the per-IP limit.
        let unthrottled = |s: &mut app::server::Settings| {
            s.rate_limit_per_second = 10_000;
            s.rate_limit_burst = 10_000;
        };
        let app = TestApp::spawn_full(backend, &unthrottled, with_tally()).await;
        writers_race(app).await;
    }
}

async fn writers_race(app: TestApp) {
    {
        create_tally(&app).await;
        let (t, _) = app.new_account("Sequenced").await;
        let (_, me) = call(&app, &t, M::GET, "/api/auth/me", None).await;
        let ws_id = me["workspace"]["id"].as_i64().unwrap();
        let (s, shared) = call(
            &app,
            &t,
            M::POST,
            "/api/crm/contacts",
            Some(json!({"firstName": "Shared"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let shared = shared["id"].as_i64().unwrap();
        let p = create_pipeline(&app, &t, "Seq", &[("A", "open", 10), ("B", "open", 50)]).await;
        let pid = p["id"].as_i64().unwrap();
        let stages = [stage_id(&p, "A"), stage_id(&p, "B")];
        let mut deals = Vec::new();
        for w in 0..WRITERS {
            deals.push(deal(&app, &t, &format!("Deal {w}"), stages[0], pid, 100, "USD").await);
        }
        let mut live = connect(&app, &t, None).await.unwrap();
        let (_, start) = resume(&mut live, 0).await;

        // 32 writers at once: each creates contacts and renames the one contact they share;
        // every other writer also moves its deal back and forth.
        let writers = (0..WRITERS).map(|w| {
            let (app, t, deal) = (&app, &t, deals[w]);
            async move {
                let mut acknowledged = 0;
                for n in 0..CREATES_EACH.max(PATCHES_EACH).max(MOVES_EACH) {
                    if w % 2 == 1 && n < MOVES_EACH {
                        let body = json!({"stageId": stages[(n + 1) % 2]});
                        let path = format!("/api/crm/deals/{deal}/stage");
                        let (s, body) = call(app, t, M::PATCH, &path, Some(body)).await;
                        assert_eq!(s, StatusCode::OK, "{body}");
                        acknowledged += 1;
                    }
                    if n < CREATES_EACH {
                        let body = json!({"firstName": format!("Writer {w} lead {n}")});
                        let (s, _) = call(app, t, M::POST, "/api/crm/contacts", Some(body)).await;
                        assert_eq!(s, StatusCode::CREATED);
                        acknowledged += 1;
                    }
                    if n < PATCHES_EACH {
                        let body = json!({"lastName": format!("W{w}-{n}")});
                        let path = format!("/api/crm/contacts/{shared}");
                        let (s, body) = call(app, t, M::PATCH, &path, Some(body)).await;
                        assert_eq!(s, StatusCode::OK, "{body}");
                        acknowledged += 1;
                    }
                }
                acknowledged
            }
        });
        let acknowledged: usize = futures::future::join_all(writers).await.into_iter().sum();
        assert_eq!(
            acknowledged,
            WRITERS * (CREATES_EACH + PATCHES_EACH) + WRITERS / 2 * MOVES_EACH
        );

        // Every acknowledged write is numbered already: 1..=newest, no gap, none pending.
        let pool = &app.state.db.pool;
        let (numbered, pending, lowest, highest): (i64, i64, Option<i64>, Option<i64>) =
            sqlx::query_as(
                "SELECT COUNT(seq), COUNT(*) - COUNT(seq), MIN(seq), MAX(seq) FROM events \
                 WHERE workspace_id = $1",
            )
            .bind(ws_id)
            .fetch_one(pool)
            .await
            .unwrap();
        let newest: i64 = sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
            .bind(ws_id)
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(pending, 0, "an acknowledged write's events are numbered");
        assert_eq!((lowest, highest), (Some(1), Some(newest)));
        assert_eq!(numbered, newest, "no gap and no number twice");
        assert_eq!(newest, start + acknowledged as i64);

        // Commit order: the shared contact ends as the write numbered last left it.
        let (_, contact) = call(
            &app,
            &t,
            M::GET,
            &format!("/api/crm/contacts/{shared}"),
            None,
        )
        .await;
        let last: String = sqlx::query_scalar(
            "SELECT data FROM events WHERE workspace_id = $1 AND type = 'contact.updated' \
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(ws_id)
        .fetch_one(pool)
        .await
        .unwrap();
        let last: Value = serde_json::from_str(&last).unwrap();
        assert_eq!(
            last["lastName"], contact["lastName"],
            "the last event is the last write"
        );

        // Each moved deal is where its last numbered move left it.
        let moves: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM events WHERE workspace_id = $1 AND type = 'deal.stage_changed' \
             ORDER BY seq",
        )
        .bind(ws_id)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut last_stage = std::collections::HashMap::new();
        for data in &moves {
            let data: Value = serde_json::from_str(data).unwrap();
            last_stage.insert(data["id"].as_i64().unwrap(), data["stageId"].clone());
        }
        assert_eq!(last_stage.len(), WRITERS / 2, "{last_stage:?}");
        for d in deals.iter().skip(1).step_by(2) {
            let (_, now) = call(&app, &t, M::GET, &format!("/api/crm/deals/{d}"), None).await;
            assert_eq!(
                last_stage[d], now["stageId"],
                "the last move numbered is the last made"
            );
        }

        // The live stream delivered every event once, in order. (When one arrives ahead of
        // the one before it, the server replays the gap and says `resumed`: a client skips
        // what it already has.)
        let mut streamed: Vec<Value> = Vec::new();
        let mut last = start;
        while last < newest {
            let m = next_json(&mut live).await;
            assert_ne!(m["type"], "reload", "{m}");
            let Some(seq) = m["seq"].as_i64().filter(|_| m["type"] != "resumed") else {
                continue;
            };
            if seq > last {
                assert_eq!(seq, last + 1, "in order, nothing missing");
                last = seq;
                streamed.push(m);
            }
        }
        let expected: Vec<i64> = (start + 1..=newest).collect();
        assert_eq!(seqs(&streamed), expected);

        // A client resuming from before the writes replays them all, in order.
        let mut resumed = connect(&app, &t, None).await.unwrap();
        let (replayed, at) = resume(&mut resumed, start).await;
        assert_eq!(at, newest);
        assert_eq!(seqs(&replayed), expected);
        assert_eq!(replayed, streamed, "the replay is what was streamed");

        // The durable consumer handled each event exactly once.
        let (rows, distinct, last_seq) = caught_up(&app, ws_id).await;
        assert_eq!((rows, distinct, last_seq), (newest, newest, newest));
    }
}

#[tokio::test]
async fn on_postgresql_an_event_a_crashed_instance_left_unnumbered_is_numbered_and_streamed() {
    crate::helpers::on_each_backend(|app| async move {
        if !app.is_postgres() {
            return; // SQLite numbers events in the writing transaction
        }
        let (t, _) = app.new_account("Left over").await;
        let (_, me) = call(&app, &t, M::GET, "/api/auth/me", None).await;
        let ws_id = me["workspace"]["id"].as_i64().unwrap();
        let mut live = connect(&app, &t, None).await.unwrap();
        let (_, start) = resume(&mut live, 0).await;
        // What an instance that died between its commit and the numbering leaves behind.
        sqlx::query(
            "INSERT INTO events (workspace_id, type, data, created_at) \
             VALUES ($1, 'workspace.renamed', '{\"name\":\"Renamed before the crash\"}', $2)",
        )
        .bind(ws_id)
        .bind(1_800_000_000_000_i64)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        // Nobody writes: the sequencer's sweep finds it.
        let event = next_json_within(&mut live, 10).await;
        assert_eq!(event["seq"], start + 1);
        assert_eq!(event["data"]["name"], "Renamed before the crash");
    })
    .await;
}
