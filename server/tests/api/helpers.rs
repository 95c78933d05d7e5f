//! The test harness: a real server on port 0 with a fresh database per test, on SQLite
//! always and on PostgreSQL when `PARLEY_TEST_DATABASE_URL` names an admin connection.

use app::server::{AppState, Settings};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone)]
pub enum TestBackend {
    Sqlite,
    Postgres { admin_url: String },
}

/// The backends every test runs on. In CI, PostgreSQL is required.
pub fn backends() -> Vec<TestBackend> {
    let mut list = vec![TestBackend::Sqlite];
    match std::env::var("PARLEY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => list.push(TestBackend::Postgres { admin_url: url }),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but PARLEY_TEST_DATABASE_URL is not set: the PostgreSQL run is required"
            )
        }
        _ => {}
    }
    list
}

/// Runs `test` once per backend, each time against a fresh server and database.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    on_each_backend_with(|_| {}, test).await
}

/// Like [`on_each_backend`], with settings adjusted first.
pub async fn on_each_backend_with<C, F, Fut>(configure: C, test: F)
where
    C: Fn(&mut Settings),
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        let app = TestApp::spawn(backend, &configure).await;
        test(app).await;
    }
}

/// Like [`on_each_backend`], with the job kinds and event consumers `plugins` makes (the
/// platform's, and any a test defines).
pub async fn on_each_backend_with_plugins<J, F, Fut>(plugins: J, test: F)
where
    J: Fn() -> server::Plugins,
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        let app = TestApp::spawn_full(backend, &|_| {}, plugins()).await;
        test(app).await;
    }
}

pub struct TestApp {
    pub address: String,
    /// The running server's state: its instance id, and services a test calls directly.
    pub state: AppState,
    /// The metrics listener, when `metrics_addr` was set.
    pub metrics_addr: Option<std::net::SocketAddr>,
    pub client: Client,
    pub db_url: String,
    _data_dir: tempfile::TempDir,
    _database: Option<PgDatabase>,
    _shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A throwaway PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    pub admin_url: String,
    pub name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A unique, valid email for this test run.
pub fn unique_email(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{prefix}-{}-{n}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

pub fn pg_database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

pub async fn create_pg_database(admin_url: &str) -> String {
    let name = format!("parley_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .expect("create the test database");
    name
}

impl TestApp {
    pub async fn spawn(backend: TestBackend, configure: &dyn Fn(&mut Settings)) -> TestApp {
        TestApp::spawn_full(backend, configure, server::Plugins::default()).await
    }

    pub async fn spawn_full(
        backend: TestBackend,
        configure: &dyn Fn(&mut Settings),
        plugins: server::Plugins,
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::for_data_dir(data_dir.path().to_path_buf()).expect("settings");
        settings.addr = "127.0.0.1:0".parse().unwrap();
        let database = match &backend {
            TestBackend::Sqlite => None,
            TestBackend::Postgres { admin_url } => {
                let name = create_pg_database(admin_url).await;
                settings.database_url = Some(pg_database_url(admin_url, &name).into());
                Some(PgDatabase {
                    admin_url: admin_url.clone(),
                    name,
                })
            }
        };
        configure(&mut settings);
        let db_url = {
            use secrecy::ExposeSecret;
            settings.database_url().expose_secret().to_string()
        };
        let app = server::Application::build_with(settings, plugins)
            .await
            .expect("build the server");
        let address = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let metrics_addr = app.metrics_addr();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        let client = Client::builder().cookie_store(true).build().unwrap();
        TestApp {
            address,
            state,
            metrics_addr,
            client,
            db_url,
            _data_dir: data_dir,
            _database: database,
            _shutdown: Some(tx),
        }
    }

    /// A second instance on the same database (another server process would do the same).
    pub async fn spawn_second(&self) -> TestApp {
        self.spawn_second_with(&|_| {}).await
    }

    /// Stops this instance's server (its database stays for the other instances).
    pub fn stop_server(&mut self) {
        if let Some(tx) = self._shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// A second instance with settings adjusted first.
    pub async fn spawn_second_with(&self, configure: &dyn Fn(&mut Settings)) -> TestApp {
        self.spawn_second_full(configure, server::Plugins::default())
            .await
    }

    /// A second instance with settings adjusted first, running `plugins`.
    pub async fn spawn_second_full(
        &self,
        configure: &dyn Fn(&mut Settings),
        plugins: server::Plugins,
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::for_data_dir(data_dir.path().to_path_buf()).expect("settings");
        settings.addr = "127.0.0.1:0".parse().unwrap();
        configure(&mut settings);
        settings.database_url = Some(self.db_url.clone().into());
        let app = server::Application::build_with(settings, plugins)
            .await
            .expect("build the second server");
        let address = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let metrics_addr = app.metrics_addr();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        let client = Client::builder().cookie_store(true).build().unwrap();
        TestApp {
            address,
            state,
            metrics_addr,
            client,
            db_url: self.db_url.clone(),
            _data_dir: data_dir,
            _database: None,
            _shutdown: Some(tx),
        }
    }

    /// The server's data directory (the SQLite file, media, the mail outbox).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    pub fn is_postgres(&self) -> bool {
        self.db_url.starts_with("postgres")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Signs up a new account; returns the full answer body.
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        workspace: &str,
    ) -> (StatusCode, Value) {
        let res = self
            .post_json(
                "/api/auth/signup",
                &json!({"email": email, "password": password, "organizationName": workspace}),
            )
            .await;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Signs up a fresh account and returns its access token.
    pub async fn new_account(&self, workspace: &str) -> (String, Value) {
        let email = unique_email("user");
        let (status, body) = self
            .sign_up(&email, "correct horse battery", workspace)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (body["accessToken"].as_str().unwrap().to_string(), body)
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/signin",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in through the sign-in page's form (a server function), as a browser does: the
    /// session cookie lands in `client`'s cookie store.
    pub async fn sign_in_form(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.url("/sfn/sign_in"))
            .form(&[("input[email]", email), ("input[password]", password)])
            .send()
            .await
            .unwrap()
    }

    /// A direct connection to the test database, for arranging states the API cannot make yet.
    pub async fn db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.db_url)
            .await
            .expect("connect to the test database")
    }
}

/// Asserts the documented error shape and code; returns the body.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.expect("a JSON error body");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    body
}
