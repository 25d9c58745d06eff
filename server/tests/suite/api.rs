//! The API's contract, on each database: create, read, update, delete, history, restore,
//! preconditions, health, CORS, rate limit.

use serde_json::Value;

use crate::support::*;

const WS: &str = "team-a";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_round_trip_with_versions() {
    for backend in backends() {
        round_trip(backend).await;
    }
}

async fn round_trip(backend: Backend) {
    let s = TestServer::start(backend).await;
    let token = s.token(WS, true, "Alice").await;
    let http = &s.http;
    let path = doc_path(WS, "reports", "q3-review");

    // Create: 201, ETag "1", Location.
    let doc = report("q3.csv");
    let r = http
        .put(&path)
        .token(&token)
        .create()
        .json(&body("Q3 review", doc.clone()))
        .send()
        .await
        .expect(201);
    assert_eq!(r.etag(), 1, "{backend:?}");
    assert_eq!(r.header("location").as_deref(), Some(path.as_str()));
    let meta = r.json();
    assert_eq!(meta["version"], 1);
    assert_eq!(meta["author"], "Alice");
    assert!(
        meta.get("document").is_none(),
        "a save answers metadata only"
    );

    // Read: the same document, exactly the bytes sent, plus id, version, updated_at, author.
    let r = http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(r.etag(), 1);
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let got = r.json();
    assert_eq!(got["document"], doc);
    assert!(
        r.text()
            .contains(&serde_json::to_string(&doc).expect("json")),
        "the document's bytes are served as sent"
    );
    assert_eq!(got["id"], "q3-review");
    assert_eq!(got["name"], "Q3 review");
    assert_eq!(got["version"], 1);
    assert_eq!(got["author"], "Alice");
    let updated_at = got["updated_at"].as_str().expect("updated_at");
    assert!(
        updated_at.len() == 24 && updated_at.ends_with('Z') && updated_at.starts_with("20"),
        "{updated_at}"
    );

    // A retried create (same name and document) is answered again: 200, same version.
    let r = http
        .put(&path)
        .token(&token)
        .create()
        .json(&body("Q3 review", doc.clone()))
        .send()
        .await
        .expect(200);
    assert_eq!(r.etag(), 1);
    // A create over different content is refused with the current version.
    let r = http
        .put(&path)
        .token(&token)
        .create()
        .json(&body("Q3 review", report("other.csv")))
        .send()
        .await
        .expect_error(412, "version_mismatch");
    assert_eq!(r.json()["error"]["current_version"], 1);

    // Update with If-Match.
    let v2 = report("q3-v2.csv");
    let r = http
        .put(&path)
        .token(&token)
        .if_match(1)
        .json(&body("Q3 review (final)", v2.clone()))
        .send()
        .await
        .expect(200);
    assert_eq!(r.etag(), 2);
    // Stale: 412 with the current version, in the body and the ETag.
    let r = http
        .put(&path)
        .token(&token)
        .if_match(1)
        .json(&body("stale", report("stale.csv")))
        .send()
        .await
        .expect_error(412, "version_mismatch");
    assert_eq!(r.json()["error"]["current_version"], 2);
    assert_eq!(r.etag(), 2);
    assert!(r.message().contains("If-Match: \"2\""), "{}", r.message());
    // Missing If-Match: 428.
    http.put(&path)
        .token(&token)
        .json(&body("blind", report("blind.csv")))
        .send()
        .await
        .expect_error(428, "precondition_required");
    // Weak and bare tags name the same version.
    http.get(&path)
        .token(&token)
        .header("if-none-match", "W/\"2\"")
        .send()
        .await
        .expect(304);
    let r = http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(r.json()["document"], v2);
    assert_eq!(r.json()["name"], "Q3 review (final)");

    // List: metadata of every document, without documents.
    let other = doc_path(WS, "reports", "annual");
    http.put(&other)
        .token(&token)
        .create()
        .json(&body("Annual", report("annual.csv")))
        .send()
        .await
        .expect(201);
    let list = http
        .get(&format!("/api/v1/workspaces/{WS}/reports"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    let items = list["items"].as_array().expect("items");
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["annual", "q3-review"]);
    assert!(items.iter().all(|i| i.get("document").is_none()));
    assert_eq!(items[1]["version"], 2);
    assert!(items[1]["size"].as_i64().unwrap() > 100);
    // Datamarts are another collection.
    let marts = http
        .get(&format!("/api/v1/workspaces/{WS}/datamarts"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(marts["items"], Value::Array(vec![]));

    // History, newest first; any kept version can be read and restored.
    let h = http
        .get(&format!("{path}/versions"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    let versions: Vec<i64> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(h["current_version"], 2);
    assert_eq!(h["deleted"], false);
    let r = http
        .get(&format!("{path}/versions/1"))
        .token(&token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json()["document"], doc);
    assert_eq!(r.json()["version"], 1);
    http.get(&format!("{path}/versions/9"))
        .token(&token)
        .send()
        .await
        .expect_error(404, "not_found");
    // Restore needs If-Match too, and saves the old content as a new version.
    http.req("POST", &format!("{path}/versions/1/restore"))
        .token(&token)
        .send()
        .await
        .expect_error(428, "precondition_required");
    http.req("POST", &format!("{path}/versions/1/restore"))
        .token(&token)
        .if_match(1)
        .send()
        .await
        .expect_error(412, "version_mismatch");
    let r = http
        .req("POST", &format!("{path}/versions/1/restore"))
        .token(&token)
        .if_match(2)
        .send()
        .await
        .expect(200);
    assert_eq!(r.etag(), 3);
    let r = http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(r.json()["document"], doc);
    assert_eq!(r.json()["name"], "Q3 review");

    // Delete: If-Match required; the document goes, its history stays, its version numbers
    // keep growing if it is created again (an old ETag never matches the new document).
    http.req("DELETE", &path)
        .token(&token)
        .send()
        .await
        .expect_error(428, "precondition_required");
    http.req("DELETE", &path)
        .token(&token)
        .if_match(2)
        .send()
        .await
        .expect_error(412, "version_mismatch");
    http.req("DELETE", &path)
        .token(&token)
        .if_match(3)
        .send()
        .await
        .expect(204);
    http.get(&path)
        .token(&token)
        .send()
        .await
        .expect_error(404, "not_found");
    http.req("DELETE", &path)
        .token(&token)
        .if_match(4)
        .send()
        .await
        .expect_error(404, "not_found");
    http.put(&path)
        .token(&token)
        .if_match(4)
        .json(&body("after delete", report("x.csv")))
        .send()
        .await
        .expect_error(404, "not_found");
    let h = http
        .get(&format!("{path}/versions"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(h["deleted"], true);
    assert_eq!(h["current_version"], 4);
    assert_eq!(h["versions"].as_array().unwrap().len(), 3);
    // Undo the deletion by restoring a version.
    let r = http
        .req("POST", &format!("{path}/versions/2/restore"))
        .token(&token)
        .if_match(4)
        .send()
        .await
        .expect(200);
    assert_eq!(r.etag(), 5);
    let r = http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(r.json()["document"], v2);
    // Delete again, then create anew: version 7, not 1.
    http.req("DELETE", &path)
        .token(&token)
        .if_match(5)
        .send()
        .await
        .expect(204);
    let r = http
        .put(&path)
        .token(&token)
        .create()
        .json(&body("Reborn", report("reborn.csv")))
        .send()
        .await
        .expect(201);
    assert_eq!(r.etag(), 7);
    let list = http
        .get(&format!("/api/v1/workspaces/{WS}/reports"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datamarts_have_the_same_api() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.token(WS, true, "Bob").await;
        let http = &s.http;
        let path = doc_path(WS, "datamarts", "relance");
        let mart = datamart("À relancer");
        http.put(&path)
            .token(&token)
            .create()
            .json(&body("À relancer", mart.clone()))
            .send()
            .await
            .expect(201);
        let r = http.get(&path).token(&token).send().await.expect(200);
        assert_eq!(r.json()["document"], mart);
        assert_eq!(r.json()["author"], "Bob");
        // A pseudonymized target list may travel with it.
        let mut with_targets = mart.clone();
        with_targets["target_list"] = serde_json::json!([
            prisme_core::anonymize::pseudonym(b"0123456789abcdef", "C1"),
            prisme_core::anonymize::pseudonym(b"0123456789abcdef", "C2"),
        ]);
        http.put(&path)
            .token(&token)
            .if_match(1)
            .json(&body("À relancer", with_targets.clone()))
            .send()
            .await
            .expect(200);
        let h = http
            .get(&format!("{path}/versions"))
            .token(&token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(h["versions"].as_array().unwrap().len(), 2);
        http.req("POST", &format!("{path}/versions/1/restore"))
            .token(&token)
            .if_match(2)
            .send()
            .await
            .expect(200);
        let r = http.get(&path).token(&token).send().await.expect(200);
        assert_eq!(r.json()["document"], mart);
        http.req("DELETE", &path)
            .token(&token)
            .if_match(3)
            .send()
            .await
            .expect(204);
        // A report is not a datamart, and the other way round.
        http.put(&doc_path(WS, "datamarts", "wrong"))
            .token(&token)
            .create()
            .json(&body("wrong", report("r.csv")))
            .send()
            .await
            .expect_error(422, "unknown_field");
        http.put(&doc_path(WS, "reports", "wrong"))
            .token(&token)
            .create()
            .json(&body("wrong", mart))
            .send()
            .await
            .expect_error(422, "wrong_format");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_keeps_the_last_n_versions() {
    for backend in backends() {
        let s = TestServer::start_with(backend, |c| c.store.history = 3).await;
        let token = s.token(WS, true, "Alice").await;
        let http = &s.http;
        let path = doc_path(WS, "reports", "r");
        http.put(&path)
            .token(&token)
            .create()
            .json(&body("r", report("v1")))
            .send()
            .await
            .expect(201);
        for v in 1..5 {
            http.put(&path)
                .token(&token)
                .if_match(v)
                .json(&body("r", report(&format!("v{}", v + 1))))
                .send()
                .await
                .expect(200);
        }
        let h = http
            .get(&format!("{path}/versions"))
            .token(&token)
            .send()
            .await
            .expect(200)
            .json();
        let versions: Vec<i64> = h["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [5, 4, 3], "{backend:?}");
        http.req("POST", &format!("{path}/versions/2/restore"))
            .token(&token)
            .if_match(5)
            .send()
            .await
            .expect_error(404, "not_found");
        let r = http
            .get(&format!("{path}/versions/3"))
            .token(&token)
            .send()
            .await
            .expect(200);
        assert_eq!(marker_of(&r.json()["document"]), "v3");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let r = s.http.get("/healthz").send().await.expect(200);
        assert_eq!(r.json()["status"], "ok");
        let r = s.http.get("/readyz").send().await.expect(200);
        assert_eq!(r.json()["status"], "ready");
        let expected = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        assert_eq!(r.json()["database"], expected);
        // Closed database: not ready, still healthy (the process lives).
        s.store.close().await;
        s.http
            .get("/readyz")
            .send()
            .await
            .expect_error(503, "not_ready");
        s.http.get("/healthz").send().await.expect(200);
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_only_the_listed_origins() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.cors_origins = vec!["https://app.example".to_string()];
    })
    .await;
    let path = doc_path(WS, "reports", "r");
    let preflight = |origin: &'static str| {
        s.http
            .req("OPTIONS", &path)
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header(
                "access-control-request-headers",
                "authorization,content-type,if-match",
            )
            .send()
    };
    let r = preflight("https://app.example").await;
    assert!(r.status < 300, "{}", r.status);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    let methods = r.header("access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("PUT") && methods.contains("DELETE"),
        "{methods}"
    );
    let r = preflight("https://evil.example").await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    // Errors carry the CORS headers too, so that the app can read them; ETag is exposed.
    let r = s
        .http
        .get(&path)
        .header("origin", "https://app.example")
        .send()
        .await
        .expect_error(401, "missing_token");
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("https://app.example")
    );
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
    s.stop().await;

    // Without --cors-origin, no origin is allowed.
    let s = TestServer::start(Backend::Sqlite).await;
    let r = s
        .http
        .get("/healthz")
        .header("origin", "https://app.example")
        .send()
        .await
        .expect(200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_over_its_rate_waits() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limit = 1.0;
        c.rate_burst = 3;
    })
    .await;
    let token = s.token(WS, false, "reader").await;
    let other = s.token(WS, false, "other reader").await;
    let list = format!("/api/v1/workspaces/{WS}/reports");
    for _ in 0..3 {
        s.http.get(&list).token(&token).send().await.expect(200);
    }
    let r = s
        .http
        .get(&list)
        .token(&token)
        .send()
        .await
        .expect_error(429, "rate_limited");
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    // Another token has its own bucket; health checks have none.
    s.http.get(&list).token(&other).send().await.expect(200);
    for _ in 0..10 {
        s.http.get("/healthz").send().await.expect(200);
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    s.http.get(&list).token(&token).send().await.expect(200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_cli_report_is_accepted() {
    // Written by `prisme analyze --out` on generated data (see fixtures/README.md).
    let text = include_str!("../fixtures/report.json");
    let doc: Value = serde_json::from_str(text).expect("fixture");
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.token(WS, true, "Alice").await;
        let path = doc_path(WS, "reports", "cli");
        s.http
            .put(&path)
            .token(&token)
            .create()
            .json(&body("From the CLI", doc.clone()))
            .send()
            .await
            .expect(201);
        let r = s.http.get(&path).token(&token).send().await.expect(200);
        assert_eq!(r.json()["document"], doc);
        s.stop().await;
    }
}
