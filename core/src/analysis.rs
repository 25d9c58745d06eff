//! The whole analysis in one call: RFM and named segments, clustering, customer value and
//! P(alive), churn scoring, cohorts and indicators on one customer base, gathered into one
//! versioned [`Report`] plus a per-customer [`Scores`] table.
//!
//! Each analysis runs when its inputs are there and is otherwise listed in
//! [`Report::skipped`] with the reason, so a customer table alone still gets its supervised
//! churn model and a transactions file alone gets everything else (with churn labels derived
//! from a holdout window). One analysis failing (too few repeat buyers for the spend model,
//! say) never hides the others' results.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray, UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};

use crate::charts::{self, Charts, SliceSet};
use crate::churn::{self, ChurnParams, ChurnResult};
use crate::cluster::{self, ClusterParams, Clustering, Features, LogTransform};
use crate::clv::{self, ClvParams, ClvResult, RiskBand};
use crate::cohort::{self, CohortParams, Cohorts};
use crate::indicators::{self, IndicatorParams, Indicators, Slice};
use crate::ingest::date::format_days;
use crate::period::Period;
use crate::rfm::{self, Cell, RfmParams};
use crate::segment::{self, Migration, RULES, Segment, SegmentRule, SegmentSummary};
use crate::transactions::Transactions;
use crate::warehouse::CustomerSummary;

/// The report's format name and version: readers refuse other formats and newer versions.
pub const REPORT_FORMAT: &str = "prisme-report";
pub const REPORT_VERSION: u32 = 1;

/// Parameters of every analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisParams {
    pub rfm: RfmParams,
    /// Segments are compared with this earlier snapshot (days since 1970-01-01); 90 days
    /// before the RFM snapshot when `None`.
    pub migration_from: Option<i32>,
    pub cluster: ClusterParams,
    pub clv: ClvParams,
    pub churn: ChurnParams,
    /// Without a labelled customer table: a customer counts as churned when they buy nothing
    /// in this many days; the model learns from the window ending at the snapshot.
    pub churn_window_days: i32,
    pub cohorts: CohortParams,
    pub indicators: IndicatorParams,
    /// Include the per-customer rows in the report (off by default: a report holds aggregates).
    pub per_customer: bool,
}

impl Default for AnalysisParams {
    fn default() -> Self {
        AnalysisParams {
            rfm: RfmParams::default(),
            migration_from: None,
            cluster: ClusterParams {
                // Frequency and monetary value are heavy-tailed: without the log, k-means
                // spends its clusters on a few outliers.
                log: LogTransform::All,
                ..ClusterParams::default()
            },
            clv: ClvParams::default(),
            churn: ChurnParams {
                // Half the trees at twice the rate: the same test AUC on the holdout-window
                // task (four features) at half the cost, which keeps the whole analysis on
                // 100k customers inside its time budget.
                gbt: churn::GbtParams {
                    n_trees: 100,
                    learning_rate: 0.1,
                    ..churn::GbtParams::default()
                },
                ..ChurnParams::default()
            },
            churn_window_days: 90,
            cohorts: CohortParams::default(),
            indicators: IndicatorParams::default(),
            per_customer: false,
        }
    }
}

/// The transactions and where they came from.
pub struct TransactionsInput<'a> {
    pub file: &'a str,
    pub tx: &'a Transactions,
}

/// A per-customer summary computed by a warehouse engine (see [`crate::warehouse`]), read in
/// place of the transactions when there are none.
pub struct SummaryInput<'a> {
    pub file: &'a str,
    pub summary: &'a CustomerSummary,
}

/// Where the customer-level analyses read purchases from.
enum Purchases<'a> {
    Rows(&'a Transactions),
    Summary(&'a CustomerSummary),
}

impl Purchases<'_> {
    fn ids(&self) -> &StringArray {
        match self {
            Purchases::Rows(tx) => tx.customer_ids(),
            Purchases::Summary(s) => &s.ids,
        }
    }
}

/// Why an analysis cannot run on a summary.
const NEEDS_ROWS: &str = "needs the raw transactions: a customer summary holds each customer's \
                          totals, not the dates of every purchase";

/// A customer table (one row per customer) and its id column.
pub struct CustomersInput<'a> {
    pub file: &'a str,
    pub batch: &'a RecordBatch,
    /// Name of the customer id column, when there is one.
    pub id_column: Option<&'a str>,
}

/// A categorical column to slice the indicators by.
pub struct SliceInput<'a> {
    pub column: &'a str,
    pub labels: Slice<'a>,
}

/// What goes in.
#[derive(Default)]
pub struct Inputs<'a> {
    pub transactions: Option<TransactionsInput<'a>>,
    /// Used when `transactions` is `None`.
    pub summary: Option<SummaryInput<'a>>,
    pub customers: Option<CustomersInput<'a>>,
    /// The slice of `report.indicators` (the CLI's `--slice`).
    pub slice: Option<SliceInput<'a>>,
    /// More slice columns, for the dashboard's filters (`report.charts.slices`).
    pub extra_slices: Vec<SliceInput<'a>>,
}

/// The steps of an analysis, reported as each one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Rfm,
    Clusters,
    Clv,
    Cohorts,
    Indicators,
    Churn,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSummary {
    pub file: String,
    pub kind: String,
    pub rows: usize,
    pub customers: usize,
    /// The file's size in bytes and SHA-256 (64 hex digits), set by whoever read the bytes
    /// ([`Report::set_fingerprints`]): which input a kept report came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A file's SHA-256, as 64 lowercase hex digits.
pub fn fingerprint(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An analysis that did not run, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub analysis: String,
    pub reason: String,
}

/// RFM, named segments and their migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmReport {
    pub snapshot: String,
    pub customers: usize,
    pub rows: usize,
    pub levels: u32,
    pub cells: Vec<Cell>,
    /// Customers per (R, F): `rf_grid[r-1][f-1]`.
    pub rf_grid: Vec<Vec<u64>>,
    pub segment_rules: Vec<SegmentRule>,
    pub segments: Vec<SegmentSummary>,
    pub migration: Option<Migration>,
}

