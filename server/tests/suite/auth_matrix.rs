//! Every endpoint × every bad credential: 401 or 403, and nothing changes.

use crate::support::*;

const WS: &str = "acme";

struct Endpoint {
    method: &'static str,
    path: String,
    /// Create (`*`), a version to match, or nothing.
    precondition: Option<&'static str>,
    body: bool,
    writes: bool,
}

fn endpoints() -> Vec<Endpoint> {
    let mut out = Vec::new();
    for collection in ["reports", "datamarts"] {
        let base = format!("/api/v1/workspaces/{WS}/{collection}");
        let doc = format!("{base}/doc");
        let e = |method, path: &str, precondition, body, writes| Endpoint {
            method,
            path: path.to_string(),
            precondition,
            body,
            writes,
        };
        out.push(e("GET", &base, None, false, false));
        out.push(e("GET", &doc, None, false, false));
        out.push(e("PUT", &format!("{base}/new"), Some("*"), true, true));
        out.push(e("PUT", &doc, Some("\"2\""), true, true));
        out.push(e("DELETE", &doc, Some("\"2\""), false, true));
        out.push(e("GET", &format!("{doc}/versions"), None, false, false));
        out.push(e("GET", &format!("{doc}/versions/1"), None, false, false));
        out.push(e(
            "POST",
            &format!("{doc}/versions/1/restore"),
            Some("\"2\""),
            false,
            true,
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_are_refused_and_change_nothing() {
    for backend in backends() {
        matrix(backend).await;
    }
}

async fn matrix(backend: Backend) {
    let s = TestServer::start(backend).await;
    let writer = s.token(WS, true, "writer").await;
    let reader = s.token(WS, false, "reader").await;
    let other = s.token("globex", true, "other workspace").await;
    let revoked = s.token(WS, true, "revoked").await;
    let revoked_id = &revoked["prisme_".len().."prisme_".len() + 16];
    assert!(s.store.revoke_token(revoked_id).await.expect("revoke"));
    // A token of the right shape whose secret is wrong.
    let mut wrong = writer.clone();
    let last = wrong.pop().expect("char");
    wrong.push(if last == '0' { '1' } else { '0' });

    // Each collection holds "doc" at version 2 (two versions in its history).
    for (collection, first, second) in [
        ("reports", report("one"), report("two")),
        ("datamarts", datamart("one"), datamart("two")),
    ] {
        let path = doc_path(WS, collection, "doc");
        s.http
            .put(&path)
            .token(&writer)
            .create()
            .json(&body("doc", first))
            .send()
            .await
            .expect(201);
        s.http
            .put(&path)
            .token(&writer)
            .if_match(1)
            .json(&body("doc", second))
            .send()
            .await
            .expect(200);
    }
    let before = snapshot(&s.store, WS, &["doc", "new"]).await;

    let cases: Vec<(&str, Option<String>, u16, &str)> = vec![
        ("no token", None, 401, "missing_token"),
        (
            "not bearer",
            Some(format!("Basic {writer}")),
            401,
            "malformed_token",
        ),
        (
            "garbage",
            Some("Bearer hello".into()),
            401,
            "malformed_token",
        ),
        (
            "empty bearer",
            Some("Bearer ".into()),
            401,
            "malformed_token",
        ),
        (
            "truncated",
            Some(format!("Bearer {}", &writer[..writer.len() - 1])),
            401,
            "malformed_token",
        ),
        (
            "wrong secret",
            Some(format!("Bearer {wrong}")),
            401,
            "invalid_token",
        ),
        (
            "revoked",
            Some(format!("Bearer {revoked}")),
            401,
            "invalid_token",
        ),
        (
            "other workspace",
            Some(format!("Bearer {other}")),
            403,
            "wrong_workspace",
        ),
    ];
    let mut checked = 0;
    for e in endpoints() {
        let mut all = cases.clone();
        if e.writes {
            all.push((
                "read-only writing",
                Some(format!("Bearer {reader}")),
                403,
                "read_only_token",
            ));
        }
        for (case, auth, status, code) in all {
            let mut req = s.http.req(e.method, &e.path);
            if let Some(auth) = &auth {
                req = req.header("authorization", auth);
            }
            match e.precondition {
                Some("*") => req = req.create(),
                Some(tag) => req = req.header("if-match", tag),
                None => {}
            }
            if e.body {
                let doc = if e.path.contains("/datamarts/") {
                    datamart("intruder")
                } else {
                    report("intruder")
                };
                req = req.json(&body("intruder", doc));
            }
            let r = req.send().await;
            assert_eq!(
                (r.status, r.code().as_str()),
                (status, code),
                "{backend:?} {} {} with {case}: {}",
                e.method,
                e.path,
                r.text()
            );
            if status == 401 {
                assert_eq!(r.header("www-authenticate").as_deref(), Some("Bearer"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (8 * 8 + 4), "every endpoint × every case");
    assert_eq!(
        snapshot(&s.store, WS, &["doc", "new"]).await,
        before,
        "{backend:?}: a refused request changed the workspace"
    );
    // The rightful tokens still work: the refusals were about the credentials.
    let path = doc_path(WS, "reports", "doc");
    s.http.get(&path).token(&reader).send().await.expect(200);
    s.http
        .put(&path)
        .token(&writer)
        .if_match(2)
        .json(&body("doc", report("three")))
        .send()
        .await
        .expect(200);
    s.stop().await;
}
