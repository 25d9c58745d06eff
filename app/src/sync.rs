//! The optional sync server ([docs/sync-api.md](../../docs/sync-api.md)): where it is and the
//! token, kept in this browser; reports and datamarts sent, listed, read, their history, and an
//! old version restored as the current one.
//!
//! The app never waits for the server: a report is saved locally first, and its copy on the
//! server follows (at once when the server answers, later when it is back — see
//! `ui::sync`). A report's server id is derived from its name, so that the versions saved
//! locally under one name are the versions of one document on the server; the server's
//! optimistic concurrency (`If-None-Match: *` to create, `If-Match` to update) tells a stale
//! save apart, and the page asks the user what to do.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const CONFIG_KEY: &str = "prisme.sync";

/// Where the server is, which workspace, and the token (kept in local storage: anyone using
/// this browser profile can use it; *Clear everything* removes it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncConfig {
    pub url: String,
    pub workspace: String,
    pub token: String,
}

impl SyncConfig {
    pub fn is_set(&self) -> bool {
        !self.url.trim().is_empty() && !self.workspace.trim().is_empty() && !self.token.is_empty()
    }

    fn base(&self) -> String {
        self.url.trim().trim_end_matches('/').to_string()
    }

    fn collection(&self, kind: Kind) -> String {
        format!(
            "{}/api/v1/workspaces/{}/{}",
            self.base(),
            self.workspace.trim(),
            kind.path()
        )
    }
}

/// The server's two collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reports,
    Datamarts,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Reports => "reports",
            Kind::Datamarts => "datamarts",
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn config() -> SyncConfig {
    storage()
        .and_then(|s| s.get_item(CONFIG_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn set_config(c: &SyncConfig) -> bool {
    let Ok(text) = serde_json::to_string(c) else {
        return false;
    };
    storage().is_some_and(|s| s.set_item(CONFIG_KEY, &text).is_ok())
}

/// The server's id of the reports named `name`: its ASCII letters and digits, and a hash of
/// the whole name so that names differing only by accents or punctuation stay apart.
pub fn remote_id(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    // FNV-1a, 32 bits: not for security, only to keep ids of different names apart.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    if slug.is_empty() {
        format!("report-{h:08x}")
    } else {
        format!("{slug}-{h:08x}")
    }
}

/// What went wrong with the server, for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncError {
    /// No answer (offline, wrong address, CORS refused).
    Unreachable(String),
    /// 401 or 403: the token is missing, wrong, revoked, for another workspace or read-only.
    Refused { status: u16, message: String },
    /// 412: someone saved a newer version since.
    Conflict { current: u32 },
    /// Any other error, with the server's message.
    Failed { status: u16, message: String },
}

impl SyncError {
    pub fn message(&self) -> String {
        match self {
            SyncError::Unreachable(m) => m.clone(),
            SyncError::Refused { status, message } | SyncError::Failed { status, message } => {
                format!("{status}: {message}")
            }
            SyncError::Conflict { current } => format!("412: version {current} on the server"),
        }
    }
}

/// One report or datamart on the server (the list's metadata).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RemoteItem {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub updated_at: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub size: u64,
}

/// One kept version of a document (its history).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RemoteVersion {
    pub version: u32,
    pub name: String,
    pub updated_at: String,
    #[serde(default)]
    pub author: Option<String>,
}

/// A document's kept versions, newest first, and the version a restore must name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RemoteHistory {
    pub current_version: u32,
    #[serde(default)]
    pub deleted: bool,
    pub versions: Vec<RemoteVersion>,
}

/// A document read from the server: its name, version and the `report.json` (or datamart)
/// text.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDoc {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub author: Option<String>,
    pub document: String,
}

struct Answer {
    status: u16,
    body: String,
}

async fn request(
    cfg: &SyncConfig,
    method: &str,
    url: &str,
    body: Option<&str>,
    precondition: Option<(&str, String)>,
) -> Result<Answer, SyncError> {
    let unreachable = |e: JsValue| {
        SyncError::Unreachable(
            e.as_string()
                .or_else(|| {
                    e.dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                })
                .unwrap_or_else(|| "no answer".to_string()),
        )
    };
    let headers = web_sys::Headers::new().map_err(unreachable)?;
    if !cfg.token.is_empty() {
        headers
            .set("Authorization", &format!("Bearer {}", cfg.token))
            .map_err(unreachable)?;
    }
    if body.is_some() {
        headers
            .set("Content-Type", "application/json")
            .map_err(unreachable)?;
    }
    if let Some((name, value)) = &precondition {
        headers.set(name, value).map_err(unreachable)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let req = web_sys::Request::new_with_str_and_init(url, &init).map_err(unreachable)?;
    let window = web_sys::window().ok_or_else(|| SyncError::Unreachable("no window".into()))?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_request(&req))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    let text = JsFuture::from(resp.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    Ok(Answer {
        status: resp.status(),
        body: text,
    })
}

/// The error of a non-2xx answer, from the server's `{"error": {"code", "message"}}`.
fn error_of(a: &Answer) -> SyncError {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        message: String,
        #[serde(default)]
        current_version: Option<u32>,
    }
    let parsed: Option<Inner> = serde_json::from_str::<Body>(&a.body).ok().map(|b| b.error);
    let message = parsed
        .as_ref()
        .map(|p| p.message.clone())
        .unwrap_or_else(|| a.body.chars().take(200).collect());
    match a.status {
        401 | 403 => SyncError::Refused {
            status: a.status,
            message,
        },
        412 => SyncError::Conflict {
            current: parsed.and_then(|p| p.current_version).unwrap_or(0),
        },
        s => SyncError::Failed { status: s, message },
    }
}