/// Churn scoring: the supervised models' figures (per-row scores are in [`Scores`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnReport {
    /// `customer-table` (a labelled file) or `holdout-window` (labels derived from purchases).
    pub label_source: String,
    /// For `holdout-window`: the window the model learned from, as dates.
    pub window: Option<(String, String)>,
    /// The models' evaluation and drivers; `customer_id` and `churn_score` are left empty.
    pub result: ChurnResult,
}

/// The report document: what is saved and synced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    pub engine_version: String,
    pub inputs: Vec<InputSummary>,
    pub params: AnalysisParams,
    pub rfm: Option<RfmReport>,
    /// `labels` left empty (per-customer clusters are in [`Scores`]).
    pub clusters: Option<Clustering>,
    /// Per-customer vectors left empty (they are in [`Scores`]).
    pub clv: Option<ClvResult>,
    pub churn: Option<ChurnReport>,
    pub cohorts: Option<Cohorts>,
    pub indicators: Option<Indicators>,
    /// Chart-ready aggregates (distributions, segment values, a scatter sample, slices,
    /// cohorts at other periods): the pages draw from these without the customer rows.
    #[serde(default)]
    pub charts: Charts,
    pub skipped: Vec<Skipped>,
    /// Per-customer rows, only when [`AnalysisParams::per_customer`] is set.
    pub customers: Option<Vec<ScoreRow>>,
}

/// A page of the workbench whose aggregates a kept report can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportPage {
    Dashboard,
    Segments,
    Value,
    Attrition,
    Cohorts,
}

impl ReportPage {
    pub const ALL: [ReportPage; 5] = [
        ReportPage::Dashboard,
        ReportPage::Segments,
        ReportPage::Value,
        ReportPage::Attrition,
        ReportPage::Cohorts,
    ];

    /// The page's route name (`dashboard`, `segments`, `value`, `attrition`, `cohorts`).
    pub fn key(self) -> &'static str {
        match self {
            ReportPage::Dashboard => "dashboard",
            ReportPage::Segments => "segments",
            ReportPage::Value => "value",
            ReportPage::Attrition => "attrition",
            ReportPage::Cohorts => "cohorts",
        }
    }
}

/// Errors reading a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("this is not a Prisme report: {0}")]
    NotAReport(String),
    #[error(
        "this report was written by a newer Prisme (format version {found}; this one reads up \
         to {REPORT_VERSION}): update Prisme to open it"
    )]
    TooNew { found: u32 },
}

