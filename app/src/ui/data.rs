//! The Data page: drop several files, see how each was read (kind, roles, profile), correct
//! roles and kinds, and see the consolidated customer base and what anonymization did.
//!
//! The page keeps the `File` handles, not their bytes: every change (a file added or removed,
//! a role corrected, anonymization switched) reads them again and sends them to the worker,
//! which prepares them from scratch. Reading local files is fast, and a restarted worker then
//! loses nothing.

use leptos::prelude::*;
use leptos::web_sys;
use prisme_core::anonymize::PiiAction;
use prisme_core::consolidate::TableKind;
use prisme_core::ingest::Locale;
use prisme_core::ingest::column::{ColumnKind, Decision, FormatReport};
use prisme_core::ingest::encoding::TextEncoding;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::tokenizer::Delimiter;
use prisme_core::profile::ColumnProfile;
use prisme_core::sources::{BaseView, ColumnView, Corrections, Fate, SourceView};

use crate::engine::{Engine, EngineEvent, PrepareRequest};
use crate::i18n::Lang;
use crate::protocol::{FileError, FileOutcome, FromWorker, PrepareSettings};

/// Data page jobs are numbered from here, apart from the quick RFM page's.
const FIRST_JOB: u32 = 1 << 30;
const FILE_TYPES: &str = ".csv,.txt,.tsv,.tab,.dat,.xlsx,.xlsm,.xls,.ods,.parquet,.arrow,.feather,.ipc,.json,.jsonl,.ndjson,text/csv,text/plain,application/json";

/// The worker's answer to a `prepare` request.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub files: Vec<FileOutcome>,
    pub base: Option<BaseView>,
    pub base_error: Option<String>,
    pub prepare_ms: f64,
    pub consolidate_ms: f64,
}

/// The Data page's state; created by the app so that the engine's events reach it.
#[derive(Clone, Copy)]
pub struct DataState {
    files: StoredValue<Vec<web_sys::File>, LocalStorage>,
    names: RwSignal<Vec<String>>,
    corrections: RwSignal<Vec<(String, Corrections)>>,
    anonymize: RwSignal<bool>,
    pii: RwSignal<PiiAction>,
    /// The anonymization key (64 hex digits; empty when none could be made).
    pub secret: RwSignal<String>,
    pub key_note: RwSignal<Option<crate::ui::key::KeyNote>>,
    result: RwSignal<Option<Prepared>>,
    /// Progress (0–1) while the worker prepares the files.
    busy: RwSignal<Option<f64>>,
    /// Bytes read of the file being streamed, and its size.
    busy_bytes: RwSignal<Option<(f64, f64)>>,
    error: RwSignal<Option<String>>,
    /// Whether `error` is the worker's crash (it was restarted) rather than a reading error.
    crashed: RwSignal<bool>,
    job: StoredValue<u32>,
    /// Bumped at every change of files or settings (the workspace is saved on it).
    pub changes: RwSignal<u32>,
}

fn today() -> i32 {
    (js_sys::Date::now() / 86_400_000.0).floor() as i32
}

impl DataState {
    pub fn new() -> DataState {
        let key = crate::ui::key::load_or_make();
        DataState {
            files: StoredValue::new_local(Vec::new()),
            names: RwSignal::new(Vec::new()),
            corrections: RwSignal::new(Vec::new()),
            anonymize: RwSignal::new(true),
            pii: RwSignal::new(PiiAction::Drop),
            secret: RwSignal::new(key.0),
            key_note: RwSignal::new(key.1),
            result: RwSignal::new(None),
            busy: RwSignal::new(None),
            busy_bytes: RwSignal::new(None),
            error: RwSignal::new(None),
            crashed: RwSignal::new(false),
            job: StoredValue::new(FIRST_JOB),
            changes: RwSignal::new(0),
        }
    }

    /// Takes the engine's events that concern this page.
    pub fn on_event(&self, event: &EngineEvent) {
        let current = self.job.get_value();
        match event {
            EngineEvent::Crashed { message } => {
                if self.busy.get_untracked().is_some() {
                    self.busy.set(None);
                    self.crashed.set(true);
                    self.error.set(Some(message.clone()));
                }
            }
            EngineEvent::Message(msg) => match &**msg {
                FromWorker::Progress {
                    job,
                    fraction,
                    bytes,
                    ..
                } if *job == current => {
                    self.busy.set(Some(*fraction));
                    if bytes.is_some() {
                        self.busy_bytes.set(*bytes);
                    }
                }
                FromWorker::Prepared {
                    job,
                    files,
                    base,
                    base_error,
                    prepare_ms,
                    consolidate_ms,
                } if *job == current => {
                    self.busy.set(None);
                    self.error.set(None);
                    self.result.set(Some(Prepared {
                        files: files.clone(),
                        base: base.clone(),
                        base_error: base_error.clone(),
                        prepare_ms: *prepare_ms,
                        consolidate_ms: *consolidate_ms,
                    }));
                }
                FromWorker::Error { job, message, .. } if *job == current => {
                    self.busy.set(None);
                    self.crashed.set(false);
                    self.error.set(Some(message.clone()));
                }
                _ => {}
            },
            EngineEvent::Ready { .. } => {}
        }
    }

