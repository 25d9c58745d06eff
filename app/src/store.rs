//! What the pages share: the language, the Data page's files and settings, the analysis
//! settings, the job in flight and the last report. One [`AppState`] in context
//! ([`use_app`]); pages read the fields they need and write through its methods, so engine
//! events land in one place.
//!
//! The last report is kept in local storage, so every page's address still shows its numbers
//! after a reload (the customer rows stay in the worker: lists ask the user to analyze again).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::web_sys;
use prisme_core::analysis::Report;
use prisme_core::workbench::{SliceCandidate, WorkbenchSettings};
use wasm_bindgen::JsCast;

use crate::engine::{Engine, EngineEvent, Request, WorkbenchRequest, now_ms};
use crate::i18n::Lang;
use crate::protocol::{FromWorker, JobStep};
use crate::ui::data::DataState;

const REPORT_KEY: &str = "prisme.report";
const SETTINGS_KEY: &str = "prisme.analysis";

/// The analysis job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    Idle,
    Running {
        job: u32,
        /// Steps started, in order; the last is running.
        steps: Vec<JobStep>,
        started: f64,
        /// Preparing demo files before the analysis.
        demo: bool,
    },
    Failed {
        message: String,
        file: String,
    },
    Cancelled,
}

/// Facts about the last analysis that are not in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub customers: usize,
    pub candidates: Vec<SliceCandidate>,
    pub rows_skipped: usize,
    pub prepare_ms: f64,
    pub analysis_ms: f64,
    pub total_ms: f64,
    /// The files were read again for this run (else the Data page's preparation was reused).
    pub read_again: bool,
    /// The worker holds this run's customer table (false after a reload or a worker restart).
    pub live: bool,
    /// Bumped at every run, so that pages re-query the worker.
    pub revision: u32,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    pub data: DataState,
    pub settings: RwSignal<WorkbenchSettings>,
    pub job: RwSignal<JobState>,
    pub report: RwSignal<Option<Arc<Report>>>,
    pub run: RwSignal<Option<RunInfo>>,
    /// Where to go when the running job ends (set by the demo and "Analyze").
    pub goto: RwSignal<Option<String>>,
    /// The workspace kept in the browser (`ui::workspace`).
    pub ws: RwSignal<crate::ui::workspace::WsState>,
    /// The report on screen as the worker sent it (what a saved report is made from).
    pub kept: StoredValue<Option<KeptReport>>,
    pub engine: StoredValue<Engine, LocalStorage>,
    /// Bumped when reports were sent to the sync server in the background (`ui::sync`).
    pub synced: RwSignal<u32>,
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The last report as the worker sent it: its head and its sections, each as JSON. Kept as
/// sent, not re-serialized: the page's module then carries no `Serialize` for reports.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KeptReport {
    pub head: String,
    pub parts: Vec<(String, String)>,
}

fn saved_report() -> Option<(Arc<Report>, KeptReport)> {
    let text = storage()?.get_item(REPORT_KEY).ok()??;
    let kept: KeptReport = serde_json::from_str(&text).ok()?;
    let mut report = Report::from_json(&kept.head).ok()?;
    for (name, json) in &kept.parts {
        apply_part(&mut report, name, json).ok()?;
    }
    Some((Arc::new(report), kept))
}

/// Puts a section of the report (see `FromWorker::Workbench`) in place.
fn apply_part(report: &mut Report, name: &str, json: &str) -> Result<(), serde_json::Error> {
    match name {
        "rfm" => serde_json::from_str(json).map(|v| report.rfm = v),
        "clv" => serde_json::from_str(json).map(|v| report.clv = v),
        "churn" => serde_json::from_str(json).map(|v| report.churn = v),
        "cohorts" => serde_json::from_str(json).map(|v| report.cohorts = v),
        "indicators" => serde_json::from_str(json).map(|v| report.indicators = v),
        "charts" => serde_json::from_str(json).map(|v| report.charts = v),
        _ => Ok(()),
    }
}

