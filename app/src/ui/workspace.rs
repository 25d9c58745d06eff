//! The workspace kept in the browser ([`crate::persist`]): restored at start, saved on every
//! change of the Data page, listed, switched, deleted, and "Clear everything".
//!
//! A visit puts back the files, corrections and choices of the workspace last open and, when
//! its files had been analysed, runs the analysis again without the user doing anything (the
//! kept report shows meanwhile): lists and the customer card work as before the reload.

use leptos::prelude::*;
use leptos::web_sys;

use crate::i18n::Lang;
use crate::persist::{self, KeptFile, PersistError, Workspace};
use crate::store::{AppState, JobState, use_app};
use crate::ui::widgets::day;

/// What the panel shows about the browser's storage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WsState {
    pub current: Option<Workspace>,
    pub list: Vec<Workspace>,
    /// Bytes used and available (`navigator.storage.estimate()`).
    pub usage: Option<(f64, f64)>,
    pub persistent: Option<bool>,
    /// The last write refused, and the files it concerned.
    pub error: Option<(PersistError, Vec<String>)>,
    pub restoring: bool,
    pub cleared: bool,
}

impl AppState {
    /// At start: the workspace last open, its files read again and its analysis recomputed.
    pub fn restore_workspace(self) {
        self.ws.update(|w| w.restoring = true);
        wasm_bindgen_futures::spawn_local(async move {
            let list = match persist::workspaces().await {
                Ok(list) => list,
                Err(e) => {
                    self.ws.update(|w| {
                        w.restoring = false;
                        w.error = Some((e, Vec::new()));
                    });
                    return;
                }
            };
            let current = persist::current_id()
                .and_then(|id| list.iter().find(|w| w.id == id).cloned())
                .or_else(|| list.first().cloned());
            self.ws.update(|w| w.list = list);
            if let Some(ws) = current {
                self.load(ws, true).await;
            }
            self.ws.update(|w| w.restoring = false);
            let persistent = persist::persist().await;
            self.ws.update(|w| w.persistent = Some(persistent));
            self.refresh_usage();
        });
    }

    /// Opens a kept workspace; `keep_report`: the report on screen is this workspace's.
    async fn load(self, ws: Workspace, keep_report: bool) {
        let files = match persist::files(&ws).await {
            Ok(files) => files,
            Err(e) => {
                self.ws.update(|w| w.error = Some((e, Vec::new())));
                return;
            }
        };
        persist::set_current_id(&ws.id);
        let analyzed = ws.analyzed && !files.is_empty();
        let settings = (ws.corrections.clone(), ws.anonymize, ws.pii);
        let (analysis, marts) = (ws.analysis.clone(), ws.datamarts.clone());
        self.ws.update(|w| w.current = Some(ws));
        // This workspace's settings and datamarts replace the last workspace's (once it is
        // the open one, so that nothing is written into the other).
        if let Some(marts) = marts {
            crate::ui::datamarts::replace_marts(&marts);
        }
        if let Some(analysis) = analysis {
            self.set_settings(|s| *s = analysis);
        }
        if !keep_report {
            self.forget_report();
        }
        self.data
            .restore(files, settings, &self.engine(), self.lang.get_untracked());
        if analyzed && !matches!(self.job.get_untracked(), JobState::Running { .. }) {
            self.analyze(None);
        }
    }