    /// The prepared files' views (tracked: a memo over them follows new preparations).
    pub fn views(&self) -> Vec<SourceView> {
        self.result.with(|r| {
            r.as_ref()
                .map(|r| r.files.iter().filter_map(|f| f.view.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// Replaces the key (imported or derived); the files are read again with it.
    pub fn set_key(&self, hex: String, note: Option<crate::ui::key::KeyNote>) {
        self.secret.set(hex);
        self.key_note.set(note);
    }

    /// Reads every file again with the current settings.
    pub fn rerun(&self, engine: &Engine, lang: Lang) {
        self.run(engine, lang);
    }

    /// The files, as dropped (the demo's too).
    pub fn files(&self) -> Vec<web_sys::File> {
        self.files.get_value()
    }

    /// Whether ids are pseudonymized (the Data page's choice; tracked).
    pub fn pseudonymized(&self) -> bool {
        self.anonymize.get()
    }

    /// How the files are to be read, corrected and anonymized.
    pub fn prepare_settings(&self, lang: Lang) -> PrepareSettings {
        PrepareSettings {
            locale: match lang {
                Lang::Fr => Locale::Fr,
                Lang::En => Locale::En,
            },
            corrections: self.corrections.get_untracked(),
            anonymize: self.anonymize.get_untracked(),
            pii: self.pii.get_untracked(),
            secret: self.secret.get_untracked(),
            today: today(),
        }
    }

    /// The corrections and anonymization choices, as a workspace keeps them.
    pub fn kept_settings(&self) -> (Vec<(String, Corrections)>, bool, PiiAction) {
        (
            self.corrections.get_untracked(),
            self.anonymize.get_untracked(),
            self.pii.get_untracked(),
        )
    }

    /// Puts back a kept workspace: its files, corrections and choices.
    pub fn restore(
        &self,
        files: Vec<web_sys::File>,
        settings: (Vec<(String, Corrections)>, bool, PiiAction),
        engine: &Engine,
        lang: Lang,
    ) {
        self.names.set(files.iter().map(|f| f.name()).collect());
        self.files.set_value(files);
        self.corrections.set(settings.0);
        self.anonymize.set(settings.1);
        self.pii.set(settings.2);
        self.run(engine, lang);
    }

    /// Replaces every file (the demo), forgetting corrections.
    pub fn replace_files(&self, files: Vec<web_sys::File>, engine: &Engine, lang: Lang) {
        self.names.set(files.iter().map(|f| f.name()).collect());
        self.files.set_value(files);
        self.corrections.set(Vec::new());
        self.run(engine, lang);
    }

    /// Adds files (a drop anywhere in the app).
    pub fn add_file_vec(&self, added: Vec<web_sys::File>, engine: &Engine, lang: Lang) {
        if added.is_empty() {
            return;
        }
        self.files.update_value(|files| {
            for f in added {
                // The same name again replaces the file (a corrected export).
                files.retain(|g| g.name() != f.name());
                files.push(f);
            }
        });
        self.names.set(
            self.files
                .with_value(|f| f.iter().map(|f| f.name()).collect()),
        );
        self.run(engine, lang);
    }

    /// Sends every file to the worker with the current settings.
    fn run(&self, engine: &Engine, lang: Lang) {
        self.changes.update(|c| *c += 1);
        let id = self.job.get_value() + 1;
        self.job.set_value(id);
        let files = self.files.get_value();
        if files.is_empty() {
            self.result.set(None);
            self.busy.set(None);
            self.error.set(None);
            return;
        }
        self.busy.set(Some(0.0));
        self.busy_bytes.set(None);
        self.crashed.set(false);
        let settings = self.prepare_settings(lang);
        let engine = engine.clone();
        // The files themselves: the worker streams them (the page never holds their bytes).
        engine.send(PrepareRequest {
            job: id,
            files: files
                .iter()
                .map(|f| (f.name(), f.clone().into(), f.last_modified()))
                .collect(),
            settings,
        });
    }

    fn add_files(&self, list: web_sys::FileList, engine: &Engine, lang: Lang) {
        let added: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        self.add_file_vec(added, engine, lang);
    }

    fn remove_file(&self, name: &str, engine: &Engine, lang: Lang) {
        self.files
            .update_value(|files| files.retain(|f| f.name() != name));
        self.names.update(|n| n.retain(|f| f != name));
        self.corrections.update(|c| c.retain(|(f, _)| f != name));
        self.run(engine, lang);
    }

    pub fn clear(&self, engine: &Engine, lang: Lang) {
        self.files.set_value(Vec::new());
        self.names.set(Vec::new());
        self.corrections.set(Vec::new());
        self.run(engine, lang);
    }

    fn correct(&self, file: &str, engine: &Engine, lang: Lang, f: impl FnOnce(&mut Corrections)) {
        self.corrections.update(|all| {
            let i = match all.iter().position(|(n, _)| n == file) {
                Some(i) => i,
                None => {
                    all.push((file.to_string(), Corrections::default()));
                    all.len() - 1
                }
            };
            f(&mut all[i].1);
        });
        self.run(engine, lang);
    }

    fn set_role(&self, file: &str, column: usize, role: Option<Role>, engine: &Engine, lang: Lang) {
        self.correct(file, engine, lang, |c| {
            c.roles.retain(|&(i, _)| i != column);
            c.roles.push((column, role));
        });
    }

    fn set_fate(&self, file: &str, column: usize, fate: Fate, engine: &Engine, lang: Lang) {
        self.correct(file, engine, lang, |c| {
            c.fates.retain(|&(i, _)| i != column);
            c.fates.push((column, fate));
        });
    }

    fn set_kind(&self, file: &str, kind: TableKind, engine: &Engine, lang: Lang) {
        self.correct(file, engine, lang, |c| c.kind = Some(kind));
    }
}

impl Default for DataState {
    fn default() -> Self {
        DataState::new()
    }
}

const KINDS: [TableKind; 6] = [
    TableKind::Customers,
    TableKind::Transactions,
    TableKind::Interactions,
    TableKind::Contracts,
    TableKind::Summary,
    TableKind::Unknown,
];

fn kind_from_label(label: &str) -> Option<TableKind> {
    KINDS.into_iter().find(|k| k.label() == label)
}

#[component]
pub fn DataPage() -> impl IntoView {
    let app = crate::store::use_app();
    let state = app.data;
    let engine = app.engine();
    let lang: Signal<Lang> = app.lang.into();
    let t = move || lang.get().data();
    let dragging = RwSignal::new(false);
    // Views re-rendered by a reactive closure need a `Send` handle; the engine is `Rc`-based.
    let shared_engine = StoredValue::new_local(engine.clone());
    let on_pick = {
        let engine = engine.clone();
        move |ev: web_sys::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(list) = input.files() {
                state.add_files(list, &engine, lang.get_untracked());
            }
            input.set_value("");
        }
    };
    let on_drop = {
        let engine = engine.clone();
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            dragging.set(false);
            if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
                state.add_files(list, &engine, lang.get_untracked());
            }
        }
    };
    let on_anonymize = {
        let engine = engine.clone();
        move |ev: web_sys::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            state.anonymize.set(input.checked());
            state.run(&engine, lang.get_untracked());
        }
    };
    let on_pii = {
        let engine = engine.clone();
        move |ev: web_sys::Event| {
            let pii = match event_target_value(&ev).as_str() {
                "mask" => PiiAction::Mask,
                "keep" => PiiAction::Keep,
                _ => PiiAction::Drop,
            };
            state.pii.set(pii);
            state.run(&engine, lang.get_untracked());
        }
    };
    let on_clear = {
        let engine = engine.clone();
        move |_| state.clear(&engine, lang.get_untracked())
    };
    let has_files = move || !state.names.get().is_empty();
    view! {
        <section
            class="dropzone compact"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h1>{move || t().drop_title}</h1>
            <p class="hint">{move || t().drop_hint}</p>
            <div class="drop-actions">
                <label class="button primary">
                    {move || t().choose_files}
                    <input id="data-input" type="file" multiple accept=FILE_TYPES on:change=on_pick />
                </label>
                <button class="button ghost" data-action="clear" class:hidden=move || !has_files() on:click=on_clear>
                    {move || t().clear}
                </button>
            </div>
            <p class="formats">{move || t().formats}</p>
        </section>
        <crate::ui::workspace::WorkspacePanel />
        <section class="anon-bar" data-testid="anon-settings">
            <label class="option">
                <input
                    type="checkbox"
                    data-testid="anonymize"
                    prop:checked=move || state.anonymize.get()
                    on:change=on_anonymize
                />
                <strong>{move || t().anon_toggle}</strong>
            </label>
            <label class="option" class:disabled=move || !state.anonymize.get()>
                {move || t().anon_pii}
                <select
                    data-testid="pii-action"
                    prop:disabled=move || !state.anonymize.get()
                    on:change=on_pii
                >
                    <option value="drop" selected=move || state.pii.get() == PiiAction::Drop>
                        {move || t().pii_drop}
                    </option>
                    <option value="mask" selected=move || state.pii.get() == PiiAction::Mask>
                        {move || t().pii_mask}
                    </option>
                    <option value="keep" selected=move || state.pii.get() == PiiAction::Keep>
                        {move || t().pii_keep}
                    </option>
                </select>
            </label>
            <crate::ui::key::KeyPanel />
        </section>
        {move || has_files().then(|| view! { <crate::ui::analyze::AnalyzePanel /> })}
        {move || {
            state
                .busy
                .get()
                .map(|f| {
                    view! {
                        <section class="status" data-testid="data-busy">
                            <div class="status-head">
                                <span class="spinner" aria-hidden="true"></span>
                                <strong>{move || t().preparing}</strong>
                                // The file being streamed: megabytes read of its size.
                                <span class="stage" data-testid="data-busy-bytes">
                                    {move || {
                                        state
                                            .busy_bytes
                                            .get()
                                            .map(|(read, size)| {
                                                let l = lang.get();
                                                format!(
                                                    "{} / {}",
                                                    l.dec(read / 1e6, 1),
                                                    l.megabytes(size),
                                                )
                                            })
                                    }}
                                </span>
                                <span class="pct">{format!("{:.0} %", f * 100.0)}</span>
                            </div>
                            <div class="bar">
                                <div class="bar-fill" style:width=format!("{:.1}%", f * 100.0)></div>
                            </div>
                        </section>
                    }
                })
        }}
        {move || {
            state
                .error
                .get()
                .map(|m| {
                    let m = if state.crashed.get() {
                        format!("{} ({m})", lang.get().texts().engine_crashed)
                    } else {
                        m
                    };
                    view! {
                        <section class="error" role="alert" data-testid="data-error">
                            <p class="error-message">{m}</p>
                        </section>
                    }
                })
        }}
        {move || {
            let engine = shared_engine.get_value();
            state
                .result
                .get()
                .map(|r| view! { <PreparedView result=r state=state engine=engine lang=lang /> })
        }}
    }
}

#[component]
fn PreparedView(
    result: Prepared,
    state: DataState,
    engine: Engine,
    lang: Signal<Lang>,
) -> impl IntoView {
    let l = lang.get_untracked();
    let t = l.data();
    let anonymized = state.anonymize.get_untracked();
    let views: Vec<SourceView> = result.files.iter().filter_map(|f| f.view.clone()).collect();
    let base = match (&result.base, &result.base_error) {
        (Some(b), _) => view! { <BaseSummary base=b.clone() lang=l /> }.into_any(),
        (None, Some(e)) => {
            view! { <p class="notice" data-testid="base-error">{e.clone()}</p> }.into_any()
        }
        (None, None) => view! { <p class="notice">{t.no_base}</p> }.into_any(),
    };
    let anon = if anonymized {
        views
            .iter()
            .map(|v| {
                let a = &v.anonymization;
                let list = |label: &'static str, cols: &[String], class: &'static str| {
                    (!cols.is_empty()).then(|| {
                        view! {
                            <li class=class>
                                <strong>{label}</strong>
                                " : "
                                {cols.join(", ")}
                            </li>
                        }
                    })
                };
                let nothing =
                    a.pseudonymized.is_empty() && a.dropped.is_empty() && a.masked.is_empty();
                view! {
                    <div class="anon-file" data-testid="anon-file" data-file=v.file.clone()
                        data-pseudonymized=a.pseudonymized.join("|")
                        data-dropped=a.dropped.join("|")
                        data-masked=a.masked.join("|")>
                        <h4>{v.file.clone()}</h4>
                        <ul>
                            {list(t.pseudonymized, &a.pseudonymized, "pseudo")}
                            {list(t.dropped, &a.dropped, "dropped")}
                            {list(t.masked, &a.masked, "masked")}
                            {nothing.then(|| view! { <li class="muted">{t.nothing_personal}</li> })}
                        </ul>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    } else {
        view! { <p class="notice">{t.anon_off}</p> }.into_any()
    };
    let cards = result
        .files
        .into_iter()
        .map(|f| match (f.view, f.error) {
            (Some(v), _) => {
                view! { <SourceCard view=v state=state engine=engine.clone() lang=l /> }.into_any()
            }
            (None, e) => {
                let e = e.unwrap_or(FileError {
                    message: String::new(),
                    line: None,
                    column: None,
                });
                let engine = engine.clone();
                let file = f.file.clone();
                let base = l.texts();
                let where_ = match (e.line, e.column) {
                    (Some(li), Some(c)) => format!("{} {li}, {} {c}", base.line, base.column),
                    (Some(li), None) => format!("{} {li}", base.line),
                    _ => String::new(),
                };
                view! {
                    <article class="source-card broken" data-testid="source-error" data-file=f.file.clone()>
                        <header class="source-head">
                            <h3>{f.file.clone()}</h3>
                            <span class="badge bad">{t.unreadable}</span>
                            <span class="where">{where_}</span>
                            <button class="button ghost small" on:click=move |_| state.remove_file(&file, &engine, lang.get_untracked())>
                                {t.remove}
                            </button>
                        </header>
                        <p class="error-message">{e.message}</p>
                    </article>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <section class="panel base-panel" data-testid="base">
            <h2>{t.base_title}</h2>
            {base}
        </section>
        <section class="panel anon-panel" data-testid="anonymization">
            <h2>{t.anon_title}</h2>
            <div class="anon-files">{anon}</div>
        </section>
        <h2 class="section-title">{t.files_title}</h2>
        <div class="source-list">{cards}</div>
        <p class="muted">
            {format!(
                "{} : {} · {} : {}",
                t.timings,
                l.duration(result.prepare_ms),
                t.base_title,
                l.duration(result.consolidate_ms),
            )}
        </p>
    }
}

#[component]
fn BaseSummary(base: BaseView, lang: Lang) -> impl IntoView {
    let l = lang;
    let t = l.data();
    let r = &base.report;
    let orphan_rows: u64 = r.orphans.iter().map(|o| o.rows).sum();
    let duplicate_ids: u64 = r.duplicate_ids.iter().map(|d| d.ids).sum();
    let kpi = |label: &'static str, value: u64, key: &'static str, warn: bool| {
        view! {
            <div class="kpi" class:warn={warn && value > 0}>
                <span class="kpi-label">{label}</span>
                <span class="kpi-value" data-testid=key data-value=value>{l.int(value)}</span>
            </div>
        }
    };
    let examples = |ex: &[String]| {
        (!ex.is_empty()).then(|| {
            let shown: Vec<String> = ex.iter().take(3).cloned().collect();
            format!(" — ex. {}", shown.join(", "))
        })
    };
    let issues = r
        .orphans
        .iter()
        .map(|o| {
            view! {
                <li data-testid="orphans" data-file=o.file.clone() data-rows=o.rows data-customers=o.customers>
                    <strong>{l.count(o.rows, t.n_rows)}</strong>
                    {format!(" ({}) — {}", l.count(o.customers, t.n_orphan_customers), o.file)}
                    <span class="muted">{examples(&o.examples)}</span>
                </li>
            }
            .into_any()
        })
        .chain(r.duplicate_ids.iter().map(|d| {
            view! {
                <li data-testid="duplicates" data-file=d.file.clone() data-ids=d.ids>
                    <strong>{l.count(d.ids, t.n_repeated_ids)}</strong>
                    {format!(" {} (+{})", d.file, l.count(d.extra_rows, t.n_rows))}
                    <span class="muted">{examples(&d.examples)}</span>
                </li>
            }
            .into_any()
        }))
        .chain(r.conflicts.iter().map(|c| {
            let ex = c
                .examples
                .iter()
                .take(2)
                .map(|(id, kept, other)| format!("{id} : « {kept} » ({}) / « {other} »", t.kept))
                .collect::<Vec<_>>()
                .join(" ; ");
            view! {
                <li data-testid="conflicts" data-column=c.column.clone()>
                    <strong>{l.count(c.customers, t.n_conflicting)}</strong>
                    {format!(" {}", c.column)}
                    <span class="muted">{format!(" — {ex}")}</span>
                </li>
            }
            .into_any()
        }))
        .chain(r.skipped.iter().map(|(file, why)| {
            view! {
                <li data-testid="skipped-source">
                    <strong>{t.skipped_source}</strong>
                    {format!(" {file} : {why}")}
                </li>
            }
            .into_any()
        }))
        .collect_view();
    let sources = r
        .sources
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td>{s.file.clone()}</td>
                    <td>{l.table_kind(s.kind)}</td>
                    <td class="num">{l.int(s.rows)}</td>
                    <td class="num">{l.int(s.customers)}</td>
                </tr>
            }
        })
        .collect_view();
    let head = base
        .columns
        .iter()
        .map(|c| view! { <th>{c.clone()}</th> })
        .collect_view();
    let rows = base
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .map(|v| match v {
                    Some(v) => view! { <td>{v.clone()}</td> }.into_any(),
                    None => view! { <td class="blank">"·"</td> }.into_any(),
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let base_texts = l.texts();
    view! {
        <div class="kpis">
            {kpi(t.base_customers, r.customers, "base-customers", false)}
            {kpi(t.base_orphans, orphan_rows, "base-orphans", true)}
            {kpi(t.base_duplicates, duplicate_ids, "base-duplicates", true)}
            {kpi(t.base_conflicts, r.conflicts.len() as u64, "base-conflicts", true)}
        </div>
        <ul class="issues">{issues}</ul>
        <table class="sources">
            <thead>
                <tr>
                    <th>{t.files_title}</th>
                    <th>{t.kind}</th>
                    <th class="num">{t.rows}</th>
                    <th class="num">{base_texts.customers}</th>
                </tr>
            </thead>
            <tbody>{sources}</tbody>
        </table>
        <details class="preview" open>
            <summary>{t.preview}</summary>
            <div class="scroll" tabindex="0" role="region" aria-label="table">
                <table class="preview-table" data-testid="base-preview">
                    <thead>
                        <tr>{head}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

fn format_note(lang: Lang, f: &FormatReport) -> Option<String> {
    let t = lang.data();
    let (what, decision) = match f {
        FormatReport::Number {
            decimal, decision, ..
        } => (
            match decimal {
                prisme_core::ingest::number::DecimalSeparator::Comma => "1,5",
                prisme_core::ingest::number::DecimalSeparator::Point => "1.5",
            },
            decision,
        ),
        FormatReport::Date {
            order, decision, ..
        } => (
            match order {
                prisme_core::ingest::date::DateOrder::DayFirst if lang == Lang::Fr => "jj/mm",
                prisme_core::ingest::date::DateOrder::DayFirst => "dd/mm",
                prisme_core::ingest::date::DateOrder::MonthFirst if lang == Lang::Fr => "mm/jj",
                prisme_core::ingest::date::DateOrder::MonthFirst => "mm/dd",
            },
            decision,
        ),
        FormatReport::None => return None,
    };
    match decision {
        Decision::Irrelevant => None,
        Decision::Evidence => Some(what.to_string()),
        Decision::Default { ambiguous } => Some(format!("{what} — {} ({ambiguous})", t.ambiguous)),
    }
}

fn values_summary(lang: Lang, p: &ColumnProfile) -> String {
    if let Some(n) = &p.numeric {
        return format!(
            "{} … {} · méd. {}",
            short(lang, n.min),
            short(lang, n.max),
            short(lang, n.quantiles[3])
        )
        .replace("méd.", if lang == Lang::Fr { "méd." } else { "med." });
    }
    if let Some(d) = &p.dates {
        return format!("{} → {}", lang.date(&d.min), lang.date(&d.max));
    }
    p.top
        .iter()
        .take(3)
        .map(|(v, n)| format!("{v} ({})", lang.int(*n)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn short(lang: Lang, x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let s = lang.int(x.abs() as u64);
        if x < 0.0 { format!("-{s}") } else { s }
    } else {
        lang.dec(x, 2)
    }
}

const ENCODINGS: [TextEncoding; 4] = [
    TextEncoding::Utf8,
    TextEncoding::Windows1252,
    TextEncoding::Utf16Le,
    TextEncoding::Utf16Be,
];

/// How the file was read, each choice correctable: encoding, separator and header for text,
/// the sheet for spreadsheets.
fn reading_choices(
    view: &SourceView,
    state: DataState,
    engine: &Engine,
    l: Lang,
) -> impl IntoView + use<> {
    let t = l.data();
    let p = &view.profile;
    let file = view.file.clone();
    let text = p.encoding.zip(p.delimiter).map(|(encoding, delimiter)| {
        let encodings = ENCODINGS
            .into_iter()
            .map(|e| view! { <option value=e.label() selected=e == encoding>{e.label()}</option> })
            .collect_view();
        let delimiters = Delimiter::ALL
            .into_iter()
            .map(|d| {
                let label = match d {
                    Delimiter::Tab => t.tab.to_string(),
                    Delimiter::Whitespace => t.spaces.to_string(),
                    d => format!("« {} »", d.label()),
                };
                view! { <option value=d.label() selected=d == delimiter>{label}</option> }
            })
            .collect_view();
        let on_encoding = {
            let (engine, file) = (engine.clone(), file.clone());
            move |ev: web_sys::Event| {
                let v = event_target_value(&ev);
                let e = ENCODINGS.into_iter().find(|e| e.label() == v);
                state.correct(&file, &engine, l, |c| c.encoding = e);
            }
        };
        let on_delimiter = {
            let (engine, file) = (engine.clone(), file.clone());
            move |ev: web_sys::Event| {
                let v = event_target_value(&ev);
                let d = Delimiter::ALL.into_iter().find(|d| d.label() == v);
                state.correct(&file, &engine, l, |c| c.delimiter = d);
            }
        };
        let on_header = {
            let (engine, file) = (engine.clone(), file.clone());
            move |ev: web_sys::Event| {
                let input: web_sys::HtmlInputElement = event_target(&ev);
                let on = input.checked();
                state.correct(&file, &engine, l, |c| c.has_header = Some(on));
            }
        };
        let has_header = p.has_header;
        view! {
            <label>
                {t.encoding}
                <select data-testid="encoding-select" on:change=on_encoding>{encodings}</select>
            </label>
            <label>
                {t.separator}
                <select data-testid="delimiter-select" on:change=on_delimiter>{delimiters}</select>
            </label>
            <label>
                <input type="checkbox" data-testid="header-toggle" prop:checked=has_header on:change=on_header />
                {t.header}
            </label>
        }
    });
    let sheets = (view.sheets.len() > 1).then(|| {
        let current = p.sheet.clone().unwrap_or_default();
        let options = view
            .sheets
            .iter()
            .map(|n| view! { <option value=n.clone() selected=*n == current>{n.clone()}</option> })
            .collect_view();
        let (engine, file) = (engine.clone(), file.clone());
        let on_sheet = move |ev: web_sys::Event| {
            let v = event_target_value(&ev);
            state.correct(&file, &engine, l, |c| c.sheet = Some(v));
        };
        view! {
            <label>
                {t.sheet}
                <select data-testid="sheet-select" on:change=on_sheet>{options}</select>
            </label>
        }
    });
    let single_sheet = (view.sheets.len() == 1)
        .then(|| {
            p.sheet
                .clone()
                .map(|s| view! { <span>{format!("{} « {s} »", t.sheet)}</span> })
        })
        .flatten();
    view! { <div class="reading">{text}{sheets}{single_sheet}</div> }
}

#[component]
fn SourceCard(view: SourceView, state: DataState, engine: Engine, lang: Lang) -> impl IntoView {
    let l = lang;
    let t = l.data();
    let p = &view.profile;
    let file = view.file.clone();
    let reading = reading_choices(&view, state, &engine, l);
    let facts = [
        (p.duplicate_rows, t.n_duplicate_rows),
        (p.negative_amounts, t.n_refunds),
        (p.future_dates, t.n_future_dates),
        (p.amount_outliers, t.n_outliers),
        (p.row_problem_count, t.n_malformed),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| view! { <span class="chip warn">{l.count(n, label)}</span> })
    .collect_view();
    let problems = p
        .row_problems
        .iter()
        .take(3)
        .map(|r| view! { <li>{format!("{} {} : {}", l.texts().line, r.line, r.reason)}</li> })
        .collect_view();
    let kind_options = KINDS
        .into_iter()
        .map(|k| {
            view! { <option value=k.label() selected=k == view.kind>{l.table_kind(k)}</option> }
        })
        .collect_view();
    let on_kind = {
        let engine = engine.clone();
        let file = file.clone();
        move |ev: web_sys::Event| {
            if let Some(k) = kind_from_label(&event_target_value(&ev)) {
                state.set_kind(&file, k, &engine, l);
            }
        }
    };
    let on_remove = {
        let engine = engine.clone();
        let file = file.clone();
        move |_| state.remove_file(&file, &engine, l)
    };
    let confidence = if view.kind_corrected {
        t.corrected.to_string()
    } else {
        format!("{} {}", t.detected_with, l.pct(view.kind_confidence))
    };
    let rows = view
        .columns
        .iter()
        .map(|c| {
            let profile = p.columns.iter().find(|pc| pc.index == c.index).cloned();
            view! { <ColumnRow column=c.clone() profile=profile file=file.clone() state=state engine=engine.clone() lang=l /> }
        })
        .collect_view();
    view! {
        <article class="source-card" data-testid="source" data-file=file.clone() data-kind=view.kind.label() data-rows=p.rows>
            <header class="source-head">
                <h3>{file.clone()}</h3>
                <span class="badge">{p.format.label()}</span>
                <label class="kind">
                    {t.kind}
                    <select data-testid="kind-select" aria-label=t.kind on:change=on_kind>{kind_options}</select>
                    <span class="muted">{confidence}</span>
                </label>
                <button class="button ghost small" on:click=on_remove>{t.remove}</button>
            </header>
            {reading}
            <p class="source-facts">
                <span class="chip">{l.count(p.rows, t.n_rows)}</span>
                {facts}
            </p>
            <ul class="problems">{problems}</ul>
            <div class="scroll" tabindex="0" role="region" aria-label="table">
                <table class="columns">
                    <thead>
                        <tr>
                            <th>{t.col_name}</th>
                            <th>{t.col_role}</th>
                            <th>{t.col_type}</th>
                            <th class="num">{t.col_blanks}</th>
                            <th class="num">{t.col_distinct}</th>
                            <th>{t.col_values}</th>
                            <th>{t.col_invalid}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </article>
    }
}

/// A fate as the core's JSON names it.
fn fate_name(f: Fate) -> &'static str {
    match f {
        Fate::Pseudonymize => "pseudonymize",
        Fate::Drop => "drop",
        Fate::Mask => "mask",
        Fate::Generalize => "generalize",
        Fate::Redact => "redact",
        Fate::Keep => "keep",
    }
}

fn fate_text(l: Lang, f: Fate) -> &'static str {
    let t = l.data();
    match f {
        Fate::Pseudonymize => t.fate_pseudonymized,
        Fate::Drop => t.fate_dropped,
        Fate::Mask => t.fate_masked,
        Fate::Generalize => t.fate_generalized,
        Fate::Redact => t.fate_redacted,
        Fate::Keep => t.fate_kept,
    }
}

/// A column kind as the core's JSON names it (tests compare the page with the CLI).
fn kind_key(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Empty => "empty",
        ColumnKind::Text => "text",
        ColumnKind::Integer => "integer",
        ColumnKind::Number => "number",
        ColumnKind::Boolean => "boolean",
        ColumnKind::Date => "date",
        ColumnKind::DateTime => "date-time",
        ColumnKind::ExcelDate => "excel-date",
    }
}

#[component]
fn ColumnRow(
    column: ColumnView,
    profile: Option<ColumnProfile>,
    file: String,
    state: DataState,
    engine: Engine,
    lang: Lang,
) -> impl IntoView {
    let l = lang;
    let t = l.data();
    let current = column.role.map(|r| r.role);
    let options =
        std::iter::once(view! { <option value="" selected=current.is_none()>{t.no_role}</option> })
            .chain(Role::ALL.into_iter().map(|r| {
                view! { <option value=r.key() selected=current == Some(r)>{l.role(r)}</option> }
            }))
            .collect_view();
    let index = column.index;
    let (fate_file, fate_engine) = (file.clone(), engine.clone());
    let on_role = move |ev: web_sys::Event| {
        let role = Role::from_key(&event_target_value(&ev));
        state.set_role(&file, index, role, &engine, l);
    };
    let confidence = match (column.corrected, column.role) {
        (true, _) => Some(t.corrected.to_string()),
        (false, Some(r)) => Some(l.pct(r.confidence)),
        (false, None) => None,
    };
    let fate = match column.fate {
        Fate::Keep => None,
        Fate::Pseudonymize => Some((t.fate_pseudonymized, "pseudo")),
        Fate::Drop => Some((t.fate_dropped, "dropped")),
        Fate::Mask => Some((t.fate_masked, "masked")),
        Fate::Generalize => Some((t.fate_generalized, "generalized")),
        Fate::Redact => Some((t.fate_redacted, "redacted")),
    };
    let role_label = format!("{} · {}", t.col_role, column.name);
    // Personal data, and text that may be, get a choice of fate (the defaults are the
    // cautious ones: see docs/privacy.md).
    let choices: &[Fate] = match current {
        Some(Role::CustomerId | Role::OrderId) => &[Fate::Pseudonymize, Fate::Keep],
        Some(Role::BirthDate | Role::Postcode) => &[Fate::Generalize, Fate::Drop, Fate::Keep],
        Some(Role::FreeText) => &[Fate::Drop, Fate::Redact, Fate::Keep],
        Some(r) if r.is_pii() => &[Fate::Drop, Fate::Mask, Fate::Keep],
        None if column.needs_decision => &[Fate::Drop, Fate::Redact, Fate::Keep],
        _ => &[],
    };
    let fate_select = (state.anonymize.get_untracked() && !choices.is_empty()).then(|| {
        let file = fate_file;
        let engine = fate_engine;
        let chosen = column.fate;
        let label = format!("{} · {}", t.fate_choice, column.name);
        let options = choices
            .iter()
            .map(|&f| view! { <option value=fate_name(f) selected=f == chosen>{fate_text(l, f)}</option> })
            .collect_view();
        view! {
            <select
                class="fate-select"
                data-testid="fate-select"
                aria-label=label
                on:change=move |ev| {
                    if let Some(f) = Fate::ALL.into_iter().find(|f| fate_name(*f) == event_target_value(&ev)) {
                        state.set_fate(&file, index, f, &engine, l);
                    }
                }
            >
                {options}
            </select>
        }
    });
    let flags = (column.personal, column.needs_decision);
    let fate_key = match column.fate {
        Fate::Keep => "kept",
        Fate::Pseudonymize => "pseudonymized",
        Fate::Drop => "dropped",
        Fate::Mask => "masked",
        Fate::Generalize => "generalized",
        Fate::Redact => "redacted",
    };
    let stats = profile
        .as_ref()
        .map(|p| (p.distinct, p.nulls, kind_key(p.kind)));
    let cells = match &profile {
        Some(p) => {
            let note = format_note(l, &p.format);
            let invalid = (p.invalid.count > 0).then(|| {
                let first = p
                    .invalid
                    .examples
                    .first()
                    .map(|e| format!("{} {} : « {} »", l.texts().line, e.line, e.value));
                let all = p
                    .invalid
                    .examples
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {} : « {} » ({})",
                            l.texts().line,
                            e.line,
                            e.value,
                            e.reason
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                view! {
                    <span class="bad" title=all data-testid="invalid" data-count=p.invalid.count>
                        <strong>{l.int(p.invalid.count)}</strong>
                        " "
                        {first}
                    </span>
                }
            });
            view! {
                <td>
                    {l.column_kind(p.kind)}
                    {note.map(|n| view! { <span class="muted note">{format!(" · {n}")}</span> })}
                </td>
                <td class="num">{l.pct(p.null_share)}</td>
                <td class="num">{l.int(p.distinct)}</td>
                <td class="values">{values_summary(l, p)}</td>
                <td>{invalid}</td>
            }
            .into_any()
        }
        None => view! {
            <td>{l.column_kind(column.kind)}</td>
            <td></td>
            <td></td>
            <td class="muted">{fate.map(|f| f.0)}</td>
            <td></td>
        }
        .into_any(),
    };
    view! {
        <tr data-testid="column" data-column=column.name.clone() data-role=current.map(|r| r.key()).unwrap_or("") data-fate=fate_key
            data-personal=flags.0.to_string() data-needs-decision=flags.1.to_string()
            data-distinct=stats.map(|s| s.0) data-nulls=stats.map(|s| s.1) data-kind=stats.map(|s| s.2)>
            <td>
                <code>{column.name.clone()}</code>
                {fate.map(|(label, class)| view! { <span class=format!("fate {class}")>{label}</span> })}
                {flags.1.then(|| view! { <span class="fate decide" title=t.needs_decision_hint>{t.needs_decision}</span> })}
                {fate_select}
            </td>
            <td class="role">
                <select data-testid="role-select" aria-label=role_label on:change=on_role>{options}</select>
                {confidence.map(|c| view! { <span class="muted conf">{c}</span> })}
            </td>
            {cells}
        </tr>
    }
}