impl Report {
    pub fn to_json(&self) -> String {
        // Every field is plain data with string keys: serialization cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The same document without indentation: what the worker sends the page.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a report, checking its format and version first.
    pub fn from_json(text: &str) -> Result<Report, ReportError> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u32,
        }
        let head: Head =
            serde_json::from_str(text).map_err(|e| ReportError::NotAReport(e.to_string()))?;
        if head.format != REPORT_FORMAT {
            return Err(ReportError::NotAReport(format!(
                "its format is {:?}",
                head.format
            )));
        }
        if head.version > REPORT_VERSION {
            return Err(ReportError::TooNew {
                found: head.version,
            });
        }
        serde_json::from_str(text).map_err(|e| ReportError::NotAReport(e.to_string()))
    }

    /// Records the inputs' sizes and SHA-256 (`(file name, bytes, sha256)`), matched by name.
    pub fn set_fingerprints(&mut self, files: &[(String, u64, String)]) {
        for input in &mut self.inputs {
            if let Some((_, bytes, sha)) = files.iter().find(|(name, _, _)| *name == input.file) {
                input.bytes = Some(*bytes);
                input.sha256 = Some(sha.clone());
            }
        }
    }

    /// Keeps only the chosen pages' aggregates, for a report kept or handed to a client: the
    /// segments (and clusters) always, since every other figure rests on them; the dashboard's
    /// indicators and slices, the customer value, the attrition models and the cohorts only
    /// when chosen. Per-customer rows and the scatter's sample of customers are always left
    /// out: a kept report holds aggregates only.
    pub fn keep_pages(&mut self, pages: &[ReportPage]) {
        let has = |p: ReportPage| pages.contains(&p);
        self.customers = None;
        self.params.per_customer = false;
        self.charts.scatter = None;
        if !has(ReportPage::Dashboard) {
            self.indicators = None;
            self.charts.slices.clear();
        }
        if !has(ReportPage::Value) {
            self.clv = None;
            self.charts.p_alive = None;
            self.charts.expected_purchases = None;
            self.charts.clv = None;
            for s in &mut self.charts.by_segment {
                s.clv_total = None;
                s.clv_mean = None;
                s.p_alive_mean = None;
            }
        }
        if !has(ReportPage::Attrition) {
            self.churn = None;
            self.charts.churn_score = None;
            self.charts.risk_bands = None;
            for s in &mut self.charts.by_segment {
                s.churn_mean = None;
            }
        }
        if !has(ReportPage::Cohorts) {
            self.cohorts = None;
            self.charts.more_cohorts.clear();
        }
    }

    /// The pages this report can show (those whose aggregates it holds).
    pub fn pages(&self) -> Vec<ReportPage> {
        let mut out = Vec::new();
        if self.indicators.is_some() {
            out.push(ReportPage::Dashboard);
        }
        if self.rfm.is_some() {
            out.push(ReportPage::Segments);
        }
        if self.clv.is_some() {
            out.push(ReportPage::Value);
        }
        if self.churn.is_some() {
            out.push(ReportPage::Attrition);
        }
        if self.cohorts.is_some() {
            out.push(ReportPage::Cohorts);
        }
        out
    }

    /// Checks that the report's figures agree with one another, as the engine writes them:
    /// a report edited by hand (or damaged) is refused before anyone reads its numbers. The
    /// first disagreement found, in words.
    pub fn check_consistency(&self) -> Result<(), String> {
        if let Some(rfm) = &self.rfm {
            let by_segment: u64 = rfm.segments.iter().map(|s| s.customers).sum();
            if by_segment != rfm.customers as u64 {
                return Err(format!(
                    "its segments count {by_segment} customers, its RFM {}",
                    rfm.customers
                ));
            }
            let in_grid: u64 = rfm.rf_grid.iter().flatten().sum();
            if in_grid != rfm.customers as u64 {
                return Err(format!(
                    "its R×F grid counts {in_grid} customers, its RFM {}",
                    rfm.customers
                ));
            }
            let in_cells: u64 = rfm.cells.iter().map(|c| c.count).sum();
            if !rfm.cells.is_empty() && in_cells != rfm.customers as u64 {
                return Err(format!(
                    "its RFM cells count {in_cells} customers, its RFM {}",
                    rfm.customers
                ));
            }
            for s in &rfm.segments {
                let share = if rfm.customers == 0 {
                    0.0
                } else {
                    s.customers as f64 / rfm.customers as f64
                };
                if !(s.share - share).abs().le(&1e-9) {
                    return Err(format!(
                        "the segment {}'s share {} is not its {} customers out of {}",
                        s.label, s.share, s.customers, rfm.customers
                    ));
                }
            }
        }
        if let Some(ind) = &self.indicators {
            for p in &ind.total {
                if !p.revenue.is_finite() || p.active_customers < p.new_customers {
                    return Err(format!("the indicators of {} do not add up", p.label));
                }
                if p.returning_customers + p.new_customers != p.active_customers {
                    return Err(format!(
                        "in {}, new ({}) and returning ({}) customers are not the active ones ({})",
                        p.label, p.new_customers, p.returning_customers, p.active_customers
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One customer's scores (blank where an analysis did not run or does not cover them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub customer_id: String,
    pub recency: Option<i32>,
    pub frequency: Option<u32>,
    pub monetary: Option<f64>,
    pub r: Option<u8>,
    pub f: Option<u8>,
    pub m: Option<u8>,
    pub segment: Option<Segment>,
    pub cluster: Option<u32>,
    pub p_alive: Option<f64>,
    pub expected_purchases: Option<f64>,
    /// Predicted value over the horizon (discounted).
    pub clv: Option<f64>,
    // The predictions below came after format 1 was published: a report written before them
    // reads with the fields blank.
    /// Total spend up to the observation end.
    #[serde(default)]
    pub historic_clv: Option<f64>,
    /// Historic plus predicted.
    #[serde(default)]
    pub total_clv: Option<f64>,
    /// Risk of no purchase in the next 90 days ([`crate::clv::QUIET_DAYS`]), and its band.
    #[serde(default)]
    pub p_no_purchase_90d: Option<f64>,
    #[serde(default)]
    pub risk_90d: Option<RiskBand>,
    /// Mean days between purchase days (repeat buyers).
    #[serde(default)]
    pub days_between_orders: Option<f64>,
    /// Expected date of the next order if the customer is still active, `yyyy-mm-dd`.
    #[serde(default, with = "iso_day")]
    pub next_order: Option<i32>,
    /// The segment at the migration's first snapshot (90 days earlier by default); blank for
    /// customers who had not bought yet.
    #[serde(default)]
    pub previous_segment: Option<Segment>,
    pub churn_score: Option<f64>,
}

/// An optional day (days since 1970-01-01) as `"yyyy-mm-dd"` or `null` in JSON.
mod iso_day {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
        match day {
            Some(d) => s.serialize_str(&crate::ingest::date::format_days(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(t) => crate::ingest::date::parse_iso_days(&t)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not a yyyy-mm-dd date: {t}"))),
            None => Ok(None),
        }
    }
}

/// Per-customer scores: transactions' customers in id order, then customers known only from
/// the customer table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    pub rows: Vec<ScoreRow>,
    /// Whether any customer has a churn score (the column is left out otherwise).
    pub has_churn: bool,
}

impl Scores {
    /// The columns of `scores.csv`, in order.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut c = vec![
            "customer_id",
            "recency",
            "frequency",
            "monetary",
            "r",
            "f",
            "m",
            "segment",
            "cluster",
            "p_alive",
            "expected_purchases",
            "clv",
            "historic_clv",
            "total_clv",
            "p_no_purchase_90d",
            "risk_90d",
            "days_between_orders",
            "next_order",
            "previous_segment",
        ];
        if self.has_churn {
            c.push("churn_score");
        }
        c
    }

    /// As an Arrow table (for datamart filters and exports).
    pub fn to_record_batch(&self) -> RecordBatch {
        let r = &self.rows;
        let mut fields = vec![
            Field::new("customer_id", DataType::Utf8, false),
            Field::new("recency", DataType::Int32, true),
            Field::new("frequency", DataType::UInt32, true),
            Field::new("monetary", DataType::Float64, true),
            Field::new("r", DataType::UInt32, true),
            Field::new("f", DataType::UInt32, true),
            Field::new("m", DataType::UInt32, true),
            Field::new("segment", DataType::Utf8, true),
            Field::new("cluster", DataType::UInt32, true),
            Field::new("p_alive", DataType::Float64, true),
            Field::new("expected_purchases", DataType::Float64, true),
            Field::new("clv", DataType::Float64, true),
            Field::new("historic_clv", DataType::Float64, true),
            Field::new("total_clv", DataType::Float64, true),
            Field::new("p_no_purchase_90d", DataType::Float64, true),
            Field::new("risk_90d", DataType::Utf8, true),
            Field::new("days_between_orders", DataType::Float64, true),
            Field::new("next_order", DataType::Date32, true),
            Field::new("previous_segment", DataType::Utf8, true),
        ];
        let f64s = |get: &dyn Fn(&ScoreRow) -> Option<f64>| -> ArrayRef {
            Arc::new(r.iter().map(get).collect::<Float64Array>())
        };
        let u32s = |get: &dyn Fn(&ScoreRow) -> Option<u32>| -> ArrayRef {
            Arc::new(r.iter().map(get).collect::<UInt32Array>())
        };
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                r.iter().map(|x| &x.customer_id),
            )),
            Arc::new(r.iter().map(|x| x.recency).collect::<Int32Array>()),
            u32s(&|x| x.frequency),
            f64s(&|x| x.monetary),
            u32s(&|x| x.r.map(u32::from)),
            u32s(&|x| x.f.map(u32::from)),
            u32s(&|x| x.m.map(u32::from)),
            Arc::new(
                r.iter()
                    .map(|x| x.segment.map(Segment::key))
                    .collect::<StringArray>(),
            ),
            u32s(&|x| x.cluster),
            f64s(&|x| x.p_alive),
            f64s(&|x| x.expected_purchases),
            f64s(&|x| x.clv),
            f64s(&|x| x.historic_clv),
            f64s(&|x| x.total_clv),
            f64s(&|x| x.p_no_purchase_90d),
            Arc::new(
                r.iter()
                    .map(|x| x.risk_90d.map(RiskBand::key))
                    .collect::<StringArray>(),
            ),
            f64s(&|x| x.days_between_orders),
            Arc::new(r.iter().map(|x| x.next_order).collect::<Date32Array>()),
            Arc::new(
                r.iter()
                    .map(|x| x.previous_segment.map(Segment::key))
                    .collect::<StringArray>(),
            ),
        ];
        if self.has_churn {
            fields.push(Field::new("churn_score", DataType::Float64, true));
            columns.push(f64s(&|x| x.churn_score));
        }
        // Every column has one value per row and the schema's type, by construction.
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
            .expect("scores batch matches its schema")
    }

    /// `scores.csv`: comma-separated, decimal point, one row per customer; probabilities and
    /// expectations with 6 decimals, money with 2; blank where an analysis does not apply.
    pub fn to_csv(&self) -> String {
        let mut out = self.columns().join(",");
        out.push('\n');
        let num =
            |v: Option<f64>, digits: usize| v.map_or(String::new(), |v| format!("{v:.digits$}"));
        let int = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
        for x in &self.rows {
            let id = if x.customer_id.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", x.customer_id.replace('"', "\"\""))
            } else {
                x.customer_id.clone()
            };
            let mut cells = vec![
                id,
                x.recency.map_or(String::new(), |v| v.to_string()),
                int(x.frequency.map(u64::from)),
                num(x.monetary, 2),
                int(x.r.map(u64::from)),
                int(x.f.map(u64::from)),
                int(x.m.map(u64::from)),
                x.segment.map_or(String::new(), |s| s.key().to_string()),
                int(x.cluster.map(u64::from)),
                num(x.p_alive, 6),
                num(x.expected_purchases, 6),
                num(x.clv, 2),
                num(x.historic_clv, 2),
                num(x.total_clv, 2),
                num(x.p_no_purchase_90d, 6),
                x.risk_90d.map_or(String::new(), |b| b.key().to_string()),
                num(x.days_between_orders, 1),
                x.next_order.map_or(String::new(), format_days),
                x.previous_segment
                    .map_or(String::new(), |s| s.key().to_string()),
            ];
            if self.has_churn {
                cells.push(num(x.churn_score, 6));
            }
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// The report and the per-customer scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub report: Report,
    pub scores: Scores,
}

/// Errors that stop the whole analysis (single analyses failing are only skipped).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("nothing to analyse: give a transactions file, or a customer table with a churn label")]
    NoInput,
    #[error("no analysis could run: {0}")]
    NothingRan(String),
}

