use crate::helpers::{on_each_backend, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(
    app: &TestApp,
    token: &str,
    origin: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut req = app
        .address
        .replace("http://", "ws://")
        .add_path("/ws")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    tokio_tungstenite::connect_async(req).await.map(|(s, _)| s)
}

trait AddPath {
    fn add_path(self, p: &str) -> String;
}
impl AddPath for String {
    fn add_path(self, p: &str) -> String {
        self + p
    }
}

/// The next JSON text message, skipping pings; panics after two seconds of silence.
pub(crate) async fn next_json(ws: &mut Socket) -> Value {
    next_json_within(ws, 2).await
}

/// The next JSON text message, skipping pings; panics after `secs` seconds of silence.
pub(crate) async fn next_json_within(ws: &mut Socket, secs: u64) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(secs), ws.next())
            .await
            .expect("a message in time")
            .expect("open")
            .unwrap();
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

async fn rename(app: &TestApp, token: &str, name: &str) {
    let res = app
        .client
        .put(app.url("/api/workspace"))
        .bearer_auth(token)
        .json(&json!({"name": name}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

#[tokio::test]
async fn changes_stream_live_as_seq_type_data_at() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Live").await;
        let mut ws = connect(&app, &token, None).await.expect("connected");
        ws.send(Message::Text(
            json!({"type": "resume", "after": null}).to_string().into(),
        ))
        .await
        .unwrap();
        assert_eq!(
            next_json(&mut ws).await,
            json!({"type": "resumed", "seq": 2})
        );
        rename(&app, &token, "Renamed live").await;
        let event = next_json(&mut ws).await;
        assert_eq!(event["seq"], 3);
        assert_eq!(event["type"], "workspace.renamed");
        assert_eq!(event["data"]["name"], "Renamed live");
        assert!(event["at"].as_i64().unwrap() > 1_700_000_000_000);
    })
    .await;
}

#[tokio::test]
async fn resuming_replays_exactly_what_was_missed() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Resume").await;
        for n in 0..3 {
            rename(&app, &token, &format!("Name {n}")).await;
        }
        let mut ws = connect(&app, &token, None).await.unwrap();
        ws.send(Message::Text(
            json!({"type": "resume", "after": 2}).to_string().into(),
        ))
        .await
        .unwrap();
        let mut seqs = Vec::new();
        loop {
            let m = next_json(&mut ws).await;
            if m["type"] == "resumed" {
                assert_eq!(m["seq"], 5);
                break;
            }
            seqs.push(m["seq"].as_i64().unwrap());
        }
        assert_eq!(seqs, [3, 4, 5]);
        rename(&app, &token, "After resume").await;
        assert_eq!(next_json(&mut ws).await["seq"], 6);
    })
    .await;
}

#[tokio::test]
async fn another_workspaces_events_never_arrive() {
    on_each_backend(|app| async move {
        let (mine, _) = app.new_account("Mine").await;
        let (theirs, _) = app.new_account("Theirs").await;
        let mut ws = connect(&app, &mine, None).await.unwrap();
        ws.send(Message::Text(
            json!({"type": "resume", "after": 0}).to_string().into(),
        ))
        .await
        .unwrap();
        let mut first = Vec::new();
        loop {
            let m = next_json(&mut ws).await;
            if m["type"] == "resumed" {
                break;
            }
            first.push(m);
        }
        assert_eq!(first.len(), 2, "only my workspace's two events: {first:?}");
        rename(&app, &theirs, "Their secret").await;
        rename(&app, &mine, "My rename").await;
        let next = next_json(&mut ws).await;
        assert_eq!(next["data"]["name"], "My rename");
    })
    .await;
}

#[tokio::test]
async fn the_stream_refuses_anonymous_and_cross_site_connections() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Guarded").await;
        assert!(connect(&app, "forged", None).await.is_err());
        assert!(connect(&app, &token, Some("http://evil.example"))
            .await
            .is_err());
        assert!(connect(&app, &token, Some(&app.address)).await.is_ok());
    })
    .await;
}

#[tokio::test]
async fn ping_answers_pong() {
    on_each_backend(|app| async move {
        let (token, _) = app.new_account("Ping").await;
        let mut ws = connect(&app, &token, None).await.unwrap();
        ws.send(Message::Text(r#"{"type":"ping"}"#.into()))
            .await
            .unwrap();
        assert_eq!(next_json(&mut ws).await, json!({"type": "pong"}));
    })
    .await;
}

#[tokio::test]
async fn on_postgresql_a_change_made_on_one_instance_streams_from_another() {
    on_each_backend(|a| async move {
        if !a.is_postgres() {
            return; // one SQLite file serves one instance live; others catch up on resume
        }
        let b = a.spawn_second().await;
        let (token, _) = a.new_account("Shared").await;
        let mut ws = connect(&a, &token, None).await.unwrap();
        ws.send(Message::Text(
            json!({"type": "resume", "after": null}).to_string().into(),
        ))
        .await
        .unwrap();
        assert_eq!(next_json(&mut ws).await["type"], "resumed");
        rename(&b, &token, "Renamed on B").await;
        let event = next_json(&mut ws).await;
        assert_eq!(event["type"], "workspace.renamed");
        assert_eq!(event["data"]["name"], "Renamed on B");
    })
    .await;
}
