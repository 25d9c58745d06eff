//! Every error the API answers: a status, a stable machine-readable code and a message that says
//! what to do next, sent as `{"error": {"code": "...", "message": "..."}}`.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// On 412: the version the document is at now, so that a client can merge and retry.
    pub current_version: Option<i64>,
    /// On 429: seconds until the next request is allowed.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            current_version: None,
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 412: the client's version is not the current one.
    pub fn stale(what: &str, current: i64, sent: Option<i64>) -> Self {
        let message = match sent {
            Some(sent) => format!(
                "{what} is at version {current}, not {sent}: someone saved it since you read \
                 it. GET it, merge your changes and retry with If-Match: \"{current}\""
            ),
            None => format!(
                "{what} already exists (version {current}) with other content: GET it, or \
                 update it with If-Match: \"{current}\", or save yours under another id"
            ),
        };
        ApiError {
            current_version: Some(current),
            ..Self::new(StatusCode::PRECONDITION_FAILED, "version_mismatch", message)
        }
    }

    /// The generic error for a status that a layer (timeout, routing) produced without a body.
    fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => (
                "not_found",
                "no such endpoint: the API lives under /api/v1/workspaces/{workspace}/reports \
                 and /datamarts (see docs/sync-api.md)",
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "this endpoint does not take that method: the Allow header lists the ones it takes",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "timeout",
                "the request took longer than the server's time limit: retry; if the body is \
                 large, check the connection",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "body_too_large",
                "the body is larger than the server accepts (its --body-limit)",
            ),
            s if s.is_server_error() => (
                "internal_error",
                "the server failed on this request: retry; if it persists, check the server's log",
            ),
            _ => (
                "bad_request",
                "the server could not process this request: check the method, path and headers \
                 against docs/sync-api.md",
            ),
        };
        Self::new(status, code, message)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                current_version: self.current_version,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(v) = self.current_version {
            headers.insert(header::ETAG, crate::routes::etag(v));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_busy() {
            tracing::warn!(error = %e, "database busy");
            let mut err = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the database is busy: retry in a moment",
            );
            err.retry_after = Some(1);
            return err;
        }
        tracing::error!(error = %e, "database error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "database_error",
            "the database failed on this request: retry; if it persists, check the server's log",
        )
    }
}

/// Gives a JSON body to the error responses that layers and the router make without one
/// (timeouts, unknown paths, wrong methods), so that every error a client sees has a code.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let mut replaced = ApiError::for_status(status).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            replaced.headers_mut().insert(name, v.clone());
        }
    }
    replaced
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}