fn skip(skipped: &mut Vec<Skipped>, analysis: &str, reason: impl ToString) {
    skipped.push(Skipped {
        analysis: analysis.to_string(),
        reason: reason.to_string(),
    });
}

fn empty_row(id: String) -> ScoreRow {
    ScoreRow {
        customer_id: id,
        recency: None,
        frequency: None,
        monetary: None,
        r: None,
        f: None,
        m: None,
        segment: None,
        cluster: None,
        p_alive: None,
        expected_purchases: None,
        clv: None,
        historic_clv: None,
        total_clv: None,
        p_no_purchase_90d: None,
        risk_90d: None,
        days_between_orders: None,
        next_order: None,
        previous_segment: None,
        churn_score: None,
    }
}

/// Runs every analysis its inputs allow.
pub fn analyze(inputs: &Inputs<'_>, params: &AnalysisParams) -> Result<Analysis, AnalysisError> {
    analyze_with_progress(inputs, params, &mut |_| {})
}

/// [`analyze`], telling `progress` as each step starts.
pub fn analyze_with_progress(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    progress: &mut dyn FnMut(Step),
) -> Result<Analysis, AnalysisError> {
    assemble(inputs, params, progress, Precomputed::default())
}

/// One piece of work of [`analyze_side_by_side`].
pub type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// The analyses that are independent once RFM is scored, longest first on 1M rows: what
/// [`analyze_side_by_side`] runs as jobs and what a helper of the browser's worker pool (its
/// own wasm instance, with its own copy of the purchases) computes apart with
/// [`analyze_part`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Churn,
    Clusters,
    /// CLV's forecasts (the fits on every purchase and each customer's figures).
    Clv,
    /// CLV's holdout check (a model fitted on the calibration period only), when asked for.
    ClvHoldout,
    Cohorts,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Churn,
        Part::Clusters,
        Part::Clv,
        Part::ClvHoldout,
        Part::Cohorts,
    ];
}

