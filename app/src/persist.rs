//! What the browser keeps between visits: workspaces (the dropped files, their reading and
//! role corrections, the anonymization choices, whether an analysis was run) and saved reports,
//! in one IndexedDB database; small settings stay in local storage (`prisme.*`).
//!
//! IndexedDB rather than OPFS for the files: a `File` is stored as it is (structured clone),
//! without copying its bytes through wasm memory, and one transaction covers a workspace's
//! record and its files, so a failed write (quota) leaves what was saved before intact.
//!
//! Stores, all with keys given by the app:
//! - `workspaces`: id → the [`Workspace`] as JSON text;
//! - `files`: `"<workspace id>/<file name>"` → the `File`;
//! - `reports`: id → the [`SavedReport`] as JSON text.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use leptos::web_sys;
use prisme_core::anonymize::PiiAction;
use prisme_core::sources::Corrections;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DB: &str = "prisme";
const WORKSPACES: &str = "workspaces";
const FILES: &str = "files";
const REPORTS: &str = "reports";
/// The workspace open in this browser (local storage).
const CURRENT: &str = "prisme.workspace";

/// A file kept in a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptFile {
    pub name: String,
    pub bytes: f64,
    /// `File.lastModified`: with the size, tells a new export of the same name apart.
    #[serde(default)]
    pub modified: f64,
}

/// One workspace: the Data page as the user left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// Milliseconds since 1970 (`Date.now()`).
    pub created: f64,
    pub updated: f64,
    pub files: Vec<KeptFile>,
    #[serde(default)]
    pub corrections: Vec<(String, Corrections)>,
    #[serde(default = "yes")]
    pub anonymize: bool,
    #[serde(default)]
    pub pii: PiiAction,
    /// An analysis was run on these files: a visit recomputes it.
    #[serde(default)]
    pub analyzed: bool,
    /// The analysis settings (snapshot, period, horizon…) of this workspace; `None` in
    /// workspaces kept before they were (the browser's last settings then apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<prisme_core::workbench::WorkbenchSettings>,
    /// The datamarts of this workspace (the Datamarts page); `None` as above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datamarts: Option<Vec<prisme_core::datamart::Datamart>>,
}

fn yes() -> bool {
    true
}

impl Workspace {
    pub fn new(name: &str) -> Workspace {
        let now = js_sys::Date::now();
        Workspace {
            id: format!("w{}", now as u64),
            name: name.to_string(),
            created: now,
            updated: now,
            files: Vec::new(),
            corrections: Vec::new(),
            anonymize: true,
            pii: PiiAction::default(),
            analyzed: false,
            analysis: None,
            datamarts: None,
        }
    }

    pub fn bytes(&self) -> f64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// A report kept in the browser: the `report.json` document as the CLI reads it, and what
/// the list shows without parsing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReport {
    pub id: String,
    pub name: String,
    /// 1 for the first report of this name in its workspace, then 2, 3…
    pub version: u32,
    pub workspace: String,
    pub saved: f64,
    pub engine_version: String,
    /// The inputs' names, for the list.
    pub inputs: Vec<String>,
    /// Customers analysed (the RFM's count), for the list.
    #[serde(default)]
    pub customers: usize,
    /// The `report.json` text.
    pub document: String,
    /// A target list the user attached (pseudonymized ids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_list: Option<AttachedList>,
    /// Its copy on the sync server, when one is set up ([`crate::sync`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<RemoteState>,
}

/// Where a saved report stands on the sync server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteState {
    /// The server's id ([`crate::sync::remote_id`] of the name).
    pub id: String,
    /// The server's version that is this report, once sent.
    #[serde(default)]
    pub version: Option<u32>,
    /// To be sent (saved while the server was away, or refused for a newer version there).
    #[serde(default)]
    pub pending: bool,
    /// The server has this newer version: the user chooses what to keep.
    #[serde(default)]
    pub conflict: Option<u32>,
}

