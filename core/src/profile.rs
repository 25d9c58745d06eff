//! Data-quality profile of a read table: per column (type, blanks, distinct values, range,
//! quantiles, top values, invalid values with their lines) and per file (rows, duplicate rows,
//! refunds, future dates, extreme outliers).
//!
//! Quantiles are exact (sorted values, linear interpolation between order statistics: the
//! "type 7" definition of R and NumPy's default). Extreme outliers are Tukey's far-out values,
//! beyond 3 interquartile ranges from the quartiles.

use std::hash::{BuildHasher, Hash, Hasher};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMillisecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

use crate::anonymize::{Fate, column_privacy};
use crate::ingest::column::{ColumnKind, FormatReport, Invalids};
use crate::ingest::date::format_days;
use crate::ingest::encoding::TextEncoding;
use crate::ingest::format::SourceFormat;
use crate::ingest::roles::{Role, RoleGuess};
use crate::ingest::tokenizer::Delimiter;
use crate::ingest::{RowProblem, Table};

/// Top values kept per column.
const TOP: usize = 10;

/// Distribution of a numeric column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Quantiles at 1, 5, 25, 50, 75, 95 and 99 %.
    pub quantiles: [f64; 7],
    pub negatives: u64,
    /// Values beyond 3 interquartile ranges from the quartiles.
    pub extreme_outliers: u64,
}

/// Range of a date column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateSummary {
    /// `yyyy-mm-dd`.
    pub min: String,
    pub max: String,
    /// Values after the reference day (when one was given).
    pub future: u64,
}

/// Profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub index: usize,
    pub name: String,
    pub kind: ColumnKind,
    pub role: Option<RoleGuess>,
    pub format: FormatReport,
    pub nulls: u64,
    pub null_share: f64,
    pub distinct: u64,
    pub numeric: Option<NumericSummary>,
    pub dates: Option<DateSummary>,
    /// Most frequent values with their counts (text, booleans and small-cardinality numbers).
    pub top: Vec<(String, u64)>,
    pub invalid: Invalids,
    /// Treated as personal data under the default settings (its fate is not `keep`).
    pub personal: bool,
    /// What anonymization does to the column under the default settings.
    pub fate: Fate,
    /// Unrecognised text that may be personal: dropped until the user decides.
    pub needs_decision: bool,
}

/// Profile of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileProfile {
    pub file: String,
    pub format: SourceFormat,
    /// Delimited text only.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<Delimiter>,
    pub has_header: bool,
    pub sheet: Option<String>,
    pub rows: u64,
    pub duplicate_rows: u64,
    /// Rows with a negative amount (refunds: kept, and counted here).
    pub negative_amounts: u64,
    /// Rows with a date (any date role) after the reference day.
    pub future_dates: u64,
    /// Extreme outliers in the amount column.
    pub amount_outliers: u64,
    pub row_problems: Vec<RowProblem>,
    pub row_problem_count: u64,
    pub columns: Vec<ColumnProfile>,
}

/// Linear interpolation between order statistics of sorted values (R type 7).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn numeric_values(array: &ArrayRef) -> Option<Vec<f64>> {
    match array.data_type() {
        DataType::Float64 => Some(
            array
                .as_primitive::<Float64Type>()
                .iter()
                .flatten()
                .collect(),
        ),
        DataType::Int64 => Some(
            array
                .as_primitive::<Int64Type>()
                .iter()
                .flatten()
                .map(|v| v as f64)
                .collect(),
        ),
        _ => None,
    }
}

fn numeric_summary(mut values: Vec<f64>) -> Option<NumericSummary> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let q = |p| quantile(&values, p);
    let quantiles = [q(0.01), q(0.05), q(0.25), q(0.5), q(0.75), q(0.95), q(0.99)];
    let iqr = quantiles[4] - quantiles[2];
    let (low, high) = (quantiles[2] - 3.0 * iqr, quantiles[4] + 3.0 * iqr);
    Some(NumericSummary {
        min: values[0],
        max: values[values.len() - 1],
        mean: values.iter().sum::<f64>() / values.len() as f64,
        quantiles,
        negatives: values.iter().filter(|&&v| v < 0.0).count() as u64,
        extreme_outliers: values.iter().filter(|&&v| v < low || v > high).count() as u64,
    })
}

