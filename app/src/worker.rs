//! The Web Worker: runs the core on the bytes the page (or the bench page) sends.

use js_sys::{Reflect, Uint8Array};
use prisme_core::ingest::{Locale, Progress, ReadOptions, Stage};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::summary::RfmSummary;
use prisme_core::transactions::{BadRows, LoadReport, Transactions, load_transactions};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use prisme_core::analysis::{
    AnalysisParams, Inputs, Part, PartResult, Scored, TransactionsInput, analyze_part,
    analyze_scored_part, analyze_scored_with,
};

use prisme_core::anonymize::AnonymizeOptions;
use prisme_core::key::{Salt, Secret};
use prisme_core::sources::{Corrections, SourceError, consolidate_sources, prepare_source};

use std::cell::RefCell;

use arrow_array::RecordBatch;
use prisme_core::analysis::{Step, analyze_with_progress};
use prisme_core::consolidate::TableKind;
use prisme_core::datamart::{CsvStyle, Datamart, Filter};
use prisme_core::demo::{DemoParams, demo_files};
use prisme_core::explore::{self, TableQuery};
use prisme_core::ingest::roles::Role;
use prisme_core::sources::PreparedSource;
use prisme_core::workbench::{WorkbenchSettings, finish_workbench, workbench_inputs};

use crate::protocol::{
    AnalysisTimings, CardSource, FileError, FileOutcome, FromWorker, JobStep, PrepareSettings,
    SelectionOutcome, WorkerTimings,
};

/// Installs the message handler and announces readiness.
pub fn run() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        handle(&handler_scope, &ev.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(
        &scope,
        &FromWorker::Ready {
            engine_version: prisme_core::ENGINE_VERSION.to_string(),
        },
    );
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    post_with(scope, msg, None);
}

/// Posts `{type, job, json}` (see `protocol`), with `extra` set on the message as is.
fn post_with(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker, extra: Option<(&str, JsValue)>) {
    let text = match serde_json::to_string(msg) {
        Ok(t) => t,
        Err(e) => return web_sys::console::error_1(&format!("prisme worker: {e}").into()),
    };
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"type".into(), &msg.kind().into());
    if let Some(job) = msg.job() {
        let _ = Reflect::set(&o, &"job".into(), &JsValue::from_f64(f64::from(job)));
    }
    let _ = Reflect::set(&o, &"json".into(), &text.into());
    if let Some((key, value)) = extra {
        let _ = Reflect::set(&o, &key.into(), &value);
    }
    if let Err(e) = scope.post_message(&o) {
        web_sys::console::error_2(&"prisme worker: cannot post".into(), &e);
    }
}

/// A JSON text field of a request (the page sends settings and queries as JSON).
fn json_field<T: serde::de::DeserializeOwned>(data: &JsValue, name: &str) -> Result<T, String> {
    let text = field(data, name)
        .as_string()
        .ok_or_else(|| format!("no {name}"))?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let job = field(data, "job").as_f64().unwrap_or(0.0) as u32;
    let kind = field(data, "type").as_string().unwrap_or_default();
    match kind.as_str() {
        "prepare" => return prepare(scope, job, data),
        "workbench" => return workbench(scope, job, data),
        "demo" => return demo(scope, job),
        "query" | "export" => return table_request(scope, job, &kind, data),
        "card" => return card_request(scope, job, data),
        "facets" | "selections" | "target-list" => {
            return datamart_request(scope, job, &kind, data);
        }
        "key-check" | "key-derive" => return key_request(scope, job, &kind, data),
        "report-json" => return report_json(scope, job, data),
        "part" => return helper_part(scope, job, data),
        _ => {}
    }
    if kind != "rfm" && kind != "analyze" {
        post(
            scope,
            &FromWorker::Error {
                job,
                message: format!("unknown request {kind:?}"),
                file: String::new(),
                line: None,
                column: None,
            },
        );
        return;
    }
    let name = field(data, "name")
        .as_string()
        .unwrap_or_else(|| "file".to_string());
    let locale = match field(data, "locale").as_string().as_deref() {
        Some("en") => Locale::En,
        _ => Locale::Fr,
    };
    let bad_rows = if field(data, "skipBadRows").as_bool().unwrap_or(false) {
        BadRows::Skip
    } else {
        BadRows::Stop
    };
    let opts = ReadOptions {
        locale,
        ..ReadOptions::default()
    };
    // `pool: false` (the bench's A/B) keeps the analysis in this worker alone.
    if kind == "analyze" && field(data, "pool").as_bool() != Some(false) {
        // Their modules load while the file is read.
        crate::pool::start();
    }
    let source = field(data, "source");
    if !source.is_undefined() && !source.is_null() {
        let scope = scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let t0 = now_ms(&scope);
            let loaded = stream_transactions(&scope, job, &name, &source, &opts, bad_rows).await;
            score(&scope, job, &kind, name, loaded, t0);
        });
        return;
    }
    let t0 = now_ms(scope);
    let bytes = Uint8Array::new(&field(data, "bytes")).to_vec();
    let loaded = load_transactions(&name, &bytes, &opts, bad_rows, &mut |p| {
        post_progress(scope, job, p, None)
    });
    drop(bytes);
    score(scope, job, &kind, name, loaded, t0);
}

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

