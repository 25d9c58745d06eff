//! The real binary: its command-line contract, graceful shutdown on SIGTERM, and a loop that
//! `kill -9`s it in the middle of writes 50 times without losing an acknowledged write.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prisme_server::store::{Kind, Store, StoreOptions};
use sqlx::{Connection, Row};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_prisme-server");
const WS: &str = "crash";

/// A running `prisme-server serve`.
struct Proc {
    child: Child,
    http: Http,
}

async fn serve(db_url: &str) -> Proc {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", db_url])
        .args(["--rate-limit", "0", "--history", "100000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start prisme-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("the server prints its address within 30 s")
    .expect("read stdout");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line should be the address: {line:?}"));
    assert!(addr.starts_with("http://127.0.0.1:"), "{addr}");
    Proc {
        child,
        http: Http::new(addr),
    }
}

async fn cli(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run prisme-server")
}

fn is_token(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("prisme_") else {
        return false;
    };
    let hex = |p: &str, n| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit());
    rest.split_once('_')
        .is_some_and(|(id, secret)| hex(id, 16) && hex(secret, 64))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_contract_and_graceful_shutdown() {
    for backend in backends() {
        contract(backend).await;
    }
}

async fn contract(backend: Backend) {
    let db = TestDb::new(backend).await;
    // `token create` prints the token and nothing else.
    let out = cli(&[
        "token",
        "create",
        "--workspace",
        WS,
        "--write",
        "--label",
        "Alice's laptop",
        "--database",
        &db.url,
    ])
    .await;
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        stdout.ends_with('\n') && stdout.lines().count() == 1,
        "{stdout:?}"
    );
    let token = stdout.trim().to_string();
    assert!(is_token(&token), "{token:?}");
    // The database holds its hash, not the token.
    let listed = cli(&["token", "list", "--database", &db.url]).await;
    let listed = String::from_utf8(listed.stdout).expect("utf-8");
    assert!(listed.contains(&token["prisme_".len().."prisme_".len() + 16]));
    assert!(listed.contains("Alice's laptop") && listed.contains("read-write"));
    assert!(
        !listed.contains(&token["prisme_".len() + 17..]),
        "a secret was listed"
    );
    // Bad arguments fail with a message.
    let out = cli(&[
        "token",
        "create",
        "--workspace",
        "../x",
        "--database",
        &db.url,
    ])
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid id"));
    let out = cli(&["serve", "--database", "mysql://nope"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite://FILE"));

    // `serve` prints its address; SIGTERM lets a request in flight finish.
    let mut p = serve(&db.url).await;
    p.http.get("/healthz").send().await.expect(200);
    let path = doc_path(WS, "reports", "in-flight");
    let payload = serde_json::to_vec(&body("in flight", report("in-flight"))).expect("json");
    let addr = p.http.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\
         If-None-Match: *\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    let (first, rest) = payload.split_at(payload.len() / 2);
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(first).await.expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = p.child.id().expect("pid").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill");
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream
        .write_all(rest)
        .await
        .expect("the connection is still open");
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut reply))
        .await
        .expect("answered within 10 s")
        .expect("read");
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    let status = tokio::time::timeout(Duration::from_secs(10), p.child.wait())
        .await
        .expect("exits within 10 s of SIGTERM")
        .expect("wait");
    assert!(status.success(), "exit status {status:?}");
    // The write is there after a restart; new connections were refused meanwhile.
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err());
    let mut p = serve(&db.url).await;
    let r = p.http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(marker_of(&r.json()["document"]), "in-flight");
    // A revoked token stops working at once.
    let id = &token["prisme_".len().."prisme_".len() + 16];
    let out = cli(&["token", "revoke", "--id", id, "--database", &db.url]).await;
    assert!(out.status.success(), "{out:?}");
    p.http
        .get(&path)
        .token(&token)
        .send()
        .await
        .expect_error(401, "invalid_token");
    p.child.kill().await.ok();
}

const ROUNDS: usize = 50;
const WRITERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_write_loses_no_acknowledged_write() {
    for backend in backends() {
        crash_loop(backend).await;
    }
}

/// What one writer has been told: (version, marker) of each acknowledged write.
#[derive(Default)]
struct Writer {
    expected: Option<i64>,
    acked: Vec<(i64, String)>,
    attempts: usize,
}