/// A [`Part`] computed apart, to be handed to [`analyze_with`]. Errors travel as their
/// messages: the report keeps nothing else of them. Serializable, so that it can cross from
/// one wasm instance to another (JSON with `float_roundtrip`: every number comes back bit for
/// bit, `core/tests/analysis.rs` checks the whole report).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartResult {
    LabelledChurn(Result<ChurnResult, String>),
    HoldoutChurn(Result<HoldoutChurn, String>),
    Clusters(Result<Clustering, String>),
    Clv(Result<ClvResult, String>),
    ClvHoldout(Result<Option<clv::HoldoutComparison>, String>),
    Cohorts(Vec<(Period, Result<Cohorts, String>)>),
}

impl PartResult {
    pub fn part(&self) -> Part {
        match self {
            PartResult::LabelledChurn(_) | PartResult::HoldoutChurn(_) => Part::Churn,
            PartResult::Clusters(_) => Part::Clusters,
            PartResult::Clv(_) => Part::Clv,
            PartResult::ClvHoldout(_) => Part::ClvHoldout,
            PartResult::Cohorts(_) => Part::Cohorts,
        }
    }
}

fn message<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

fn scored_of(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
) -> Option<Result<rfm::Rfm, rfm::RfmError>> {
    purchases_of(inputs).map(|(_, src)| match src {
        Purchases::Rows(tx) => rfm::rfm(tx, &params.rfm),
        Purchases::Summary(s) => rfm::rfm_summary(s, &params.rfm),
    })
}

/// Computes one part as [`analyze`] would (`None` when the inputs do not allow it).
pub fn analyze_part(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    part: Part,
) -> Option<PartResult> {
    let scored = match part {
        Part::Churn if inputs.customers.is_none() => scored_of(inputs, params),
        Part::Clusters => scored_of(inputs, params),
        _ => None,
    };
    part_result(inputs, params, part, scored.as_ref())
}

/// The RFM scores every analysis starts from, computed once by whoever computes several parts
/// and then assembles the report ([`analyze_scored_part`], [`analyze_scored_with`]): the
/// browser's worker scored the purchases for its own parts and again to assemble.
pub struct Scored(Option<Result<rfm::Rfm, rfm::RfmError>>);

impl Scored {
    pub fn new(inputs: &Inputs<'_>, params: &AnalysisParams) -> Self {
        Scored(scored_of(inputs, params))
    }
}

/// [`analyze_part`] from scores already computed.
pub fn analyze_scored_part(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    scored: &Scored,
    part: Part,
) -> Option<PartResult> {
    part_result(inputs, params, part, scored.0.as_ref())
}

fn part_result(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    part: Part,
    scored: Option<&Result<rfm::Rfm, rfm::RfmError>>,
) -> Option<PartResult> {
    let source = purchases_of(inputs);
    match part {
        Part::Churn => {
            if let Some(c) = &inputs.customers {
                Some(PartResult::LabelledChurn(message(churn::analyze(
                    c.batch,
                    &labelled_params(c, params),
                ))))
            } else if let (Some(t), Some(Ok(out))) = (&inputs.transactions, scored) {
                Some(PartResult::HoldoutChurn(message(holdout_churn(
                    t.tx,
                    out.snapshot,
                    params,
                ))))
            } else {
                None
            }
        }
        Part::Clusters => match scored {
            Some(Ok(out)) => Some(PartResult::Clusters(message(cluster::cluster(
                &Features::from_rfm(out),
                &params.cluster,
            )))),
            _ => None,
        },
        Part::Clv => source.map(|(_, src)| PartResult::Clv(message(clv_forecast_of(&src, params)))),
        Part::ClvHoldout => {
            source.map(|(_, src)| PartResult::ClvHoldout(message(clv_holdout_of(&src, params))))
        }
        Part::Cohorts => match source {
            Some((_, Purchases::Rows(tx))) => Some(PartResult::Cohorts(
                [Period::Month, Period::Quarter, Period::Year]
                    .into_iter()
                    .map(|period| {
                        let p = CohortParams {
                            period,
                            ..params.cohorts.clone()
                        };
                        (period, message(cohort::cohorts(tx, &p)))
                    })
                    .collect(),
            )),
            _ => None,
        },
    }
}

