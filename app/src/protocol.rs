//! Messages between the page and the worker.
//!
//! The page sends plain JS objects (`{type: "rfm", job, name, bytes, locale, skipBadRows}`,
//! `bytes` an `ArrayBuffer` transferred, not copied) so that the bench page can speak the same
//! protocol from JavaScript; structured values in them (settings, queries) are JSON text. The
//! worker answers `{type, job, json}`: `json` is a [`FromWorker`] as JSON (`{"<type>": {job,
//! …}}`), `type` and `job` repeat its tag and job so that a listener can route it without
//! parsing.
//!
//! Why JSON both ways: the page then links one deserializer (serde_json's, which it needs for
//! reports anyway) instead of three (serde-wasm-bindgen's, serde's buffered `Content` for the
//! internally tagged enum, and serde_json's): every `Deserialize` impl is instantiated once.
//! That keeps the page's module within its size budget.
//!
//! The Data page sends `{type: "prepare", job, files: [{name, bytes}, …], settings}`, the
//! settings a [`PrepareSettings`]; the worker answers with [`FromWorker::Prepared`].
//!
//! The workbench: `{type: "workbench", job, files, settings, analysis}` prepares the files
//! (reusing the last preparation when files and settings are unchanged) and runs the whole
//! analysis on the consolidated base ([`FromWorker::Step`] as each step starts, then
//! [`FromWorker::Workbench`], whose report sections come beside `json` as `parts: [[name,
//! json], …]` so that the page parses each in a task of its own); `{type: "demo", job}` answers `{type: "demo-files", job,
//! files: [{name, bytes}]}` (a `Uint8Array` each, transferred); `{type: "query", job, query}`
//! answers a page of the customer table ([`FromWorker::Rows`]); `{type: "export", job, query,
//! style: "fr" | "plain"}` answers the whole selection as CSV ([`FromWorker::Csv`]).
//!
//! Datamarts: `{type: "facets", job}` answers the table's columns ([`FromWorker::Facets`]);
//! `{type: "selections", job, filters}` counts and sums each filter's customers
//! ([`FromWorker::Selections`]); `{type: "target-list", job, datamart, columns, style}`
//! answers the datamart's target list ([`FromWorker::Csv`]), byte for byte what `prisme
//! workbench --datamart --target-list` writes.

use prisme_core::analysis::Step;
use prisme_core::anonymize::PiiAction;
use prisme_core::consolidate::TableKind;
use prisme_core::explore::{Card, ColumnFacet, CustomerRows, Selection, TablePage};
use prisme_core::ingest::{Locale, Stage};
use prisme_core::sources::{BaseView, Corrections, SourceView};
use prisme_core::summary::RfmSummary;
use prisme_core::workbench::SliceCandidate;
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
    /// Helper workers that computed parts of the analysis side by side (`pool`).
    #[serde(default)]
    pub helpers: usize,
}

/// How the Data page wants its files read, corrected and anonymized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepareSettings {
    pub locale: Locale,
    /// Corrections by file name.
    pub corrections: Vec<(String, Corrections)>,
    /// Pseudonymize ids and apply `pii` to personal data.
    pub anonymize: bool,
    pub pii: PiiAction,
    /// The project's secret: 64 hex digits (32 random bytes) kept in the browser's local
    /// storage; its text is the HMAC key.
    pub secret: String,
    /// Today, in days since 1970-01-01 (the core has no clock): future dates, open contracts.
    pub today: i32,
}

/// A step of a workbench job: reading and joining the files, then the analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobStep {
    Reading,
    Consolidating,
    Analysis(Step),
}

/// A file of a `prepare` request, read or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileOutcome {
    pub file: String,
    pub view: Option<SourceView>,
    pub error: Option<FileError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileError {
    pub message: String,
    pub line: Option<u64>,
    pub column: Option<usize>,
}

/// A customer's rows in one of the files, for the card; the columns the card draws from by
/// their role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardSource {
    pub file: String,
    pub kind: TableKind,
    pub rows: CustomerRows,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub contract_end: Option<String>,
}

/// One filter's selection, or why it cannot apply to this table (an unknown column…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionOutcome {
    pub selection: Option<Selection>,
    pub error: Option<String>,
}