fn ok(a: Answer) -> Result<Answer, SyncError> {
    if (200..300).contains(&a.status) {
        Ok(a)
    } else {
        Err(error_of(&a))
    }
}

fn parse<T: for<'de> Deserialize<'de>>(a: &Answer) -> Result<T, SyncError> {
    serde_json::from_str(&a.body).map_err(|e| SyncError::Failed {
        status: a.status,
        message: format!("unexpected answer: {e}"),
    })
}

/// Checks the address, then the token on the workspace: the list's size on success.
pub async fn check(cfg: &SyncConfig) -> Result<usize, SyncError> {
    ok(request(cfg, "GET", &format!("{}/healthz", cfg.base()), None, None).await?)?;
    list(cfg, Kind::Reports).await.map(|l| l.len())
}

pub async fn list(cfg: &SyncConfig, kind: Kind) -> Result<Vec<RemoteItem>, SyncError> {
    #[derive(Deserialize)]
    struct Items {
        items: Vec<RemoteItem>,
    }
    let a = ok(request(cfg, "GET", &cfg.collection(kind), None, None).await?)?;
    let mut items = parse::<Items>(&a)?.items;
    items.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    Ok(items)
}

/// Sends a document: creates it (`base` = `None`) or updates the version `base`. The new
/// version on success; [`SyncError::Conflict`] when the server has another one.
pub async fn push(
    cfg: &SyncConfig,
    kind: Kind,
    id: &str,
    name: &str,
    document: &str,
    base: Option<u32>,
) -> Result<u32, SyncError> {
    // The document is sent as it is kept (a `report.json` or datamart text), inside the body
    // object.
    let body = format!(
        "{{\"name\":{},\"document\":{}}}",
        serde_json::to_string(name).unwrap_or_default(),
        document
    );
    let precondition = match base {
        Some(v) => ("If-Match", format!("\"{v}\"")),
        None => ("If-None-Match", "*".to_string()),
    };
    let a = ok(request(
        cfg,
        "PUT",
        &format!("{}/{id}", cfg.collection(kind)),
        Some(&body),
        Some(precondition),
    )
    .await?)?;
    #[derive(Deserialize)]
    struct Saved {
        version: u32,
    }
    Ok(parse::<Saved>(&a)?.version)
}

fn remote_report(a: &Answer) -> Result<RemoteDoc, SyncError> {
    #[derive(Deserialize)]
    struct Read {
        id: String,
        name: String,
        version: u32,
        #[serde(default)]
        author: Option<String>,
        document: Box<serde_json::value::RawValue>,
    }
    let r: Read = parse(a)?;
    Ok(RemoteDoc {
        id: r.id,
        name: r.name,
        version: r.version,
        author: r.author,
        document: r.document.get().to_string(),
    })
}

/// The current version of a document, or version `v` from its history.
pub async fn get(
    cfg: &SyncConfig,
    kind: Kind,
    id: &str,
    v: Option<u32>,
) -> Result<RemoteDoc, SyncError> {
    let url = match v {
        Some(v) => format!("{}/{id}/versions/{v}", cfg.collection(kind)),
        None => format!("{}/{id}", cfg.collection(kind)),
    };
    let a = ok(request(cfg, "GET", &url, None, None).await?)?;
    remote_report(&a)
}

pub async fn versions(cfg: &SyncConfig, kind: Kind, id: &str) -> Result<RemoteHistory, SyncError> {
    let a = ok(request(
        cfg,
        "GET",
        &format!("{}/{id}/versions", cfg.collection(kind)),
        None,
        None,
    )
    .await?)?;
    parse::<RemoteHistory>(&a)
}

/// Makes version `v` the current one again (saved as a new version), if the server is still
/// at `current`. The new version.
pub async fn restore(
    cfg: &SyncConfig,
    kind: Kind,
    id: &str,
    v: u32,
    current: u32,
) -> Result<u32, SyncError> {
    let a = ok(request(
        cfg,
        "POST",
        &format!("{}/{id}/versions/{v}/restore", cfg.collection(kind)),
        None,
        Some(("If-Match", format!("\"{current}\""))),
    )
    .await?)?;
    #[derive(Deserialize)]
    struct Saved {
        version: u32,
    }
    Ok(parse::<Saved>(&a)?.version)
}
