//! The worker's helpers: more instances of the worker's own module, each in its own Web Worker,
//! that compute analyses side by side with it.
//!
//! A static page cannot rely on threads in wasm (shared memory needs cross-origin isolation
//! headers that GitHub Pages and most static hosts do not send), so parallelism in the browser
//! is one wasm instance per core, each with its own memory. Once the purchases are read and
//! RFM is scored, the analyses are independent (`core::analysis::Part`): the worker hands the
//! purchases (four typed arrays, copied once) to its helpers, each computes its parts and sends
//! them back as JSON, which puts back every number bit for bit; the worker computes the other
//! parts meanwhile and assembles the report exactly as the sequential run would
//! (`core/tests/analysis.rs`).
//!
//! Helpers are started when the first analysis begins (their module loads while the file is
//! read) and kept for the next ones. `navigator.hardwareConcurrency - 1` of them, at most
//! four (there are five parts); none on one core, or where a worker cannot start a worker.
//! The parts are shared by their measured cost ([`plan`]).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use arrow_array::{DictionaryArray, StringArray, UInt32Array};
use js_sys::{Array, Float64Array, Int32Array, Object, Promise, Reflect, Uint8Array, Uint32Array};
use prisme_core::analysis::{AnalysisParams, Part, PartResult};
use prisme_core::transactions::Transactions;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerGlobalScope};

type Pending = Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>>;

struct Helper {
    worker: Worker,
    /// Resolves when the helper's module has arrived and compiles (its loader's `started`
    /// message); rejects if it cannot load.
    ready: Promise,
    /// The answer awaited: its promise's resolve and reject.
    pending: Pending,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static HELPERS: RefCell<Vec<Helper>> = const { RefCell::new(Vec::new()) };
}

/// How many helpers this machine gets.
pub fn size() -> usize {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let cores = scope.navigator().hardware_concurrency() as usize;
    cores.saturating_sub(1).min(Part::ALL.len() - 1)
}

/// Starts the helpers that are not running yet; returns how many there are.
pub fn start() -> usize {
    let want = size();
    HELPERS.with_borrow_mut(|helpers| {
        while helpers.len() < want {
            match spawn() {
                Ok(h) => helpers.push(h),
                Err(e) => {
                    web_sys::console::warn_2(&"prisme: no helper worker".into(), &e);
                    break;
                }
            }
        }
        helpers.len()
    })
}