/// A message from the worker.
///
/// Externally tagged (`{"workbench": {…}}`): an internally tagged enum would make serde buffer
/// every message into its `Content` tree first, code the page's module would carry for
/// nothing (the tag is also beside the JSON, as `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FromWorker {
    /// The engine is loaded and listening.
    Ready { engine_version: String },
    Progress {
        job: u32,
        stage: Stage,
        fraction: f64,
        /// Bytes read and the file's size, when the file is read as a stream.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<(f64, f64)>,
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
    /// The Data page's files, profiled, and their consolidated base.
    Prepared {
        job: u32,
        files: Vec<FileOutcome>,
        base: Option<BaseView>,
        /// Why there is no base, when files were read but cannot be joined.
        base_error: Option<String>,
        /// Reading, anonymizing and profiling every file.
        prepare_ms: f64,
        consolidate_ms: f64,
    },
    /// A workbench job started a step.
    Step { job: u32, step: JobStep },
    /// The whole analysis of the base.
    Workbench {
        job: u32,
        /// The report document as JSON, without its large sections…
        report: String,
        /// …which come apart, each as JSON (`churn`, `charts`, …): the page parses one per
        /// task, so that taking a large report never blocks it for long. Posted beside the
        /// message's JSON (`parts`), not inside it: escaped in it, they would be parsed at once.
        #[serde(skip)]
        parts: Vec<(String, String)>,
        customers: usize,
        candidates: Vec<SliceCandidate>,
        rows_skipped: usize,
        prepare_ms: f64,
        analysis_ms: f64,
        /// The files were prepared again (not the last preparation's reuse).
        prepared_again: bool,
    },
    /// A key's fingerprint (and the key, when derived from a passphrase).
    Key {
        job: u32,
        hex: String,
        fingerprint: String,
    },
    /// A page of the customer table.
    Rows { job: u32, page: TablePage },
    /// A selection of the customer table as CSV.
    Csv { job: u32, text: String },
    /// One customer's card (`{type: "card", job, id}`); `None` when no customer has that id.
    Card {
        job: u32,
        card: Option<Card>,
        /// The customer's rows in the other files: purchases, contracts, contacts.
        #[serde(default)]
        sources: Vec<CardSource>,
    },
    /// The customer table's columns for the filter builder (`{type: "facets", job}`).
    Facets { job: u32, columns: Vec<ColumnFacet> },
    /// What each filter selects (`{type: "selections", job, filters}`, `filters` a JSON list
    /// of datamart filters), in order.
    Selections {
        job: u32,
        items: Vec<SelectionOutcome>,
    },
    Error {
        job: u32,
        message: String,
        file: String,
        line: Option<u64>,
        column: Option<usize>,
    },
}

impl FromWorker {
    /// The message's `type` tag, as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            FromWorker::Ready { .. } => "ready",
            FromWorker::Progress { .. } => "progress",
            FromWorker::Done { .. } => "done",
            FromWorker::Analyzed { .. } => "analyzed",
            FromWorker::Prepared { .. } => "prepared",
            FromWorker::Step { .. } => "step",
            FromWorker::Workbench { .. } => "workbench",
            FromWorker::Key { .. } => "key",
            FromWorker::Rows { .. } => "rows",
            FromWorker::Csv { .. } => "csv",
            FromWorker::Card { .. } => "card",
            FromWorker::Facets { .. } => "facets",
            FromWorker::Selections { .. } => "selections",
            FromWorker::Error { .. } => "error",
        }
    }

    /// The job it answers (all but `ready`).
    pub fn job(&self) -> Option<u32> {
        match self {
            FromWorker::Ready { .. } => None,
            FromWorker::Progress { job, .. }
            | FromWorker::Done { job, .. }
            | FromWorker::Analyzed { job, .. }
            | FromWorker::Prepared { job, .. }
            | FromWorker::Step { job, .. }
            | FromWorker::Workbench { job, .. }
            | FromWorker::Key { job, .. }
            | FromWorker::Rows { job, .. }
            | FromWorker::Csv { job, .. }
            | FromWorker::Card { job, .. }
            | FromWorker::Facets { job, .. }
            | FromWorker::Selections { job, .. }
            | FromWorker::Error { job, .. } => Some(*job),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_is_the_serialized_tag() {
        let msgs = [
            FromWorker::Ready {
                engine_version: "x".into(),
            },
            FromWorker::Step {
                job: 3,
                step: JobStep::Reading,
            },
            FromWorker::Csv {
                job: 4,
                text: "a".into(),
            },
            FromWorker::Error {
                job: 5,
                message: "m".into(),
                file: String::new(),
                line: None,
                column: None,
            },
        ];
        for m in msgs {
            let v: serde_json::Value = serde_json::to_value(&m).unwrap();
            let body = &v[m.kind()];
            assert!(body.is_object(), "{v}");
            assert_eq!(
                body.get("job").and_then(|j| j.as_u64()),
                m.job().map(u64::from)
            );
            let back: FromWorker =
                serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
            assert_eq!(back, m);
        }
    }
}
