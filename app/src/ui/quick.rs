//! The Quick RFM page (`/`): drop one transactions file, get the R×F heat map, the counts and
//! the time each step took. The foundation slice, kept as the fastest way to a first result.

use leptos::prelude::*;
use leptos::web_sys;
use prisme_core::ingest::Stage;
use prisme_core::summary::RfmSummary;

use super::heatmap::Heatmap;
use crate::engine::{EngineEvent, RfmRequest, now_ms};
use crate::i18n::Lang;
use crate::protocol::FromWorker;
use crate::store::use_app;

/// Milliseconds per step, as the page saw them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageTimings {
    pub read_ms: f64,
    pub ingest_ms: f64,
    pub rfm_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub file: String,
    pub summary: RfmSummary,
    pub timings: PageTimings,
    pub memory_bytes: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub file: String,
    pub message: String,
    pub line: Option<u64>,
    pub column: Option<usize>,
    pub crashed: bool,
}

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    Reading {
        file: String,
    },
    Running {
        file: String,
        stage: Stage,
        fraction: f64,
        /// Bytes read and the file's size, as the worker streams the file.
        bytes: Option<(f64, f64)>,
    },
    Done(Box<RunResult>),
    Failed(Failure),
    Cancelled,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EngineInfo {
    pub version: String,
    pub init_ms: f64,
}

/// Book-keeping of the job in flight (not reactive).
#[derive(Clone, Copy, Default)]
struct Job {
    id: u32,
    started: f64,
    read_ms: f64,
}

/// The Quick RFM page's state, created by the app so that the engine's events reach it.
#[derive(Clone, Copy)]
pub struct QuickState {
    pub phase: RwSignal<Phase>,
    pub engine_info: RwSignal<Option<EngineInfo>>,
    job: StoredValue<Job>,
    skip_bad_rows: RwSignal<bool>,
}

impl QuickState {
    pub fn new() -> QuickState {
        QuickState {
            phase: RwSignal::new(Phase::Idle),
            engine_info: RwSignal::new(None),
            job: StoredValue::new(Job::default()),
            skip_bad_rows: RwSignal::new(false),
        }
    }

    pub fn on_event(&self, event: &EngineEvent) {
        let (phase, engine_info, job) = (self.phase, self.engine_info, self.job);
        match event {
            EngineEvent::Ready { version, init_ms } => {
                // Keep the first start-up time: restarts after a crash are not what users wait for.
                if engine_info.get_untracked().is_none() {
                    engine_info.set(Some(EngineInfo {
                        version: version.clone(),
                        init_ms: *init_ms,
                    }));
                }
            }
            EngineEvent::Crashed { message } => {
                let file = match phase.get_untracked() {
                    Phase::Reading { file } | Phase::Running { file, .. } => file,
                    _ => return,
                };
                phase.set(Phase::Failed(Failure {
                    file,
                    message: message.clone(),
                    line: None,
                    column: None,
                    crashed: true,
                }));
            }
            EngineEvent::Message(msg) => {
                let current = job.get_value();
                match &**msg {
                    FromWorker::Progress {
                        job: id,
                        stage,
                        fraction,
                        bytes,
                    } if *id == current.id => phase.update(|p| {
                        if let Phase::Running {
                            stage: s,
                            fraction: f,
                            bytes: b,
                            ..
                        } = p
                        {
                            *s = *stage;
                            *f = *fraction;
                            if bytes.is_some() {
                                *b = *bytes;
                            }
                        }
                    }),
                    FromWorker::Done {
                        job: id,
                        summary,
                        timings,
                        memory_bytes,
                    } if *id == current.id => {
                        let file = match phase.get_untracked() {
                            Phase::Running { file, .. } => file,
                            _ => String::new(),
                        };
                        phase.set(Phase::Done(Box::new(RunResult {
                            file,
                            summary: summary.clone(),
                            timings: PageTimings {
                                read_ms: current.read_ms,
                                ingest_ms: timings.ingest_ms,
                                rfm_ms: timings.rfm_ms,
                                total_ms: now_ms() - current.started,
                            },
                            memory_bytes: *memory_bytes,
                        })));
                    }
                    FromWorker::Error {
                        job: id,
                        message,
                        file,
                        line,
                        column,
                    } if *id == current.id => phase.set(Phase::Failed(Failure {
                        file: file.clone(),
                        message: message.clone(),
                        line: *line,
                        column: *column,
                        crashed: false,
                    })),
                    _ => {}
                }
            }
        }
    }
}