async fn crash_loop(backend: Backend) {
    let db = TestDb::new(backend).await;
    let out = cli(&[
        "token",
        "create",
        "--workspace",
        WS,
        "--write",
        "--database",
        &db.url,
    ])
    .await;
    assert!(out.status.success(), "{out:?}");
    let token = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string();
    let writers: Vec<Arc<Mutex<Writer>>> = (0..WRITERS).map(|_| Arc::default()).collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..ROUNDS {
        let mut p = serve(&db.url).await;
        let mut tasks = Vec::new();
        for (w, state) in writers.iter().enumerate() {
            let (http, token, state) = (p.http.clone(), token.clone(), state.clone());
            tasks.push(tokio::spawn(async move {
                write_until_cut(&http, &token, w, round, &state).await;
            }));
        }
        // Kill somewhere between 20 and 120 ms into the writes.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = 20 + (seed >> 33) % 100;
        tokio::time::sleep(Duration::from_millis(delay)).await;
        p.child.start_kill().expect("SIGKILL");
        p.child.wait().await.expect("wait");
        for t in tasks {
            t.await.expect("writer task");
        }
    }

    // One more start (recovery after the last kill), then check everything.
    let p = serve(&db.url).await;
    p.http.get("/readyz").send().await.expect(200);
    drop(p);
    let store = Store::open(&db.url, &StoreOptions::default())
        .await
        .expect("open");
    let mut total = 0;
    for (w, state) in writers.iter().enumerate() {
        let id = format!("doc{w}");
        let key = key(WS, Kind::Report, &id);
        let acked = state.lock().expect("lock").acked.clone();
        total += acked.len();
        for (v, marker) in &acked {
            let doc = store
                .version(&key, *v)
                .await
                .expect("read")
                .unwrap_or_else(|| panic!("{backend:?}: acknowledged {id} v{v} is lost"));
            let value: serde_json::Value = serde_json::from_str(&doc.document).expect("json");
            assert_eq!(&marker_of(&value), marker, "{backend:?}: {id} v{v}");
        }
        let current = store.get(&key).await.expect("read").expect("exists");
        let last = acked.last().map_or(0, |a| a.0);
        assert!(
            current.meta.version >= last,
            "{backend:?}: {id} went back from v{last} to v{}",
            current.meta.version
        );
    }
    store.close().await;
    assert!(
        total >= ROUNDS,
        "{backend:?}: only {total} writes acknowledged in {ROUNDS} rounds: the test proves little"
    );
    // Each document's current state is also in its history: the two were written together.
    assert_eq!(
        orphans(&db).await,
        0,
        "{backend:?}: a document without its version row"
    );
    if let Some(path) = &db.sqlite_path {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("open");
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .expect("integrity_check")
            .get(0);
        assert_eq!(check, "ok");
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .expect("journal_mode")
            .get(0);
        assert_eq!(mode, "wal");
    }
    eprintln!("{backend:?}: {total} acknowledged writes survived {ROUNDS} kill -9");
}

/// Writes doc{w} again and again until the server goes away, recording what was acknowledged.
async fn write_until_cut(http: &Http, token: &str, w: usize, round: usize, state: &Mutex<Writer>) {
    let path = doc_path(WS, "reports", &format!("doc{w}"));
    loop {
        let (expected, n) = {
            let s = state.lock().expect("lock");
            (s.expected, s.attempts)
        };
        let marker = format!("w{w}-r{round}-n{n}");
        let mut req = http.put(&path).token(token);
        req = match expected {
            None => req.create(),
            Some(v) => req.if_match(v),
        };
        let reply = req.json(&body(&marker, report(&marker))).try_send().await;
        let mut s = state.lock().expect("lock");
        s.attempts += 1;
        let Ok(r) = reply else {
            return; // killed
        };
        match r.status {
            200 | 201 => {
                let v = r.etag();
                s.acked.push((v, marker));
                s.expected = Some(v);
            }
            // A write cut by the previous kill may have landed after all: carry on from it.
            412 => s.expected = Some(r.json()["error"]["current_version"].as_i64().expect("v")),
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
}

/// Live documents whose current version has no content row.
async fn orphans(db: &TestDb) -> i64 {
    const SQL: &str = "SELECT COUNT(*) FROM documents d WHERE d.deleted = FALSE AND NOT EXISTS \
         (SELECT 1 FROM versions v WHERE v.workspace = d.workspace AND v.kind = d.kind \
          AND v.id = d.id AND v.version = d.version)";
    match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("open");
            sqlx::query(SQL)
                .fetch_one(&mut c)
                .await
                .expect("count")
                .get(0)
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.expect("open");
            sqlx::query(SQL)
                .fetch_one(&mut c)
                .await
                .expect("count")
                .get(0)
        }
    }
}