fn post_progress(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    p: Progress,
    bytes: Option<(f64, f64)>,
) {
    post(
        scope,
        &FromWorker::Progress {
            job,
            stage: p.stage,
            fraction: p.fraction,
            bytes,
        },
    )
}

/// What a reader's `push_with` fills its buffer with: the browser's chunk, copied once into
/// wasm memory, straight to its place.
fn copy_out(chunk: &Uint8Array) -> impl FnOnce(&mut [u8]) -> usize + '_ {
    move |b| {
        chunk.copy_to(b);
        b.len()
    }
}

/// Reads `stream` chunk by chunk into `push` (each chunk's length and bytes), telling the page
/// the bytes read a few times a second at most (posting is not free). `(base, share)` place
/// this file's fraction in a job of several files. Returns the bytes read, or `push`'s first
/// error (the read is cancelled), or why the browser could not read.
async fn pump<E>(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    stream: web_sys::ReadableStream,
    total: f64,
    (base, share): (f64, f64),
    mut push: impl FnMut(usize, &Uint8Array) -> Result<(), E>,
) -> Result<Result<f64, E>, String> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut done_bytes = 0.0;
    let mut last_post = 0.0;
    loop {
        let step = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("{e:?}"))?;
        if field(&step, "done").as_bool().unwrap_or(false) {
            return Ok(Ok(done_bytes));
        }
        let chunk: Uint8Array = field(&step, "value").unchecked_into();
        let len = chunk.length() as usize;
        done_bytes += len as f64;
        if let Err(e) = push(len, &chunk) {
            let _ = reader.cancel();
            return Ok(Err(e));
        }
        if done_bytes - last_post >= (total / 50.0).max(1_048_576.0) {
            last_post = done_bytes;
            let own = if total > 0.0 {
                (done_bytes / total).min(1.0)
            } else {
                0.0
            };
            post_progress(
                scope,
                job,
                Progress {
                    stage: Stage::Parse,
                    fraction: base + own * share,
                },
                Some((done_bytes, total)),
            );
        }
    }
}

/// Reads a file handed over as a `Blob` (a dropped `File`) or a `ReadableStream` (the bench's
/// HTTP response) chunk by chunk into the column builders: the file is never whole in memory,
/// progress is counted in bytes, and the read overlaps the disk's (or the network's).
async fn stream_transactions(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    name: &str,
    source: &JsValue,
    opts: &ReadOptions,
    bad_rows: BadRows,
) -> Result<(Transactions, LoadReport), prisme_core::error::IngestError> {
    use prisme_core::error::IngestError;
    use prisme_core::ingest::stream::Finished;
    let unreadable = |reason: String| IngestError::Unreadable {
        file: name.to_string(),
        format: "file".to_string(),
        reason,
    };
    // A `Blob` has its size; a stream comes as `{stream, total}`.
    let total = field(source, "size")
        .as_f64()
        .or_else(|| field(source, "total").as_f64())
        .unwrap_or(0.0);
    let mut detected = None;
    for attempt in 0..2 {
        let mut read = prisme_core::transactions::transactions_stream(name, total as u64, opts)?;
        if let Some(e) = detected {
            read = read.detected_as(e);
        }
        let stream: web_sys::ReadableStream = if let Some(blob) = source.dyn_ref::<web_sys::Blob>()
        {
            blob.stream()
        } else if attempt == 0 {
            field(source, "stream").unchecked_into()
        } else {
            return Err(unreadable("the stream cannot be read twice (its encoding changed after the first megabyte); load the file itself".into()));
        };
        let pumped = pump(scope, job, stream, total, (0.0, 1.0), |len, chunk| {
            read.push_with(len, copy_out(chunk), &mut |_| {})
        })
        .await;
        let done_bytes = match pumped {
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e),
            Err(e) => return Err(unreadable(format!("the browser could not read it ({e})"))),
        };
        match read.finish(&mut |_| {})? {
            Finished::Table(table) => {
                post_progress(
                    scope,
                    job,
                    Progress {
                        stage: Stage::Parse,
                        fraction: 1.0,
                    },
                    Some((done_bytes, total)),
                );
                return prisme_core::transactions::transactions_from_read(table, bad_rows);
            }
            Finished::Reread(e) => detected = Some(e),
        }
    }
    Err(unreadable("its encoding could not be settled".into()))
}