    /// Saves the Data page's state into the open workspace (made on the first file).
    pub fn save_workspace(self) {
        let files = self.data.files();
        let before = self.ws.with_untracked(|w| w.current.clone());
        if before.is_none() && files.is_empty() {
            return;
        }
        let lang = self.lang.get_untracked();
        let mut ws = before
            .clone()
            .unwrap_or_else(|| Workspace::new(&self.next_name(lang.ws().default_name)));
        let kept: Vec<KeptFile> = files
            .iter()
            .map(|f| KeptFile {
                name: f.name(),
                bytes: f.size(),
                modified: f.last_modified(),
            })
            .collect();
        let added: Vec<web_sys::File> = files
            .iter()
            .filter(|f| !ws.files.iter().any(|k| *k == kept_of(f)))
            .cloned()
            .collect();
        let removed: Vec<String> = ws
            .files
            .iter()
            .filter(|k| !kept.iter().any(|n| n.name == k.name))
            .map(|k| k.name.clone())
            .collect();
        let (corrections, anonymize, pii) = self.data.kept_settings();
        let analysis = Some(self.settings.get_untracked());
        let datamarts = Some(crate::ui::datamarts::load_marts());
        let changed = !added.is_empty()
            || !removed.is_empty()
            || corrections != ws.corrections
            || anonymize != ws.anonymize
            || pii != ws.pii
            || analysis != ws.analysis
            || datamarts != ws.datamarts;
        if !changed && before.is_some() {
            return;
        }
        // The kept analysis no longer matches these files: a visit shows it but does not
        // recompute it (the user presses Analyze).
        ws.analyzed = false;
        ws.files = kept;
        ws.corrections = corrections;
        ws.anonymize = anonymize;
        ws.pii = pii;
        ws.analysis = analysis;
        ws.datamarts = datamarts;
        ws.updated = js_sys::Date::now();
        self.put(ws, before, added, removed);
    }

    /// After the analysis settings or the datamarts changed: kept in the open workspace
    /// (its files and analysis stay as they are).
    pub fn keep_in_workspace(self) {
        let Some(before) = self.ws.with_untracked(|w| w.current.clone()) else {
            return;
        };
        let analysis = Some(self.settings.get_untracked());
        let datamarts = Some(crate::ui::datamarts::load_marts());
        if analysis == before.analysis && datamarts == before.datamarts {
            return;
        }
        let mut ws = before.clone();
        ws.analysis = analysis;
        ws.datamarts = datamarts;
        ws.updated = js_sys::Date::now();
        self.put(ws, Some(before), Vec::new(), Vec::new());
    }

    /// After an analysis: the open workspace's files were analysed.
    pub fn mark_analyzed(self) {
        let Some(before) = self.ws.with_untracked(|w| w.current.clone()) else {
            return;
        };
        if before.analyzed {
            return;
        }
        let mut ws = before.clone();
        ws.analyzed = true;
        self.put(ws, Some(before), Vec::new(), Vec::new());
    }

    fn put(
        self,
        ws: Workspace,
        before: Option<Workspace>,
        added: Vec<web_sys::File>,
        removed: Vec<String>,
    ) {
        persist::set_current_id(&ws.id);
        self.ws.update(|w| {
            w.current = Some(ws.clone());
            w.cleared = false;
            match w.list.iter_mut().find(|x| x.id == ws.id) {
                Some(x) => *x = ws.clone(),
                None => w.list.insert(0, ws.clone()),
            }
        });
        wasm_bindgen_futures::spawn_local(async move {
            match persist::save(&ws, &added, &removed).await {
                Ok(()) => {
                    self.ws.update(|w| w.error = None);
                    self.refresh_usage();
                }
                Err(e) => {
                    // Nothing of this write was kept: the record stays as it was, and the
                    // next change tries again with the same difference.
                    let names = added.iter().map(|f| f.name()).collect();
                    self.ws.update(|w| {
                        w.error = Some((e, names));
                        if w.current.as_ref().map(|c| &c.id) == Some(&ws.id) {
                            w.current = before.clone();
                        }
                        if let Some(b) = &before
                            && let Some(x) = w.list.iter_mut().find(|x| x.id == b.id)
                        {
                            *x = b.clone();
                        }
                    });
                }
            }
        });
    }

    /// A name not yet taken: "Workspace", "Workspace 2"…
    fn next_name(self, base: &str) -> String {
        let taken: Vec<String> = self
            .ws
            .with_untracked(|w| w.list.iter().map(|x| x.name.clone()).collect());
        if !taken.iter().any(|n| n == base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base} {i}"))
            .find(|n| !taken.contains(n))
            .unwrap_or_default()
    }

    /// Starts an empty workspace (the current one stays kept).
    pub fn new_workspace(self, name: Option<&str>) {
        let lang = self.lang.get_untracked();
        let name = self.next_name(name.unwrap_or(lang.ws().default_name));
        let mut ws = Workspace::new(&name);
        // A new workspace starts from the default settings and no datamart (the last one
        // keeps its own).
        ws.analysis = Some(Default::default());
        ws.datamarts = Some(Vec::new());
        self.ws.update(|w| w.current = Some(ws.clone()));
        crate::ui::datamarts::replace_marts(&[]);
        self.set_settings(|s| *s = Default::default());
        self.forget_report();
        self.data.clear(&self.engine(), lang);
        // An empty workspace is kept too, so that it appears in the list.
        self.put(ws, None, Vec::new(), Vec::new());
    }

