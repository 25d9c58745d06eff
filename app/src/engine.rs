//! The page's handle on the worker: spawns it, queues requests until it is ready, forwards
//! its messages, and restarts it if it dies.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use std::collections::HashMap;

use prisme_core::datamart::{Datamart, Filter};
use prisme_core::explore::TableQuery;
use prisme_core::workbench::WorkbenchSettings;

use crate::protocol::{FromWorker, PrepareSettings};

/// The worker's classic-script loader, written under this fixed name by xtask's bundler
/// (`xtask/src/bundle.rs`); it names the worker's hashed glue and module.
pub const WORKER_LOADER: &str = "./worker_loader.js";

/// What the page hears from the engine.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// The worker finished loading, `init_ms` after it was spawned.
    Ready {
        version: String,
        init_ms: f64,
    },
    Message(Box<FromWorker>),
    /// The worker died (a trap, an out-of-memory); it has been restarted.
    Crashed {
        message: String,
    },
}

/// A request to score a file.
pub struct RfmRequest {
    pub job: u32,
    pub name: String,
    /// The file itself: the worker streams it (`Blob.stream()`).
    pub file: web_sys::Blob,
    pub locale: &'static str,
    pub skip_bad_rows: bool,
}

/// The Data page's request: every file, with the corrections and anonymization settings.
pub struct PrepareRequest {
    pub job: u32,
    /// The dropped files themselves (the worker streams them) with their `lastModified`, which
    /// lets *Analyze* reuse this preparation instead of reading the files again.
    pub files: Vec<(String, web_sys::Blob, f64)>,
    pub settings: PrepareSettings,
}

/// The whole analysis of the Data page's files. `stamps` (the files' `lastModified`) let the
/// worker reuse its last preparation of the same files.
pub struct WorkbenchRequest {
    pub job: u32,
    pub files: Vec<(String, web_sys::Blob, f64)>,
    pub settings: PrepareSettings,
    pub analysis: WorkbenchSettings,
}

/// What re-identifying a target list needs: the files as dropped and how they are read.
pub struct ReidentifyWith {
    pub files: Vec<(String, ArrayBuffer)>,
    pub settings: PrepareSettings,
}

pub enum Request {
    Rfm(RfmRequest),
    Prepare(PrepareRequest),
    Workbench(WorkbenchRequest),
    Demo {
        job: u32,
    },
    Query {
        job: u32,
        query: TableQuery,
    },
    Export {
        job: u32,
        query: TableQuery,
        french: bool,
    },
    /// One customer's card.
    Card {
        job: u32,
        id: String,
    },
    /// The customer table's columns, for the filter builder.
    Facets {
        job: u32,
    },
    /// What each filter selects.
    Selections {
        job: u32,
        filters: Vec<Filter>,
    },
    /// A datamart's target list as CSV.
    TargetList {
        job: u32,
        datamart: Datamart,
        columns: Vec<String>,
        french: bool,
        /// Re-identify the ids with the key, from the files (read again, never kept).
        reidentify: Option<ReidentifyWith>,
    },
    /// The kept report (head and sections as the worker sent them) as one `report.json`
    /// document, with the inputs' sizes and SHA-256 (answered as `Csv { text }`).
    ReportJson {
        job: u32,
        head: String,
        parts: Vec<(String, String)>,
        fingerprints: Vec<(String, u64, String)>,
        /// The pages kept (`Report::keep_pages`, applied in the worker).
        pages: Vec<prisme_core::analysis::ReportPage>,
    },
    /// Checks a key and returns its fingerprint.
    KeyCheck {
        job: u32,
        hex: String,
    },
    /// Derives the key from a passphrase and the workspace's salt (Argon2id).
    KeyDerive {
        job: u32,
        passphrase: String,
        salt: String,
    },
}

impl Request {
    fn job(&self) -> u32 {
        match self {
            Request::Rfm(r) => r.job,
            Request::Prepare(r) => r.job,
            Request::Workbench(r) => r.job,
            Request::Demo { job }
            | Request::Query { job, .. }
            | Request::Export { job, .. }
            | Request::Card { job, .. }
            | Request::Facets { job }
            | Request::Selections { job, .. }
            | Request::TargetList { job, .. }
            | Request::ReportJson { job, .. }
            | Request::KeyCheck { job, .. }
            | Request::KeyDerive { job, .. } => *job,
        }
    }
}