impl Default for QuickState {
    fn default() -> Self {
        QuickState::new()
    }
}

#[component]
pub fn QuickPage() -> impl IntoView {
    let app = use_app();
    let quick = expect_context::<QuickState>();
    let QuickState {
        phase,
        engine_info,
        job,
        skip_bad_rows,
    } = quick;
    let lang = app.lang;
    let engine = app.engine();
    let dragging = RwSignal::new(false);
    let start_file = {
        let engine = engine.clone();
        move |file: web_sys::File| {
            let name = file.name();
            let id = job.get_value().id + 1;
            let started = now_ms();
            job.set_value(Job {
                id,
                started,
                read_ms: 0.0,
            });
            phase.set(Phase::Reading { file: name.clone() });
            let engine = engine.clone();
            let locale = lang.get_untracked().code();
            let skip = skip_bad_rows.get_untracked();
            // The worker reads the file itself, as a stream: the page never holds its bytes.
            phase.set(Phase::Running {
                file: name.clone(),
                stage: Stage::Parse,
                fraction: 0.0,
                bytes: Some((0.0, file.size())),
            });
            {
                engine.send(RfmRequest {
                    job: id,
                    name,
                    file: file.into(),
                    locale,
                    skip_bad_rows: skip,
                });
            }
        }
    };

    let on_pick = {
        let start_file = start_file.clone();
        move |ev: web_sys::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                start_file(file);
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        }
    };
    let on_drop = {
        let start_file = start_file.clone();
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            dragging.set(false);
            if let Some(file) = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                start_file(file);
            }
        }
    };
    let on_cancel = {
        let engine = engine.clone();
        move |_| {
            job.update_value(|j| j.id += 1);
            engine.restart();
            phase.set(Phase::Cancelled);
        }
    };

    let t = move || lang.get().texts();
    let busy = move || matches!(phase.get(), Phase::Reading { .. } | Phase::Running { .. });
    view! {
        <div class="quick" data-testid="quick-page">
            <section
                class="dropzone"
                class:dragging=move || dragging.get()
                class:busy=busy
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <div class="drop-icon" aria-hidden="true">
                    <svg viewBox="0 0 24 24" width="40" height="40">
                        <path
                            d="M12 3v12m0 0l-4-4m4 4l4-4M4 17v2a2 2 0 002 2h12a2 2 0 002-2v-2"
                            fill="none"
                            stroke="currentColor"
                            stroke-width="1.8"
                            stroke-linecap="round"
                            stroke-linejoin="round"
                        ></path>
                    </svg>
                </div>
                <h1>{move || t().drop_title}</h1>
                <p class="hint">{move || t().drop_hint}</p>
                <label class="button primary">
                    {move || t().choose_file}
                    <input
                        id="file-input"
                        type="file"
                        accept=".csv,.txt,.tsv,text/csv,text/plain"
                        on:change=on_pick
                    />
                </label>
                <label class="option">
                    <input
                        type="checkbox"
                        data-testid="skip-bad-rows"
                        prop:checked=move || skip_bad_rows.get()
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            skip_bad_rows.set(input.checked());
                        }
                    />
                    {move || t().skip_bad_rows}
                </label>
                <p class="formats">{move || t().formats}</p>
                <p class="privacy">
                    <svg class="lock" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                        <path
                            d="M7 11V8a5 5 0 0110 0v3M6 11h12v9H6z"
                            fill="none"
                            stroke="currentColor"
                            stroke-width="2"
                            stroke-linejoin="round"
                        ></path>
                    </svg>
                    {move || t().privacy}
                </p>
                <p class="engine-status" data-testid="engine-status">
                    {move || match engine_info.get() {
                        Some(info) => {
                            format!(
                                "{} · v{} · {}",
                                t().engine_ready,
                                info.version,
                                lang.get().duration(info.init_ms),
                            )
                        }
                        None => t().engine_loading.to_string(),
                    }}
                </p>
            </section>
            <StatusView phase=phase lang=lang.into() on_cancel=on_cancel />
            <ResultView phase=phase lang=lang.into() engine_init=Signal::derive(move || engine_info.get().map(|i| i.init_ms)) />
        </div>
    }
}

