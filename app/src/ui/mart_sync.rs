//! Datamarts on the sync server: what each saved datamart's copy there is, sending what
//! changed, taking the server's, and the answer to a conflict.
//!
//! Datamarts are kept by name in local storage as the CLI's JSON ([`super::datamarts`]); their
//! server side is kept beside them (`prisme.datamarts.sync`: per name, the server id, the
//! version and the exact text last in step with the server). A datamart is *to send* when its
//! text differs from that: a save, a duplicate, an undo or a workspace opened all count,
//! without each of them having to say so. The server id is [`sync::remote_id`] of the name, as
//! for reports.

use std::collections::BTreeMap;

use prisme_core::datamart::Datamart;
use serde::{Deserialize, Serialize};

use super::datamarts::{load_marts, store_marts};
use crate::sync::{self, Kind, RemoteDoc, SyncConfig, SyncError};

const STATE_KEY: &str = "prisme.datamarts.sync";

/// One datamart's copy on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MartRemote {
    pub id: String,
    /// The server version last sent or read; `None` before the first send.
    pub version: Option<u32>,
    /// The datamart's text at that version.
    pub text: Option<String>,
    /// The server's version when it refused a send (412), until the user chooses.
    pub conflict: Option<u32>,
}

/// Where a saved datamart stands with the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MartSync {
    Synced(u32),
    Pending,
    Conflict(u32),
}

impl MartSync {
    pub fn key(self) -> &'static str {
        match self {
            MartSync::Synced(_) => "synced",
            MartSync::Pending => "pending",
            MartSync::Conflict(_) => "conflict",
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn states() -> BTreeMap<String, MartRemote> {
    storage()
        .and_then(|s| s.get_item(STATE_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn store_states(s: &BTreeMap<String, MartRemote>) -> Result<(), String> {
    let text = serde_json::to_string(s).map_err(|e| e.to_string())?;
    storage()
        .ok_or("no local storage")?
        .set_item(STATE_KEY, &text)
        .map_err(|_| "the browser refuses to keep the datamarts' server state".to_string())
}

/// Another server or none: the versions known there say nothing any more.
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STATE_KEY);
    }
}

/// The text a datamart is kept and sent as (stable: compared with the last one sent).
fn text(m: &Datamart) -> String {
    serde_json::to_string(m).unwrap_or_default()
}

fn fresh(name: &str) -> MartRemote {
    MartRemote {
        id: sync::remote_id(name),
        version: None,
        text: None,
        conflict: None,
    }
}

fn status_of(m: &Datamart, st: Option<&MartRemote>) -> MartSync {
    match st {
        Some(MartRemote {
            conflict: Some(c), ..
        }) => MartSync::Conflict(*c),
        Some(MartRemote {
            version: Some(v),
            text: Some(t),
            ..
        }) if *t == text(m) => MartSync::Synced(*v),
        _ => MartSync::Pending,
    }
}

/// Every saved datamart's standing, by name (empty when no server is set).
pub fn standing() -> Vec<(String, MartSync)> {
    if !sync::config().is_set() {
        return Vec::new();
    }
    let st = states();
    load_marts()
        .iter()
        .map(|m| (m.name.clone(), status_of(m, st.get(&m.name))))
        .collect()
}

/// Sends every datamart whose text changed since the server last had it. Stops at the first
/// error that is not a conflict. The number sent.
pub async fn flush(cfg: &SyncConfig) -> Result<usize, SyncError> {
    let mut st = states();
    let mut sent = 0;
    for m in load_marts() {
        let doc = text(&m);
        let s = st.entry(m.name.clone()).or_insert_with(|| fresh(&m.name));
        if s.conflict.is_some() || s.text.as_deref() == Some(doc.as_str()) {
            continue;
        }
        match sync::push(cfg, Kind::Datamarts, &s.id, &m.name, &doc, s.version).await {
            Ok(v) => {
                s.version = Some(v);
                s.text = Some(doc);
                sent += 1;
            }
            Err(SyncError::Conflict { current }) => s.conflict = Some(current),
            Err(e) => {
                let _ = store_states(&st);
                return Err(e);
            }
        }
        store_states(&st).map_err(|message| SyncError::Failed { status: 0, message })?;
    }
    Ok(sent)
}

/// A name not taken by any saved datamart: `name (suffix)`, then `name (suffix) 2`, …
fn free_name(marts: &[Datamart], name: &str, suffix: &str) -> String {
    let mut candidate = format!("{name} {suffix}");
    let mut n = 2;
    while marts.iter().any(|m| m.name == candidate) {
        candidate = format!("{name} {suffix} {n}");
        n += 1;
    }
    candidate
}

/// Keeps the server's datamart here, under its name, in step with the server. A datamart of
/// that name with changes the server does not have is not lost: it stays under `name
/// (suffix)` and is sent as a datamart of its own. The datamart's name.
pub fn take(doc: &RemoteDoc, suffix: &str) -> Result<String, String> {
    let theirs: Datamart =
        serde_json::from_str(&doc.document).map_err(|e| format!("{}: {e}", doc.name))?;
    let name = theirs.name.clone();
    let mut marts = load_marts();
    let mut st = states();
    if let Some(i) = marts.iter().position(|m| m.name == name) {
        let mine = &marts[i];
        let unsent = !matches!(status_of(mine, st.get(&name)), MartSync::Synced(_));
        if unsent && text(mine) != text(&theirs) {
            let mut kept = marts.remove(i);
            kept.name = free_name(&marts, &name, suffix);
            marts.push(kept);
        } else {
            marts.remove(i);
        }
    }
    marts.push(theirs.clone());
    marts.sort_by(|a, b| a.name.cmp(&b.name));
    st.insert(
        name.clone(),
        MartRemote {
            id: doc.id.clone(),
            version: Some(doc.version),
            text: Some(text(&theirs)),
            conflict: None,
        },
    );
    store_marts(&marts).map_err(|()| "the browser refuses to keep the datamart".to_string())?;
    store_states(&st)?;
    Ok(name)
}

/// The user's answer to the conflict on the datamart `name`.
pub async fn resolve(name: &str, how: super::sync::Resolution, suffix: &str) -> Result<(), String> {
    use super::sync::Resolution;
    let cfg = sync::config();
    let mut st = states();
    let Some(s) = st.get(name).cloned() else {
        return Ok(());
    };
    let current = s.conflict.unwrap_or(0);
    match how {
        Resolution::Mine => {
            let Some(mine) = load_marts().into_iter().find(|m| m.name == name) else {
                // Deleted here since: nothing of mine to send.
                st.remove(name);
                return store_states(&st);
            };
            let doc = text(&mine);
            let v = sync::push(&cfg, Kind::Datamarts, &s.id, name, &doc, Some(current))
                .await
                .map_err(|e| e.message())?;
            st.insert(
                name.to_string(),
                MartRemote {
                    version: Some(v),
                    text: Some(doc),
                    conflict: None,
                    ..s
                },
            );
            store_states(&st)
        }
        Resolution::Theirs | Resolution::Both => {
            let theirs = sync::get(&cfg, Kind::Datamarts, &s.id, None)
                .await
                .map_err(|e| e.message())?;
            if how == Resolution::Theirs {
                // Mine is dropped: marked in step so that `take` replaces it.
                let mut marts = load_marts();
                marts.retain(|m| m.name != name);
                store_marts(&marts).map_err(|()| "the browser refuses".to_string())?;
            }
            take(&theirs, suffix).map(|_| ())
        }
    }
}