/// Scores (`rfm`) or analyses (`analyze`) loaded purchases and posts the result.
fn score(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    kind: &str,
    name: String,
    loaded: Result<(Transactions, LoadReport), prisme_core::error::IngestError>,
    t0: f64,
) {
    let now = || now_ms(scope);
    let progress = |p: Progress| post_progress(scope, job, p, None);
    let (tx, report) = match loaded {
        Ok(ok) => ok,
        Err(e) => {
            post(
                scope,
                &FromWorker::Error {
                    job,
                    message: e.to_string(),
                    file: name,
                    line: e.line(),
                    column: e.column(),
                },
            );
            return;
        }
    };
    let t1 = now();
    progress(Progress {
        stage: Stage::Compute,
        fraction: 0.0,
    });
    if kind == "analyze" {
        return analyze_purchases(scope, job, name, tx, t0, t1);
    }
    let scored = match rfm(&tx, &RfmParams::default()) {
        Ok(s) => s,
        Err(e) => {
            post(
                scope,
                &FromWorker::Error {
                    job,
                    message: format!("{name}: {e}"),
                    file: name,
                    line: None,
                    column: None,
                },
            );
            return;
        }
    };
    let t2 = now();
    let summary = RfmSummary::new(&scored, &report);
    post(
        scope,
        &FromWorker::Done {
            job,
            summary,
            timings: WorkerTimings {
                ingest_ms: t1 - t0,
                rfm_ms: t2 - t1,
            },
            memory_bytes: memory_bytes(),
        },
    );
}

/// The whole analysis of loaded purchases, side by side with the helpers when there are any
/// (see `pool`): they compute their parts while this worker computes the others; the report is
/// the sequential run's.
fn analyze_purchases(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    name: String,
    tx: Transactions,
    t0: f64,
    t1: f64,
) {
    let params = AnalysisParams::default();
    let scope = scope.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let (own, asked) = crate::pool::ask(&tx, &params, job, &Part::ALL).await;
        let inputs = Inputs {
            summary: None,
            transactions: Some(TransactionsInput {
                file: &name,
                tx: &tx,
            }),
            ..Inputs::default()
        };
        let n = asked.len();
        // Scored once for this worker's parts and the assembly.
        let scored = Scored::new(&inputs, &params);
        let mut given: Vec<PartResult> = if n == 0 {
            Vec::new()
        } else {
            own.into_iter()
                .filter_map(|p| analyze_scored_part(&inputs, &params, &scored, p))
                .collect()
        };
        let mut helped = 0;
        for answer in asked {
            match crate::pool::answer(answer).await {
                Ok(mut parts) => {
                    helped += 1;
                    given.append(&mut parts);
                }
                // Computed here instead.
                Err(e) => web_sys::console::warn_1(&format!("prisme: a helper failed: {e}").into()),
            }
        }
        let sequential =
            |jobs: Vec<prisme_core::analysis::Job<'_>>| jobs.into_iter().for_each(|j| j());
        let msg = match analyze_scored_with(&inputs, &params, scored, given, &sequential) {
            Ok(a) => FromWorker::Analyzed {
                job,
                report: a.report.to_json(),
                customers: a.scores.rows.len(),
                timings: AnalysisTimings {
                    ingest_ms: t1 - t0,
                    analysis_ms: now_ms(&scope) - t1,
                    helpers: helped,
                },
                memory_bytes: memory_bytes(),
            },
            Err(e) => FromWorker::Error {
                job,
                message: format!("{name}: {e}"),
                file: name.clone(),
                line: None,
                column: None,
            },
        };
        post(&scope, &msg);
    });
}

/// A helper's side of the pool: computes the parts asked for on the purchases sent.
fn helper_part(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"job".into(), &JsValue::from_f64(f64::from(job)));
    match crate::pool::request(data) {
        Ok((tx, params, parts)) => {
            let inputs = Inputs {
                transactions: Some(TransactionsInput { file: "", tx: &tx }),
                ..Inputs::default()
            };
            let results: Vec<PartResult> = parts
                .into_iter()
                .filter_map(|p| analyze_part(&inputs, &params, p))
                .collect();
            let json = serde_json::to_string(&results).unwrap_or_else(|_| "[]".into());
            let _ = Reflect::set(&o, &"type".into(), &"parts".into());
            let _ = Reflect::set(&o, &"json".into(), &json.into());
        }
        Err(e) => {
            let _ = Reflect::set(&o, &"type".into(), &"error".into());
            let _ = Reflect::set(&o, &"json".into(), &e.into());
        }
    }
    let _ = scope.post_message(&o);
}

