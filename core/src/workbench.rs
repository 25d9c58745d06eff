//! The app's analysis of the Data page's files: the transactions, the customer table and the
//! slice columns are taken from the prepared (corrected, anonymized) files, the whole
//! [`analysis`](crate::analysis) runs on them, and the scores are joined with the
//! consolidated base into the customer table that the pages query.
//!
//! Kept here, not in the worker, so that it is tested natively and the CLI can run the same
//! thing on the same files.

use arrow_array::{Array, ArrayRef, RecordBatch};
use serde::{Deserialize, Serialize};

use crate::IngestError;
use crate::analysis::{
    self, Analysis, AnalysisError, AnalysisParams, CustomersInput, Inputs, SliceInput, Step,
    SummaryInput, TransactionsInput, text_values,
};
use crate::consolidate::{ConsolidateError, TableKind};
use crate::datamart::{DatamartError, join_columns};
use crate::indicators::Slice;
use crate::ingest::column::ColumnKind;
use crate::ingest::roles::Role;
use crate::sources::PreparedSource;
use crate::transactions::{self, BadRows, Transactions};
use crate::warehouse::{CustomerSummary, SummaryError};

/// A slice column needs at least two and at most this many distinct values.
pub const MAX_SLICE_VALUES: usize = 60;
/// Slice columns chosen when the user chose none.
pub const DEFAULT_SLICES: usize = 4;

/// What the user chose for the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkbenchSettings {
    pub params: AnalysisParams,
    /// Columns to slice the indicators by; `None`: the first [`DEFAULT_SLICES`] candidates.
    pub slices: Option<Vec<String>>,
    /// The churn label column of the customer table; `None`: the column with the churn-label
    /// role, if any (otherwise churn is learned from a holdout window).
    pub label_column: Option<String>,
    pub bad_rows: BadRows,
}

impl Default for WorkbenchSettings {
    fn default() -> Self {
        WorkbenchSettings {
            params: AnalysisParams::default(),
            slices: None,
            label_column: None,
            bad_rows: BadRows::Stop,
        }
    }
}

/// A column the indicators can be sliced by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceCandidate {
    pub column: String,
    pub file: String,
    /// `true`: a customer attribute; `false`: a purchase attribute (a channel, say).
    pub per_customer: bool,
    pub distinct: usize,
}

/// The analysis and the customer table the pages query.
#[derive(Debug, Clone)]
pub struct Workbench {
    pub analysis: Analysis,
    /// The scores joined with the consolidated base: one row per scored customer.
    pub table: RecordBatch,
    pub candidates: Vec<SliceCandidate>,
    /// Transaction rows left out (with [`BadRows::Skip`]).
    pub rows_skipped: usize,
}

