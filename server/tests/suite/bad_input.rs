//! Hostile or broken requests: each gets a 4xx with a code and a message saying what to do,
//! nothing is stored, and the server keeps serving.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

const WS: &str = "team";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors() {
    for backend in backends() {
        bad_requests(backend).await;
    }
}

async fn bad_requests(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.body_limit = 256 << 10).await;
    let token = s.token(WS, true, "Alice").await;
    let http = &s.http;
    let path = doc_path(WS, "reports", "r1");
    let put = || http.put(&path).token(&token).create();

    // Not JSON, or not the expected shape.
    put()
        .header("content-type", "application/json")
        .body(b"{\"name\": \"x\", \"document\": {".to_vec())
        .send()
        .await
        .expect_error(400, "invalid_json");
    put()
        .header("content-type", "application/json")
        .body(Vec::new())
        .send()
        .await
        .expect_error(400, "invalid_json");
    put()
        .header("content-type", "application/json")
        .body(vec![0xff, 0xfe, b'{'])
        .send()
        .await
        .expect_error(400, "invalid_json");
    put()
        .json(&json!({"document": report("a")}))
        .send()
        .await
        .expect_error(422, "invalid_body");
    put()
        .json(&json!({"name": "x"}))
        .send()
        .await
        .expect_error(422, "invalid_body");
    put()
        .json(&json!([1, 2]))
        .send()
        .await
        .expect_error(422, "invalid_body");
    put()
        .json(&body("x", json!([report("a")])))
        .send()
        .await
        .expect_error(422, "invalid_document");
    // Wrong or missing content type.
    put()
        .header("content-type", "text/plain")
        .body(serde_json::to_vec(&body("x", report("a"))).unwrap())
        .send()
        .await
        .expect_error(415, "unsupported_media_type");
    put()
        .body(serde_json::to_vec(&body("x", report("a"))).unwrap())
        .send()
        .await
        .expect_error(415, "unsupported_media_type");
    // Too large (the limit is 256 KiB here), declared or not.
    let mut big = report("big");
    big["engine_version"] = Value::String("x".repeat(300 << 10));
    let r = put()
        .json(&body("big", big.clone()))
        .send()
        .await
        .expect_error(413, "body_too_large");
    assert!(r.message().contains("262144"), "{}", r.message());
    let raw = serde_json::to_vec(&body("big", big)).unwrap();
    let reply = raw_request(&http.base, &chunked_put(&path, &token, &raw)).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("body_too_large"), "{reply}");
    // Deeply nested, in the body or in the document.
    let deep = format!(
        "{{\"name\": \"x\", \"document\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    put()
        .header("content-type", "application/json")
        .body(deep.into_bytes())
        .send()
        .await
        .expect_error(400, "too_deep");
    let mut nested = json!(1);
    for _ in 0..70 {
        nested = json!({ "a": nested });
    }
    let mut doc = report("nested");
    doc["extra"] = nested;
    put()
        .json(&body("x", doc))
        .send()
        .await
        .expect_error(400, "too_deep");

    // Documents: unknown format, newer version, per-customer rows.
    let mut newer = report("newer");
    newer["version"] = json!(99);
    let r = put()
        .json(&body("x", newer))
        .send()
        .await
        .expect_error(422, "format_too_new");
    assert!(r.message().contains("update"), "{}", r.message());
    let mut alien = report("alien");
    alien["format"] = json!("excel-workbook");
    put()
        .json(&body("x", alien))
        .send()
        .await
        .expect_error(422, "wrong_format");
    let mut no_format = report("none");
    no_format.as_object_mut().unwrap().remove("format");
    put()
        .json(&body("x", no_format))
        .send()
        .await
        .expect_error(422, "wrong_format");
    let mut broken = report("broken");
    broken["params"] = json!("not params");
    put()
        .json(&body("x", broken))
        .send()
        .await
        .expect_error(422, "invalid_document");
    let mut rows = report("rows");
    rows["customers"] = json!([{"customer_id": "alice@example.com", "recency": 3, "frequency": 2,
        "monetary": 10.0, "r": 5, "f": 4, "m": 3, "segment": null, "cluster": null,
        "p_alive": null, "expected_purchases": null, "clv": null}]);
    let r = put()
        .json(&body("x", rows))
        .send()
        .await
        .expect_error(422, "customer_rows");
    assert!(r.message().contains("customers"), "{}", r.message());
    let mart_path = doc_path(WS, "datamarts", "m1");
    let mut mart = datamart("m");
    mart["target_list"] = json!(["alice@example.com"]);
    http.put(&mart_path)
        .token(&token)
        .create()
        .json(&body("m", mart))
        .send()
        .await
        .expect_error(422, "customer_rows");
    let mut mart = datamart("m");
    mart["customers"] = json!([{"id": "C1", "email": "alice@example.com"}]);
    http.put(&mart_path)
        .token(&token)
        .create()
        .json(&body("m", mart))
        .send()
        .await
        .expect_error(422, "unknown_field");
    let mut mart = datamart("m");
    mart["filter"] = json!({"op": "sql", "query": "1=1"});
    http.put(&mart_path)
        .token(&token)
        .create()
        .json(&body("m", mart))
        .send()
        .await
        .expect_error(422, "invalid_document");

    // Names.
    put()
        .json(&body("", report("a")))
        .send()
        .await
        .expect_error(422, "invalid_name");
    put()
        .json(&body("two\nlines", report("a")))
        .send()
        .await
        .expect_error(422, "invalid_name");

    // Ids: path traversal, separators, SQL, too long.
    for bad in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2E%2E",
        "a%2Fb",
        "a%00b",
        "a%27%3B%20DROP%20TABLE%20documents%3B--",
        "%C3%A9t%C3%A9",
        &"x".repeat(65),
    ] {
        for (method, p) in [
            ("GET", doc_path(WS, "reports", bad)),
            ("PUT", doc_path(WS, "reports", bad)),
            ("GET", doc_path(bad, "reports", "ok")),
            ("GET", format!("{}/versions", doc_path(WS, "reports", bad))),
        ] {
            let r = http
                .req(method, &p)
                .token(&token)
                .create()
                .json(&body("x", report("a")))
                .send()
                .await;
            // A workspace that is not a valid id cannot be the token's either: 400 comes
            // first, so a caller learns nothing about other workspaces.
            assert_eq!(
                (r.status, r.code().as_str()),
                (400, "invalid_id"),
                "{method} {p}: {}",
                r.text()
            );
        }
    }
    for p in [
        format!("/api/v1/workspaces/{WS}/reports/../../../etc/passwd"),
        format!("/api/v1/workspaces/{WS}/reports/./x"),
        format!("/api/v1/workspaces/{WS}/reports/%2e%2e/%2e%2e/x"),
    ] {
        http.get(&p)
            .token(&token)
            .send()
            .await
            .expect_error(400, "invalid_path");
    }
    // Versions and preconditions.
    for v in ["abc", "0", "-1", "99999999999999999999"] {
        http.get(&format!("{path}/versions/{v}"))
            .token(&token)
            .send()
            .await
            .expect_error(400, "invalid_version");
    }
    http.put(&path)
        .token(&token)
        .header("if-match", "yesterday")
        .json(&body("x", report("a")))
        .send()
        .await
        .expect_error(400, "bad_precondition");
    http.put(&path)
        .token(&token)
        .header("if-match", "\"1\", \"2\"")
        .json(&body("x", report("a")))
        .send()
        .await
        .expect_error(400, "bad_precondition");
    http.put(&path)
        .token(&token)
        .header("if-match", "*")
        .json(&body("x", report("a")))
        .send()
        .await
        .expect_error(428, "precondition_required");
    http.put(&path)
        .token(&token)
        .create()
        .if_match(1)
        .json(&body("x", report("a")))
        .send()
        .await
        .expect_error(400, "conflicting_preconditions");
    http.put(&path)
        .token(&token)
        .header("if-none-match", "\"3\"")
        .json(&body("x", report("a")))
        .send()
        .await
        .expect_error(400, "bad_precondition");
    // Unknown collections, endpoints and methods.
    http.get(&format!("/api/v1/workspaces/{WS}/widgets"))
        .token(&token)
        .send()
        .await
        .expect_error(404, "not_found");
    http.get("/api/v2/anything")
        .send()
        .await
        .expect_error(404, "not_found");
    let r = http
        .req("PATCH", &path)
        .token(&token)
        .send()
        .await
        .expect_error(405, "method_not_allowed");
    assert!(r.header("allow").is_some_and(|a| a.contains("PUT")));

    // Nothing was stored by any of that.
    assert!(
        snapshot(&s.store, WS, &["r1", "m1"]).await.is_empty(),
        "a refused request stored something"
    );

    // SQL metacharacters in a name are just text: stored and served as sent.
    let sneaky = "Q3'); DROP TABLE documents; -- \"report\" \\ %_ `x`";
    http.put(&path)
        .token(&token)
        .create()
        .json(&body(sneaky, report("a")))
        .send()
        .await
        .expect(201);
    let r = http.get(&path).token(&token).send().await.expect(200);
    assert_eq!(r.json()["name"], sneaky);
    // The server still serves, the tables are intact.
    http.get("/healthz").send().await.expect(200);
    http.get("/readyz").send().await.expect(200);
    let list = http
        .get(&format!("/api/v1/workspaces/{WS}/reports"))
        .token(&token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_times_out() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.request_timeout = Duration::from_millis(500);
    })
    .await;
    let token = s.token(WS, true, "Alice").await;
    let path = doc_path(WS, "reports", "slow");
    // Promise 1000 bytes, send 10, then nothing.
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\
         If-None-Match: *\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n\
         {{\"name\": "
    );
    let reply = raw_request(&s.http.base, head.as_bytes()).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("\"code\":\"timeout\""), "{reply}");
    s.http.get("/healthz").send().await.expect(200);
    s.stop().await;
}

/// A PUT with a chunked body (no Content-Length).
fn chunked_put(path: &str, token: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "PUT {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\
         If-None-Match: *\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(16 << 10) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Sends raw bytes and reads the answer until the server closes or goes quiet.
pub async fn raw_request(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may answer (413) and close before the whole body is written.
    let _ = stream.write_all(request).await;
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                if response_complete(&out) {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Headers and a Content-Length body fully read.
fn response_complete(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        })
        .is_some_and(|n| body.len() >= n)
}