fn saved_settings() -> WorkbenchSettings {
    storage()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn initial_lang() -> Lang {
    let stored = storage().and_then(|s| s.get_item("prisme.lang").ok().flatten());
    match stored {
        Some(code) => Lang::from_code(&code),
        None => web_sys::window()
            .and_then(|w| w.navigator().language())
            .map_or(Lang::Fr, |l| Lang::from_code(&l)),
    }
}

impl AppState {
    /// The state, with the engine whose events it hears (`forward` gets every event too).
    pub fn new(forward: impl Fn(&EngineEvent) + 'static) -> AppState {
        let data = DataState::new();
        let lang = RwSignal::new(initial_lang());
        let job = RwSignal::new(JobState::Idle);
        let saved = saved_report();
        let kept = StoredValue::new(saved.as_ref().map(|s| s.1.clone()));
        let report = RwSignal::new(saved.map(|s| s.0));
        let run = RwSignal::new(None::<RunInfo>);
        let goto = RwSignal::new(None::<String>);
        let settings = RwSignal::new(saved_settings());
        // The engine's listener needs the state, and the state holds the engine: the
        // listener reaches it through this cell, filled right after.
        let cell: StoredValue<Option<AppState>, LocalStorage> = StoredValue::new_local(None);
        let engine = Engine::start(move |event| {
            data.on_event(&event);
            forward(&event);
            if let Some(app) = cell.get_value() {
                app.on_event(&event);
            }
        });
        let app = AppState {
            lang,
            data,
            settings,
            job,
            report,
            run,
            goto,
            ws: RwSignal::new(Default::default()),
            kept,
            engine: StoredValue::new_local(engine),
            synced: RwSignal::new(0),
        };
        cell.set_value(Some(app));
        // Every change of the Data page is kept in the workspace.
        Effect::new(move |_| {
            app.data.changes.track();
            if !app.ws.with_untracked(|w| w.restoring) {
                app.save_workspace();
            }
        });
        app.restore_workspace();
        crate::ui::sync::start(app);
        app
    }

    /// Forgets the report on screen and the one kept for the next visit.
    pub fn forget_report(&self) {
        self.report.set(None);
        self.run.set(None);
        self.kept.set_value(None);
        if let Some(s) = storage() {
            let _ = s.remove_item(REPORT_KEY);
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine.get_value()
    }

    pub fn set_lang(&self, l: Lang) {
        self.lang.set(l);
        if let Some(s) = storage() {
            let _ = s.set_item("prisme.lang", l.code());
        }
    }

    /// Changes the analysis settings: kept in this browser and in the open workspace.
    pub fn set_settings(&self, f: impl FnOnce(&mut WorkbenchSettings)) {
        self.settings.update(f);
        if let Some(s) = storage()
            && let Ok(text) = serde_json::to_string(&self.settings.get_untracked())
        {
            let _ = s.set_item(SETTINGS_KEY, &text);
        }
        self.keep_in_workspace();
    }

    fn current_job(&self) -> Option<u32> {
        match self.job.get_untracked() {
            JobState::Running { job, .. } => Some(job),
            _ => None,
        }
    }

    fn on_event(&self, event: &EngineEvent) {
        match event {
            EngineEvent::Crashed { message } => {
                if self.current_job().is_some() {
                    self.job.set(JobState::Failed {
                        message: message.clone(),
                        file: String::new(),
                    });
                    self.goto.set(None);
                }
                self.run.update(|r| {
                    if let Some(r) = r {
                        r.live = false;
                    }
                });
            }
            EngineEvent::Message(msg) => self.on_message(msg),
            EngineEvent::Ready { .. } => {}
        }
    }

    fn on_message(&self, msg: &FromWorker) {
        let Some(current) = self.current_job() else {
            return;
        };
        match msg {
            FromWorker::Step { job, step } if *job == current => self.job.update(|j| {
                if let JobState::Running { steps, .. } = j {
                    steps.push(*step);
                }
            }),
            FromWorker::Workbench {
                job,
                report,
                parts,
                customers,
                candidates,
                rows_skipped,
                prepare_ms,
                analysis_ms,
                prepared_again,
                ..
            } if *job == current => {
                let started = match self.job.get_untracked() {
                    JobState::Running { started, .. } => started,
                    _ => now_ms(),
                };
                // Taken in short tasks: this one only takes the message; then the report's
                // head and each large section are parsed in a task of their own; the last
                // one shows the report (and the pages' rendering follows).
                let info = RunInfo {
                    customers: *customers,
                    candidates: candidates.clone(),
                    rows_skipped: *rows_skipped,
                    prepare_ms: *prepare_ms,
                    analysis_ms: *analysis_ms,
                    total_ms: 0.0,
                    read_again: *prepared_again,
                    live: true,
                    revision: 0,
                };
                let (me, job) = (*self, *job);
                let kept = KeptReport {
                    head: report.clone(),
                    parts: parts.clone(),
                };
                later(move || match Report::from_json(&kept.head) {
                    Ok(r) => me.join_report(job, r, kept, 0, info, started),
                    Err(e) => me.job.set(JobState::Failed {
                        message: e.to_string(),
                        file: String::new(),
                    }),
                });
            }
            FromWorker::Error {
                job, message, file, ..
            } if *job == current => {
                self.job.set(JobState::Failed {
                    message: message.clone(),
                    file: file.clone(),
                });
                self.goto.set(None);
            }
            _ => {}
        }
    }

    /// Parses the report's next section (`kept.parts[next]`) in a task of its own, then shows
    /// the whole report.
    fn join_report(
        self,
        job: u32,
        mut report: Report,
        kept: KeptReport,
        next: usize,
        info: RunInfo,
        started: f64,
    ) {
        if self.current_job() != Some(job) {
            return;
        }
        let Some((name, json)) = kept.parts.get(next) else {
            let revision = self.run.get_untracked().map_or(1, |r| r.revision + 1);
            let report = Arc::new(report);
            self.kept.set_value(Some(kept.clone()));
            self.report.set(Some(report.clone()));
            self.run.set(Some(RunInfo {
                total_ms: now_ms() - started,
                revision,
                ..info
            }));
            self.job.set(JobState::Idle);
            self.mark_analyzed();
            // Kept for the next visit, after this task: writing a large string to local
            // storage blocks the page.
            later(move || {
                if let Some(s) = storage() {
                    // A report too large for the quota is simply not kept: the one in memory
                    // is what the pages show.
                    let text = serde_json::to_string(&kept).unwrap_or_default();
                    if s.set_item(REPORT_KEY, &text).is_err() {
                        let _ = s.remove_item(REPORT_KEY);
                    }
                }
            });
            return;
        };
        if let Err(e) = apply_part(&mut report, name, json) {
            self.job.set(JobState::Failed {
                message: format!("the report's {name}: {e}"),
                file: String::new(),
            });
            return;
        }
        later(move || self.join_report(job, report, kept, next + 1, info, started));
    }

    /// Runs the whole analysis on the Data page's files; `then` is the page to open after.
    pub fn analyze(&self, then: Option<&str>) {
        let files = self.data.files();
        if files.is_empty() {
            self.job.set(JobState::Failed {
                message: self.lang.get_untracked().wb().no_files.to_string(),
                file: String::new(),
            });
            return;
        }
        let engine = self.engine();
        let job = engine.next_job();
        self.goto.set(then.map(str::to_string));
        self.job.set(JobState::Running {
            job,
            steps: vec![JobStep::Reading],
            started: now_ms(),
            demo: false,
        });
        let settings = self.data.prepare_settings(self.lang.get_untracked());
        let analysis = self.settings.get_untracked();
        // The files themselves: the worker streams them (the page never holds their bytes).
        engine.send(WorkbenchRequest {
            job,
            files: files
                .iter()
                .map(|f| (f.name(), f.clone().into(), f.last_modified()))
                .collect(),
            settings,
            analysis,
        });
    }

    /// Stops the analysis now: the worker is replaced (its memory with it).
    pub fn cancel(&self) {
        if self.current_job().is_some() {
            self.job.set(JobState::Cancelled);
            self.goto.set(None);
            self.run.update(|r| {
                if let Some(r) = r {
                    r.live = false;
                }
            });
            self.engine().restart();
        }
    }

    /// The demo: the worker writes the files, the Data page takes them as if dropped, and the
    /// analysis opens the dashboard.
    pub fn demo(&self) {
        let engine = self.engine();
        let job = engine.next_job();
        self.job.set(JobState::Running {
            job,
            steps: Vec::new(),
            started: now_ms(),
            demo: true,
        });
        let app = *self;
        engine.call(Request::Demo { job }, move |answer| {
            if app.current_job() != Some(job) {
                return;
            }
            let files = answer.map(|msg| demo_files(&msg));
            match files {
                Ok(files) if !files.is_empty() => {
                    app.workspace_for_demo();
                    app.data
                        .replace_files(files, &app.engine(), app.lang.get_untracked());
                    app.analyze(Some("/dashboard"));
                }
                Ok(_) => app.job.set(JobState::Failed {
                    message: "no demo files".into(),
                    file: String::new(),
                }),
                Err(message) => app.job.set(JobState::Failed {
                    message,
                    file: String::new(),
                }),
            }
        });
    }
}

/// Runs `f` in a task of its own, so that long work is not one long task.
pub fn later(f: impl FnOnce() + 'static) {
    let cb = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
    }
}

/// `{files: [{name, bytes}]}` from the worker as `File`s.
fn demo_files(msg: &wasm_bindgen::JsValue) -> Vec<web_sys::File> {
    let files = js_sys::Reflect::get(msg, &"files".into()).unwrap_or_default();
    let mut out = Vec::new();
    for f in js_sys::Array::from(&files).iter() {
        let name = js_sys::Reflect::get(&f, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let bytes = js_sys::Reflect::get(&f, &"bytes".into()).unwrap_or_default();
        let parts = js_sys::Array::new();
        parts.push(&bytes);
        let bag = web_sys::FilePropertyBag::new();
        bag.set_type("text/csv");
        if let Ok(file) = web_sys::File::new_with_u8_array_sequence_and_options(&parts, &name, &bag)
        {
            out.push(file);
        }
    }
    out
}