fn spawn() -> Result<Helper, JsValue> {
    // The same script as this worker (its loader), wherever the page is served from.
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let opts = web_sys::WorkerOptions::new();
    opts.set_name("helper");
    let worker = Worker::new_with_options(&scope.location().href(), &opts)?;
    let starting: Pending = Default::default();
    let slot = starting.clone();
    let ready = Promise::new(&mut |resolve, reject| *slot.borrow_mut() = Some((resolve, reject)));
    let pending: Pending = Default::default();
    let answers = pending.clone();
    let (failed_start, crashed_start) = (starting.clone(), starting.clone());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let get = |k: &str| Reflect::get(&data, &k.into()).unwrap_or_default();
        match get("type").as_string().as_deref() {
            Some("started") => {
                if let Some((resolve, _)) = starting.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
            Some("parts") => {
                if let Some((resolve, _)) = answers.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::NULL, &get("json"));
                }
            }
            Some("error") => {
                // Its module did not load (then no answer is awaited yet), or a part failed.
                if let Some((_, reject)) = failed_start.borrow_mut().take() {
                    let _ = reject.call1(&JsValue::NULL, &get("json"));
                }
                if let Some((_, reject)) = answers.borrow_mut().take() {
                    let _ = reject.call1(&JsValue::NULL, &get("json"));
                }
            }
            _ => {}
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // A helper that dies (out of memory, a script that does not load) fails its start or its
    // answer: the worker computes the parts.
    let crashed = pending.clone();
    let on_error =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
            ev.prevent_default();
            for slot in [&crashed_start, &crashed] {
                if let Some((_, reject)) = slot.borrow_mut().take() {
                    let _ = reject.call1(&JsValue::NULL, &ev.message().into());
                }
            }
        });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Helper {
        worker,
        ready,
        pending,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Each part's time in the browser on the 1M-row file (ms, with the other core busy: the
/// worker's and a helper's own timings, 2-core machine, 2026-12-05).
/// CLV's holdout check costs nothing without a calibration end (the bench's analysis); the
/// Data page's analysis sets one (`workbench::auto_calibration_end`).
const COST: [(Part, f64); 5] = [
    (Part::Churn, 1000.0),
    (Part::Clusters, 1100.0),
    (Part::Clv, 450.0),
    (Part::ClvHoldout, 430.0),
    (Part::Cohorts, 115.0),
];

/// Above this many purchases the analysis stays in the worker alone: each helper holds its own
/// copy of the purchases and its own working sets, which on 20M rows took the tab from 2.1 GB
/// to 3.9 GB and was slower besides (65 s against 55 s on 2 cores, memory-bound). Memory
/// first: a laptop's tab must not run out of it.
pub const MAX_ROWS: usize = 5_000_000;

/// Which of the `shared` parts each of `n` helpers computes (`plan[n]`: the worker itself):
/// of every way to share them, the one whose busiest worker ends first by [`COST`]. What the
/// worker does besides (handing the purchases over before, RFM, segments, indicators and the
/// report's assembly after) comes before and after every part, whoever computes it: it adds
/// the same time to every way of sharing, so it does not count against the worker's share.
pub fn plan(n: usize, shared: &[Part], holdout: bool) -> Vec<Vec<Part>> {
    let slots = n + 1;
    let cost: Vec<(Part, f64)> = COST
        .into_iter()
        .filter(|(p, _)| shared.contains(p))
        .map(|(p, c)| {
            (
                p,
                if p == Part::ClvHoldout && !holdout {
                    0.0
                } else {
                    c
                },
            )
        })
        .collect();
    let mut best: (f64, Vec<usize>) = (f64::INFINITY, vec![n; cost.len()]);
    let combos = slots.pow(cost.len() as u32);
    for code in 0..combos {
        let mut load = vec![0.0; slots];
        let mut who = Vec::with_capacity(cost.len());
        let mut c = code;
        for &(_, cost) in &cost {
            let w = c % slots;
            c /= slots;
            load[w] += cost;
            who.push(w);
        }
        let end = load.iter().copied().fold(0.0, f64::max);
        if end < best.0 {
            best = (end, who);
        }
    }
    let mut plan = vec![Vec::new(); slots];
    for (&(part, _), &w) in cost.iter().zip(&best.1) {
        plan[w].push(part);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_worker_ends_first() {
        let has = |side: &[Part], x: Part| side.contains(&x);
        // One helper, no holdout check: clusters and cohorts (1,215 ms) beside churn and CLV
        // (1,450 ms), not clusters alone beside the three others (1,565 ms).
        let p = plan(1, &Part::ALL, false);
        let (h, w) = (&p[0], &p[1]);
        assert!(has(h, Part::Churn) == has(h, Part::Clv), "{p:?}");
        assert!(has(w, Part::Clusters) == has(w, Part::Cohorts), "{p:?}");
        assert!(has(h, Part::Churn) != has(h, Part::Clusters), "{p:?}");
        assert_eq!(h.len() + w.len(), 5);
        // With CLV's holdout check: clusters and CLV (1,550 ms) beside churn, the check and
        // cohorts (1,545 ms), the only way under 1,565 ms.
        let p = plan(1, &Part::ALL, true);
        let side = |x: Part| p.iter().position(|s| has(s, x));
        assert_eq!(side(Part::Clusters), side(Part::Clv), "{p:?}");
        assert_eq!(side(Part::Churn), side(Part::ClvHoldout), "{p:?}");
        assert_eq!(side(Part::Churn), side(Part::Cohorts), "{p:?}");
        assert_ne!(side(Part::Churn), side(Part::Clusters), "{p:?}");
        // No helper: the worker computes everything.
        assert_eq!(plan(0, &Part::ALL, true), vec![Part::ALL.to_vec()]);
        // A labelled customer table's churn model stays with the worker, not shared.
        let shared = [Part::Clusters, Part::Clv, Part::ClvHoldout, Part::Cohorts];
        let p = plan(1, &shared, true);
        assert!(p.iter().flatten().all(|x| *x != Part::Churn));
        // Three helpers: the two longest parts alone.
        let p = plan(3, &Part::ALL, true);
        for long in [Part::Clusters, Part::Churn] {
            assert!(p.iter().any(|s| s == &vec![long]), "{p:?}");
        }
    }
}

/// Sends the purchases to every helper with its parts to compute, once its module has arrived
/// (its loader's `started`; the loader keeps the message until the module runs). Not sooner:
/// a helper is a worker started by this worker, and in Chromium its fetch waits on this
/// worker's event loop, so a helper sent its work at once sat idle until this worker's own
/// parts were done (analysis 2.6 s instead of 1.6 s). Not later either: its module compiles
/// while this worker computes. The answers come later: await each with [`answer`]. Only the
/// `shared` parts go to helpers (a labelled customer table's churn model stays here). Also returns the shared parts the worker computes itself
/// (those of a helper that cannot be reached are left to `analyze_with`).
pub async fn ask(
    tx: &Transactions,
    params: &AnalysisParams,
    job: u32,
    shared: &[Part],
) -> (Vec<Part>, Vec<Promise>) {
    let holdout = params.clv.calibration_end.is_some();
    let Ok(params) = serde_json::to_string(params) else {
        return (Vec::new(), Vec::new());
    };
    if tx.len() > MAX_ROWS {
        return (Vec::new(), Vec::new());
    }
    let helpers: Vec<(Worker, Promise, Pending)> = HELPERS.with_borrow(|helpers| {
        helpers
            .iter()
            .map(|h| (h.worker.clone(), h.ready.clone(), h.pending.clone()))
            .collect()
    });
    let n = helpers.len();
    let mut plan = plan(n, shared, holdout);
    let mut answers = Vec::new();
    for (i, (worker, ready, pending)) in helpers.into_iter().enumerate() {
        if JsFuture::from(ready).await.is_err() {
            continue;
        }
        let msg = Object::new();
        let transfer = Array::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&msg, &k.into(), v);
        };
        set("type", &"part".into());
        set("job", &JsValue::from_f64(f64::from(job)));
        set("params", &params.clone().into());
        let parts = serde_json::to_string(&plan[i]).unwrap_or_default();
        set("parts", &parts.into());
        let ids = tx.customer_ids();
        let buffers: [(&str, JsValue); 5] = [
            (
                "keys",
                Uint32Array::from(tx.customer.keys().values().as_ref()).into(),
            ),
            ("offsets", Int32Array::from(ids.value_offsets()).into()),
            ("values", Uint8Array::from(ids.value_data()).into()),
            ("days", Int32Array::from(tx.day.as_slice()).into()),
            ("amounts", Float64Array::from(tx.amount.as_slice()).into()),
        ];
        for (k, v) in buffers {
            if let Ok(b) = Reflect::get(&v, &"buffer".into()) {
                transfer.push(&b);
            }
            set(k, &v);
        }
        let slot = pending.clone();
        let answer = Promise::new(&mut |resolve, reject| {
            *slot.borrow_mut() = Some((resolve, reject));
        });
        if let Err(e) = worker.post_message_with_transfer(&msg, &transfer) {
            web_sys::console::error_2(&"prisme: cannot reach a helper".into(), &e);
            pending.borrow_mut().take();
            continue;
        }
        answers.push(answer);
    }
    (plan.swap_remove(n), answers)
}

