//! The platform's seams: job kinds registered from outside the infrastructure, typed payloads,
//! jobs claimed only by the instance holding their account, and the one account-health writer.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with_plugins, TestApp};
use crate::messaging_support::{connected_chat, eventually, new_bot, with_fake_telegram};
use crate::realtime::{connect, next_json};
use app::error::AppError;
use app::messaging::server::health::{self, Health};
use app::server::jobs::{self, Job, JobKind, Outcome};
use app::server::{now_ms, AppState};
use reqwest::{Method as M, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::Row as _;
use std::sync::Mutex;

/// A job kind defined here, outside the app: it notes which instance ran it with what.
struct Note;

#[derive(Serialize, Deserialize)]
struct NotePayload {
    text: String,
    /// The account whose lease-holder must run it, if any.
    account: Option<i64>,
}

/// (instance, text, attempt) of every run, across the test's servers.
static RUNS: Mutex<Vec<(String, String, i64)>> = Mutex::new(Vec::new());

impl JobKind for Note {
    const KIND: &'static str = "test.note";
    type Payload = NotePayload;

    fn affinity(payload: &NotePayload) -> Option<i64> {
        payload.account
    }

    async fn run(state: &AppState, job: &Job, payload: NotePayload) -> Result<(), AppError> {
        RUNS.lock()
            .unwrap()
            .push((state.instance_id.clone(), payload.text, job.attempts));
        jobs::finish_alone(&state.db, job.id, &Outcome::Done).await?;
        Ok(())
    }
}

fn with_note() -> server::Plugins {
    let mut plugins = server::Plugins::default();
    plugins.jobs.register::<Note>();
    plugins
}

fn runs_of(prefix: &str) -> Vec<(String, String, i64)> {
    RUNS.lock()
        .unwrap()
        .iter()
        .filter(|(_, text, _)| text.starts_with(prefix))
        .cloned()
        .collect()
}

async fn queue_note(app: &TestApp, text: &str, account: Option<i64>) -> i64 {
    let mut tx = app.state.db.begin().await.unwrap();
    let payload = NotePayload {
        text: text.to_string(),
        account,
    };
    let id = jobs::enqueue::<Note>(&mut tx, None, &payload, now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.state.jobs_wake.notify_one();
    id
}

async fn job_row(app: &TestApp, id: i64) -> (String, String, i64) {
    let row = sqlx::query("SELECT state, last_error, attempts FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (
        row.get("state"),
        row.get("last_error"),
        row.get::<i64, _>("attempts"),
    )
}

async fn job_done(app: &TestApp, id: i64) -> Value {
    eventually("the job to finish", || async {
        let (state, error, attempts) = job_row(app, id).await;
        (state != "queued").then(|| json!({"state": state, "error": error, "attempts": attempts}))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_kind_registered_outside_the_infrastructure_runs_with_its_typed_payload() {
    on_each_backend_with_plugins(with_note, |app| async move {
        let text = format!("registered-{}", app.state.instance_id);
        let id = queue_note(&app, &text, None).await;
        let done = job_done(&app, id).await;
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(
            runs_of(&text),
            vec![(app.state.instance_id.clone(), text.clone(), 1)]
        );
        assert!(app.state.jobs.kinds().contains(&"test.note"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_payload_fails_its_job_with_the_reason() {
    on_each_backend_with_plugins(with_note, |app| async move {
        let now = now_ms();
        let mut ids = Vec::new();
        for (kind, payload) in [
            ("message.send", r#"{"messageId": "seven"}"#),
            ("test.note", r#"{"text": 5}"#),
            ("email.send", "not json"),
            ("no.such.kind", "{}"),
        ] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO jobs (kind, payload, state, run_at, created_at, updated_at) \
                 VALUES ($1, $2, 'queued', $3, $3, $3) RETURNING id",
            )
            .bind(kind)
            .bind(payload)
            .bind(now)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            ids.push(id);
        }
        app.state.jobs_wake.notify_one();
        for id in &ids[..3] {
            let done = job_done(&app, *id).await;
            assert_eq!(done["state"], "failed", "{done}");
            assert!(
                done["error"]
                    .as_str()
                    .unwrap()
                    .starts_with("The job's payload does not parse:"),
                "{done}"
            );
            assert_eq!(
                done["attempts"], 1,
                "a corrupt payload is not retried: {done}"
            );
        }
        let unknown = job_done(&app, ids[3]).await;
        assert_eq!(unknown["state"], "failed");
        assert_eq!(unknown["error"], "Unknown job kind no.such.kind");
    })
    .await;
}

/// A channel account row whose lease `holder` holds (disconnected, so no worker of either
/// instance drives it or takes its lease).
async fn account_leased_to(app: &TestApp, workspace_id: i64, holder: &str, n: i64) -> i64 {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO channel_accounts (workspace_id, kind, external_id, name, secret, status, lease_owner, \
         lease_until, created_at, updated_at) \
         VALUES ($1, 'telegram_user', $2, 'Leased', '', 'disconnected', $3, $4, $5, $5) RETURNING id",
    )
    .bind(workspace_id)
    .bind(format!("leased-{n}-{now}"))
    .bind(holder)
    .bind(now + 3_600_000)
    .bind(now)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_instance_runs_the_jobs_of_the_accounts_it_holds_and_burns_no_attempt() {
    on_each_backend_with_plugins(with_note, |app| async move {
        let second = app.spawn_second_full(&|_| {}, with_note()).await;
        let (token, _) = app.new_account("Affinity").await;
        let (_, me) = call(&app, &token, M::GET, "/api/auth/me", None).await;
        let ws = me["workspace"]["id"].as_i64().unwrap();
        let first_id = app.state.instance_id.clone();
        let second_id = second.state.instance_id.clone();
        let a = account_leased_to(&app, ws, &first_id, 1).await;
        let b = account_leased_to(&app, ws, &second_id, 2).await;
        let tag = format!("affinity-{first_id}-");
        let mut queued = Vec::new();
        for i in 0..8 {
            // Queued through either instance: who queues does not matter, who holds does.
            let via = if i % 2 == 0 { &app } else { &second };
            let (account, name) = if i < 4 { (a, "a") } else { (b, "b") };
            let text = format!("{tag}{name}{i}");
            queued.push(queue_note(via, &text, Some(account)).await);
        }
        for id in &queued {
            let done = job_done(&app, *id).await;
            assert_eq!(done["state"], "done", "{done}");
            assert_eq!(done["attempts"], 1, "no attempt burned elsewhere: {done}");
        }
        let runs = runs_of(&tag);
        assert_eq!(runs.len(), 8, "{runs:?}");
        for (instance, text, attempt) in runs {
            let holder = if text.starts_with(&format!("{tag}a")) {
                &first_id
            } else {
                &second_id
            };
            assert_eq!(&instance, holder, "{text} ran on its account's holder");
            assert_eq!(attempt, 1);
        }
        // Nobody holds the lease any more: any instance may run the account's jobs.
        sqlx::query(
            "UPDATE channel_accounts SET lease_owner = NULL, lease_until = NULL WHERE id = $1",
        )
        .bind(b)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        let free = queue_note(&app, &format!("{tag}free"), Some(b)).await;
        assert_eq!(job_done(&app, free).await["state"], "done");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bots_flood_wait_reaches_an_open_inbox_live_and_never_overwrites_disconnected() {
    with_fake_telegram(|app, fake| async move {
        let (owner, _) = app.new_account("Flood").await;
        let (bot, _) = new_bot(&fake);
        let (account, chat) = connected_chat(&app, &owner, &fake, &bot).await;
        let mut socket = connect(&app, &owner, None).await.unwrap();
        fake.fail_next_with_429(&bot, Some("sendMessage"), 1, 30)
            .unwrap();
        let (s, _) = call(
            &app,
            &owner,
            M::POST,
            "/api/messaging/send",
            Some(json!({"conversationId": chat, "text": "Slow down"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        // The account's change arrives on the stream (before, only user accounts sent it).
        let mut seen = false;
        for _ in 0..20 {
            let event = next_json(&mut socket).await;
            if event["type"] == "account.updated" && event["data"]["id"] == account {
                seen = true;
                break;
            }
        }
        assert!(seen, "the flood wait was announced");
        let (_, accounts) = call(&app, &owner, M::GET, "/api/messaging/accounts", None).await;
        let shown = accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == account)
            .cloned()
            .unwrap();
        assert_eq!(shown["status"], "flood_wait", "{shown}");

        // Disconnected, the account stays so whatever the network says afterwards.
        let (s, body) = call(
            &app,
            &owner,
            M::DELETE,
            &format!("/api/messaging/accounts/{account}"),
            None,
        )
        .await;
        assert!(s.is_success(), "{s} {body}");
        let until = now_ms() + 60_000;
        for health in [
            Health::FloodWait(until),
            Health::Connected,
            Health::Reconnecting("lost"),
            Health::NeedsRelogin {
                reason: "revoked",
                tell_owner: false,
            },
        ] {
            let changed = health::set(&app.state, account, health).await.unwrap();
            assert!(!changed);
        }
        let status: String =
            sqlx::query_scalar("SELECT status FROM channel_accounts WHERE id = $1")
                .bind(account)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(status, "disconnected");
    })
    .await;
}
