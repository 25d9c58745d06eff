//! The HTTP API: routes, preconditions (ETag / If-Match), request bodies and responses.
//!
//! Every handler authenticates first (401 before anything else is looked at), then checks the
//! path, then the caller's rights on the workspace (403), then the request.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::ratelimit::RateLimiter;
use crate::store::{Content, Created, Doc, Key, Kind, Meta, Refusal, Store};
use crate::validate;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limiter: Arc<RateLimiter>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
}

pub fn router(state: AppState) -> Router {
    const DOCS: &str = "/api/v1/workspaces/{workspace}/{collection}";
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(DOCS, get(list))
        .route(
            &format!("{DOCS}/{{id}}"),
            get(read_doc).put(put_doc).delete(delete_doc),
        )
        .route(&format!("{DOCS}/{{id}}/versions"), get(list_versions))
        .route(
            &format!("{DOCS}/{{id}}/versions/{{version}}"),
            get(read_version),
        )
        .route(
            &format!("{DOCS}/{{id}}/versions/{{version}}/restore"),
            post(restore),
        )
        .fallback(fallback)
        .with_state(state)
}

/// `"7"`: the version as a strong entity tag.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits and quotes are valid")
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, r#"{"status":"ok"}"#.to_string())
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    match state.store.ready().await {
        Ok(()) => Ok(json_response(
            StatusCode::OK,
            format!(
                r#"{{"status":"ready","database":"{}"}}"#,
                state.store.backend()
            ),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the database does not answer: check that it runs and that --database points \
                 at it",
            ))
        }
    }
}

/// Unknown paths; a path with `.` or `..` segments is refused as such rather than not found.
async fn fallback(uri: Uri) -> ApiError {
    let dots = uri.path().split('/').any(|seg| {
        let s = seg.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    });
    if dots {
        return ApiError::bad_request(
            "invalid_path",
            "the path contains '.' or '..' segments: ids are plain names \
             ([A-Za-z0-9_-], 1 to 64 characters)",
        );
    }
    ApiError::not_found(
        "no such endpoint: the API lives under /api/v1/workspaces/{workspace}/reports and \
         /datamarts (see docs/sync-api.md)",
    )
}

/// The path's parts, validated.
struct Target {
    workspace: String,
    kind: Kind,
    collection: String,
    id: String,
    version: Option<i64>,
}

impl Target {
    fn key(&self) -> Key<'_> {
        Key {
            workspace: &self.workspace,
            kind: self.kind,
            id: &self.id,
        }
    }

    /// "report \"q3\"", for messages.
    fn what(&self) -> String {
        format!("{} {:?}", self.kind.as_str(), self.id)
    }

    fn location(&self) -> String {
        format!(
            "/api/v1/workspaces/{}/{}/{}",
            self.workspace, self.collection, self.id
        )
    }
}

fn target(params: Result<RawPathParams, RawPathParamsRejection>) -> Result<Target, ApiError> {
    let params = params.map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
    let mut t = Target {
        workspace: String::new(),
        kind: Kind::Report,
        collection: String::new(),
        id: String::new(),
        version: None,
    };
    for (name, value) in params.iter() {
        match name {
            "workspace" => {
                validate::id("workspace", value)?;
                t.workspace = value.to_string();
            }
            "collection" => {
                t.kind = Kind::from_collection(value).ok_or_else(|| {
                    ApiError::not_found(
                        "a workspace holds /reports and /datamarts: use one of those",
                    )
                })?;
                t.collection = value.to_string();
            }
            "id" => {
                validate::id("document id", value)?;
                t.id = value.to_string();
            }
            "version" => {
                let v = value.parse::<i64>().ok().filter(|v| *v > 0);
                t.version = Some(v.ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_version",
                        "a version is a whole number from 1 (see the versions list)",
                    )
                })?);
            }
            _ => {}
        }
    }
    Ok(t)
}

#[derive(Serialize)]
struct MetaOut<'a> {
    id: &'a str,
    name: &'a str,
    version: i64,
    created_at: String,
    updated_at: String,
    author: &'a str,
    size: i64,
}

impl<'a> From<&'a Meta> for MetaOut<'a> {
    fn from(m: &'a Meta) -> Self {
        MetaOut {
            id: &m.id,
            name: &m.name,
            version: m.version,
            created_at: rfc3339(m.created_at),
            updated_at: rfc3339(m.updated_at),
            author: &m.author,
            size: m.size,
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers: serialization cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Documents are private to a workspace: no shared cache keeps them.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Metadata with its ETag.
fn meta_response(status: StatusCode, meta: &Meta) -> Response {
    let mut r = json_response(status, to_json(&MetaOut::from(meta)));
    r.headers_mut().insert(header::ETAG, etag(meta.version));
    r
}

/// A document as saved, with its metadata and ETag. The stored JSON text is spliced in as is,
/// so a client gets back exactly the bytes it sent.
fn doc_response(doc: &Doc) -> Response {
    let mut body = to_json(&MetaOut::from(&doc.meta));
    body.pop(); // the closing brace
    body.push_str(",\"document\":");
    body.push_str(&doc.document);
    body.push('}');
    let mut r = json_response(StatusCode::OK, body);
    r.headers_mut().insert(header::ETAG, etag(doc.meta.version));
    r
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, false)?;
    let items = state.store.list(&t.workspace, t.kind).await?;
    #[derive(Serialize)]
    struct ListOut<'a> {
        items: Vec<MetaOut<'a>>,
    }
    let out = ListOut {
        items: items.iter().map(MetaOut::from).collect(),
    };
    Ok(json_response(StatusCode::OK, to_json(&out)))
}