/// [`analyze`] with the analyses that are independent once RFM is scored — clusters, CLV,
/// cohorts, the churn model — handed to `run` as jobs, which it may run side by side (the CLI
/// on threads); it returns when all are done. The core starts no thread itself. The report and
/// scores are those of [`analyze`]: each job computes exactly what the sequential run would,
/// and the results are put together in the sequential order (`core/tests/analysis.rs` checks
/// it).
pub fn analyze_side_by_side(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    run: &dyn Fn(Vec<Job<'_>>),
) -> Result<Analysis, AnalysisError> {
    analyze_with(inputs, params, Vec::new(), run)
}

/// [`analyze_side_by_side`] with some parts already computed elsewhere (`given`, from
/// [`analyze_part`]): the browser's worker pool hands the parts its helpers computed.
pub fn analyze_with(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    given: Vec<PartResult>,
    run: &dyn Fn(Vec<Job<'_>>),
) -> Result<Analysis, AnalysisError> {
    analyze_scored_with(inputs, params, Scored::new(inputs, params), given, run)
}

/// [`analyze_with`] from scores already computed ([`Scored::new`] on the same inputs and
/// parameters).
pub fn analyze_scored_with(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    scored: Scored,
    given: Vec<PartResult>,
    run: &dyn Fn(Vec<Job<'_>>),
) -> Result<Analysis, AnalysisError> {
    use std::sync::Mutex;
    let scored = scored.0;
    let have: Vec<Part> = given.iter().map(PartResult::part).collect();
    let results = Mutex::new(given);
    {
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for part in Part::ALL.into_iter().filter(|p| !have.contains(p)) {
            let (results, scored) = (&results, scored.as_ref());
            jobs.push(Box::new(move || {
                if let Some(r) = part_result(inputs, params, part, scored) {
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(r);
                }
            }));
        }
        run(jobs);
    }
    let mut pre = Precomputed::default();
    for r in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match r {
            PartResult::LabelledChurn(x) => pre.labelled_churn = Some(x),
            PartResult::HoldoutChurn(x) => pre.holdout_churn = Some(x),
            PartResult::Clusters(x) => pre.clusters = Some(x),
            PartResult::Clv(x) => pre.clv = Some(x),
            PartResult::ClvHoldout(x) => pre.clv_holdout = Some(x),
            PartResult::Cohorts(x) => pre.cohorts = x,
        }
    }
    pre.rfm = scored;
    assemble(inputs, params, &mut |_| {}, pre)
}

/// Results computed ahead by [`analyze_with`]; what is `None` is computed in place.
#[derive(Default)]
struct Precomputed {
    rfm: Option<Result<rfm::Rfm, rfm::RfmError>>,
    clusters: Option<Result<Clustering, String>>,
    /// CLV's forecasts, without the holdout check (`clv_holdout`).
    clv: Option<Result<ClvResult, String>>,
    clv_holdout: Option<Result<Option<clv::HoldoutComparison>, String>>,
    cohorts: Vec<(Period, Result<Cohorts, String>)>,
    labelled_churn: Option<Result<ChurnResult, String>>,
    holdout_churn: Option<Result<HoldoutChurn, String>>,
}

/// The holdout-window model's report and each customer's score as of the snapshot.
pub type HoldoutChurn = (ChurnResult, Vec<(String, f64)>);

fn purchases_of<'a>(inputs: &Inputs<'a>) -> Option<(&'a str, Purchases<'a>)> {
    match (&inputs.transactions, &inputs.summary) {
        (Some(t), _) => Some((t.file, Purchases::Rows(t.tx))),
        (None, Some(s)) => Some((s.file, Purchases::Summary(s.summary))),
        (None, None) => None,
    }
}

/// The CLV analysis with the parameters the report's other analyses imply.
fn clv_params_of(src: &Purchases<'_>, params: &AnalysisParams) -> ClvParams {
    let mut clv_params = params.clv.clone();
    if clv_params.observation_end.is_none()
        && let Some(s) = params.rfm.snapshot
    {
        // The RFM snapshot counts purchases before it; the CLV end is the last day counted.
        clv_params.observation_end = Some(s - 1);
    }
    if let Purchases::Summary(s) = src
        && clv_params.calibration_end.is_none()
    {
        clv_params.calibration_end = s.calibration.as_ref().map(|c| c.end);
    }
    clv_params
}

fn clv_of(src: &Purchases<'_>, params: &AnalysisParams) -> Result<ClvResult, clv::ClvError> {
    let clv_params = clv_params_of(src, params);
    match src {
        Purchases::Rows(tx) => clv::analyze(tx, &clv_params),
        Purchases::Summary(s) => clv::analyze_summary(s, &clv_params),
    }
}

fn clv_forecast_of(
    src: &Purchases<'_>,
    params: &AnalysisParams,
) -> Result<ClvResult, clv::ClvError> {
    let clv_params = clv_params_of(src, params);
    match src {
        Purchases::Rows(tx) => clv::analyze_forecast(tx, &clv_params),
        Purchases::Summary(s) => clv::analyze_summary_forecast(s, &clv_params),
    }
}

fn clv_holdout_of(
    src: &Purchases<'_>,
    params: &AnalysisParams,
) -> Result<Option<clv::HoldoutComparison>, clv::ClvError> {
    let clv_params = clv_params_of(src, params);
    match src {
        Purchases::Rows(tx) => clv::analyze_holdout(tx, &clv_params),
        Purchases::Summary(s) => clv::analyze_summary_holdout(s, &clv_params),
    }
}

/// CLV as [`clv_of`] computes it, from its two parts computed apart: the forecasts' error
/// first, then the check's, as `clv::analyze` meets them.
fn clv_joined(
    forecast: Result<ClvResult, String>,
    holdout: Result<Option<clv::HoldoutComparison>, String>,
) -> Result<ClvResult, String> {
    let mut c = forecast?;
    c.holdout = holdout?;
    Ok(c)
}

/// The churn parameters for a labelled customer table.
fn labelled_params(c: &CustomersInput<'_>, params: &AnalysisParams) -> ChurnParams {
    ChurnParams {
        id: params.churn.id.clone().or(c.id_column.map(str::to_string)),
        ..params.churn.clone()
    }
}

/// Every analysis, in the report's order, taking what `pre` holds and computing the rest.
fn assemble(
    inputs: &Inputs<'_>,
    params: &AnalysisParams,
    progress: &mut dyn FnMut(Step),
    mut pre: Precomputed,
) -> Result<Analysis, AnalysisError> {
    if inputs.transactions.is_none() && inputs.summary.is_none() && inputs.customers.is_none() {
        return Err(AnalysisError::NoInput);
    }
    let mut skipped = Vec::new();
    let mut summaries = Vec::new();
    let mut rows: Vec<ScoreRow> = Vec::new();
    let mut index: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
    let mut report = Report {
        format: REPORT_FORMAT.to_string(),
        version: REPORT_VERSION,
        engine_version: crate::ENGINE_VERSION.to_string(),
        inputs: Vec::new(),
        params: params.clone(),
        rfm: None,
        clusters: None,
        clv: None,
        churn: None,
        cohorts: None,
        indicators: None,
        charts: Charts::default(),
        skipped: Vec::new(),
        customers: None,
    };
    let mut has_churn = false;
    let mut snapshot = None;

    let source = purchases_of(inputs);
    if let Some((file, src)) = &source {
        summaries.push(InputSummary {
            file: file.to_string(),
            kind: match src {
                Purchases::Rows(_) => "transactions",
                Purchases::Summary(_) => "summary",
            }
            .into(),
            rows: match src {
                Purchases::Rows(tx) => tx.len(),
                Purchases::Summary(s) => s.len(),
            },
            customers: src.ids().len(),
            bytes: None,
            sha256: None,
        });
        progress(Step::Rfm);
        let scored = pre.rfm.take().unwrap_or_else(|| match src {
            Purchases::Rows(tx) => rfm::rfm(tx, &params.rfm),
            Purchases::Summary(s) => rfm::rfm_summary(s, &params.rfm),
        });
        match scored {
            Ok(out) => {
                snapshot = Some(out.snapshot);
                let seg = segment::segments(&out);
                let from = params.migration_from.unwrap_or(out.snapshot - 90);
                let moved = match src {
                    Purchases::Rows(tx) => {
                        segment::migration_onto(tx, &params.rfm, from, &out, &seg)
                            .map_err(|e| e.to_string())
                    }
                    Purchases::Summary(_) => Err(NEEDS_ROWS.to_string()),
                };
                let (migration, previous) = match moved {
                    Ok((m, p)) => (Some(m), p),
                    Err(e) => {
                        skip(&mut skipped, "segment migration", e);
                        (None, vec![None; out.customers()])
                    }
                };
                #[allow(clippy::needless_range_loop)] // eight parallel vectors
                for i in 0..out.customers() {
                    let id = out.customer_id.value(i);
                    index.insert(id.to_string(), rows.len());
                    rows.push(ScoreRow {
                        recency: Some(out.recency[i]),
                        frequency: Some(out.frequency[i]),
                        monetary: Some(out.monetary[i]),
                        r: Some(out.r[i]),
                        f: Some(out.f[i]),
                        m: Some(out.m[i]),
                        segment: Some(seg[i]),
                        previous_segment: previous[i],
                        ..empty_row(id.to_string())
                    });
                }
                progress(Step::Clusters);
                let clustered = pre.clusters.take().unwrap_or_else(|| {
                    message(cluster::cluster(&Features::from_rfm(&out), &params.cluster))
                });
                match clustered {
                    Ok(mut c) => {
                        for (row, &label) in rows.iter_mut().zip(&c.labels) {
                            row.cluster = Some(label);
                        }
                        c.labels = Vec::new();
                        report.clusters = Some(c);
                    }
                    Err(e) => skip(&mut skipped, "clustering", e),
                }
                report.rfm = Some(RfmReport {
                    snapshot: format_days(out.snapshot),
                    customers: out.customers(),
                    rows: out.rows,
                    levels: out.tiles,
                    cells: out.cells(),
                    rf_grid: out.rf_grid(),
                    segment_rules: RULES.to_vec(),
                    segments: segment::summarize(&out, &seg),
                    migration,
                });
            }
            Err(e) => skip(&mut skipped, "rfm", e),
        }

        let mut clv_per_key: Option<Vec<Option<f64>>> = None;
        progress(Step::Clv);
        let valued = match (pre.clv.take(), pre.clv_holdout.take()) {
            (Some(forecast), Some(holdout)) => clv_joined(forecast, holdout),
            (Some(forecast), None) => clv_joined(forecast, message(clv_holdout_of(src, params))),
            (None, _) => message(clv_of(src, params)),
        };
        match valued {
            Ok(mut c) => {
                let ids = src.ids();
                for key in 0..ids.len() {
                    if let Some(&row) = index.get(ids.value(key)) {
                        let r = &mut rows[row];
                        r.p_alive = c.p_alive.get(key).copied().flatten();
                        r.expected_purchases = c.expected_purchases.get(key).copied().flatten();
                        r.clv = c.clv.get(key).copied().flatten();
                        r.historic_clv = c.historic_value.get(key).copied().flatten();
                        r.total_clv = r.historic_clv.zip(r.clv).map(|(h, p)| h + p);
                        r.p_no_purchase_90d = c.p_no_purchase.get(key).copied().flatten();
                        r.risk_90d = r.p_no_purchase_90d.map(RiskBand::of);
                        r.days_between_orders =
                            c.days_between_purchases.get(key).copied().flatten();
                        r.next_order = c.next_purchase_day.get(key).copied().flatten();
                    }
                }
                if c.gamma_gamma.is_some() {
                    clv_per_key = Some(std::mem::take(&mut c.clv));
                }
                c.p_alive = Vec::new();
                c.expected_purchases = Vec::new();
                c.expected_spend = Vec::new();
                c.clv = Vec::new();
                c.at_risk = Vec::new();
                c.p_no_purchase = Vec::new();
                c.next_purchase_day = Vec::new();
                c.days_between_purchases = Vec::new();
                c.historic_value = Vec::new();
                report.clv = Some(c);
            }
            Err(e) => skip(&mut skipped, "customer value (CLV)", e),
        }

        let tx = match src {
            Purchases::Rows(tx) => Some(*tx),
            Purchases::Summary(_) => {
                for a in ["cohorts", "indicators"] {
                    skip(&mut skipped, a, NEEDS_ROWS);
                }
                None
            }
        };
        if let Some(tx) = tx {
            progress(Step::Cohorts);
            // Each period's cohorts, ahead of time or now.
            let mut cohorts_at =
                |period: Period| match pre.cohorts.iter().position(|(p, _)| *p == period) {
                    Some(i) => pre.cohorts.swap_remove(i).1,
                    None => message(cohort::cohorts(
                        tx,
                        &CohortParams {
                            period,
                            ..params.cohorts.clone()
                        },
                    )),
                };
            match cohorts_at(params.cohorts.period) {
                Ok(c) => report.cohorts = Some(c),
                Err(e) => skip(&mut skipped, "cohorts", e),
            }
            if report.cohorts.is_some() {
                for period in [Period::Month, Period::Quarter, Period::Year] {
                    if period == params.cohorts.period {
                        continue;
                    }
                    if let Ok(c) = cohorts_at(period) {
                        report.charts.more_cohorts.push(c);
                    }
                }
            }
            let clv_values: Option<Vec<f64>> = clv_per_key
                .as_ref()
                .map(|v| v.iter().map(|x| x.unwrap_or(0.0)).collect());
            progress(Step::Indicators);
            match indicators::indicators(
                tx,
                &params.indicators,
                inputs.slice.as_ref().map(|s| s.labels),
                clv_values.as_deref(),
            ) {
                Ok(i) => {
                    if let Some(s) = &inputs.slice {
                        report.charts.slices.push(SliceSet {
                            column: s.column.to_string(),
                            per_customer: matches!(s.labels, Slice::Customers(_)),
                            values: i.slices.clone(),
                        });
                    }
                    report.indicators = Some(i);
                }
                Err(e) => skip(&mut skipped, "indicators", e),
            }
            for s in &inputs.extra_slices {
                match indicators::indicators(
                    tx,
                    &params.indicators,
                    Some(s.labels),
                    clv_values.as_deref(),
                ) {
                    Ok(i) => report.charts.slices.push(SliceSet {
                        column: s.column.to_string(),
                        per_customer: matches!(s.labels, Slice::Customers(_)),
                        values: i.slices,
                    }),
                    Err(e) => skip(&mut skipped, &format!("indicators by {}", s.column), e),
                }
            }
        }
    } else {
        for a in [
            "rfm",
            "segments",
            "clustering",
            "customer value (CLV)",
            "cohorts",
            "indicators",
        ] {
            skip(
                &mut skipped,
                a,
                "needs a transactions file or a customer summary",
            );
        }
    }

    // Churn: a labelled customer table first, else labels from a holdout window.
    progress(Step::Churn);
    let labelled = inputs.customers.as_ref().and_then(|c| {
        let fitted = pre
            .labelled_churn
            .take()
            .unwrap_or_else(|| message(churn::analyze(c.batch, &labelled_params(c, params))));
        match fitted {
            Ok(r) => Some(r),
            Err(e) => {
                skip(&mut skipped, "churn model on the customer table", e);
                None
            }
        }
    });
    if let Some(c) = &inputs.customers {
        summaries.push(InputSummary {
            file: c.file.to_string(),
            kind: "customers".into(),
            rows: c.batch.num_rows(),
            customers: c.batch.num_rows(),
            bytes: None,
            sha256: None,
        });
    }
    if let Some(mut result) = labelled {
        has_churn = true;
        for (id, &score) in result.customer_id.iter().zip(&result.churn_score) {
            let row = match index.get(id) {
                Some(&row) => row,
                None => {
                    index.insert(id.clone(), rows.len());
                    rows.push(empty_row(id.clone()));
                    rows.len() - 1
                }
            };
            rows[row].churn_score = Some(score);
        }
        result.customer_id = Vec::new();
        result.churn_score = Vec::new();
        report.churn = Some(ChurnReport {
            label_source: "customer-table".into(),
            window: None,
            result,
        });
    } else if inputs.transactions.is_none() && inputs.summary.is_some() {
        skip(
            &mut skipped,
            "churn model from a holdout window",
            NEEDS_ROWS,
        );
    } else if let (Some(t), Some(snap)) = (&inputs.transactions, snapshot) {
        let fitted = pre
            .holdout_churn
            .take()
            .unwrap_or_else(|| message(holdout_churn(t.tx, snap, params)));
        match fitted {
            Ok((mut result, now)) => {
                has_churn = true;
                for (id, score) in now {
                    if let Some(&row) = index.get(&id) {
                        rows[row].churn_score = Some(score);
                    }
                }
                result.customer_id = Vec::new();
                result.churn_score = Vec::new();
                let w = params.churn_window_days;
                report.churn = Some(ChurnReport {
                    label_source: "holdout-window".into(),
                    window: Some((format_days(snap - w), format_days(snap - 1))),
                    result,
                });
            }
            Err(e) => skip(&mut skipped, "churn model from a holdout window", e),
        }
    }

    if rows.is_empty() {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|s| format!("{}: {}", s.analysis, s.reason))
            .collect();
        return Err(AnalysisError::NothingRan(reasons.join("; ")));
    }
    let scores = Scores { rows, has_churn };
    let charts = charts::from_scores(&scores.rows, params.cluster.seed);
    report.charts = Charts {
        slices: std::mem::take(&mut report.charts.slices),
        more_cohorts: std::mem::take(&mut report.charts.more_cohorts),
        ..charts
    };
    report.inputs = summaries;
    report.skipped = skipped;
    if params.per_customer {
        report.customers = Some(scores.rows.clone());
    }
    Ok(Analysis { report, scores })
}