/// Errors that stop the analysis of the base.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkbenchError {
    #[error(
        "there is nothing to analyse: add a transactions file (customer, date, amount), a \
         customer summary from a warehouse (docs/warehouse.md), or a customer table with a churn \
         label column"
    )]
    NoInput,
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Consolidate(#[from] ConsolidateError),
    #[error(transparent)]
    Datamart(#[from] DatamartError),
    #[error(transparent)]
    Churn(#[from] crate::churn::ChurnError),
    #[error(transparent)]
    Summary(#[from] SummaryError),
    #[error("the churn label column {0:?} is not in the customer table")]
    NoLabel(String),
    #[error("cannot slice by {0:?}: it is not a column of the customer table or the transactions")]
    NoSlice(String),
}

fn is_text(kind: ColumnKind) -> bool {
    kind == ColumnKind::Text
}

/// Columns of the customer table and the transactions that can slice the indicators: text
/// with 2 to [`MAX_SLICE_VALUES`] values, not an identifier and not personal data.
pub fn slice_candidates(sources: &[PreparedSource]) -> Vec<SliceCandidate> {
    let mut out = Vec::new();
    for s in sources {
        let per_customer = match s.view.kind {
            TableKind::Customers => true,
            TableKind::Transactions => false,
            _ => continue,
        };
        for c in &s.table.columns {
            let role = c.plan.role.map(|r| r.role);
            if role.is_some_and(|r| r.is_pii() || matches!(r, Role::CustomerId | Role::OrderId))
                || !is_text(c.kind)
            {
                continue;
            }
            let mut seen = hashbrown::HashSet::new();
            for v in text_values(&c.array).into_iter().flatten() {
                seen.insert(v);
                if seen.len() > MAX_SLICE_VALUES {
                    break;
                }
            }
            if (2..=MAX_SLICE_VALUES).contains(&seen.len()) {
                out.push(SliceCandidate {
                    column: c.plan.name.clone(),
                    file: s.view.file.clone(),
                    per_customer,
                    distinct: seen.len(),
                });
            }
        }
    }
    // Customer attributes first (they split customers, not only purchases), in file order.
    out.sort_by_key(|c| !c.per_customer);
    out
}

/// Purchases of every transactions file, one table.
fn transactions_of(
    sources: &[&PreparedSource],
    bad_rows: BadRows,
) -> Result<Option<(Transactions, usize)>, IngestError> {
    let mut parts = Vec::new();
    for s in sources {
        parts.push(transactions::from_table(&s.table, bad_rows)?);
    }
    if parts.len() <= 1 {
        return Ok(parts.pop());
    }
    let skipped = parts.iter().map(|p| p.1).sum();
    let mut ids: Vec<&str> = Vec::new();
    let mut day = Vec::new();
    let mut amount = Vec::new();
    for (t, _) in &parts {
        let names = t.customer_ids();
        for (k, (&d, &a)) in t
            .customer
            .keys()
            .values()
            .iter()
            .zip(t.day.iter().zip(&t.amount))
        {
            ids.push(names.value(*k as usize));
            day.push(d);
            amount.push(a);
        }
    }
    Ok(Some((Transactions::from_rows(&ids, day, amount), skipped)))
}

/// The holdout check's default split: the last third of the purchases' span, at most a year,
/// held out (the CDNOW studies hold out 39 of 78 weeks); none under six months of data.
/// `snapshot` (days since 1970-01-01) ends the observation when it is set.
pub fn auto_calibration_end(tx: &Transactions, snapshot: Option<i32>) -> Option<i32> {
    let first = *tx.day.iter().min()?;
    let end = snapshot.unwrap_or(*tx.day.iter().max()? + 1);
    let span = end - first;
    (span >= 180).then(|| end - (span / 3).min(365))
}

/// Per-customer labels of a customer-table column, in the transactions' customer order.
fn customer_labels(
    table: &crate::ingest::Table,
    column: &ArrayRef,
    tx: &Transactions,
) -> Vec<Option<String>> {
    let Some(id) = table.column(Role::CustomerId) else {
        return vec![None; tx.customer_ids().len()];
    };
    let ids = text_values(&id.array);
    let values = text_values(column);
    let by_id: hashbrown::HashMap<String, Option<String>> = ids
        .into_iter()
        .zip(values)
        .filter_map(|(i, v)| Some((i?.trim().to_string(), v)))
        .collect();
    tx.customer_ids()
        .iter()
        .map(|k| by_id.get(k.unwrap_or_default().trim()).cloned().flatten())
        .collect()
}

/// Runs the whole analysis on the prepared files. `as_of` (days since 1970-01-01) decides
/// which contracts are open when there are no purchases to date the snapshot.
pub fn analyze_sources(
    sources: &[PreparedSource],
    settings: &WorkbenchSettings,
    as_of: i32,
    progress: &mut dyn FnMut(Step),
) -> Result<Workbench, WorkbenchError> {
    let w = workbench_inputs(sources, settings)?;
    let analysis =
        w.with_inputs(|inputs| analysis::analyze_with_progress(inputs, &w.params, progress))?;
    finish_workbench(sources, w, analysis, as_of)
}

/// What the analysis of the prepared files reads, owned: the purchases of every transactions
/// file, a warehouse summary, the labelled customer table, the slices. The three steps of
/// [`analyze_sources`] apart, so that the browser's worker can share the analysis with its
/// helpers (`analysis::analyze_with`) between [`workbench_inputs`] and [`finish_workbench`].
pub struct WorkbenchInputs {
    loaded: Option<(Transactions, usize)>,
    summary: Option<(String, CustomerSummary)>,
    /// The customer table's file, its columns and its id column.
    customers: Option<(String, RecordBatch, Option<String>)>,
    /// Slice columns: name, per customer (else per purchase), each row's label.
    labels: Vec<(String, bool, Vec<Option<String>>)>,
    tx_file: String,
    candidates: Vec<SliceCandidate>,
    /// The analysis parameters, with what the files imply (the holdout split).
    pub params: AnalysisParams,
}

impl WorkbenchInputs {
    /// The purchases of every transactions file, when there are any.
    pub fn transactions(&self) -> Option<&Transactions> {
        self.loaded.as_ref().map(|(tx, _)| tx)
    }

    /// Whether a labelled customer table gives the churn model (not the purchases).
    pub fn has_labelled_customers(&self) -> bool {
        self.customers.is_some()
    }

    /// Calls `f` with the analysis inputs these hold.
    pub fn with_inputs<R>(&self, f: impl FnOnce(&Inputs<'_>) -> R) -> R {
        let label_refs: Vec<Vec<Option<&str>>> = self
            .labels
            .iter()
            .map(|(_, _, v)| v.iter().map(|x| x.as_deref()).collect())
            .collect();
        let slices: Vec<SliceInput<'_>> = self
            .labels
            .iter()
            .zip(&label_refs)
            .map(|((column, per_customer, _), refs)| SliceInput {
                column,
                labels: if *per_customer {
                    Slice::Customers(refs)
                } else {
                    Slice::Rows(refs)
                },
            })
            .collect();
        let inputs = Inputs {
            summary: self
                .summary
                .as_ref()
                .map(|(file, summary)| SummaryInput { file, summary }),
            transactions: self.loaded.as_ref().map(|(tx, _)| TransactionsInput {
                file: &self.tx_file,
                tx,
            }),
            customers: self
                .customers
                .as_ref()
                .map(|(file, batch, id)| CustomersInput {
                    file,
                    batch,
                    id_column: id.as_deref(),
                }),
            slice: None,
            extra_slices: slices,
        };
        f(&inputs)
    }
}

/// Gathers what the analysis of the prepared files reads (first step of [`analyze_sources`]).
pub fn workbench_inputs(
    sources: &[PreparedSource],
    settings: &WorkbenchSettings,
) -> Result<WorkbenchInputs, WorkbenchError> {
    let tx_sources: Vec<&PreparedSource> = sources
        .iter()
        .filter(|s| s.view.kind == TableKind::Transactions)
        .collect();
    let customer_source = sources.iter().find(|s| s.view.kind == TableKind::Customers);
    let loaded = transactions_of(&tx_sources, settings.bad_rows)?;
    // A warehouse's customer summary stands in for purchases when there are none.
    let summary = match sources.iter().find(|s| s.view.kind == TableKind::Summary) {
        Some(src) if loaded.is_none() => Some((
            src.view.file.as_str(),
            CustomerSummary::from_table(&src.table)?,
        )),
        _ => None,
    };

    let mut params = settings.params.clone();
    if params.clv.calibration_end.is_none()
        && let Some((tx, _)) = &loaded
    {
        params.clv.calibration_end = auto_calibration_end(tx, params.rfm.snapshot);
    }
    let customers = match customer_source {
        Some(src) => {
            let label = match &settings.label_column {
                Some(name) => {
                    if !src.table.columns.iter().any(|c| c.plan.name == *name) {
                        return Err(WorkbenchError::NoLabel(name.clone()));
                    }
                    Some(name.clone())
                }
                None => src
                    .table
                    .column(Role::ChurnLabel)
                    .map(|c| c.plan.name.clone()),
            };
            match label {
                Some(label) => {
                    params.churn.label = Some(label);
                    let batch = crate::churn::dataset::table_batch(&src.table)?;
                    let id = src
                        .table
                        .column(Role::CustomerId)
                        .map(|c| c.plan.name.clone());
                    Some((src, batch, id))
                }
                None => None,
            }
        }
        None => None,
    };
    if loaded.is_none() && summary.is_none() && customers.is_none() {
        return Err(WorkbenchError::NoInput);
    }

    // Slice columns: the user's, else the first candidates.
    let candidates = slice_candidates(sources);
    let chosen: Vec<SliceCandidate> = match &settings.slices {
        Some(names) => names
            .iter()
            .map(|n| {
                candidates
                    .iter()
                    .find(|c| c.column == *n)
                    .cloned()
                    .ok_or_else(|| WorkbenchError::NoSlice(n.clone()))
            })
            .collect::<Result<_, _>>()?,
        None => candidates.iter().take(DEFAULT_SLICES).cloned().collect(),
    };
    let mut labels: Vec<(String, bool, Vec<Option<String>>)> = Vec::new();
    if let Some((tx, skipped)) = &loaded {
        for c in &chosen {
            let Some(src) = sources.iter().find(|s| s.view.file == c.file) else {
                continue;
            };
            let Some(col) = src.table.columns.iter().find(|x| x.plan.name == c.column) else {
                continue;
            };
            if c.per_customer {
                labels.push((
                    c.column.clone(),
                    true,
                    customer_labels(&src.table, &col.array, tx),
                ));
            } else if *skipped == 0 && tx_sources.len() == 1 {
                // Per-purchase labels line up with the rows only when none was left out.
                labels.push((c.column.clone(), false, text_values(&col.array)));
            }
        }
    }
    let tx_file = tx_sources
        .iter()
        .map(|s| s.view.file.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    Ok(WorkbenchInputs {
        loaded,
        summary: summary.map(|(file, s)| (file.to_string(), s)),
        customers: customers.map(|(src, batch, id)| (src.view.file.clone(), batch, id)),
        labels,
        tx_file,
        candidates,
        params,
    })
}

/// Joins the analysis' scores with the consolidated base (last step of [`analyze_sources`]).
pub fn finish_workbench(
    sources: &[PreparedSource],
    w: WorkbenchInputs,
    analysis: Analysis,
    as_of: i32,
) -> Result<Workbench, WorkbenchError> {
    // The customer table: scores joined with the consolidated base.
    let scores = analysis.scores.to_record_batch();
    let as_of = analysis
        .report
        .rfm
        .as_ref()
        .and_then(|r| crate::ingest::date::parse_iso_days(&r.snapshot))
        .unwrap_or(as_of);
    let table = match crate::sources::consolidate_base(sources, as_of) {
        Ok(base) => join_columns(&scores, "customer_id", &base, "customer_id", "_base")?,
        Err(_) => scores,
    };
    Ok(Workbench {
        analysis,
        table,
        candidates: w.candidates,
        rows_skipped: w.loaded.map_or(0, |l| l.1),
    })
}
