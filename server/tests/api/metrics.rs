//! Prometheus metrics: a real Prometheus (Debian's) scrapes the metrics listener and counts
//! the requests this test made; the text format passes `promtool`; on the public address the
//! endpoint needs its token, and without configuration there is none.

use crate::crm_support::call;
use crate::helpers::{on_each_backend_with, TestApp};
use reqwest::{Method as M, StatusCode};
use serde_json::Value;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

/// A Prometheus on a free loopback port scraping `target` every second; stopped when dropped.
struct Prometheus {
    url: String,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    async fn start(target: std::net::SocketAddr) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: parley\n    static_configs:\n      - targets: ['{target}']\n"
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("Debian's prometheus (scripts/lib.sh installs it)");
        Prometheus {
            url: format!("http://127.0.0.1:{port}"),
            _child: child,
            _dir: dir,
        }
    }

    /// The query's single value, if Prometheus has one yet.
    async fn value(&self, query: &str) -> Option<f64> {
        let res = reqwest::Client::new()
            .get(format!("{}/api/v1/query", self.url))
            .query(&[("query", query)])
            .send()
            .await
            .ok()?;
        let body: Value = res.json().await.ok()?;
        body["data"]["result"][0]["value"][1].as_str()?.parse().ok()
    }

    /// Waits (up to 30 s: Prometheus starts, then scrapes every second) for `want`.
    async fn until(&self, query: &str, want: impl Fn(f64) -> bool) -> f64 {
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < Duration::from_secs(30) {
            last = self.value(query).await;
            if let Some(v) = last.filter(|v| want(*v)) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("{query}: still {last:?} after 30 s");
    }
}

fn on_a_metrics_listener(s: &mut app::server::Settings) {
    s.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
}

const CONTACT_LISTS: &str = r#"sum(parley_http_requests_total{job="parley",method="GET",route="/api/crm/contacts",status="200"})"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scrapes_the_requests_this_test_made() {
    on_each_backend_with(on_a_metrics_listener, |app| async move {
        let target = app.metrics_addr.expect("a metrics listener");
        let prometheus = Prometheus::start(target).await;
        let (token, _) = app.new_account("Metrics").await;
        // One request first, so the series exists; then a baseline scrape.
        let (s, _) = call(&app, &token, M::GET, "/api/crm/contacts", None).await;
        assert_eq!(s, StatusCode::OK);
        prometheus.until(r#"up{job="parley"}"#, |v| v == 1.0).await;
        let before = prometheus.until(CONTACT_LISTS, |v| v >= 1.0).await;
        for _ in 0..7 {
            let (s, _) = call(&app, &token, M::GET, "/api/crm/contacts", None).await;
            assert_eq!(s, StatusCode::OK);
        }
        let after = prometheus.until(CONTACT_LISTS, |v| v >= before + 7.0).await;
        assert_eq!(after, before + 7.0, "exactly the requests made");
        // Latency by route is a histogram with buckets.
        let buckets = prometheus
            .until(
                r#"count(parley_http_request_duration_seconds_bucket{job="parley",route="/api/crm/contacts"})"#,
                |v| v > 1.0,
            )
            .await;
        assert!(buckets > 5.0, "{buckets} buckets");
        // The job worker reports its queue per registered kind.
        prometheus
            .until(r#"parley_jobs_queued{job="parley",kind="message.send"}"#, |v| v >= 0.0)
            .await;

        // The text format parses (promtool, from the same package, lints it).
        let text = reqwest::get(format!("http://{target}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("parley_http_requests_in_flight"), "{text}");
        assert!(text.contains("parley_db_pool_connections"), "{text}");
        let mut promtool = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = promtool.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).await.unwrap();
        drop(stdin);
        let out = promtool.wait_with_output().await.unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        // It parses, and every series has its help text and a well-formed name (promtool
        // exits 3 with lint advice, 1 when the text does not parse).
        assert!(out.status.success(), "{said}");

        // The listener serves metrics only; the public address has no /metrics at all.
        let res = reqwest::get(format!("http://{target}/api/auth/me")).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_public_metrics_absent(&app).await;
    })
    .await;
}

async fn assert_public_metrics_absent(app: &TestApp) {
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("parley_http"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_public_address_metrics_need_their_token() {
    const TOKEN: &str = "scrape-me-8f2c1e";
    on_each_backend_with(
        |s| s.metrics_token = Some(TOKEN.to_string().into()),
        |app| async move {
            let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
            assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
            let wrong = app
                .client
                .get(app.url("/metrics"))
                .bearer_auth("scrape-me-8f2c1f")
                .send()
                .await
                .unwrap();
            assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
            assert!(!wrong.text().await.unwrap().contains("parley_"));
            let right = app
                .client
                .get(app.url("/metrics"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            assert_eq!(right.status(), StatusCode::OK);
            let text = right.text().await.unwrap();
            // The refused scrapes were requests too, counted by their route and status.
            assert!(text.contains(r#"route="/metrics",status="401""#), "{text}");
        },
    )
    .await;
    // Without either setting nothing is served.
    on_each_backend_with(
        |_| {},
        |app| async move {
            assert_public_metrics_absent(&app).await;
        },
    )
    .await;
}
