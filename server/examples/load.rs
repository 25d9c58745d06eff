//! Load generator for BENCHMARKS.md: 16 clients saving reports through the HTTP API of a
//! server running in this process, on SQLite or on PostgreSQL.
//!
//! `cargo run --release -p prisme-server --example load -- [sqlite|postgres] [own|shared]
//! [--clients 16] [--saves 200] [--runs 5]`
//!
//! - `own`: each client updates its own report (no conflicts): the store's write throughput.
//! - `shared`: every client updates the same report with If-Match and retries on 412, as in
//!   the concurrency test: acknowledged saves per second under contention.
//!
//! Each save sends the 100 KB report of `tests/fixtures/report.json`. Latency is measured per
//! request (a 412 counts as a request in `shared`). PostgreSQL comes from PRISME_TEST_POSTGRES
//! (`cargo xtask bench-server` starts a cluster and sets it). A fresh database per run; the
//! figures printed last are the medians over the runs.

#[allow(dead_code)]
#[path = "../tests/suite/support.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Backend, TestServer, body, doc_path};

const WS: &str = "bench";

struct Run {
    saves: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = if args.iter().any(|a| a == "postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let shared = args.iter().any(|a| a == "shared");
    let clients: usize = arg(&args, "--clients", 16);
    let saves: usize = arg(&args, "--saves", 200);
    let runs: usize = arg(&args, "--runs", 5);
    if backend == Backend::Postgres && std::env::var_os(support::PG_ENV).is_none() {
        eprintln!(
            "set {} to a PostgreSQL URL (cargo xtask bench-server does)",
            support::PG_ENV
        );
        std::process::exit(2);
    }
    let fixture: Value =
        serde_json::from_str(include_str!("../tests/fixtures/report.json")).expect("fixture");
    let mode = if shared { "shared" } else { "own" };

    let mut results = Vec::new();
    for run in 0..runs {
        let r = one_run(backend, shared, clients, saves, &fixture).await;
        let (rate, p50, p99) = figures(&r);
        println!(
            "run {}: {backend:?} {mode}: {} saves in {:.2} s: {rate:.0} saves/s, p50 {p50:.1} ms, \
             p99 {p99:.1} ms",
            run + 1,
            r.saves,
            r.elapsed.as_secs_f64()
        );
        results.push((rate, p50, p99));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "median of {runs}: {backend:?} {mode}, {clients} clients × {saves} saves: {:.0} saves/s, \
         p50 {:.1} ms, p99 {:.1} ms",
        median(results.iter().map(|r| r.0).collect()),
        median(results.iter().map(|r| r.1).collect()),
        median(results.iter().map(|r| r.2).collect()),
    );
}

fn figures(r: &Run) -> (f64, f64, f64) {
    let mut l: Vec<f64> = r
        .latencies
        .iter()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    l.sort_by(f64::total_cmp);
    let at = |q: f64| l[((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1];
    (r.saves as f64 / r.elapsed.as_secs_f64(), at(0.50), at(0.99))
}

async fn one_run(
    backend: Backend,
    shared: bool,
    clients: usize,
    saves: usize,
    fixture: &Value,
) -> Run {
    let s = TestServer::start(backend).await;
    let token = s.token(WS, true, "bench").await;
    let doc_id = |c: usize| {
        if shared {
            "shared".to_string()
        } else {
            format!("report-{c}")
        }
    };
    for c in 0..if shared { 1 } else { clients } {
        s.http
            .put(&doc_path(WS, "reports", &doc_id(c)))
            .token(&token)
            .create()
            .json(&body("bench", fixture.clone()))
            .send()
            .await
            .expect(201);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, token, path) = (
            s.http.clone(),
            token.clone(),
            doc_path(WS, "reports", &doc_id(c)),
        );
        let mut doc = fixture.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(saves * 2);
            let (mut expected, mut done) = (1, 0);
            while done < saves {
                doc["inputs"][0]["file"] = Value::String(format!("c{c}-s{done}.csv"));
                let t = Instant::now();
                let r = http
                    .put(&path)
                    .token(&token)
                    .if_match(expected)
                    .json(&body("bench", doc.clone()))
                    .send()
                    .await;
                latencies.push(t.elapsed());
                match r.status {
                    200 => {
                        expected = r.etag();
                        done += 1;
                    }
                    412 => {
                        expected = r.json()["error"]["current_version"]
                            .as_i64()
                            .expect("current version");
                    }
                    other => panic!("unexpected {other}: {}", r.text()),
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("client"));
    }
    let elapsed = started.elapsed();
    s.stop().await;
    Run {
        saves: clients * saves,
        elapsed,
        latencies,
    }
}
