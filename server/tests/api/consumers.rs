//! Durable consumers of the event log: a consumer registered from outside the app sees every
//! event exactly once, across instances and a restart.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with_plugins, TestApp};
use app::error::AppError;
use app::server::AppState;
use reqwest::{Method as M, StatusCode};
use serde_json::json;

/// A consumer defined here: it writes each event it is handed into `consumer_tally`, in the
/// transaction that moves its cursor.
pub(crate) struct Tally;

impl app::realtime::server::consumers::Consumer for Tally {
    const NAME: &'static str = "test.tally";

    fn wants(_kind: &str) -> bool {
        true
    }

    async fn handle(
        _state: &AppState,
        tx: &mut app::server::db::Tx,
        workspace_id: app::ids::WorkspaceId,
        event: &app::realtime::RealtimeEvent,
    ) -> Result<(), AppError> {
        sqlx::query("INSERT INTO consumer_tally (workspace_id, seq) VALUES ($1, $2)")
            .bind(workspace_id.0)
            .bind(event.seq)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

pub(crate) fn with_tally() -> server::Plugins {
    let mut plugins = server::Plugins::default();
    plugins.consumers.register::<Tally>();
    plugins
}

/// The table [`Tally`] writes to.
pub(crate) async fn create_tally(app: &TestApp) {
    sqlx::query("CREATE TABLE consumer_tally (workspace_id BIGINT NOT NULL, seq BIGINT NOT NULL)")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// (rows, distinct sequence numbers, the workspace's newest sequence number).
async fn tally(app: &TestApp, ws: i64) -> (i64, i64, i64) {
    let (rows, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT seq) FROM consumer_tally WHERE workspace_id = $1",
    )
    .bind(ws)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let newest: i64 = sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
        .bind(ws)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (rows, distinct, newest)
}

pub(crate) async fn caught_up(app: &TestApp, ws: i64) -> (i64, i64, i64) {
    let start = std::time::Instant::now();
    loop {
        let t = tally(app, ws).await;
        if t.1 == t.2 || start.elapsed() > std::time::Duration::from_secs(15) {
            return t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_durable_consumer_sees_every_event_exactly_once_across_a_restart() {
    on_each_backend_with_plugins(with_tally, |mut app| async move {
        create_tally(&app).await;
        let (t, _) = app.new_account("Consumed").await;
        let (_, me) = call(&app, &t, M::GET, "/api/auth/me", None).await;
        let ws = me["workspace"]["id"].as_i64().unwrap();
        let contact = |n: usize| json!({"firstName": format!("Lead {n}")});
        for n in 0..10 {
            let (s, _) = call(&app, &t, M::POST, "/api/crm/contacts", Some(contact(n))).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let first = caught_up(&app, ws).await;
        assert_eq!(first.0, first.2, "every event once: {first:?}");

        // A second instance with the same consumer runs beside the first, then alone.
        let second = app.spawn_second_full(&|_| {}, with_tally()).await;
        for n in 10..15 {
            let (s, _) = call(&second, &t, M::POST, "/api/crm/contacts", Some(contact(n))).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        app.stop_server();
        for n in 15..25 {
            let (s, _) = call(&second, &t, M::POST, "/api/crm/contacts", Some(contact(n))).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let (rows, distinct, newest) = caught_up(&second, ws).await;
        assert!(newest >= first.2 + 15, "{newest}");
        assert_eq!(distinct, newest, "every event seen");
        assert_eq!(rows, newest, "none seen twice");
        let cursor: i64 = sqlx::query_scalar(
            "SELECT last_seq FROM event_consumers WHERE name = 'test.tally' AND workspace_id = $1",
        )
        .bind(ws)
        .fetch_one(&second.state.db.pool)
        .await
        .unwrap();
        assert_eq!(cursor, newest);
    })
    .await;
}