async fn read_doc(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, false)?;
    let doc = state
        .store
        .get(&t.key())
        .await?
        .ok_or_else(|| not_found(&t))?;
    if let Some(cached) = headers.get(header::IF_NONE_MATCH)
        && parse_etags(cached)?.contains(&doc.meta.version)
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(header::ETAG, etag(doc.meta.version));
        return Ok(r);
    }
    Ok(doc_response(&doc))
}

fn not_found(t: &Target) -> ApiError {
    ApiError::not_found(format!(
        "there is no {} in workspace {:?} (or it was deleted): create it with PUT and \
         If-None-Match: *",
        t.what(),
        t.workspace
    ))
}

/// What a PUT asks for.
enum Write {
    /// `If-None-Match: *`
    Create,
    /// `If-Match: "N"`
    Update(i64),
}

fn write_precondition(headers: &HeaderMap) -> Result<Write, ApiError> {
    let if_match = headers.get(header::IF_MATCH);
    let if_none_match = headers.get(header::IF_NONE_MATCH);
    match (if_match, if_none_match) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "conflicting_preconditions",
            "send If-None-Match: * to create, or If-Match: \"<version>\" to update, not both",
        )),
        (None, Some(v)) if v.as_bytes().trim_ascii() == b"*" => Ok(Write::Create),
        (None, Some(_)) => Err(ApiError::bad_request(
            "bad_precondition",
            "on PUT, If-None-Match only takes * (create if it does not exist)",
        )),
        (Some(_), None) => if_match_version(headers).map(Write::Update),
        (None, None) => Err(precondition_required(
            "send If-None-Match: * to create the document, or If-Match: \"<version>\" (the \
             ETag you read) to update it",
        )),
    }
}

fn precondition_required(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
        message,
    )
}

/// The single version an `If-Match` names.
fn if_match_version(headers: &HeaderMap) -> Result<i64, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(precondition_required(
            "send If-Match: \"<version>\" with the version you read (its ETag), so that a \
             newer save is never overwritten",
        ));
    };
    if value.as_bytes().trim_ascii() == b"*" {
        return Err(precondition_required(
            "If-Match: * would overwrite whatever is there: send the version you read \
             (If-Match: \"<version>\")",
        ));
    }
    match parse_etags(value)?.as_slice() {
        [v] => Ok(*v),
        _ => Err(ApiError::bad_request(
            "bad_precondition",
            "If-Match must name exactly one version, e.g. If-Match: \"7\"",
        )),
    }
}

/// Versions in an `If-Match`/`If-None-Match` list: `"7"`, `W/"7"` or a bare `7`.
fn parse_etags(value: &HeaderValue) -> Result<Vec<i64>, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "bad_precondition",
            "a version tag reads \"7\" (the ETag header of a GET)",
        )
    };
    let text = value.to_str().map_err(|_| bad())?;
    text.split(',')
        .map(|tag| {
            let tag = tag.trim();
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            let tag = tag
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(tag);
            tag.parse::<i64>().map_err(|_| bad())
        })
        .collect()
}

#[derive(Deserialize)]
struct PutBody {
    name: String,
    document: Box<RawValue>,
}

/// Reads and checks a JSON body: content type, size, nesting, syntax.
async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> Result<PutBody, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ));
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the body is larger than this server's limit of {} bytes (--body-limit): \
                 save a smaller document",
                state.body_limit
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.body_limit as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, state.body_limit)
        .await
        .map_err(|e| {
            let limited = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if limited {
                too_large()
            } else {
                ApiError::bad_request("unreadable_body", format!("could not read the body: {e}"))
            }
        })?;
    let depth = validate::depth(&bytes);
    if depth > validate::MAX_DEPTH {
        return Err(ApiError::bad_request(
            "too_deep",
            format!(
                "the JSON is nested {depth} levels deep; the server accepts up to {}",
                validate::MAX_DEPTH
            ),
        ));
    }
    serde_json::from_slice::<PutBody>(&bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::unprocessable(
                "invalid_body",
                format!("the body must be {{\"name\": \"…\", \"document\": {{…}}}}: {e}"),
            ),
            _ => ApiError::bad_request("invalid_json", format!("the body is not valid JSON: {e}")),
        }
    })
}