    /// Before the demo replaces the files: a workspace holding the user's files is left as
    /// it is, and the demo gets its own.
    pub fn workspace_for_demo(self) {
        let demo = self.lang.get_untracked().ws().demo_name;
        let current = self.ws.with_untracked(|w| w.current.clone());
        if let Some(ws) = &current
            && !ws.files.is_empty()
            && !ws.name.starts_with(demo)
        {
            let ws = Workspace::new(&self.next_name(demo));
            self.ws.update(|w| w.current = Some(ws));
        } else if current.is_none() {
            let ws = Workspace::new(&self.next_name(demo));
            self.ws.update(|w| w.current = Some(ws));
        }
    }

    pub fn rename_workspace(self, name: String) {
        let name = name.trim().to_string();
        let Some(before) = self.ws.with_untracked(|w| w.current.clone()) else {
            return;
        };
        if name.is_empty() || name == before.name {
            return;
        }
        let mut ws = before.clone();
        ws.name = name;
        ws.updated = js_sys::Date::now();
        self.put(ws, Some(before), Vec::new(), Vec::new());
    }

    pub fn open_workspace(self, id: String) {
        let Some(ws) = self
            .ws
            .with_untracked(|w| w.list.iter().find(|x| x.id == id).cloned())
        else {
            return;
        };
        if matches!(self.job.get_untracked(), JobState::Running { .. }) {
            self.cancel();
        }
        wasm_bindgen_futures::spawn_local(async move { self.load(ws, false).await });
    }

    pub fn delete_workspace(self, id: String) {
        let Some(ws) = self
            .ws
            .with_untracked(|w| w.list.iter().find(|x| x.id == id).cloned())
        else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = persist::delete_workspace(&ws).await {
                self.ws.update(|w| w.error = Some((e, Vec::new())));
                return;
            }
            let was_current = self
                .ws
                .with_untracked(|w| w.current.as_ref().map(|c| c.id == ws.id))
                .unwrap_or(false);
            self.ws.update(|w| {
                w.list.retain(|x| x.id != ws.id);
                if was_current {
                    w.current = None;
                }
            });
            if was_current {
                self.forget_report();
                self.data.clear(&self.engine(), self.lang.get_untracked());
            }
            self.refresh_usage();
        });
    }

    /// Erases everything Prisme keeps in this browser; the page goes on with nothing open.
    pub fn clear_everything(self) {
        if matches!(self.job.get_untracked(), JobState::Running { .. }) {
            self.cancel();
        }
        self.ws.update(|w| w.current = None);
        self.forget_report();
        self.data.clear(&self.engine(), self.lang.get_untracked());
        wasm_bindgen_futures::spawn_local(async move {
            let result = persist::clear_everything().await;
            self.ws.update(|w| {
                w.list.clear();
                w.current = None;
                w.cleared = result.is_ok();
                w.error = result.err().map(|e| (e, Vec::new()));
            });
            self.refresh_usage();
        });
    }

    fn refresh_usage(self) {
        wasm_bindgen_futures::spawn_local(async move {
            let usage = persist::estimate().await;
            self.ws.update(|w| w.usage = usage);
        });
    }
}

fn kept_of(f: &web_sys::File) -> KeptFile {
    KeptFile {
        name: f.name(),
        bytes: f.size(),
        modified: f.last_modified(),
    }
}

/// Bytes in MB, or GB from a thousand MB (a quota is often tens of GB).
fn size(l: Lang, bytes: f64) -> String {
    if bytes >= 1e9 {
        let unit = match l {
            Lang::Fr => "Go",
            Lang::En => "GB",
        };
        format!("{}\u{a0}{unit}", l.dec(bytes / 1e9, 1))
    } else {
        l.megabytes(bytes)
    }
}

fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// The Data page's workspace panel.
#[component]
pub fn WorkspacePanel() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().ws();
    let ws = app.ws;
    let name = move || ws.with(|w| w.current.as_ref().map(|c| c.name.clone()));
    let others = move || {
        ws.with(|w| {
            let current = w.current.as_ref().map(|c| c.id.clone());
            w.list
                .iter()
                .filter(|x| Some(&x.id) != current.as_ref())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let usage = move || {
        let l = lang.get();
        ws.with(|w| {
            w.usage.map(|(used, quota)| {
                l.ws()
                    .usage
                    .replace("{used}", &size(l, used))
                    .replace("{quota}", &size(l, quota))
            })
        })
    };
    let persistent = move || {
        ws.with(|w| w.persistent).map(|p| {
            if p {
                t().persistent
            } else {
                t().not_persistent
            }
        })
    };
    let error = move || {
        let l = lang.get();
        ws.with(|w| {
            w.error.as_ref().map(|(e, files)| match e {
                PersistError::Quota => l.ws().quota.replace(
                    "{}",
                    &if files.is_empty() {
                        "—".to_string()
                    } else {
                        files.join(", ")
                    },
                ),
                PersistError::Unavailable(_) => l.ws().unavailable.to_string(),
                PersistError::Failed(m) => format!("{} {m}", l.ws().failed),
            })
        })
    };
    let on_clear = move |_| {
        if confirm(t().confirm_clear) {
            app.clear_everything();
        }
    };
    view! {
        <section class="workspace" data-testid="workspace">
            <div class="workspace-head">
                <h2>{move || t().title}</h2>
                <label class="ws-name">
                    <span class="visually-hidden">{move || t().name}</span>
                    <input
                        type="text"
                        data-testid="workspace-name"
                        aria-label=move || t().name
                        prop:value=move || name().unwrap_or_default()
                        placeholder=move || t().default_name
                        prop:disabled=move || name().is_none()
                        on:change=move |ev| app.rename_workspace(event_target_value(&ev))
                    />
                </label>
                <button class="button ghost" data-action="new-workspace" on:click=move |_| app.new_workspace(None)>
                    {move || t().new}
                </button>
                <button class="button ghost danger" data-action="clear-everything" on:click=on_clear>
                    {move || t().clear}
                </button>
            </div>
            <p class="hint">{move || t().intro}</p>
            <p class="hint ws-usage" data-testid="workspace-usage">
                {usage} " " {persistent}
            </p>
            {move || ws.with(|w| w.restoring).then(|| view! {
                <p class="hint" data-testid="workspace-restoring">{move || t().restoring}</p>
            })}
            {move || ws.with(|w| w.cleared).then(|| view! {
                <p class="note ok" role="status" data-testid="workspace-cleared">{move || t().cleared}</p>
            })}
            {move || error().map(|m| view! {
                <p class="error-message" role="alert" data-testid="workspace-error">{m}</p>
            })}
            {move || {
                let list = others();
                (!list.is_empty()).then(|| {
                    let l = lang.get();
                    view! {
                        <details class="ws-list" open=true>
                            <summary>{l.ws().others} " (" {list.len()} ")"</summary>
                            <ul>
                                {list
                                    .into_iter()
                                    .map(|w| {
                                        let open_id = w.id.clone();
                                        let del_id = w.id.clone();
                                        let del_name = w.name.clone();
                                        view! {
                                            <li data-workspace=w.name.clone()>
                                                <strong>{w.name.clone()}</strong>
                                                <span class="hint">
                                                    {format!(
                                                        " · {} · {} · {} {}",
                                                        l.count(w.files.len() as u64, l.ws().files),
                                                        l.megabytes(w.bytes()),
                                                        l.ws().updated,
                                                        day(l, w.updated),
                                                    )}
                                                </span>
                                                <button
                                                    class="button ghost small"
                                                    data-action="open-workspace"
                                                    on:click=move |_| app.open_workspace(open_id.clone())
                                                >
                                                    {l.ws().open}
                                                </button>
                                                <button
                                                    class="button ghost small"
                                                    data-action="delete-workspace"
                                                    on:click=move |_| {
                                                        if confirm(&l.ws().confirm_delete.replace("{}", &del_name)) {
                                                            app.delete_workspace(del_id.clone());
                                                        }
                                                    }
                                                >
                                                    {l.ws().delete}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                })
            }}
        </section>
    }
}