/// Day numbers of a date or timestamp column (nulls skipped).
fn day_values(array: &ArrayRef) -> Option<Vec<i32>> {
    match array.data_type() {
        DataType::Date32 => Some(
            array
                .as_primitive::<Date32Type>()
                .iter()
                .flatten()
                .collect(),
        ),
        DataType::Timestamp(_, _) => Some(
            array
                .as_primitive::<TimestampMillisecondType>()
                .iter()
                .flatten()
                .map(|ms| ms.div_euclid(86_400_000) as i32)
                .collect(),
        ),
        _ => None,
    }
}

/// A 64-bit hash of each row's value (nulls hash alike), for distinct counts and duplicates.
fn value_hashes(array: &ArrayRef) -> Vec<u64> {
    let state = hashbrown::DefaultHashBuilder::default();
    let hash = |v: &dyn Fn(&mut dyn Hasher)| {
        let mut h = state.build_hasher();
        v(&mut h);
        h.finish()
    };
    const NULL: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = array.len();
    let mut out = Vec::with_capacity(n);
    match array.data_type() {
        DataType::Dictionary(_, _) => {
            let dict = array.as_dictionary::<UInt32Type>();
            let values = dict.values().as_string::<i32>();
            let value_hash: Vec<u64> = (0..values.len())
                .map(|i| hash(&|h: &mut dyn Hasher| values.value(i).hash(&mut HasherRef(h))))
                .collect();
            for i in 0..n {
                out.push(if dict.is_null(i) {
                    NULL
                } else {
                    value_hash[dict.keys().value(i) as usize]
                });
            }
        }
        DataType::Utf8 => {
            let s = array.as_string::<i32>();
            for i in 0..n {
                out.push(if s.is_null(i) {
                    NULL
                } else {
                    hash(&|h: &mut dyn Hasher| s.value(i).hash(&mut HasherRef(h)))
                });
            }
        }
        DataType::Float64 => {
            let a = array.as_primitive::<Float64Type>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    NULL
                } else {
                    hash(&|h: &mut dyn Hasher| h.write_u64(a.value(i).to_bits()))
                });
            }
        }
        DataType::Int64 => {
            let a = array.as_primitive::<Int64Type>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    NULL
                } else {
                    hash(&|h: &mut dyn Hasher| h.write_i64(a.value(i)))
                });
            }
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    NULL
                } else {
                    hash(&|h: &mut dyn Hasher| h.write_i32(a.value(i)))
                });
            }
        }
        DataType::Timestamp(_, _) => {
            let a = array.as_primitive::<TimestampMillisecondType>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    NULL
                } else {
                    hash(&|h: &mut dyn Hasher| h.write_i64(a.value(i)))
                });
            }
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    NULL
                } else {
                    u64::from(a.value(i)) + 1
                });
            }
        }
        _ => out.resize(n, NULL),
    }
    out
}

/// Lets `str::hash` write into a `&mut dyn Hasher`.
struct HasherRef<'a>(&'a mut dyn Hasher);

impl Hasher for HasherRef<'_> {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes)
    }
}

/// The text of row `i`, for top values.
fn display(array: &ArrayRef, i: usize) -> String {
    match array.data_type() {
        DataType::Dictionary(_, _) => {
            let d = array.as_dictionary::<UInt32Type>();
            d.values()
                .as_string::<i32>()
                .value(d.keys().value(i) as usize)
                .to_string()
        }
        DataType::Utf8 => array.as_string::<i32>().value(i).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Float64 => array.as_primitive::<Float64Type>().value(i).to_string(),
        DataType::Boolean => array.as_boolean().value(i).to_string(),
        DataType::Date32 => format_days(array.as_primitive::<Date32Type>().value(i)),
        _ => String::new(),
    }
}

fn top_values(array: &ArrayRef, hashes: &[u64], distinct: u64) -> Vec<(String, u64)> {
    let wanted = matches!(
        array.data_type(),
        DataType::Utf8 | DataType::Dictionary(_, _) | DataType::Boolean | DataType::Int64
    );
    if !wanted || (array.data_type() == &DataType::Int64 && distinct > 50) {
        return Vec::new();
    }
    // Count by hash, remember one row per hash to display it.
    let mut counts: HashMap<u64, (u64, usize)> = HashMap::new();
    for (i, &h) in hashes.iter().enumerate() {
        if array.is_null(i) {
            continue;
        }
        counts.entry(h).or_insert((0, i)).0 += 1;
    }
    let mut top: Vec<(u64, usize)> = counts.into_values().collect();
    top.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    top.truncate(TOP);
    top.into_iter()
        .map(|(count, row)| (display(array, row), count))
        .collect()
}