/// A datamart's target list kept with a report: the CSV as `Export target list` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachedList {
    pub datamart: String,
    pub customers: usize,
    pub csv: String,
}

/// Why something could not be kept.
#[derive(Debug, Clone, PartialEq)]
pub enum PersistError {
    /// The browser's storage quota is exhausted.
    Quota,
    /// IndexedDB is unavailable (private window of some browsers, disabled storage).
    Unavailable(String),
    Failed(String),
}

impl PersistError {
    fn from_js(e: impl std::fmt::Debug) -> PersistError {
        let text = format!("{e:?}");
        if text.contains("QuotaExceeded") {
            PersistError::Quota
        } else {
            PersistError::Failed(text)
        }
    }
}

async fn open() -> Result<Database, PersistError> {
    Database::open(DB)
        .with_version(1u8)
        .with_on_upgrade_needed(|_event, db| {
            let names: Vec<String> = db.object_store_names().collect();
            for store in [WORKSPACES, FILES, REPORTS] {
                if !names.iter().any(|n| n == store) {
                    db.create_object_store(store).build()?;
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| PersistError::Unavailable(format!("{e:?}")))
}

fn file_key(workspace: &str, name: &str) -> String {
    format!("{workspace}/{name}")
}

/// Every workspace, most recently used first.
pub async fn workspaces() -> Result<Vec<Workspace>, PersistError> {
    let db = open().await?;
    let tx = db
        .transaction(WORKSPACES)
        .build()
        .map_err(PersistError::from_js)?;
    let store = tx.object_store(WORKSPACES).map_err(PersistError::from_js)?;
    let texts: Vec<String> = store
        .get_all::<String>()
        .primitive()
        .map_err(PersistError::from_js)?
        .await
        .map_err(PersistError::from_js)?
        .filter_map(Result::ok)
        .collect();
    let mut out: Vec<Workspace> = texts
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect();
    out.sort_by(|a, b| b.updated.total_cmp(&a.updated));
    Ok(out)
}

/// The files of a workspace, in its order (a missing file is left out).
pub async fn files(ws: &Workspace) -> Result<Vec<web_sys::File>, PersistError> {
    let db = open().await?;
    let tx = db
        .transaction(FILES)
        .build()
        .map_err(PersistError::from_js)?;
    let store = tx.object_store(FILES).map_err(PersistError::from_js)?;
    let mut out = Vec::new();
    for f in &ws.files {
        let value: Option<JsValue> = store
            .get(file_key(&ws.id, &f.name))
            .primitive()
            .map_err(PersistError::from_js)?
            .await
            .map_err(PersistError::from_js)?;
        if let Some(file) = value.and_then(|v| v.dyn_into::<web_sys::File>().ok()) {
            out.push(file);
        }
    }
    Ok(out)
}

/// Writes the workspace's record and, in the same transaction, the files in `added` and the
/// removal of those in `removed`: all or nothing.
pub async fn save(
    ws: &Workspace,
    added: &[web_sys::File],
    removed: &[String],
) -> Result<(), PersistError> {
    let db = open().await?;
    let tx = db
        .transaction([WORKSPACES, FILES])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(PersistError::from_js)?;
    let text = serde_json::to_string(ws).map_err(|e| PersistError::Failed(e.to_string()))?;
    {
        let store = tx.object_store(WORKSPACES).map_err(PersistError::from_js)?;
        store
            .put(text)
            .with_key(ws.id.clone())
            .primitive()
            .map_err(PersistError::from_js)?;
        let files = tx.object_store(FILES).map_err(PersistError::from_js)?;
        for name in removed {
            files
                .delete(file_key(&ws.id, name))
                .primitive()
                .map_err(PersistError::from_js)?;
        }
        for f in added {
            let value: JsValue = f.clone().into();
            files
                .put(value)
                .with_key(file_key(&ws.id, &f.name()))
                .primitive()
                .map_err(PersistError::from_js)?;
        }
    }
    tx.commit().await.map_err(PersistError::from_js)
}

/// Deletes a workspace, its files and its reports.
pub async fn delete_workspace(ws: &Workspace) -> Result<(), PersistError> {
    let db = open().await?;
    let reports = reports().await.unwrap_or_default();
    let tx = db
        .transaction([WORKSPACES, FILES, REPORTS])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(PersistError::from_js)?;
    {
        let store = tx.object_store(WORKSPACES).map_err(PersistError::from_js)?;
        store
            .delete(ws.id.clone())
            .primitive()
            .map_err(PersistError::from_js)?;
        let files = tx.object_store(FILES).map_err(PersistError::from_js)?;
        for f in &ws.files {
            files
                .delete(file_key(&ws.id, &f.name))
                .primitive()
                .map_err(PersistError::from_js)?;
        }
        let store = tx.object_store(REPORTS).map_err(PersistError::from_js)?;
        for r in reports.iter().filter(|r| r.workspace == ws.id) {
            store
                .delete(r.id.clone())
                .primitive()
                .map_err(PersistError::from_js)?;
        }
    }
    tx.commit().await.map_err(PersistError::from_js)
}

/// Every saved report, newest first.
pub async fn reports() -> Result<Vec<SavedReport>, PersistError> {
    let db = open().await?;
    let tx = db
        .transaction(REPORTS)
        .build()
        .map_err(PersistError::from_js)?;
    let store = tx.object_store(REPORTS).map_err(PersistError::from_js)?;
    let texts: Vec<String> = store
        .get_all::<String>()
        .primitive()
        .map_err(PersistError::from_js)?
        .await
        .map_err(PersistError::from_js)?
        .filter_map(Result::ok)
        .collect();
    let mut out: Vec<SavedReport> = texts
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect();
    out.sort_by(|a, b| b.saved.total_cmp(&a.saved));
    Ok(out)
}

pub async fn save_report(r: &SavedReport) -> Result<(), PersistError> {
    let db = open().await?;
    let tx = db
        .transaction(REPORTS)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(PersistError::from_js)?;
    let text = serde_json::to_string(r).map_err(|e| PersistError::Failed(e.to_string()))?;
    tx.object_store(REPORTS)
        .map_err(PersistError::from_js)?
        .put(text)
        .with_key(r.id.clone())
        .primitive()
        .map_err(PersistError::from_js)?;
    tx.commit().await.map_err(PersistError::from_js)
}

pub async fn delete_report(id: &str) -> Result<(), PersistError> {
    let db = open().await?;
    let tx = db
        .transaction(REPORTS)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(PersistError::from_js)?;
    tx.object_store(REPORTS)
        .map_err(PersistError::from_js)?
        .delete(id.to_string())
        .primitive()
        .map_err(PersistError::from_js)?;
    tx.commit().await.map_err(PersistError::from_js)
}

/// The workspace open in this browser, by id.
pub fn current_id() -> Option<String> {
    local()?.get_item(CURRENT).ok().flatten()
}

pub fn set_current_id(id: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(CURRENT, id);
    }
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Removes everything Prisme keeps in this browser: the database, every `prisme.*` entry of
/// local storage, and whatever is in the origin's private file system.
pub async fn clear_everything() -> Result<(), PersistError> {
    if let Some(s) = local() {
        let keys: Vec<String> = (0..s.length().unwrap_or(0))
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with("prisme."))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
    Database::delete_by_name(DB)
        .map_err(|e| PersistError::Failed(format!("{e:?}")))?
        .await
        .map_err(|e| PersistError::Failed(format!("{e:?}")))?;
    Ok(())
}

/// What the origin uses and may use, in bytes (`navigator.storage.estimate()`).
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let estimate: web_sys::StorageEstimate = value.unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// Asks the browser not to evict this origin's data under storage pressure; whether it will.
pub async fn persist() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let storage = w.navigator().storage();
    let Ok(promise) = storage.persist() else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