impl From<WorkbenchRequest> for Request {
    fn from(r: WorkbenchRequest) -> Request {
        Request::Workbench(r)
    }
}

impl From<RfmRequest> for Request {
    fn from(r: RfmRequest) -> Request {
        Request::Rfm(r)
    }
}

impl From<PrepareRequest> for Request {
    fn from(r: PrepareRequest) -> Request {
        Request::Prepare(r)
    }
}

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    /// Requests sent before the worker was ready, in order.
    pending: Vec<Request>,
    spawned_at: f64,
    listener: Rc<dyn Fn(EngineEvent)>,
    /// Answers awaited by job (queries, demo files): called once, then forgotten.
    callbacks: HashMap<u32, Box<dyn FnOnce(Result<JsValue, String>)>>,
    next_job: u32,
    // Kept alive as long as the worker.
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Option<Closure<dyn FnMut(ErrorEvent)>>,
}

/// Cheap to clone; all clones drive the same worker.
#[derive(Clone)]
pub struct Engine {
    inner: Rc<RefCell<Inner>>,
}

/// Jobs numbered by the engine start here (the Quick RFM page counts from 1, the Data page
/// from 2^30).
const FIRST_CALL_JOB: u32 = 1 << 29;

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A worker's message (`{type, job, json}`, see `protocol`) as a [`FromWorker`]; the
/// sections of a workbench report come from its `parts`.
pub fn decode(data: &JsValue) -> Result<FromWorker, String> {
    let json = Reflect::get(data, &JsValue::from_str("json"))
        .ok()
        .and_then(|j| j.as_string())
        .ok_or("a message without json")?;
    let mut msg: FromWorker = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if let FromWorker::Workbench { parts, .. } = &mut msg {
        let list = Reflect::get(data, &JsValue::from_str("parts")).unwrap_or_default();
        for pair in Array::from(&list).iter() {
            let pair = Array::from(&pair);
            if let (Some(name), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                parts.push((name, text));
            }
        }
    }
    Ok(msg)
}