/// Profiles a table. `reference_day` (days since 1970-01-01, usually today) dates future values.
pub fn profile(table: &Table, reference_day: Option<i32>) -> FileProfile {
    let rows = table.rows as u64;
    let mut row_hash = vec![0u64; table.rows];
    let mut columns = Vec::with_capacity(table.columns.len());
    let mut negative_amounts = 0;
    let mut amount_outliers = 0;
    let mut future_rows = vec![false; table.rows];
    for col in &table.columns {
        let hashes = value_hashes(&col.array);
        for (acc, h) in row_hash.iter_mut().zip(&hashes) {
            *acc = acc.rotate_left(23).wrapping_mul(0x100_0000_01B3) ^ h;
        }
        let distinct = {
            let mut set: HashSet<u64> = HashSet::with_capacity(hashes.len().min(1 << 20));
            for (i, &h) in hashes.iter().enumerate() {
                if !col.array.is_null(i) {
                    set.insert(h);
                }
            }
            set.len() as u64
        };
        let role = col.plan.role.map(|r| r.role);
        let numeric = numeric_values(&col.array).and_then(numeric_summary);
        if role == Some(Role::Amount)
            && let Some(n) = &numeric
        {
            negative_amounts = n.negatives;
            amount_outliers = n.extreme_outliers;
        }
        let dates = day_values(&col.array).and_then(|days| {
            let min = *days.iter().min()?;
            let max = *days.iter().max()?;
            Some(DateSummary {
                min: format_days(min),
                max: format_days(max),
                future: reference_day.map_or(0, |r| days.iter().filter(|&&d| d > r).count() as u64),
            })
        });
        if let Some(r) = reference_day
            && matches!(role, Some(Role::Date))
            && let Some(days) = day_array(&col.array)
        {
            for (i, d) in days.into_iter().enumerate() {
                if d.is_some_and(|d| d > r) {
                    future_rows[i] = true;
                }
            }
        }
        let privacy = column_privacy(&col.plan);
        columns.push(ColumnProfile {
            index: col.plan.index,
            name: col.plan.name.clone(),
            kind: col.kind,
            role: col.plan.role,
            format: col.format.clone(),
            nulls: col.nulls,
            null_share: if rows == 0 {
                0.0
            } else {
                col.nulls as f64 / rows as f64
            },
            distinct,
            numeric,
            dates,
            top: top_values(&col.array, &hashes, distinct),
            invalid: col.invalid.clone(),
            personal: privacy.personal,
            fate: privacy.fate,
            needs_decision: privacy.needs_decision,
        });
    }
    let duplicate_rows = {
        let mut seen: HashSet<u64> = HashSet::with_capacity(row_hash.len());
        row_hash.iter().filter(|h| !seen.insert(**h)).count() as u64
    };
    let plan = &table.plan;
    let delimited = plan.format == SourceFormat::Delimited;
    FileProfile {
        file: plan.file.clone(),
        format: plan.format,
        encoding: delimited.then_some(plan.encoding.encoding),
        delimiter: delimited.then_some(plan.delimiter),
        has_header: plan.has_header,
        sheet: plan.sheet.clone(),
        rows,
        duplicate_rows: if table.columns.is_empty() {
            0
        } else {
            duplicate_rows
        },
        negative_amounts,
        future_dates: future_rows.iter().filter(|&&f| f).count() as u64,
        amount_outliers,
        row_problems: table.row_problems.clone(),
        row_problem_count: table.row_problem_count,
        columns,
    }
}

fn day_array(array: &ArrayRef) -> Option<Vec<Option<i32>>> {
    match array.data_type() {
        DataType::Date32 => Some(array.as_primitive::<Date32Type>().iter().collect()),
        DataType::Timestamp(_, _) => Some(
            array
                .as_primitive::<TimestampMillisecondType>()
                .iter()
                .map(|v| v.map(|ms| ms.div_euclid(86_400_000) as i32))
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_type_7() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.25, .5, .9), type = 7) gives 2, 3, 7.6.
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.9) - 7.6).abs() < 1e-12);
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
    }

    #[test]
    fn far_out_values() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        v.push(1000.0);
        let s = numeric_summary(v).unwrap();
        // Q1 = 26, Q3 = 76, IQR = 50: far-out above 226.
        assert_eq!(s.quantiles[2], 26.0);
        assert_eq!(s.quantiles[4], 76.0);
        assert_eq!(s.extreme_outliers, 1);
    }
}