#[component]
fn StatusView(
    phase: RwSignal<Phase>,
    lang: Signal<Lang>,
    on_cancel: impl FnMut(web_sys::MouseEvent) + 'static,
) -> impl IntoView {
    let t = move || lang.get().texts();
    let progress = move || match phase.get() {
        Phase::Reading { file } => Some((file, t().reading_file.to_string(), 0.0)),
        Phase::Running {
            file,
            stage,
            fraction,
            bytes,
        } => {
            let label = match (stage, bytes) {
                (Stage::Parse, Some((read, size))) => {
                    {
                        let l = lang.get();
                        // "12,3 / 47,5 Mo": the stream's progress in the file's own unit.
                        format!(
                            "{} · {} / {}",
                            t().parsing,
                            l.dec(read / 1e6, 1),
                            l.megabytes(size)
                        )
                    }
                }
                (Stage::Parse, None) => t().parsing.to_string(),
                (Stage::Compute, _) => t().computing.to_string(),
            };
            let overall = match stage {
                Stage::Parse => fraction * 0.85,
                Stage::Compute => 0.85 + fraction * 0.15,
            };
            Some((file, label, overall))
        }
        _ => None,
    };
    let failure = move || match phase.get() {
        Phase::Failed(f) => Some(f),
        _ => None,
    };
    view! {
        <section class="status" class:hidden=move || progress().is_none()>
            <div class="status-head">
                <span class="spinner" aria-hidden="true"></span>
                <strong data-testid="progress-file">{move || progress().map(|p| p.0)}</strong>
                <span class="stage" data-testid="progress-stage">
                    {move || progress().map(|p| p.1)}
                </span>
                <span class="pct">
                    {move || progress().map(|p| format!("{:.0} %", p.2 * 100.0))}
                </span>
                <button class="button ghost" on:click=on_cancel>{move || t().cancel}</button>
            </div>
            <div class="bar">
                <div
                    class="bar-fill"
                    style:width=move || format!("{:.1}%", progress().map_or(0.0, |p| p.2) * 100.0)
                ></div>
            </div>
            <p class="muted">{move || t().responsive_hint}</p>
        </section>
        {move || {
            failure()
                .map(|f| {
                    let where_ = match (f.line, f.column) {
                        (Some(l), Some(c)) => {
                            Some(format!("{} {l}, {} {c}", t().line, t().column))
                        }
                        (Some(l), None) => Some(format!("{} {l}", t().line)),
                        _ => None,
                    };
                    view! {
                        <section class="error" role="alert" data-testid="error">
                            <h2>{move || t().error_title}</h2>
                            <p class="error-file">
                                <strong>{f.file.clone()}</strong>
                                {where_.map(|w| view! { <span class="where" data-testid="error-where">{w}</span> })}
                            </p>
                            <p class="error-message" data-testid="error-message">
                                {if f.crashed {
                                    format!("{} ({})", t().engine_crashed, f.message)
                                } else {
                                    f.message.clone()
                                }}
                            </p>
                            <p class="muted">{move || t().try_another}</p>
                        </section>
                    }
                })
        }}
        {move || {
            (phase.get() == Phase::Cancelled)
                .then(|| view! { <p class="notice">{move || t().cancelled}</p> })
        }}
    }
}

