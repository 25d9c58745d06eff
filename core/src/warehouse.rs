//! A per-customer summary computed by a warehouse engine, as an input of its own.
//!
//! Customer bases of hundreds of millions of purchases live in DuckDB, PostgreSQL, Spark or
//! BigQuery. Rather than a distributed engine, Prisme takes the one table every
//! customer-level analysis needs, one row per customer, computed where the data lives with the
//! SQL of `docs/warehouse.md`, and runs on it what a summary allows: RFM scores and segments,
//! clusters, BG/NBD and Gamma-Gamma (P(alive), CLV) and, when the calibration columns are
//! there, the holdout check. Cohorts, indicators, segment migration and the churn model learned
//! from a holdout window need the purchases themselves (their dates one by one), and the report
//! says so.
//!
//! The columns, by name (case and surrounding spaces ignored), are those of the SQL:
//! `customer_id`, `first_purchase`, `last_purchase` (dates), `orders` (rows), `purchase_days`
//! (distinct purchase days), `revenue` (sum of amounts), `repeat_revenue` (sum of amounts after
//! the first purchase day); optionally `calibration_end` (one date, the same on every row),
//! `calibration_last_purchase` (empty for a customer first seen after it),
//! `calibration_purchase_days` and `holdout_purchase_days`. Each quantity is the one the
//! analyses compute from raw purchases (see [`crate::rfm`] and [`crate::clv::summary`]), so a
//! report from the summary equals the report from the purchases it summarises.

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StringArray};

use crate::clv::summary::{CalibrationHoldout, PurchaseHistory, Summary};
use crate::clv::{ClvError, TimeUnit};
use crate::error::IngestError;
use crate::ingest::Table;
use crate::ingest::date::format_days;
use crate::ingest::roles::Role;

/// Columns every summary has.
pub const REQUIRED: [&str; 6] = [
    "first_purchase",
    "last_purchase",
    "orders",
    "purchase_days",
    "revenue",
    "repeat_revenue",
];
/// Columns of the holdout check, all or none.
pub const CALIBRATION: [&str; 4] = [
    "calibration_end",
    "calibration_last_purchase",
    "calibration_purchase_days",
    "holdout_purchase_days",
];

/// Errors reading a summary.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SummaryError {
    #[error(
        "{file}: a customer summary needs the column {column:?} (see docs/warehouse.md for the \
         SQL that computes it); its columns are: {columns}"
    )]
    MissingColumn {
        file: String,
        column: String,
        columns: String,
    },
    #[error("{file}: the customer summary has no rows")]
    NoRows { file: String },
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(
        "{file}, row {row} (customer {id}): {reason}. Check the summary's SQL (docs/warehouse.md) \
         or recompute it"
    )]
    Inconsistent {
        file: String,
        row: usize,
        id: String,
        reason: String,
    },
    #[error("{file}: customer {id} has two rows (rows {first} and {second}): one row per customer")]
    Duplicate {
        file: String,
        id: String,
        first: usize,
        second: usize,
    },
}

/// The holdout check's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Last day of the calibration period (inclusive), days since 1970-01-01.
    pub end: i32,
    /// Last purchase day up to `end`; `None` for a customer first seen after it.
    pub last: Vec<Option<i32>>,
    /// Distinct purchase days up to `end`.
    pub purchase_days: Vec<u32>,
    /// Distinct purchase days after `end`.
    pub holdout_purchase_days: Vec<u32>,
}

/// One row per customer, in file order. Days are days since 1970-01-01.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    pub ids: StringArray,
    pub first: Vec<i32>,
    pub last: Vec<i32>,
    pub orders: Vec<u32>,
    pub purchase_days: Vec<u32>,
    pub revenue: Vec<f64>,
    pub repeat_revenue: Vec<f64>,
    pub calibration: Option<Calibration>,
}

/// The columns of a summary by normalized name.
fn find<'a>(table: &'a Table, name: &str) -> Option<&'a ArrayRef> {
    table
        .columns
        .iter()
        .find(|c| c.plan.name.trim().eq_ignore_ascii_case(name))
        .map(|c| &c.array)
}