impl Engine {
    pub fn start(listener: impl Fn(EngineEvent) + 'static) -> Engine {
        let engine = Engine {
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                ready: false,
                pending: Vec::new(),
                spawned_at: 0.0,
                listener: Rc::new(listener),
                callbacks: HashMap::new(),
                next_job: FIRST_CALL_JOB,
                _on_message: None,
                _on_error: None,
            })),
        };
        engine.spawn();
        engine
    }

    fn emit(&self, event: EngineEvent) {
        let listener = self.inner.borrow().listener.clone();
        listener(event);
    }

    fn spawn(&self) {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Classic);
        let worker = match Worker::new_with_options(WORKER_LOADER, &opts) {
            Ok(w) => w,
            Err(e) => {
                self.emit(EngineEvent::Crashed {
                    message: format!("cannot start the worker: {e:?}"),
                });
                return;
            }
        };
        let me = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            me.on_message(ev.data());
        });
        let me = self.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            ev.prevent_default();
            me.on_crash(ev.message());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
        inner.spawned_at = now_ms();
        inner._on_message = Some(on_message);
        inner._on_error = Some(on_error);
    }

    /// A new job number for [`Engine::send`] or [`Engine::call`].
    pub fn next_job(&self) -> u32 {
        let mut inner = self.inner.borrow_mut();
        inner.next_job += 1;
        inner.next_job
    }

    /// Sends a request whose answer goes to `done` (the raw message, or the error's text)
    /// instead of the listener. A crash answers every waiting call with the crash message.
    pub fn call(&self, req: Request, done: impl FnOnce(Result<JsValue, String>) + 'static) {
        let job = req.job();
        self.inner
            .borrow_mut()
            .callbacks
            .insert(job, Box::new(done));
        self.send(req);
    }

    fn on_message(&self, data: JsValue) {
        let job = Reflect::get(&data, &JsValue::from_str("job"))
            .ok()
            .and_then(|j| j.as_f64())
            .map(|j| j as u32);
        let kind = Reflect::get(&data, &JsValue::from_str("type"))
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default();
        if let Some(job) = job
            && kind != "progress"
            && kind != "step"
        {
            let callback = self.inner.borrow_mut().callbacks.remove(&job);
            if let Some(done) = callback {
                if kind == "error" {
                    done(Err(match decode(&data) {
                        Ok(FromWorker::Error { message, .. }) => message,
                        Ok(_) => String::new(),
                        Err(e) => e,
                    }));
                } else {
                    done(Ok(data));
                }
                return;
            }
        }
        let msg = match decode(&data) {
            Ok(m) => m,
            Err(e) => {
                web_sys::console::error_1(&format!("prisme: bad worker message: {e}").into());
                return;
            }
        };
        if let FromWorker::Ready { engine_version } = &msg {
            let (init_ms, pending) = {
                let mut inner = self.inner.borrow_mut();
                inner.ready = true;
                (
                    now_ms() - inner.spawned_at,
                    std::mem::take(&mut inner.pending),
                )
            };
            self.emit(EngineEvent::Ready {
                version: engine_version.clone(),
                init_ms,
            });
            for req in pending {
                self.post(req);
            }
            return;
        }
        self.emit(EngineEvent::Message(Box::new(msg)));
    }

    fn on_crash(&self, message: String) {
        // Called from the worker's own error handler: replacing the worker drops that
        // handler's closure, so do it after the handler returns.
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            me.restart();
            me.fail_calls(&message);
            me.emit(EngineEvent::Crashed { message });
        });
    }

    fn terminate(&self) {
        let mut inner = self.inner.borrow_mut();
        if let Some(w) = inner.worker.take() {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
        inner.ready = false;
        inner.pending.clear();
    }

    fn fail_calls(&self, message: &str) {
        let callbacks: Vec<_> = self.inner.borrow_mut().callbacks.drain().collect();
        for (_, done) in callbacks {
            done(Err(message.to_string()));
        }
    }

    /// Stops whatever runs and starts a fresh worker; calls in flight fail.
    pub fn restart(&self) {
        self.terminate();
        self.spawn();
        self.fail_calls("cancelled");
    }

    /// Sends a request now, or when the worker is ready.
    pub fn send(&self, req: impl Into<Request>) {
        let req = req.into();
        let ready = self.inner.borrow().ready;
        if ready {
            self.post(req);
        } else {
            self.inner.borrow_mut().pending.push(req);
        }
    }

    /// Sets `key` of `msg` to `value` as JSON text; on failure reports a crash.
    fn encode(&self, msg: &Object, key: &str, value: &impl serde::Serialize) -> bool {
        match serde_json::to_string(value) {
            Ok(v) => {
                let _ = Reflect::set(msg, &JsValue::from_str(key), &JsValue::from_str(&v));
                true
            }
            Err(e) => {
                self.on_crash(format!("cannot encode the {key}: {e}"));
                false
            }
        }
    }

    fn post(&self, req: Request) {
        let msg = Object::new();
        let transfer = Array::new();
        match req {
            Request::Rfm(req) => {
                set(&msg, "type", &JsValue::from_str("rfm"));
                set(&msg, "job", &JsValue::from_f64(f64::from(req.job)));
                set(&msg, "name", &JsValue::from_str(&req.name));
                set(&msg, "locale", &JsValue::from_str(req.locale));
                set(&msg, "skipBadRows", &JsValue::from_bool(req.skip_bad_rows));
                set(&msg, "source", &req.file);
            }
            Request::Prepare(req) => {
                set(&msg, "type", &JsValue::from_str("prepare"));
                set(&msg, "job", &JsValue::from_f64(f64::from(req.job)));
                set_blobs(
                    &msg,
                    req.files.iter().map(|(n, b, stamp)| (n, b, Some(*stamp))),
                );
                if !self.encode(&msg, "settings", &req.settings) {
                    return;
                }
            }
            Request::Workbench(req) => {
                set(&msg, "type", &JsValue::from_str("workbench"));
                set(&msg, "job", &JsValue::from_f64(f64::from(req.job)));
                set_blobs(
                    &msg,
                    req.files.iter().map(|(n, b, stamp)| (n, b, Some(*stamp))),
                );
                if !self.encode(&msg, "settings", &req.settings)
                    || !self.encode(&msg, "analysis", &req.analysis)
                {
                    return;
                }
            }
            Request::Demo { job } => {
                set(&msg, "type", &JsValue::from_str("demo"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
            }
            Request::Query { job, query } => {
                set(&msg, "type", &JsValue::from_str("query"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                if !self.encode(&msg, "query", &query) {
                    return;
                }
            }
            Request::Card { job, id } => {
                set(&msg, "type", &JsValue::from_str("card"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                set(&msg, "id", &JsValue::from_str(&id));
            }
            Request::Facets { job } => {
                set(&msg, "type", &JsValue::from_str("facets"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
            }
            Request::Selections { job, filters } => {
                set(&msg, "type", &JsValue::from_str("selections"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                if !self.encode(&msg, "filters", &filters) {
                    return;
                }
            }
            Request::TargetList {
                job,
                datamart,
                columns,
                french,
                reidentify,
            } => {
                if let Some(with) = reidentify {
                    set_files(
                        &msg,
                        &transfer,
                        with.files.iter().map(|(n, b)| (n, b, None)),
                    );
                    if !self.encode(&msg, "settings", &with.settings) {
                        return;
                    }
                }
                set(&msg, "type", &JsValue::from_str("target-list"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                if !self.encode(&msg, "datamart", &datamart)
                    || !self.encode(&msg, "columns", &columns)
                {
                    return;
                }
                set(
                    &msg,
                    "style",
                    &JsValue::from_str(if french { "fr" } else { "plain" }),
                );
            }
            Request::ReportJson {
                job,
                head,
                parts,
                fingerprints,
                pages,
            } => {
                set(&msg, "type", &JsValue::from_str("report-json"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                set(&msg, "head", &JsValue::from_str(&head));
                if !self.encode(&msg, "parts", &parts)
                    || !self.encode(&msg, "fingerprints", &fingerprints)
                    || !self.encode(&msg, "pages", &pages)
                {
                    return;
                }
            }
            Request::KeyCheck { job, hex } => {
                set(&msg, "type", &JsValue::from_str("key-check"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                set(&msg, "hex", &JsValue::from_str(&hex));
            }
            Request::KeyDerive {
                job,
                passphrase,
                salt,
            } => {
                set(&msg, "type", &JsValue::from_str("key-derive"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                set(&msg, "passphrase", &JsValue::from_str(&passphrase));
                set(&msg, "salt", &JsValue::from_str(&salt));
            }
            Request::Export { job, query, french } => {
                set(&msg, "type", &JsValue::from_str("export"));
                set(&msg, "job", &JsValue::from_f64(f64::from(job)));
                if !self.encode(&msg, "query", &query) {
                    return;
                }
                set(
                    &msg,
                    "style",
                    &JsValue::from_str(if french { "fr" } else { "plain" }),
                );
            }
        }
        let worker = self.inner.borrow().worker.clone();
        if let Some(w) = worker
            && let Err(e) = w.post_message_with_transfer(&msg, &transfer)
        {
            self.on_crash(format!("cannot send the file to the worker: {e:?}"));
        }
    }
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// `msg.files = [{name, blob, stamp?}]`: the files themselves (a `File` is a handle: nothing is
/// read here), which the worker streams.
fn set_blobs<'a>(
    msg: &Object,
    files: impl Iterator<Item = (&'a String, &'a web_sys::Blob, Option<f64>)>,
) {
    let list = Array::new();
    for (name, blob, stamp) in files {
        let f = Object::new();
        set(&f, "name", &JsValue::from_str(name));
        set(&f, "blob", blob);
        if let Some(stamp) = stamp {
            set(&f, "stamp", &JsValue::from_f64(stamp));
        }
        list.push(&f);
    }
    set(msg, "files", &list);
}

/// `msg.files = [{name, bytes, stamp?}]`, the buffers moved to the worker (transferred).
fn set_files<'a>(
    msg: &Object,
    transfer: &Array,
    files: impl Iterator<Item = (&'a String, &'a ArrayBuffer, Option<f64>)>,
) {
    let list = Array::new();
    for (name, bytes, stamp) in files {
        let f = Object::new();
        set(&f, "name", &JsValue::from_str(name));
        set(&f, "bytes", bytes);
        if let Some(stamp) = stamp {
            set(&f, "stamp", &JsValue::from_f64(stamp));
        }
        list.push(&f);
        transfer.push(bytes);
    }
    set(msg, "files", &list);
}