#[component]
fn ResultView(
    phase: RwSignal<Phase>,
    lang: Signal<Lang>,
    engine_init: Signal<Option<f64>>,
) -> impl IntoView {
    move || {
        let Phase::Done(result) = phase.get() else {
            return None;
        };
        let RunResult {
            file,
            summary,
            timings,
            memory_bytes,
        } = *result;
        let t = move || lang.get().texts();
        let l = move || lang.get();
        let s = summary.clone();
        let rows = s.rows;
        let customers = s.customers;
        let snapshot = s.snapshot.clone();
        let skipped = s.rows_skipped;
        let cols = (
            s.customer_column.clone(),
            s.date_column.clone(),
            s.amount_column.clone(),
        );
        let detected = format!("{} · « {} »", s.encoding, s.delimiter);
        let timing_rows = move || {
            let l = l();
            let t = t();
            let mut rows = vec![];
            if let Some(init) = engine_init.get() {
                rows.push(("init", t.t_init, init));
            }
            rows.extend([
                ("read", t.t_read, timings.read_ms),
                ("ingest", t.t_ingest, timings.ingest_ms),
                ("rfm", t.t_rfm, timings.rfm_ms),
                ("total", t.t_total, timings.total_ms),
            ]);
            let max = timings.total_ms.max(1.0);
            rows.into_iter()
                .map(|(key, label, ms)| {
                    view! {
                        <tr data-step=key class=if key == "total" { "total" } else { "" }>
                            <th>{label}</th>
                            <td class="num">{l.duration(ms)}</td>
                            <td class="spark">
                                <div
                                    class="spark-bar"
                                    style:width=format!("{:.1}%", (ms / max * 100.0).min(100.0))
                                ></div>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        };
        let cells = s.cells.clone();
        let grid = s.rf_grid.clone();
        Some(view! {
            <section class="results" data-testid="results">
                <div class="result-title">
                    <h2>{file}</h2>
                    <span class="badge">{detected}</span>
                </div>
                <div class="kpis">
                    <div class="kpi">
                        <span class="kpi-label">{move || t().rows}</span>
                        <span class="kpi-value" data-testid="rows" data-value=rows>
                            {move || l().int(rows as u64)}
                        </span>
                        {(skipped > 0)
                            .then(|| {
                                view! {
                                    <span class="kpi-note" data-testid="skipped" data-value=skipped>
                                        {move || l().count(skipped as u64, t().skipped)}
                                    </span>
                                }
                            })}
                    </div>
                    <div class="kpi">
                        <span class="kpi-label">{move || t().customers}</span>
                        <span class="kpi-value" data-testid="customers" data-value=customers>
                            {move || l().int(customers as u64)}
                        </span>
                    </div>
                    <div class="kpi">
                        <span class="kpi-label">{move || t().snapshot}</span>
                        <span class="kpi-value" data-testid="snapshot" data-value=snapshot.clone()>
                            {let snapshot = snapshot.clone(); move || l().date(&snapshot)}
                        </span>
                    </div>
                    <div class="kpi wide">
                        <span class="kpi-label">{move || t().columns_used}</span>
                        <span class="kpi-cols">
                            <span class="chip">{move || t().customer_col} " → " <code>{cols.0.clone()}</code></span>
                            <span class="chip">{move || t().date_col} " → " <code>{cols.1.clone()}</code></span>
                            <span class="chip">{move || t().amount_col} " → " <code>{cols.2.clone()}</code></span>
                        </span>
                    </div>
                </div>
                <div class="panels">
                    <div class="panel">
                        <h3>{move || t().heatmap_title}</h3>
                        <Heatmap grid=grid customers=customers lang=lang />
                    </div>
                    <div class="panel">
                        <h3>{move || t().timings_title}</h3>
                        <table class="timings" data-testid="timings">
                            <tbody>{timing_rows}</tbody>
                        </table>
                        <p class="muted">
                            {move || format!("{} : {}", t().memory, l().megabytes(memory_bytes))}
                        </p>
                        <details class="cells">
                            <summary>{move || t().cells_title}</summary>
                            <table data-testid="cells">
                                <thead>
                                    <tr>
                                        <th>"R"</th>
                                        <th>"F"</th>
                                        <th>"M"</th>
                                        <th>{move || t().count}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {cells
                                        .into_iter()
                                        .map(|[r, f, m, count]| {
                                            view! {
                                                <tr data-r=r data-f=f data-m=m data-count=count>
                                                    <td>{r}</td>
                                                    <td>{f}</td>
                                                    <td>{m}</td>
                                                    <td class="num">{move || l().int(count)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </details>
                    </div>
                </div>
            </section>
        })
    }
}