/// Whether a file with these column names is a customer summary.
pub fn is_summary<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: Vec<String> = names
        .into_iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    ["first_purchase", "last_purchase", "purchase_days"]
        .iter()
        .all(|r| names.iter().any(|n| n == r))
}

impl CustomerSummary {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The latest purchase day of any customer.
    pub fn last_day(&self) -> i32 {
        self.last.iter().copied().max().unwrap_or(i32::MIN)
    }

    /// Rows summarised (purchases).
    pub fn rows(&self) -> usize {
        self.orders.iter().map(|&o| o as usize).sum()
    }

    /// Reads a summary from a table read whole, checking every row: the analyses trust these
    /// numbers, so an inconsistent row (more purchase days than orders, a last purchase before
    /// the first) stops here with its row and customer named.
    pub fn from_table(table: &Table) -> Result<CustomerSummary, SummaryError> {
        let file = table.plan.file.clone();
        let names = || {
            table
                .columns
                .iter()
                .map(|c| c.plan.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let missing = |column: &str| SummaryError::MissingColumn {
            file: file.clone(),
            column: column.to_string(),
            columns: names(),
        };
        let id_col = table
            .column(Role::CustomerId)
            .or_else(|| {
                table
                    .columns
                    .iter()
                    .find(|c| c.plan.name.trim().eq_ignore_ascii_case("customer_id"))
            })
            .ok_or_else(|| missing("customer_id"))?;
        for c in &table.columns {
            if let Some(ex) = c.invalid.examples.first() {
                return Err(IngestError::InvalidValue {
                    file: file.clone(),
                    line: ex.line,
                    column: c.plan.index + 1,
                    column_name: c.plan.name.clone(),
                    value: ex.value.clone(),
                    reason: ex.reason.clone(),
                    more: String::new(),
                }
                .into());
            }
        }
        if table.rows == 0 {
            return Err(SummaryError::NoRows { file });
        }
        let mut cols = Vec::new();
        for name in REQUIRED {
            cols.push(find(table, name).ok_or_else(|| missing(name))?);
        }
        let ids: StringArray = crate::analysis::text_values(&id_col.array)
            .into_iter()
            .map(|v| v.map(|s| s.trim().to_string()))
            .collect();
        let n = table.rows;
        let bad = |row: usize, reason: String| SummaryError::Inconsistent {
            file: file.clone(),
            row: row + 1,
            id: if ids.is_valid(row) {
                ids.value(row).to_string()
            } else {
                "(none)".into()
            },
            reason,
        };
        let first = days(cols[0], "first_purchase", &bad)?;
        let last = days(cols[1], "last_purchase", &bad)?;
        let orders = counts(cols[2], "orders", &bad)?;
        let purchase_days = counts(cols[3], "purchase_days", &bad)?;
        let revenue = amounts(cols[4], "revenue", &bad)?;
        let repeat_revenue = amounts(cols[5], "repeat_revenue", &bad)?;
        let mut seen = hashbrown::HashMap::with_capacity(n);
        for row in 0..n {
            if !ids.is_valid(row) || ids.value(row).is_empty() {
                return Err(bad(row, "the customer id is empty".into()));
            }
            if let Some(prev) = seen.insert(ids.value(row), row) {
                return Err(SummaryError::Duplicate {
                    file: file.clone(),
                    id: ids.value(row).to_string(),
                    first: prev + 1,
                    second: row + 1,
                });
            }
            let span = i64::from(last[row]) - i64::from(first[row]);
            if span < 0 {
                return Err(bad(
                    row,
                    format!(
                        "last_purchase {} is before first_purchase {}",
                        format_days(last[row]),
                        format_days(first[row])
                    ),
                ));
            }
            let d = purchase_days[row];
            if d == 0 || d > orders[row] || i64::from(d) > span + 1 || (d == 1) != (span == 0) {
                return Err(bad(
                    row,
                    format!(
                        "{d} purchase days do not fit {} orders between {} and {}",
                        orders[row],
                        format_days(first[row]),
                        format_days(last[row])
                    ),
                ));
            }
        }
        drop(seen);
        let calibration = calibration(table, &first, &purchase_days, &missing, &bad)?;
        Ok(CustomerSummary {
            ids,
            first,
            last,
            orders,
            purchase_days,
            revenue,
            repeat_revenue,
            calibration,
        })
    }
}

type Bad<'a> = dyn Fn(usize, String) -> SummaryError + 'a;

fn days(array: &ArrayRef, name: &str, bad: &Bad) -> Result<Vec<i32>, SummaryError> {
    let opt = optional_days(array, name, bad)?;
    opt.into_iter()
        .enumerate()
        .map(|(row, d)| d.ok_or_else(|| bad(row, format!("{name} is empty"))))
        .collect()
}

fn optional_days(
    array: &ArrayRef,
    name: &str,
    bad: &Bad,
) -> Result<Vec<Option<i32>>, SummaryError> {
    use arrow_array::types::{Date32Type, TimestampMillisecondType};
    if let Some(d) = array.as_primitive_opt::<Date32Type>() {
        return Ok(d.iter().collect());
    }
    if let Some(ts) = array.as_primitive_opt::<TimestampMillisecondType>() {
        return Ok(ts
            .iter()
            .map(|v| v.map(|ms| ms.div_euclid(86_400_000) as i32))
            .collect());
    }
    if array.null_count() == array.len() {
        return Ok(vec![None; array.len()]);
    }
    Err(bad(
        0,
        format!("{name} is not read as a date (write dates as yyyy-mm-dd)"),
    ))
}

fn numbers(array: &ArrayRef, name: &str, bad: &Bad) -> Result<Vec<f64>, SummaryError> {
    use arrow_array::types::{Float64Type, Int64Type};
    let values: Vec<Option<f64>> = if let Some(i) = array.as_primitive_opt::<Int64Type>() {
        i.iter().map(|v| v.map(|v| v as f64)).collect()
    } else if let Some(f) = array.as_primitive_opt::<Float64Type>() {
        f.iter().collect()
    } else {
        return Err(bad(0, format!("{name} is not read as a number")));
    };
    values
        .into_iter()
        .enumerate()
        .map(|(row, v)| match v {
            Some(v) if v.is_finite() => Ok(v),
            Some(v) => Err(bad(row, format!("{name} is {v}"))),
            None => Err(bad(row, format!("{name} is empty"))),
        })
        .collect()
}

fn counts(array: &ArrayRef, name: &str, bad: &Bad) -> Result<Vec<u32>, SummaryError> {
    numbers(array, name, bad)?
        .into_iter()
        .enumerate()
        .map(|(row, v)| {
            if v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
                Ok(v as u32)
            } else {
                Err(bad(row, format!("{name} is {v}, not a count")))
            }
        })
        .collect()
}

fn amounts(array: &ArrayRef, name: &str, bad: &Bad) -> Result<Vec<f64>, SummaryError> {
    numbers(array, name, bad)
}

fn calibration(
    table: &Table,
    first: &[i32],
    purchase_days: &[u32],
    missing: &dyn Fn(&str) -> SummaryError,
    bad: &Bad,
) -> Result<Option<Calibration>, SummaryError> {
    let present: Vec<Option<&ArrayRef>> = CALIBRATION.iter().map(|c| find(table, c)).collect();
    if present.iter().all(Option::is_none) {
        return Ok(None);
    }
    if let Some(i) = present.iter().position(Option::is_none) {
        return Err(missing(CALIBRATION[i]));
    }
    let cols: Vec<&ArrayRef> = present.into_iter().flatten().collect();
    let ends = days(cols[0], "calibration_end", bad)?;
    let end = ends[0];
    if let Some(row) = ends.iter().position(|&e| e != end) {
        return Err(bad(
            row,
            format!(
                "calibration_end is {}, not {} as on the first row: one calibration end for all",
                format_days(ends[row]),
                format_days(end)
            ),
        ));
    }
    let last = optional_days(cols[1], "calibration_last_purchase", bad)?;
    let cal_days = counts(cols[2], "calibration_purchase_days", bad)?;
    let holdout = counts(cols[3], "holdout_purchase_days", bad)?;
    for row in 0..first.len() {
        let seen = first[row] <= end;
        let ok = match last[row] {
            Some(l) => seen && l >= first[row] && l <= end && cal_days[row] >= 1,
            None => !seen && cal_days[row] == 0,
        } && cal_days[row] + holdout[row] <= purchase_days[row];
        if !ok {
            return Err(bad(
                row,
                format!(
                    "the calibration columns do not fit a first purchase on {} and a calibration \
                     end on {}",
                    format_days(first[row]),
                    format_days(end)
                ),
            ));
        }
    }
    Ok(Some(Calibration {
        end,
        last,
        purchase_days: cal_days,
        holdout_purchase_days: holdout,
    }))
}

impl PurchaseHistory for CustomerSummary {
    fn customers(&self) -> usize {
        self.len()
    }

