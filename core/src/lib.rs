//! Prisme's engine: customer files in, analyses out.
//!
//! Pure computation: no DOM, no network, no clock and no filesystem. Callers hand in bytes and
//! parameters and get Arrow arrays and plain values back, so the same code runs natively (CLI,
//! tests, benchmarks) and in the browser's Web Worker (wasm32).
//!
//! - [`ingest`] reads delimited text into Arrow columns (encoding, dialect, formats, roles);
//! - [`transactions`] assembles a purchases table from a file;
//! - [`pii`] recognises personal data by content (phones, e-mails, IBANs, cards, NIRs, IP
//!   and street addresses, postcodes, names, free text); [`anonymize`] decides and applies
//!   each column's fate (pseudonymize, drop, mask, generalize, redact, keep) with the key of
//!   [`key`];
//! - [`sources`] prepares dropped files (corrections, anonymization, profile) and joins them
//!   into one customer base ([`consolidate`]);
//! - [`rfm`] scores customers by recency, frequency and monetary value;
//! - [`segment`] names RFM segments, summarizes them and tracks migrations between dates;
//! - [`datamart`] saves named filters over the customer base and exports target lists;
//! - [`clv`] forecasts repeat purchases, P(alive) and customer lifetime value (BG/NBD,
//!   Gamma-Gamma);
//! - [`churn`] predicts which customers will leave (logistic regression and boosted trees);
//! - [`cluster`] segments customers with k-means++, choosing k by silhouette;
//! - [`cohort`] follows customers by acquisition period (retention, revenue, repeat rate);
//! - [`indicators`] tracks revenue, orders, customers, basket, frequency and churn per period,
//!   overall and per slice;
//! - [`period`] numbers ISO weeks, months, quarters and years consecutively;
//! - [`analysis`] runs every analysis the inputs allow into one versioned report and a
//!   per-customer scores table;
//! - [`warehouse`] reads a per-customer summary computed by a warehouse engine, an input the
//!   customer-level analyses run on without the purchases;
//! - [`synth`] writes deterministic synthetic files for tests and benchmarks.

// Errors carry the file, line, column and value the user needs; they are rare and cold.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod anonymize;
pub mod charts;
pub mod churn;
pub mod cluster;
pub mod clv;
pub mod cohort;
pub mod consolidate;
pub mod datamart;
pub mod demo;
pub mod error;
pub mod explore;
pub mod indicators;
pub mod ingest;
pub mod key;
pub mod math;
pub mod period;
pub mod pii;
pub mod profile;
pub mod reidentify;
pub mod rfm;
pub mod segment;
pub mod sources;
pub mod summary;
pub mod synth;
pub mod transactions;
pub mod warehouse;
pub mod workbench;

pub use error::IngestError;

/// The engine's version, reported by the bench page and the CLI.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
