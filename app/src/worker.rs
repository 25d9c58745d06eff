//! The Web Worker: runs the core on the bytes the page (or the bench page) sends.

use js_sys::{Reflect, Uint8Array};
use prisme_core::ingest::{Locale, Progress, ReadOptions, Stage};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::summary::RfmSummary;
use prisme_core::transactions::{BadRows, load_transactions};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use prisme_core::analysis::{AnalysisParams, Inputs, TransactionsInput, analyze};

use prisme_core::anonymize::AnonymizeOptions;
use prisme_core::key::Secret;
use prisme_core::sources::{Corrections, consolidate_sources, prepare_source};

use crate::protocol::{
    AnalysisTimings, FileError, FileOutcome, FromWorker, PrepareSettings, WorkerTimings,
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
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    match msg.serialize(&serializer) {
        Ok(value) => {
            if let Err(e) = scope.post_message(&value) {
                web_sys::console::error_2(&"prisme worker: cannot post".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("prisme worker: {e}").into()),
    }
}

use serde::Serialize;

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let job = field(data, "job").as_f64().unwrap_or(0.0) as u32;
    let kind = field(data, "type").as_string().unwrap_or_default();
    if kind == "prepare" {
        prepare(scope, job, data);
        return;
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
    let perf = scope.performance();
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    let bytes = Uint8Array::new(&field(data, "bytes")).to_vec();
    let opts = ReadOptions {
        locale,
        ..ReadOptions::default()
    };
    let mut progress = |p: Progress| {
        post(
            scope,
            &FromWorker::Progress {
                job,
                stage: p.stage,
                fraction: p.fraction,
            },
        )
    };
    let loaded = load_transactions(&name, &bytes, &opts, bad_rows, &mut progress);
    drop(bytes);
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
        let inputs = Inputs {
            transactions: Some(TransactionsInput {
                file: &name,
                tx: &tx,
            }),
            ..Inputs::default()
        };
        let msg = match analyze(&inputs, &AnalysisParams::default()) {
            Ok(a) => FromWorker::Analyzed {
                job,
                report: a.report.to_json(),
                customers: a.scores.rows.len(),
                timings: AnalysisTimings {
                    ingest_ms: t1 - t0,
                    analysis_ms: now() - t1,
                },
                memory_bytes: memory_bytes(),
            },
            Err(e) => FromWorker::Error {
                job,
                message: format!("{name}: {e}"),
                file: name,
                line: None,
                column: None,
            },
        };
        post(scope, &msg);
        return;
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

/// The Data page's request: every file read, corrected, anonymized and profiled, then joined.
fn prepare(scope: &DedicatedWorkerGlobalScope, job: u32, data: &JsValue) {
    let settings: PrepareSettings = match serde_wasm_bindgen::from_value(field(data, "settings")) {
        Ok(s) => s,
        Err(e) => {
            post(
                scope,
                &FromWorker::Error {
                    job,
                    message: format!("bad settings: {e}"),
                    file: String::new(),
                    line: None,
                    column: None,
                },
            );
            return;
        }
    };
    let perf = scope.performance();
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    let files = js_sys::Array::from(&field(data, "files"));
    let count = files.length().max(1);
    let read = ReadOptions {
        locale: settings.locale,
        ..ReadOptions::default()
    };
    // The core refuses a malformed or all-zero key: nothing is read without a real key.
    let anonymization = if settings.anonymize {
        match Secret::from_hex(&settings.secret) {
            Ok(secret) => Some(AnonymizeOptions {
                secret,
                pseudonymize_ids: true,
                pii: settings.pii,
            }),
            Err(e) => {
                post(
                    scope,
                    &FromWorker::Error {
                        job,
                        message: format!("anonymization key: {e}"),
                        file: String::new(),
                        line: None,
                        column: None,
                    },
                );
                return;
            }
        }
    } else {
        None
    };
    let none = Corrections::default();
    let mut prepared = Vec::new();
    let mut outcomes = Vec::new();
    for (i, entry) in files.iter().enumerate() {
        let name = field(&entry, "name")
            .as_string()
            .unwrap_or_else(|| format!("file {}", i + 1));
        let bytes = Uint8Array::new(&field(&entry, "bytes")).to_vec();
        let corrections = settings
            .corrections
            .iter()
            .find(|(f, _)| *f == name)
            .map_or(&none, |(_, c)| c);
        let base = i as f64 / f64::from(count);
        let mut progress = |p: Progress| {
            post(
                scope,
                &FromWorker::Progress {
                    job,
                    stage: p.stage,
                    fraction: base + p.fraction / f64::from(count),
                },
            )
        };
        match prepare_source(
            &name,
            &bytes,
            &read,
            corrections,
            anonymization.as_ref(),
            Some(settings.today),
            &mut progress,
        ) {
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
    let t1 = now();
    let (base, base_error) = if prepared.is_empty() {
        (None, None)
    } else {
        match consolidate_sources(&prepared, settings.today, PREVIEW_ROWS) {
            Ok(b) => (Some(b), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
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

/// Rows of the consolidated base sent to the page.
const PREVIEW_ROWS: usize = 12;

fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