    fn last_day(&self) -> i32 {
        CustomerSummary::last_day(self)
    }

    fn summarise(&self, end: i32, unit: TimeUnit) -> Result<Summary, ClvError> {
        if end < self.last_day() {
            return Err(ClvError::SummaryEnds {
                last: format_days(self.last_day()),
                end: format_days(end),
            });
        }
        let u = unit.days();
        let n = self.len();
        let mut s = Summary {
            key: (0..n as u32).collect(),
            frequency: Vec::with_capacity(n),
            recency: Vec::with_capacity(n),
            t: Vec::with_capacity(n),
            monetary: Vec::with_capacity(n),
            end,
            unit,
        };
        for i in 0..n {
            let x = self.purchase_days[i] - 1;
            s.frequency.push(x);
            s.recency.push(f64::from(self.last[i] - self.first[i]) / u);
            s.t.push(f64::from(end - self.first[i]) / u);
            s.monetary.push(if x > 0 {
                self.repeat_revenue[i] / f64::from(x)
            } else {
                0.0
            });
        }
        Ok(s)
    }

    fn spend_until(&self, end: i32) -> Vec<f64> {
        // Whole history: `summarise` refused an end before the last purchase.
        debug_assert!(end >= self.last_day());
        self.revenue.clone()
    }

