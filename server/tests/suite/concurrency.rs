//! 16 clients × 200 conflicting updates of one document, each retried on 412 until it lands:
//! no lost update, no version given twice, every acknowledged document in the history.

use std::collections::HashSet;
use std::time::Instant;

use prisme_server::store::Kind;

use crate::support::*;

const WS: &str = "race";
const CLIENTS: usize = 16;
const WRITES: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicting_updates_lose_nothing() {
    for backend in backends() {
        race(backend).await;
    }
}

async fn race(backend: Backend) {
    let total = CLIENTS * WRITES;
    // Keep every version, so that every acknowledged write can be found.
    let s = TestServer::start_with(backend, |c| c.store.history = total as u32 + 10).await;
    let token = s.token(WS, true, "racer").await;
    let path = doc_path(WS, "reports", "shared");
    s.http
        .put(&path)
        .token(&token)
        .create()
        .json(&body("shared", report("initial")))
        .send()
        .await
        .expect(201);

    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let http = s.http.clone();
        let token = token.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::with_capacity(WRITES);
            let mut expected = 1;
            let mut refused = 0u32;
            while acked.len() < WRITES {
                let marker = format!("client{client}-write{}", acked.len());
                let r = http
                    .put(&path)
                    .token(&token)
                    .if_match(expected)
                    .json(&body(&marker, report(&marker)))
                    .send()
                    .await;
                match r.status {
                    200 => {
                        let v = r.etag();
                        assert!(v > expected, "a new version is above the one replaced");
                        acked.push((v, marker));
                        expected = v;
                    }
                    412 => {
                        expected = r.json()["error"]["current_version"]
                            .as_i64()
                            .expect("412 carries the current version");
                        refused += 1;
                    }
                    other => panic!("client {client}: unexpected {other}: {}", r.text()),
                }
            }
            (acked, refused)
        }));
    }
    let mut acked = Vec::with_capacity(total);
    let mut refused = 0;
    for t in tasks {
        let (a, r) = t.await.expect("client task");
        acked.extend(a);
        refused += r;
    }
    let elapsed = started.elapsed();

    // Every acknowledged write got its own version; the final version counts them all.
    assert_eq!(acked.len(), total);
    let versions: HashSet<i64> = acked.iter().map(|(v, _)| *v).collect();
    assert_eq!(
        versions.len(),
        total,
        "{backend:?}: a version was acknowledged twice"
    );
    let current = s.http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(
        current.etag(),
        1 + total as i64,
        "{backend:?}: final version != 1 + acknowledged writes"
    );
    // Every acknowledged document is in the history, under the version it was given.
    let key = key(WS, Kind::Report, "shared");
    for (v, marker) in &acked {
        let doc = s
            .store
            .version(&key, *v)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{backend:?}: version {v} is missing"));
        let value: serde_json::Value = serde_json::from_str(&doc.document).expect("json");
        assert_eq!(&marker_of(&value), marker, "{backend:?}: version {v}");
        assert_eq!(&doc.meta.name, marker);
    }
    eprintln!(
        "{backend:?}: {total} acknowledged updates, {refused} refused as stale, in {:.1} s",
        elapsed.as_secs_f64()
    );
    s.stop().await;
}
