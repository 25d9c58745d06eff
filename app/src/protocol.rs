//! Messages between the page and the worker.
//!
//! The page sends plain JS objects (`{type: "rfm", job, name, bytes, locale, skipBadRows}`,
//! `bytes` an `ArrayBuffer` transferred, not copied) so that the bench page can speak the same
//! protocol from JavaScript. The worker answers with [`FromWorker`] values serialized by
//! `serde-wasm-bindgen` into JS objects tagged by `type`.

use prisme_core::ingest::Stage;
use prisme_core::summary::RfmSummary;
use serde::{Deserialize, Serialize};

/// Milliseconds measured inside the worker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorkerTimings {
    /// Copying the bytes into the engine, detecting the format and parsing into Arrow arrays.
    pub ingest_ms: f64,
    /// Aggregating per customer and scoring.
    pub rfm_ms: f64,
}

/// Milliseconds of a whole analysis, measured inside the worker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnalysisTimings {
    pub ingest_ms: f64,
    /// RFM and segments, clusters, CLV, churn, cohorts and indicators.
    pub analysis_ms: f64,
}

/// A message from the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The engine is loaded and listening.
    Ready { engine_version: String },
    Progress {
        job: u32,
        stage: Stage,
        fraction: f64,
    },
    Done {
        job: u32,
        summary: RfmSummary,
        timings: WorkerTimings,
        /// Size of the worker's wasm memory after the job: its peak, since it never shrinks.
        memory_bytes: f64,
    },
    /// The whole analysis (`{type: "analyze", …}` requests).
    Analyzed {
        job: u32,
        /// The report document as JSON (see `prisme_core::analysis::Report`).
        report: String,
        customers: usize,
        timings: AnalysisTimings,
        memory_bytes: f64,
    },
    Error {
        job: u32,
        message: String,
        file: String,
        line: Option<u64>,
        column: Option<usize>,
    },
}