    fn calibration_and_holdout(
        &self,
        calibration_end: i32,
        observation_end: i32,
        unit: TimeUnit,
    ) -> Result<CalibrationHoldout, ClvError> {
        let Some(c) = &self.calibration else {
            return Err(ClvError::SummaryCalibration {
                reason: "the summary has no calibration columns: compute them with the SQL's \
                         calibration part (docs/warehouse.md), or leave the holdout check out"
                    .into(),
            });
        };
        if c.end != calibration_end {
            return Err(ClvError::SummaryCalibration {
                reason: format!(
                    "the summary's calibration columns end on {}, not on {}: recompute them for \
                     that date",
                    format_days(c.end),
                    format_days(calibration_end)
                ),
            });
        }
        if calibration_end >= observation_end {
            return Err(ClvError::BadPeriods {
                calibration_end,
                observation_end,
            });
        }
        let u = unit.days();
        // The holdout check uses the purchase model alone: spends are left at 0.
        let mut s = Summary::empty(calibration_end, unit);
        let mut holdout = Vec::new();
        for i in 0..self.len() {
            let Some(last) = c.last[i] else { continue };
            s.key.push(i as u32);
            s.frequency.push(c.purchase_days[i] - 1);
            s.recency.push(f64::from(last - self.first[i]) / u);
            s.t.push(f64::from(calibration_end - self.first[i]) / u);
            s.monetary.push(0.0);
            holdout.push(c.holdout_purchase_days[i]);
        }
        if s.is_empty() {
            return Err(ClvError::NothingBefore {
                end: calibration_end,
            });
        }
        Ok(CalibrationHoldout {
            calibration: s,
            holdout_frequency: holdout,
            holdout_duration: f64::from(observation_end - calibration_end) / u,
            observation_end,
        })
    }
}