/// What the worker keeps between requests: the last preparation (so that "Analyze" after the
/// Data page's preparation reads nothing again) and the last analysis's customer table (so
/// that pages can query it).
#[derive(Default)]
struct State {
    /// The files' names, sizes and stamps with the settings, as JSON: equal keys, same sources.
    prepared_key: String,
    /// Preparations in the order they arrived, and the one whose files `prepared` holds. Not
    /// job numbers: the Data page's and the analyses' jobs are numbered apart.
    requests: u64,
    prepared_request: u64,
    prepared: Vec<PreparedSource>,
    outcomes: Vec<FileOutcome>,
    table: Option<RecordBatch>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn post_error(scope: &DedicatedWorkerGlobalScope, job: u32, file: &str, message: String) {
    post(
        scope,
        &FromWorker::Error {
            job,
            message,
            file: file.to_string(),
            line: None,
            column: None,
        },
    );
}

/// The anonymization the settings ask for, with their key. The core refuses a malformed or
/// all-zero key: nothing is read without a real key.
fn anonymization(settings: &PrepareSettings) -> Result<Option<AnonymizeOptions>, String> {
    if !settings.anonymize {
        return Ok(None);
    }
    let secret =
        Secret::from_hex(&settings.secret).map_err(|e| format!("anonymization key: {e}"))?;
    Ok(Some(AnonymizeOptions {
        secret,
        pseudonymize_ids: true,
        pii: settings.pii,
    }))
}

/// The user's corrections of one file (`none` when they made none).
fn corrections_for<'a>(
    settings: &'a PrepareSettings,
    name: &str,
    none: &'a Corrections,
) -> &'a Corrections {
    settings
        .corrections
        .iter()
        .find(|(f, _)| f == name)
        .map_or(none, |(_, c)| c)
}

/// Reads, corrects, anonymizes and profiles every file of a request, unless the last request
/// had the same files and settings. Returns whether it prepared them again; an error when
/// nothing can be read (a malformed key).
async fn prepare_files(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    data: &JsValue,
    settings: &PrepareSettings,
) -> Result<bool, String> {
    let order = STATE.with_borrow_mut(|s| {
        s.requests += 1;
        s.requests
    });
    let files = js_sys::Array::from(&field(data, "files"));
    let mut key_parts: Vec<String> = Vec::new();
    for entry in files.iter() {
        let name = field(&entry, "name").as_string().unwrap_or_default();
        let size = match field(&entry, "blob").dyn_ref::<web_sys::Blob>() {
            Some(b) => b.size(),
            None => f64::from(Uint8Array::new(&field(&entry, "bytes")).length()),
        };
        let stamp = field(&entry, "stamp").as_f64().unwrap_or(0.0);
        key_parts.push(format!("{name}\u{1}{size}\u{1}{stamp}"));
    }
    let key = format!(
        "{}\u{2}{}",
        key_parts.join("\u{3}"),
        serde_json::to_string(settings).unwrap_or_default()
    );
    // A stamp of 0 means the page could not date the files: never reuse then.
    let reusable = !key_parts.iter().any(|k| k.ends_with("\u{1}0"));
    if reusable && STATE.with_borrow(|s| s.prepared_key == key) {
        return Ok(false);
    }
    let count = files.length().max(1);
    let read = ReadOptions {
        locale: settings.locale,
        ..ReadOptions::default()
    };
    let anonymization = anonymization(settings)?;
    let none = Corrections::default();
    let mut prepared = Vec::new();
    let mut outcomes = Vec::new();
    for (i, entry) in files.iter().enumerate() {
        let name = field(&entry, "name")
            .as_string()
            .unwrap_or_else(|| format!("file {}", i + 1));
        let corrections = corrections_for(settings, &name, &none);
        let base = i as f64 / f64::from(count);
        let share = 1.0 / f64::from(count);
        let prepared_one = match field(&entry, "blob").dyn_into::<web_sys::Blob>() {
            // A dropped file, streamed: never whole in memory.
            Ok(blob) => {
                stream_source(
                    scope,
                    job,
                    &name,
                    &blob,
                    &read,
                    corrections,
                    anonymization.as_ref(),
                    settings.today,
                    (base, share),
                )
                .await
            }
            Err(_) => {
                let bytes = Uint8Array::new(&field(&entry, "bytes")).to_vec();
                let mut progress = |p: Progress| {
                    post(
                        scope,
                        &FromWorker::Progress {
                            job,
                            stage: p.stage,
                            fraction: base + p.fraction * share,
                            bytes: None,
                        },
                    )
                };
                prepare_source(
                    &name,
                    &bytes,
                    &read,
                    corrections,
                    anonymization.as_ref(),
                    Some(settings.today),
                    &mut progress,
                )
            }
        };
        match prepared_one {
            Ok(source) => {
                outcomes.push(FileOutcome {
                    file: name,
                    view: Some(source.view.clone()),
                    error: None,
                });
                prepared.push(source);
            }
            Err(e) => outcomes.push(FileOutcome {
                file: name,
                view: None,
                error: Some(FileError {
                    message: e.to_string(),
                    line: e.line(),
                    column: e.column(),
                }),
            }),
        }
    }
    STATE.with_borrow_mut(|s| {
        // Files are read asynchronously now: a later request may have finished first; the
        // latest request's files stay.
        if order >= s.prepared_request {
            s.prepared_request = order;
            s.prepared_key = if reusable { key } else { String::new() };
            s.prepared = prepared;
            s.outcomes = outcomes;
        }
    });
    Ok(true)
}

