//! Crash safety: sign-ups in flight, `kill -9` the server, restart it; every sign-up that was
//! answered 201 can sign in. Runs the real `parley` binary on SQLite and PostgreSQL.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use helpers::{
    backends, create_pg_database, pg_database_url, unique_email, PgDatabase, TestBackend,
};
use reqwest::StatusCode;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(port: u16, data_dir: &std::path::Path, database_url: Option<&str>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parley"));
    cmd.env("PARLEY_ADDR", format!("127.0.0.1:{port}"))
        .env("PARLEY_DATA_DIR", data_dir)
        .env("PARLEY_SIGNIN_PER_MINUTE_PER_IP", "1000000")
        .env("PARLEY_RATE_LIMIT_BURST", "1000000")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.spawn().expect("start the parley binary")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await {
            if res.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

/// Signs up accounts back to back until the server goes away; returns those answered 201.
async fn sign_up_until_gone(base: String, answered: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::new();
    loop {
        let email = unique_email("crash");
        let res = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({"email": email, "password": "survives a crash", "organizationName": "Durable"}))
            .send()
            .await;
        match res {
            Ok(r) if r.status() == StatusCode::CREATED => answered.lock().unwrap().push(email),
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sign_up_answered_201_survives_a_kill_9() {
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        let data_dir = tempfile::tempdir().unwrap();
        let (database_url, _dropped_at_end) = match &backend {
            TestBackend::Sqlite => (None, None),
            TestBackend::Postgres { admin_url } => {
                let name = create_pg_database(admin_url).await;
                let url = pg_database_url(admin_url, &name);
                (
                    Some(url),
                    Some(PgDatabase {
                        admin_url: admin_url.clone(),
                        name,
                    }),
                )
            }
        };
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let mut server = start(port, data_dir.path(), database_url.as_deref());
        wait_ready(&client, &base).await;

        let answered = Arc::new(Mutex::new(Vec::new()));
        let writers: Vec<_> = (0..8)
            .map(|_| tokio::spawn(sign_up_until_gone(base.clone(), answered.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        server.kill().expect("SIGKILL"); // kill -9, mid-flight
        server.wait().unwrap();
        for w in writers {
            w.await.unwrap();
        }
        let answered = answered.lock().unwrap().clone();
        assert!(
            answered.len() >= 5,
            "too few sign-ups were answered to prove anything: {}",
            answered.len()
        );

        let mut server = start(port, data_dir.path(), database_url.as_deref());
        wait_ready(&client, &base).await;
        for email in &answered {
            let res = client
                .post(format!("{base}/api/auth/signin"))
                .json(&json!({"email": email, "password": "survives a crash"}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "{email} was answered 201 but cannot sign in"
            );
        }
        eprintln!("{} answered sign-ups all survived", answered.len());
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