/// A helper's parts, or why there are none (then the worker computes them itself).
pub async fn answer(p: Promise) -> Result<Vec<PartResult>, String> {
    let json = JsFuture::from(p).await.map_err(|e| format!("{e:?}"))?;
    let text = json.as_string().ok_or("no answer")?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// A helper's side: the purchases and parts a `part` request carries.
pub fn request(data: &JsValue) -> Result<(Transactions, AnalysisParams, Vec<Part>), String> {
    let get = |k: &str| Reflect::get(data, &k.into()).unwrap_or_default();
    let text = |k: &str| get(k).as_string().ok_or_else(|| format!("no {k}"));
    let params: AnalysisParams =
        serde_json::from_str(&text("params")?).map_err(|e| e.to_string())?;
    let parts: Vec<Part> = serde_json::from_str(&text("parts")?).map_err(|e| e.to_string())?;
    let keys = UInt32Array::from(get("keys").unchecked_into::<Uint32Array>().to_vec());
    let offsets = get("offsets").unchecked_into::<Int32Array>().to_vec();
    let values = get("values").unchecked_into::<Uint8Array>().to_vec();
    let ids = StringArray::try_new(
        arrow_buffer::OffsetBuffer::new(arrow_buffer::ScalarBuffer::from(offsets)),
        arrow_buffer::Buffer::from_vec(values),
        None,
    )
    .map_err(|e| e.to_string())?;
    let customer = DictionaryArray::try_new(keys, Arc::new(ids)).map_err(|e| e.to_string())?;
    let tx = Transactions {
        customer,
        day: get("days").unchecked_into::<Int32Array>().to_vec(),
        amount: get("amounts").unchecked_into::<Float64Array>().to_vec(),
    };
    Ok((tx, params, parts))
}