/// Learns who stops buying from the window `[snapshot - w, snapshot)`, then scores every
/// customer on their history up to the snapshot.
fn holdout_churn(
    tx: &Transactions,
    snapshot: i32,
    params: &AnalysisParams,
) -> Result<HoldoutChurn, churn::ChurnError> {
    let w = params.churn_window_days;
    let cutoff = snapshot - 1 - w;
    let train = churn::label_from_holdout(tx, cutoff, w)?;
    let p = ChurnParams {
        label: Some("churned".into()),
        id: Some("customer_id".into()),
        ..params.churn.clone()
    };
    let train_data = churn::ChurnDataset::from_batch(&train.to_record_batch()?, &p)?;
    let model = churn::ChurnModel::fit(&train_data, &p)?;
    let result = churn::report_of_model(&train_data, &model);
    // Features as of the last day before the snapshot; the label column is a placeholder.
    let now = churn::label_from_holdout(tx, snapshot - 1, 1)?;
    let now_data = churn::ChurnDataset::from_batch(&now.to_record_batch()?, &p)?;
    let scores = model.predict_proba(&now_data);
    Ok((result, now.customer_id.into_iter().zip(scores).collect()))
}

/// A column's values as text (blank cells as `None`), for slicing by any column type.
pub fn text_values(array: &ArrayRef) -> Vec<Option<String>> {
    use arrow_cast::display::{ArrayFormatter, FormatOptions};
    match ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default()) {
        Ok(fmt) => (0..array.len())
            .map(|i| array.is_valid(i).then(|| fmt.value(i).to_string()))
            .collect(),
        Err(_) => vec![None; array.len()],
    }
}