/// The Data page's request: every file read, corrected, anonymized and profiled, then joined.
fn prepare(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let (scope, data) = (scope.clone(), data.clone());
    wasm_bindgen_futures::spawn_local(async move { prepare_async(&scope, job, &data).await });
}

async fn prepare_async(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let settings: PrepareSettings = match json_field(data, "settings") {
        Ok(s) => s,
        Err(e) => return post_error(scope, job, "", format!("bad settings: {e}")),
    };
    // Files dropped are files about to be analysed: the helpers' modules load now, while the
    // files are read and profiled, so that they are ready when Analyze is pressed (a module
    // still loading then would keep this worker waiting for it).
    crate::pool::start();
    let perf = scope.performance();
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    if let Err(e) = prepare_files(scope, job, data, &settings).await {
        return post_error(scope, job, "", e);
    }
    let t1 = now();
    let (outcomes, base, base_error) = STATE.with_borrow(|s| {
        let (base, base_error) = if s.prepared.is_empty() {
            (None, None)
        } else {
            match consolidate_sources(&s.prepared, settings.today, PREVIEW_ROWS) {
                Ok(b) => (Some(b), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        (s.outcomes.clone(), base, base_error)
    });
    post(
        scope,
        &FromWorker::Prepared {
            job,
            files: outcomes,
            base,
            base_error,
            prepare_ms: t1 - t0,
            consolidate_ms: now() - t1,
        },
    );
}

/// The whole analysis of the Data page's files.
fn workbench(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let (scope, data) = (scope.clone(), data.clone());
    wasm_bindgen_futures::spawn_local(async move { workbench_async(&scope, job, &data).await });
}

async fn workbench_async(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let settings: PrepareSettings = match json_field(data, "settings") {
        Ok(s) => s,
        Err(e) => return post_error(scope, job, "", format!("bad settings: {e}")),
    };
    let analysis: WorkbenchSettings = match json_field(data, "analysis") {
        Ok(s) => s,
        Err(e) => return post_error(scope, job, "", format!("bad analysis settings: {e}")),
    };
    // The helpers' modules load while the files are read.
    crate::pool::start();
    let perf = scope.performance();
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    post(
        scope,
        &FromWorker::Step {
            job,
            step: JobStep::Reading,
        },
    );
    let again = match prepare_files(scope, job, data, &settings).await {
        Ok(again) => again,
        Err(e) => return post_error(scope, job, "", e),
    };
    post(
        scope,
        &FromWorker::Step {
            job,
            step: JobStep::Consolidating,
        },
    );
    let t1 = now();
    let inputs = STATE.with_borrow(|s| {
        if let Some(bad) = s.outcomes.iter().find(|o| o.error.is_some()) {
            let e = bad
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            return Err((bad.file.clone(), e));
        }
        workbench_inputs(&s.prepared, &analysis).map_err(|e| (String::new(), e.to_string()))
    });
    let w = match inputs {
        Ok(w) => w,
        Err((file, message)) => return post_error(scope, job, &file, message),
    };
    let today = settings.today;
    if w.transactions().is_none() || crate::pool::start() == 0 {
        // One after the other, each step told to the page.
        let analysed = w.with_inputs(|inputs| {
            analyze_with_progress(inputs, &w.params, &mut |step| {
                post(
                    scope,
                    &FromWorker::Step {
                        job,
                        step: JobStep::Analysis(step),
                    },
                )
            })
        });
        let result = analysed.map_err(|e| e.to_string()).and_then(|a| {
            STATE.with_borrow(|s| {
                finish_workbench(&s.prepared, w, a, today).map_err(|e| e.to_string())
            })
        });
        return post_workbench(scope, job, result, t1 - t0, now() - t1, again);
    }
    // Side by side with the helpers (see `pool`): the page is told the steps as they finish.
    {
        let Some(tx) = w.transactions() else { return };
        let shared: Vec<Part> = Part::ALL
            .into_iter()
            .filter(|p| *p != Part::Churn || !w.has_labelled_customers())
            .collect();
        let (own, asked) = crate::pool::ask(tx, &w.params, job, &shared).await;
        let step = |step| {
            post(
                &scope,
                &FromWorker::Step {
                    job,
                    step: JobStep::Analysis(step),
                },
            )
        };
        step(Step::Rfm);
        // Scored once for this worker's parts and the assembly.
        let scored = w.with_inputs(|inputs| Scored::new(inputs, &w.params));
        let mut given: Vec<PartResult> = Vec::new();
        for p in own {
            step(part_step(p));
            given
                .extend(w.with_inputs(|inputs| analyze_scored_part(inputs, &w.params, &scored, p)));
        }
        for answer in asked {
            match crate::pool::answer(answer).await {
                Ok(parts) => given.extend(parts),
                Err(e) => web_sys::console::warn_1(&format!("prisme: a helper failed: {e}").into()),
            }
        }
        step(Step::Indicators);
        let sequential =
            |jobs: Vec<prisme_core::analysis::Job<'_>>| jobs.into_iter().for_each(|j| j());
        let analysed = w.with_inputs(|inputs| {
            analyze_scored_with(inputs, &w.params, scored, given, &sequential)
        });
        let result = analysed.map_err(|e| e.to_string()).and_then(|a| {
            STATE.with_borrow(|s| {
                finish_workbench(&s.prepared, w, a, today).map_err(|e| e.to_string())
            })
        });
        let done = now_ms(scope);
        post_workbench(scope, job, result, t1 - t0, done - t1, again);
    }
}

/// The page's step for a part computed here.
fn part_step(p: Part) -> Step {
    match p {
        Part::Churn => Step::Churn,
        Part::Clusters => Step::Clusters,
        Part::Clv | Part::ClvHoldout => Step::Clv,
        Part::Cohorts => Step::Cohorts,
    }
}

/// Streams one dropped file into its preparation (see `stream_transactions`), reading it again
/// when the whole text's encoding differs from its head's.
#[allow(clippy::too_many_arguments)]
async fn stream_source(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    name: &str,
    blob: &web_sys::Blob,
    read: &ReadOptions,
    corrections: &Corrections,
    anonymization: Option<&AnonymizeOptions>,
    today: i32,
    place: (f64, f64),
) -> Result<PreparedSource, SourceError> {
    use prisme_core::sources::{StreamedSource, source_stream};
    let mut detected = None;
    for _ in 0..2 {
        let mut s = source_stream(name, blob.size() as u64, read, corrections)?;
        if let Some(e) = detected {
            s = s.detected_as(e);
        }
        let pumped = pump(
            scope,
            job,
            blob.stream(),
            blob.size(),
            place,
            |len, chunk| s.push_with(len, copy_out(chunk), &mut |_| {}),
        )
        .await;
        match pumped {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e),
            Err(e) => {
                return Err(SourceError::Ingest(
                    prisme_core::error::IngestError::Unreadable {
                        file: name.to_string(),
                        format: "file".to_string(),
                        reason: format!("the browser could not read it ({e})"),
                    },
                ));
            }
        }
        match s.finish(corrections, anonymization, Some(today), &mut |_| {})? {
            StreamedSource::Prepared(p) => return Ok(p),
            StreamedSource::Reread(e) => detected = Some(e),
        }
    }
    Err(SourceError::Ingest(
        prisme_core::error::IngestError::Unreadable {
            file: name.to_string(),
            format: "file".to_string(),
            reason: "its encoding could not be settled".to_string(),
        },
    ))
}

/// Sends the workbench's result (or its error) to the page, and keeps its customer table.
fn post_workbench(
    scope: &DedicatedWorkerGlobalScope,
    job: u32,
    result: Result<prisme_core::workbench::Workbench, String>,
    prepare_ms: f64,
    analysis_ms: f64,
    again: bool,
) {
    match result {
        Ok(wb) => {
            let (report, parts) = split_report(&wb.analysis.report);
            let sections = js_sys::Array::new();
            for (name, text) in parts {
                sections.push(&js_sys::Array::of2(&name.into(), &text.into()));
            }
            let msg = FromWorker::Workbench {
                job,
                report,
                parts: Vec::new(),
                customers: wb.analysis.scores.rows.len(),
                candidates: wb.candidates.clone(),
                rows_skipped: wb.rows_skipped,
                prepare_ms,
                analysis_ms,
                prepared_again: again,
            };
            STATE.with_borrow_mut(|s| s.table = Some(wb.table));
            post_with(scope, &msg, Some(("parts", sections.into())));
        }
        Err(message) => post_error(scope, job, "", message),
    }
}

/// The demo's files, sent back to the page, which adds them as if they had been dropped.
fn demo(scope: &DedicatedWorkerGlobalScope, job: u32) {
    let files = js_sys::Array::new();
    let transfer = js_sys::Array::new();
    for f in demo_files(&DemoParams::default()) {
        let o = js_sys::Object::new();
        let bytes = Uint8Array::from(f.bytes.as_slice());
        let _ = Reflect::set(&o, &"name".into(), &f.name.into());
        let _ = Reflect::set(&o, &"bytes".into(), &bytes);
        transfer.push(&bytes.buffer());
        files.push(&o);
    }
    let msg = js_sys::Object::new();
    let _ = Reflect::set(&msg, &"type".into(), &"demo-files".into());
    let _ = Reflect::set(&msg, &"job".into(), &JsValue::from_f64(f64::from(job)));
    let _ = Reflect::set(&msg, &"files".into(), &files);
    if let Err(e) = scope.post_message_with_transfer(&msg, &transfer) {
        web_sys::console::error_2(&"prisme worker: cannot post the demo".into(), &e);
    }
}

/// A key checked (its fingerprint) or derived from a passphrase and a salt.
fn key_request(scope: &DedicatedWorkerGlobalScope, job: u32, kind: &str, data: &JsValue) {
    let text = |name: &str| field(data, name).as_string().unwrap_or_default();
    let key = if kind == "key-check" {
        Secret::from_hex(text("hex").trim())
    } else {
        Salt::from_hex(text("salt").trim())
            .and_then(|salt| Secret::from_passphrase(&text("passphrase"), &salt))
    };
    match key {
        Ok(k) => post(
            scope,
            &FromWorker::Key {
                job,
                hex: k.to_hex(),
                fingerprint: k.fingerprint(),
            },
        ),
        Err(e) => post_error(scope, job, "", e.to_string()),
    }
}

/// A page of the customer table, or the whole selection as CSV.
fn table_request(scope: &DedicatedWorkerGlobalScope, job: u32, kind: &str, data: &JsValue) {
    let query: TableQuery = match json_field(data, "query") {
        Ok(q) => q,
        Err(e) => return post_error(scope, job, "", format!("bad query: {e}")),
    };
    let style = match field(data, "style").as_string().as_deref() {
        Some("fr") => CsvStyle::FRENCH_EXCEL,
        _ => CsvStyle::PLAIN,
    };
    let answer = STATE.with_borrow(|s| {
        let Some(table) = &s.table else {
            return Err("no analysis yet: analyze the data first".to_string());
        };
        if kind == "export" {
            explore::to_csv(table, &query, style)
                .map(|text| FromWorker::Csv { job, text })
                .map_err(|e| e.to_string())
        } else {
            explore::query(table, &query)
                .map(|page| FromWorker::Rows { job, page })
                .map_err(|e| e.to_string())
        }
    });
    match answer {
        Ok(msg) => post(scope, &msg),
        Err(e) => post_error(scope, job, "", e),
    }
}

/// One customer's card, from the last analysis' customer table, with their rows in the
/// other files (purchases, contracts, contacts).
fn card_request(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let id = field(data, "id").as_string().unwrap_or_default();
    let answer = STATE.with_borrow(|s| {
        let card = match &s.table {
            Some(table) => explore::card(table, &id).map_err(|e| e.to_string())?,
            None => return Err("no analysis yet: analyze the data first".to_string()),
        };
        let mut sources = Vec::new();
        if card.is_some() {
            for src in &s.prepared {
                if matches!(src.view.kind, TableKind::Customers | TableKind::Unknown) {
                    continue;
                }
                let name = |role: Role| src.table.column(role).map(|c| c.plan.name.clone());
                let Some(id_column) = name(Role::CustomerId) else {
                    continue;
                };
                let Ok(batch) = prisme_core::churn::dataset::table_batch(&src.table) else {
                    continue;
                };
                let rows =
                    explore::customer_rows(&batch, &id_column, &id).map_err(|e| e.to_string())?;
                sources.push(CardSource {
                    file: src.view.file.clone(),
                    kind: src.view.kind,
                    rows,
                    date: name(Role::Date),
                    amount: name(Role::Amount),
                    contract_end: name(Role::ContractEnd),
                });
            }
        }
        Ok(FromWorker::Card { job, card, sources })
    });
    match answer {
        Ok(msg) => post(scope, &msg),
        Err(e) => post_error(scope, job, "", e),
    }
}

/// The Datamarts page's questions on the last analysis' customer table.
/// The kept report as one `report.json` document (see `Request::ReportJson`).
fn report_json(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let answer = (|| {
        let head = field(data, "head").as_string().unwrap_or_default();
        let parts: Vec<(String, String)> = json_field(data, "parts")?;
        let fingerprints: Vec<(String, u64, String)> = json_field(data, "fingerprints")?;
        let mut report =
            prisme_core::analysis::Report::from_json(&head).map_err(|e| e.to_string())?;
        for (name, json) in &parts {
            let bad = |e: serde_json::Error| format!("the report's {name}: {e}");
            match name.as_str() {
                "rfm" => report.rfm = serde_json::from_str(json).map_err(bad)?,
                "clv" => report.clv = serde_json::from_str(json).map_err(bad)?,
                "churn" => report.churn = serde_json::from_str(json).map_err(bad)?,
                "cohorts" => report.cohorts = serde_json::from_str(json).map_err(bad)?,
                "indicators" => report.indicators = serde_json::from_str(json).map_err(bad)?,
                "charts" => report.charts = serde_json::from_str(json).map_err(bad)?,
                _ => {}
            }
        }
        report.set_fingerprints(&fingerprints);
        // Absent (an older page): every page.
        let pages: Vec<prisme_core::analysis::ReportPage> = json_field(data, "pages")
            .unwrap_or_else(|_| prisme_core::analysis::ReportPage::ALL.to_vec());
        report.keep_pages(&pages);
        Ok::<_, String>(FromWorker::Csv {
            job,
            text: report.to_json() + "\n",
        })
    })();
    match answer {
        Ok(msg) => post(scope, &msg),
        Err(message) => post_error(scope, job, "", message),
    }
}

fn datamart_request(scope: &DedicatedWorkerGlobalScope, job: u32, kind: &str, data: &JsValue) {
    let answer = STATE.with_borrow(|s| {
        let Some(table) = &s.table else {
            return Err("no analysis yet: analyze the data first".to_string());
        };
        match kind {
            "facets" => Ok(FromWorker::Facets {
                job,
                columns: explore::facets(table),
            }),
            "selections" => {
                let filters: Vec<Filter> = json_field(data, "filters")?;
                let items = filters
                    .iter()
                    .map(|f| match explore::selection(table, f) {
                        Ok(s) => SelectionOutcome {
                            selection: Some(s),
                            error: None,
                        },
                        Err(e) => SelectionOutcome {
                            selection: None,
                            error: Some(e.to_string()),
                        },
                    })
                    .collect();
                Ok(FromWorker::Selections { job, items })
            }
            _ => {
                let mart: Datamart = json_field(data, "datamart")?;
                let columns: Vec<String> = json_field(data, "columns")?;
                let style = match field(data, "style").as_string().as_deref() {
                    Some("fr") => CsvStyle::FRENCH_EXCEL,
                    _ => CsvStyle::PLAIN,
                };
                let (_, text) = mart
                    .target_list(table, &columns, style)
                    .map_err(|e| e.to_string())?;
                let text = if field(data, "settings").is_undefined() {
                    text
                } else {
                    reidentified(data, &text)?
                };
                Ok(FromWorker::Csv { job, text })
            }
        }
    });
    match answer {
        Ok(msg) => post(scope, &msg),
        Err(e) => post_error(scope, job, "", e),
    }
}

/// A target list with its ids in clear: the request's files read again (as prepared, without
/// anonymizing), their ids pseudonymized with the key and looked up. Nothing is kept.
fn reidentified(data: &JsValue, list: &str) -> Result<String, String> {
    let settings: PrepareSettings = json_field(data, "settings")?;
    let opts = anonymization(&settings)?
        .ok_or("pseudonymization is off: the list's ids are not pseudonyms")?;
    let read = ReadOptions {
        locale: settings.locale,
        ..ReadOptions::default()
    };
    let none = Corrections::default();
    let mut ids = Vec::new();
    for entry in js_sys::Array::from(&field(data, "files")).iter() {
        let name = field(&entry, "name").as_string().unwrap_or_default();
        let bytes = Uint8Array::new(&field(&entry, "bytes")).to_vec();
        let corrections = corrections_for(&settings, &name, &none);
        ids.extend(
            prisme_core::sources::clear_ids(
                &name,
                &bytes,
                &read,
                corrections,
                &opts,
                Some(settings.today),
            )
            .map_err(|e| e.to_string())?,
        );
    }
    let lookup = prisme_core::reidentify::Lookup::new(&opts.secret, &ids);
    prisme_core::reidentify::reidentify(list, &lookup)
        .map(|r| r.text)
        .map_err(|e| e.to_string())
}

/// Rows of the consolidated base sent to the page.
const PREVIEW_ROWS: usize = 12;

fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// The report without its large sections, and those sections apart (see
/// `FromWorker::Workbench`); `store::join_report` puts them back.
fn split_report(r: &prisme_core::analysis::Report) -> (String, Vec<(String, String)>) {
    let json = |v: Result<String, serde_json::Error>| v.unwrap_or_else(|_| "null".into());
    let parts = vec![
        ("rfm".to_string(), json(serde_json::to_string(&r.rfm))),
        ("clv".to_string(), json(serde_json::to_string(&r.clv))),
        ("churn".to_string(), json(serde_json::to_string(&r.churn))),
        (
            "cohorts".to_string(),
            json(serde_json::to_string(&r.cohorts)),
        ),
        (
            "indicators".to_string(),
            json(serde_json::to_string(&r.indicators)),
        ),
        ("charts".to_string(), json(serde_json::to_string(&r.charts))),
    ];
    let head = prisme_core::analysis::Report {
        rfm: None,
        clv: None,
        churn: None,
        cohorts: None,
        indicators: None,
        charts: Default::default(),
        ..r.clone()
    };
    (head.to_json_compact(), parts)
}
