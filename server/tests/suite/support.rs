//! The test harness: databases (a SQLite file, or a fresh database in the PostgreSQL cluster
//! that `cargo xtask test` starts), servers (in-process, or the real binary), and a small
//! HTTP client.

use std::io::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::HeaderMap;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use prisme_core::analysis::{AnalysisParams, REPORT_FORMAT, REPORT_VERSION, Report};
use prisme_server::store::{Key, Kind, Store};
use prisme_server::{Config, Server, auth};
use serde_json::{Value, json};
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const PG_ENV: &str = "PRISME_TEST_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The databases to run on: SQLite always, PostgreSQL when the test setup started one.
pub fn backends() -> Vec<Backend> {
    if std::env::var_os(PG_ENV).is_some() {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            // Straight to the process's stderr: the test harness does not capture it.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! {PG_ENV} is not set: the PostgreSQL half of the server tests is SKIPPED.\n\
                 !!! `cargo xtask test` (and `cargo xtask test-server`) start a throwaway \
                 PostgreSQL and set it.\n"
            );
        });
        vec![Backend::Sqlite]
    }
}

/// A database for one test; the SQLite file lives as long as this.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<TempDir>,
    pub sqlite_path: Option<std::path::PathBuf>,
}

static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("prisme.db");
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    sqlite_path: Some(path),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = std::env::var(PG_ENV).expect("PostgreSQL URL");
                let name = format!(
                    "prisme_test_{}_{}",
                    std::process::id(),
                    DB_COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                conn.close().await.ok();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    sqlite_path: None,
                    _dir: None,
                }
            }
        }
    }
}

/// A server running in this process on a free port.
pub struct TestServer {
    pub http: Http,
    pub store: Store,
    /// Kept alive for the server (the SQLite file lives in its temp dir).
    _db: TestDb,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// The configuration tests start from: no rate limit unless a test asks for one.
pub fn test_config() -> Config {
    Config {
        rate_limit: 0.0,
        ..Config::default()
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let db = TestDb::new(backend).await;
        let mut config = test_config();
        config.database = db.url.clone();
        tweak(&mut config);
        let server = Server::new(&config).await.expect("server starts");
        let store = server.store().clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .run(listener, async {
                    stopped.await.ok();
                })
                .await
                .expect("server runs");
        });
        TestServer {
            http: Http::new(&format!("http://{addr}")),
            store,
            _db: db,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn token(&self, workspace: &str, write: bool, label: &str) -> String {
        auth::create_token(&self.store, workspace, write, label)
            .await
            .expect("token")
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

/// A minimal HTTP/1 client.
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    pub base: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The error code of a JSON error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {:?}", self.text()))
            .to_string()
    }

    pub fn message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The ETag as a version number.
    pub fn etag(&self) -> i64 {
        let tag = self.header("etag").expect("ETag header");
        tag.trim_matches('"').parse().expect("numeric ETag")
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text()
        );
        self
    }

    /// A JSON error with this status and code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Reply {
        let r = self.expect(status);
        assert_eq!(r.code(), code, "{}", r.text());
        assert!(
            r.message().len() > 20,
            "the message should say what to do: {}",
            r.text()
        );
        r
    }
}

pub struct RequestBuilder<'a> {
    http: &'a Http,
    method: hyper::Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Http {
    pub fn new(base: &str) -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Http {
            client,
            base: base.to_string(),
        }
    }

    pub fn req(&self, method: &str, path: &str) -> RequestBuilder<'_> {
        RequestBuilder {
            http: self,
            method: method.parse().expect("method"),
            path: path.to_string(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.req("GET", path)
    }

    pub fn put(&self, path: &str) -> RequestBuilder<'_> {
        self.req("PUT", path)
    }
}

impl RequestBuilder<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn token(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn if_match(self, version: i64) -> Self {
        self.header("if-match", &format!("\"{version}\""))
    }

    pub fn create(self) -> Self {
        self.header("if-none-match", "*")
    }

    pub fn json(self, value: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(serde_json::to_vec(value).expect("json"))
    }

    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    /// Sends; an error if the connection fails.
    pub async fn try_send(self) -> Result<Reply, String> {
        let uri = format!("{}{}", self.http.base, self.path);
        let mut req = hyper::Request::builder().method(self.method).uri(uri);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req
            .body(Full::new(Bytes::from(self.body.unwrap_or_default())))
            .map_err(|e| e.to_string())?;
        let res = self
            .http
            .client
            .request(req)
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    pub async fn send(self) -> Reply {
        let what = format!("{} {}", self.method, self.path);
        self.try_send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }
}

/// A valid report document; `marker` makes it unique (it is the input file's name).
pub fn report(marker: &str) -> Value {
    let report = Report {
        format: REPORT_FORMAT.to_string(),
        version: REPORT_VERSION,
        engine_version: "test".to_string(),
        inputs: vec![prisme_core::analysis::InputSummary {
            file: marker.to_string(),
            kind: "transactions".to_string(),
            rows: 10,
            customers: 3,
            bytes: None,
            sha256: None,
        }],
        params: AnalysisParams::default(),
        rfm: None,
        clusters: None,
        clv: None,
        churn: None,
        cohorts: None,
        indicators: None,
        charts: Default::default(),
        skipped: Vec::new(),
        customers: None,
    };
    serde_json::from_str(&report.to_json()).expect("report JSON")
}

/// The marker of a report made by [`report`].
pub fn marker_of(document: &Value) -> String {
    document["inputs"][0]["file"]
        .as_str()
        .expect("marker")
        .to_string()
}

/// A valid datamart document.
pub fn datamart(name: &str) -> Value {
    json!({"name": name, "description": "", "filter": {"op": "all", "of": [
        {"op": "in", "column": "segment", "values": ["at-risk", "cant-lose-them"]},
        {"op": "compare", "column": "p_alive", "cmp": "lt", "value": 0.3},
        {"op": "not", "filter": {"op": "in", "column": "region", "values": ["Nord"]}}
    ]}})
}

pub fn body(name: &str, document: Value) -> Value {
    json!({"name": name, "document": document})
}

pub fn doc_path(workspace: &str, collection: &str, id: &str) -> String {
    format!("/api/v1/workspaces/{workspace}/{collection}/{id}")
}

pub fn key<'a>(workspace: &'a str, kind: Kind, id: &'a str) -> Key<'a> {
    Key {
        workspace,
        kind,
        id,
    }
}

/// Everything a workspace holds, documents and history, for before/after comparisons.
pub async fn snapshot(store: &Store, workspace: &str, ids: &[&str]) -> String {
    let mut out = String::new();
    for kind in [Kind::Report, Kind::Datamart] {
        for m in store.list(workspace, kind).await.expect("list") {
            out.push_str(&format!("{m:?}\n"));
        }
        for id in ids {
            let k = key(workspace, kind, id);
            if let Some(doc) = store.get(&k).await.expect("get") {
                out.push_str(&format!("{:?} {}\n", doc.meta, doc.document));
            }
            if let Some(h) = store.history(&k).await.expect("history") {
                out.push_str(&format!(
                    "{} {} {:?}\n",
                    h.current_version, h.deleted, h.versions
                ));
            }
        }
    }
    out
}
