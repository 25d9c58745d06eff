//! The slice's answer: counts, the RFM cells and the R×F grid, in a serializable form shared
//! by the CLI (`--json`), the worker and the bench page.

use serde::{Deserialize, Serialize};

use crate::ingest::date::format_days;
use crate::rfm::{Cell, Rfm};
use crate::transactions::LoadReport;

/// What one RFM run found, without per-customer rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSummary {
    pub engine_version: String,
    pub rows: usize,
    pub rows_skipped: usize,
    pub customers: usize,
    /// `yyyy-mm-dd`.
    pub snapshot: String,
    pub customer_column: String,
    pub date_column: String,
    pub amount_column: String,
    /// `[r, f, m, count]` sorted by r, f, m.
    pub cells: Vec<[u64; 4]>,
    /// Customer counts, `rf_grid[r-1][f-1]`.
    pub rf_grid: Vec<Vec<u64>>,
    /// Encoding and separator detected, for display.
    pub encoding: String,
    pub delimiter: String,
}

impl RfmSummary {
    pub fn new(rfm: &Rfm, load: &LoadReport) -> Self {
        RfmSummary {
            engine_version: crate::ENGINE_VERSION.to_string(),
            rows: load.rows_kept,
            rows_skipped: load.rows_skipped,
            customers: rfm.customers(),
            snapshot: format_days(rfm.snapshot),
            customer_column: load.customer_column.clone(),
            date_column: load.date_column.clone(),
            amount_column: load.amount_column.clone(),
            cells: rfm
                .cells()
                .into_iter()
                .map(|Cell { r, f, m, count }| [u64::from(r), u64::from(f), u64::from(m), count])
                .collect(),
            rf_grid: rfm.rf_grid(),
            encoding: load.plan.encoding.encoding.label().to_string(),
            delimiter: load.plan.delimiter.label().to_string(),
        }
    }
}