async fn put_doc(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, true)?;
    let write = write_precondition(&headers)?;
    let put = read_body(&state, &headers, body).await?;
    if let Write::Update(expected) = write {
        state
            .store
            .precheck(&t.key(), expected)
            .await?
            .map_err(|refusal| refused(&t, refusal, Some(expected)))?;
    }
    validate::name(&put.name)?;
    validate::document(t.kind, put.document.get())?;
    let store = state.store.clone();
    // The write runs to its end even if the client goes away: a transaction is never cut
    // off half-way by a dropped connection.
    tokio::spawn(async move {
        let content = Content {
            name: &put.name,
            document: put.document.get(),
            author: &caller.label,
        };
        match write {
            Write::Create => store.create(&t.key(), &content).await.map(|r| {
                r.map(|created| match created {
                    Created::New(meta) => {
                        let mut r = meta_response(StatusCode::CREATED, &meta);
                        if let Ok(loc) = HeaderValue::from_str(&t.location()) {
                            r.headers_mut().insert(header::LOCATION, loc);
                        }
                        r
                    }
                    Created::Replayed(meta) => meta_response(StatusCode::OK, &meta),
                })
                .map_err(|refusal| refused(&t, refusal, None))
            }),
            Write::Update(expected) => store.update(&t.key(), expected, &content).await.map(|r| {
                r.map(|meta| meta_response(StatusCode::OK, &meta))
                    .map_err(|refusal| refused(&t, refusal, Some(expected)))
            }),
        }
    })
    .await
    .map_err(|e| internal(&e))??
}

fn internal(e: &dyn std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "write task failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "the server failed on this request: retry; if it persists, check the server's log",
    )
}

fn refused(t: &Target, refusal: Refusal, sent: Option<i64>) -> ApiError {
    match refusal {
        Refusal::NotFound => not_found(t),
        Refusal::Stale(current) => ApiError::stale(&t.what(), current, sent),
        Refusal::NoSuchVersion => ApiError::not_found(format!(
            "{} has no version {} in its history: GET …/versions lists the ones kept",
            t.what(),
            t.version.unwrap_or_default()
        )),
    }
}

async fn delete_doc(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, true)?;
    let expected = if_match_version(&headers)?;
    let store = state.store.clone();
    let outcome = tokio::spawn(async move {
        let r = store.delete(&t.key(), expected, &caller.label).await;
        r.map(|r| r.map_err(|refusal| refused(&t, refusal, Some(expected))))
    })
    .await
    .map_err(|e| internal(&e))??;
    outcome?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_versions(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, false)?;
    let history = state
        .store
        .history(&t.key())
        .await?
        .ok_or_else(|| not_found(&t))?;
    #[derive(Serialize)]
    struct VersionOut<'a> {
        version: i64,
        name: &'a str,
        updated_at: String,
        author: &'a str,
        size: i64,
    }
    #[derive(Serialize)]
    struct HistoryOut<'a> {
        id: &'a str,
        current_version: i64,
        deleted: bool,
        versions: Vec<VersionOut<'a>>,
    }
    let out = HistoryOut {
        id: &t.id,
        current_version: history.current_version,
        deleted: history.deleted,
        versions: history
            .versions
            .iter()
            .map(|m| VersionOut {
                version: m.version,
                name: &m.name,
                updated_at: rfc3339(m.updated_at),
                author: &m.author,
                size: m.size,
            })
            .collect(),
    };
    let mut r = json_response(StatusCode::OK, to_json(&out));
    r.headers_mut()
        .insert(header::ETAG, etag(history.current_version));
    Ok(r)
}

async fn read_version(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, false)?;
    let version = t.version.unwrap_or_default();
    let doc = state.store.version(&t.key(), version).await?;
    doc.map(|d| doc_response(&d))
        .ok_or_else(|| refused(&t, Refusal::NoSuchVersion, None))
}

async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<RawPathParams, RawPathParamsRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = target(params)?;
    caller.authorize(&t.workspace, true)?;
    let expected = if_match_version(&headers)?;
    let version = t.version.unwrap_or_default();
    let store = state.store.clone();
    tokio::spawn(async move {
        let r = store
            .restore(&t.key(), version, expected, &caller.label)
            .await;
        r.map(|r| {
            r.map(|meta| meta_response(StatusCode::OK, &meta))
                .map_err(|refusal| refused(&t, refusal, Some(expected)))
        })
    })
    .await
    .map_err(|e| internal(&e))??
}

/// `2026-12-03T14:05:09.123Z` from milliseconds since 1970-01-01 UTC.
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_796_306_709_123), "2026-12-03T14:05:09.123Z");
    }

    #[test]
    fn etags_parse_quoted_weak_and_bare() {
        let v = |s: &'static str| parse_etags(&HeaderValue::from_static(s));
        assert_eq!(v("\"7\"").unwrap(), vec![7]);
        assert_eq!(v("W/\"7\"").unwrap(), vec![7]);
        assert_eq!(v("7").unwrap(), vec![7]);
        assert_eq!(v("\"1\", \"2\"").unwrap(), vec![1, 2]);
        assert_eq!(v("\"x\"").unwrap_err().code, "bad_precondition");
    }
}
