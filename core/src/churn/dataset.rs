//! From an Arrow table to a labelled feature set, and from there to a numeric matrix.
//!
//! Two stages on purpose: [`ChurnDataset`] holds what the file says (labels, typed columns,
//! what was left out and why), [`Encoder`] holds what is learnt from the training rows only
//! (medians, means, standard deviations), so that no test-row statistic leaks into the fit.
//!
//! Decisions a user may ask about:
//! - personal data never becomes a feature: columns whose role is personal (e-mail, phone,
//!   name, postcode, birth date, …; the reader's roles, or for a bare record batch the
//!   content detectors of [`crate::pii`] and the column's name), and columns flagged as
//!   possibly personal, are left out, so that no driver names a person (`Prénom=Jean`);
//! - text columns with more than `max_levels` distinct values, or where more than
//!   `max_distinct_share` of the non-blank values are distinct, are identifiers or names: they
//!   would give one indicator per customer, which a model memorises instead of learning;
//! - date columns become "days before the column's latest date" (a recency), since the calendar
//!   day itself is not comparable between customers observed at different times;
//! - categorical levels come from the whole column (they are not outcome information), blank
//!   being a level of its own; a level absent from the training rows gets a zero coefficient.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use serde::{Deserialize, Serialize};

use super::{ChurnError, ChurnParams};
use crate::anonymize::column_privacy;
use crate::ingest::Table;
use crate::ingest::roles::{Role, name_score, personal_role};
use crate::ingest::sniff::guess_kind;

/// How a column enters the models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeatureKind {
    Numeric,
    /// Days before the column's latest date.
    Date,
    Categorical,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Numeric(Vec<Option<f64>>),
    /// Codes into `levels` (sorted); `None` is blank.
    Categorical {
        levels: Vec<String>,
        codes: Vec<Option<u32>>,
    },
}

/// An input column kept as a feature.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureColumn {
    pub name: String,
    pub kind: FeatureKind,
    pub values: ColumnValues,
}

/// A column left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedColumn {
    pub name: String,
    pub reason: String,
}

/// Labels and feature columns, one entry per input row.
#[derive(Debug, Clone)]
pub struct ChurnDataset {
    pub rows: usize,
    pub label_column: String,
    /// `None` for a blank label: such rows are scored but not used to fit or evaluate.
    pub label: Vec<Option<bool>>,
    pub id_column: Option<String>,
    pub ids: Option<Vec<String>>,
    pub columns: Vec<FeatureColumn>,
    pub excluded: Vec<ExcludedColumn>,
    pub blank_labels: usize,
}

const POSITIVE: &[&str] = &[
    "yes",
    "y",
    "oui",
    "o",
    "true",
    "t",
    "vrai",
    "1",
    "churn",
    "churned",
    "churner",
    "left",
    "lost",
    "gone",
    "attrited",
    "cancelled",
    "canceled",
    "resilie",
    "résilié",
    "parti",
    "perdu",
];
const NEGATIVE: &[&str] = &[
    "no", "n", "non", "false", "f", "faux", "0", "stay", "stayed", "retained", "active", "current",
    "existing", "kept", "actif", "fidele", "fidèle", "reste", "resté", "retenu",
];

/// Reads a label cell: `Ok(None)` for blank, an error for anything not yes/no-like.
pub fn parse_label(text: &str) -> Option<Option<bool>> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Some(None);
    }
    if POSITIVE.contains(&t.as_str()) {
        return Some(Some(true));
    }
    if NEGATIVE.contains(&t.as_str()) {
        return Some(Some(false));
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(1.0) => Some(Some(true)),
        Ok(0.0) => Some(Some(false)),
        _ => None,
    }
}

/// Every cell as trimmed text, `None` for null or blank.
fn texts(array: &ArrayRef) -> Option<Vec<Option<String>>> {
    let utf8 = arrow_cast::cast::cast(array, &DataType::Utf8).ok()?;
    let s = utf8.as_string_opt::<i32>()?;
    Some(
        (0..s.len())
            .map(|i| {
                if s.is_null(i) {
                    return None;
                }
                let v = s.value(i).trim();
                (!v.is_empty()).then(|| v.to_string())
            })
            .collect(),
    )
}

fn numbers(array: &ArrayRef) -> Option<Vec<Option<f64>>> {
    let f = arrow_cast::cast::cast(array, &DataType::Float64).ok()?;
    let f = f.as_primitive_opt::<Float64Type>()?;
    Some(
        (0..f.len())
            .map(|i| {
                let v = f.value(i);
                (f.is_valid(i) && v.is_finite()).then_some(v)
            })
            .collect(),
    )
}

/// Days since 1970-01-01 of each cell, for date and timestamp columns.
fn days(array: &ArrayRef) -> Option<Vec<Option<f64>>> {
    let per_day = |unit: &TimeUnit| match unit {
        TimeUnit::Second => 86_400.0,
        TimeUnit::Millisecond => 86_400_000.0,
        TimeUnit::Microsecond => 86_400_000_000.0,
        TimeUnit::Nanosecond => 86_400_000_000_000.0,
    };
    let collect = |n: usize, valid: &dyn Fn(usize) -> bool, value: &dyn Fn(usize) -> f64| {
        (0..n)
            .map(|i| valid(i).then(|| value(i)))
            .collect::<Vec<_>>()
    };
    Some(match array.data_type() {
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            collect(a.len(), &|i| a.is_valid(i), &|i| a.value(i) as f64)
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            collect(a.len(), &|i| a.is_valid(i), &|i| {
                (a.value(i) as f64 / 86_400_000.0).floor()
            })
        }
        DataType::Timestamp(unit, _) => {
            let d = per_day(unit);
            let raw: Vec<Option<i64>> = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().iter().collect(),
                TimeUnit::Millisecond => array
                    .as_primitive::<TimestampMillisecondType>()
                    .iter()
                    .collect(),
                TimeUnit::Microsecond => array
                    .as_primitive::<TimestampMicrosecondType>()
                    .iter()
                    .collect(),
                TimeUnit::Nanosecond => array
                    .as_primitive::<TimestampNanosecondType>()
                    .iter()
                    .collect(),
            };
            raw.into_iter()
                .map(|v| v.map(|v| (v as f64 / d).floor()))
                .collect()
        }
        _ => return None,
    })
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

fn is_number(t: &DataType) -> bool {
    t.is_numeric()
}

/// The best column for a role by name alone (a bare record batch carries no roles).
fn by_name(schema: &Schema, role: Role) -> Option<String> {
    schema
        .fields()
        .iter()
        .map(|f| (name_score(role, f.name()), f.name()))
        .filter(|(s, _)| *s >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n.clone())
}

impl ChurnDataset {
    /// Builds the dataset from a record batch. The label column is `params.label`, else the
    /// column whose name reads as a churn label; the id column is `params.id`, else the one
    /// whose name reads as a customer id (none is fine).
    pub fn from_batch(batch: &RecordBatch, params: &ChurnParams) -> Result<Self, ChurnError> {
        let schema = batch.schema();
        let label_name = match &params.label {
            Some(n) => n.clone(),
            None => by_name(&schema, Role::ChurnLabel).ok_or(ChurnError::NoLabel)?,
        };
        let id_name = match &params.id {
            Some(n) => Some(n.clone()),
            None => by_name(&schema, Role::CustomerId).filter(|n| *n != label_name),
        };
        Self::build(batch, params, label_name, id_name, &[])
    }

    /// Builds the dataset from a file read by [`crate::ingest`], taking the label and id
    /// columns from the roles the reader assigned when the parameters do not name them.
    pub fn from_table(table: &Table, params: &ChurnParams) -> Result<Self, ChurnError> {
        let batch = table_batch(table)?;
        let label_name = match &params.label {
            Some(n) => n.clone(),
            None => table
                .column(Role::ChurnLabel)
                .map(|c| c.plan.name.clone())
                .or_else(|| by_name(&batch.schema(), Role::ChurnLabel))
                .ok_or(ChurnError::NoLabel)?,
        };
        let id_name = match &params.id {
            Some(n) => Some(n.clone()),
            None => table
                .column(Role::CustomerId)
                .map(|c| c.plan.name.clone())
                .filter(|n| *n != label_name),
        };
        // The reader's roles name the personal columns; the content check in `build` also
        // runs, for columns whose role the user removed.
        let personal: Vec<(String, String)> = table
            .columns
            .iter()
            .filter_map(|c| {
                let p = column_privacy(&c.plan);
                let why = match c.plan.role {
                    Some(r) if r.role.is_pii() => r.role.key(),
                    _ if p.needs_decision => "unrecognised text that may be personal",
                    _ => return None,
                };
                Some((c.plan.name.clone(), why.to_string()))
            })
            .collect();
        Self::build(&batch, params, label_name, id_name, &personal)
    }

    fn build(
        batch: &RecordBatch,
        params: &ChurnParams,
        label_name: String,
        id_name: Option<String>,
        personal: &[(String, String)],
    ) -> Result<Self, ChurnError> {
        let rows = batch.num_rows();
        let find = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| ChurnError::NoColumn(name.to_string()))
        };
        for name in &params.exclude {
            find(name)?;
        }
        let label_array = find(&label_name)?;
        let label: Vec<Option<bool>> = match label_array.as_boolean_opt() {
            // A boolean column is its own label (the holdout window's `churned`): no detour
            // through text for every row.
            Some(b) => b.iter().collect(),
            None => {
                let label_text = texts(label_array).ok_or_else(|| ChurnError::BadLabel {
                    column: label_name.clone(),
                    value: format!("a column of type {}", label_array.data_type()),
                })?;
                let mut label = Vec::with_capacity(rows);
                for v in &label_text {
                    match v {
                        None => label.push(None),
                        Some(t) => match parse_label(t) {
                            Some(l) => label.push(l),
                            None => {
                                return Err(ChurnError::BadLabel {
                                    column: label_name.clone(),
                                    value: t.clone(),
                                });
                            }
                        },
                    }
                }
                label
            }
        };
        let blank_labels = label.iter().filter(|l| l.is_none()).count();
        let ids = match &id_name {
            Some(n) => {
                let a = find(n)?;
                texts(a).map(|t| t.into_iter().map(|v| v.unwrap_or_default()).collect())
            }
            None => None,
        };
        let mut columns = Vec::new();
        let mut excluded = Vec::new();
        let schema = batch.schema();
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            let name = field.name();
            if *name == label_name || Some(name) == id_name.as_ref() {
                continue;
            }
            if params.exclude.contains(name) {
                excluded.push(ExcludedColumn {
                    name: name.clone(),
                    reason: "excluded by the parameters".into(),
                });
                continue;
            }
            let why = personal
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, why)| why.clone())
                .or_else(|| detected_personal(name, array).map(|r| r.key().to_string()));
            if let Some(why) = why {
                excluded.push(ExcludedColumn {
                    name: name.clone(),
                    reason: format!("personal data ({why}): never a model feature"),
                });
                continue;
            }
            match column(name, array, params) {
                Ok(c) => columns.push(c),
                Err(reason) => excluded.push(ExcludedColumn {
                    name: name.clone(),
                    reason,
                }),
            }
        }
        if columns.is_empty() {
            return Err(ChurnError::NoFeatures);
        }
        Ok(ChurnDataset {
            rows,
            label_column: label_name,
            label,
            id_column: id_name,
            ids,
            columns,
            excluded,
            blank_labels,
        })
    }

    /// Rows with a label, in input order.
    pub fn labelled_rows(&self) -> Vec<usize> {
        (0..self.rows)
            .filter(|&r| self.label[r].is_some())
            .collect()
    }

    /// Labels as booleans (blank as `false`; use with [`Self::labelled_rows`]).
    pub fn label_bools(&self) -> Vec<bool> {
        self.label.iter().map(|l| l.unwrap_or(false)).collect()
    }
}

/// Values sampled to recognise personal data in a column, as when reading a file.
const PERSONAL_SAMPLE: usize = 1000;

/// The personal-data role a column's name and first values show, if any.
fn detected_personal(name: &str, array: &ArrayRef) -> Option<Role> {
    // The first values as text, from a growing slice rather than the whole column (formatting
    // 100k floats as text to look at a thousand of them was a fifth of the churn step).
    let mut len = PERSONAL_SAMPLE.min(array.len());
    let values: Vec<String> = loop {
        let values: Vec<String> = texts(&array.slice(0, len))?
            .into_iter()
            .flatten()
            .take(PERSONAL_SAMPLE)
            .collect();
        if values.len() >= PERSONAL_SAMPLE || len == array.len() {
            break values;
        }
        len = (len * 4).min(array.len());
    };
    let bytes: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
    personal_role(name, &guess_kind(&bytes))
}

/// A feature column, or why the column is left out.
fn column(name: &str, array: &ArrayRef, params: &ChurnParams) -> Result<FeatureColumn, String> {
    let t = array.data_type();
    let (kind, values) = if let Some(d) = days(array) {
        let latest = d
            .iter()
            .flatten()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let v = d.into_iter().map(|x| x.map(|x| latest - x)).collect();
        (FeatureKind::Date, ColumnValues::Numeric(v))
    } else if is_number(t) {
        let v = numbers(array).ok_or_else(|| format!("unsupported type {t}"))?;
        (FeatureKind::Numeric, ColumnValues::Numeric(v))
    } else if is_text(t) || *t == DataType::Boolean {
        let v = texts(array).ok_or_else(|| format!("unsupported type {t}"))?;
        let levels: BTreeSet<&str> = v.iter().flatten().map(|s| s.as_str()).collect();
        let filled = v.iter().flatten().count();
        if levels.len() > params.max_levels {
            return Err(format!(
                "{} distinct values (more than {}): an identifier or free text",
                levels.len(),
                params.max_levels
            ));
        }
        if filled > 0 && levels.len() as f64 > params.max_distinct_share * filled as f64 {
            return Err(format!(
                "{} distinct values in {} rows: an identifier or free text",
                levels.len(),
                filled
            ));
        }
        let levels: Vec<String> = levels.into_iter().map(str::to_string).collect();
        let codes = v
            .iter()
            .map(|x| {
                x.as_ref()
                    .and_then(|s| levels.binary_search(s).ok().map(|i| i as u32))
            })
            .collect();
        (
            FeatureKind::Categorical,
            ColumnValues::Categorical { levels, codes },
        )
    } else {
        return Err(format!("unsupported type {t}"));
    };
    let constant = match &values {
        ColumnValues::Numeric(v) => {
            let mut it = v.iter().flatten();
            let first = it.next();
            v.iter().all(|x| x.is_some()) && first.is_none_or(|f| it.all(|x| x == f))
        }
        ColumnValues::Categorical { levels, codes } => {
            levels.len() <= 1 && codes.iter().all(|c| c.is_some())
        }
    };
    if constant {
        return Err("the same value in every row".into());
    }
    if matches!(&values, ColumnValues::Numeric(v) if v.iter().all(|x| x.is_none())) {
        return Err("blank in every row".into());
    }
    Ok(FeatureColumn {
        name: name.to_string(),
        kind,
        values,
    })
}

/// The columns of a read file as one record batch.
pub fn table_batch(table: &Table) -> Result<RecordBatch, ChurnError> {
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| Field::new(&c.plan.name, c.array.data_type().clone(), true))
        .collect();
    let arrays: Vec<ArrayRef> = table.columns.iter().map(|c| c.array.clone()).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| ChurnError::Arrow(e.to_string()))
}

/// A dense row-major matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        Matrix { rows, cols, data }
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// One column, copied.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.rows)
            .map(|i| self.data[i * self.cols + j])
            .collect()
    }
}

/// A model input: the column it comes from and, for one-hot features, the level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// `column` for numbers and dates, `column=level` for levels, `column (blank)` for the
    /// missing-value indicator and the blank level.
    pub name: String,
    pub column: String,
    /// Index of the column in [`ChurnDataset::columns`].
    pub source: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Block {
    column: String,
    kind: BlockKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum BlockKind {
    Numeric {
        median: f64,
        mean: f64,
        sd: f64,
        indicator: bool,
    },
    /// Levels sorted.
    OneHot { levels: Vec<String>, blank: bool },
}

/// Turns dataset rows into model inputs with statistics learnt from the training rows:
/// numbers (and dates) are imputed with the training median, then standardised with the
/// training mean and population standard deviation (as scikit-learn's `SimpleImputer` then
/// `StandardScaler`), plus a 0/1 missing indicator when the column has blanks; categories are
/// one-hot encoded, every level kept (the L2 penalty makes the full set identifiable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    pub features: Vec<Feature>,
    blocks: Vec<Block>,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Encoder {
    pub fn fit(data: &ChurnDataset, train: &[usize]) -> Self {
        let mut features = Vec::new();
        let mut blocks = Vec::new();
        for (source, col) in data.columns.iter().enumerate() {
            match &col.values {
                ColumnValues::Numeric(v) => {
                    let mut present: Vec<f64> = train.iter().filter_map(|&r| v[r]).collect();
                    let indicator = v.iter().any(|x| x.is_none());
                    let med = median(&mut present);
                    let n = train.len().max(1) as f64;
                    let filled = || train.iter().map(|&r| v[r].unwrap_or(med));
                    let mean = filled().sum::<f64>() / n;
                    let var = filled().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
                    let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
                    features.push(Feature {
                        name: col.name.clone(),
                        column: col.name.clone(),
                        source,
                    });
                    if indicator {
                        features.push(Feature {
                            name: format!("{} (blank)", col.name),
                            column: col.name.clone(),
                            source,
                        });
                    }
                    blocks.push(Block {
                        column: col.name.clone(),
                        kind: BlockKind::Numeric {
                            median: med,
                            mean,
                            sd,
                            indicator,
                        },
                    });
                }
                ColumnValues::Categorical { levels, codes } => {
                    let blank = codes.iter().any(|c| c.is_none());
                    for l in levels {
                        features.push(Feature {
                            name: format!("{}={}", col.name, l),
                            column: col.name.clone(),
                            source,
                        });
                    }
                    if blank {
                        features.push(Feature {
                            name: format!("{} (blank)", col.name),
                            column: col.name.clone(),
                            source,
                        });
                    }
                    blocks.push(Block {
                        column: col.name.clone(),
                        kind: BlockKind::OneHot {
                            levels: levels.clone(),
                            blank,
                        },
                    });
                }
            }
        }
        Encoder { features, blocks }
    }

    pub fn width(&self) -> usize {
        self.features.len()
    }

    /// The model inputs of `rows`, in that order.
    pub fn transform(&self, data: &ChurnDataset, rows: &[usize]) -> Matrix {
        let width = self.width();
        let mut out = vec![0.0; rows.len() * width];
        let mut offset = 0;
        for block in &self.blocks {
            // Columns are matched by name and levels by text, so a model fitted on one file
            // scores another with the same columns; a missing column reads as blank.
            let col = data.columns.iter().find(|c| c.name == block.column);
            match &block.kind {
                BlockKind::Numeric {
                    median,
                    mean,
                    sd,
                    indicator,
                } => {
                    let v = match col.map(|c| &c.values) {
                        Some(ColumnValues::Numeric(v)) => Some(v),
                        _ => None,
                    };
                    for (i, &r) in rows.iter().enumerate() {
                        let x = v.and_then(|v| v.get(r).copied().flatten());
                        out[i * width + offset] = (x.unwrap_or(*median) - mean) / sd;
                        if *indicator && x.is_none() {
                            out[i * width + offset + 1] = 1.0;
                        }
                    }
                    offset += 1 + usize::from(*indicator);
                }
                BlockKind::OneHot { levels, blank } => {
                    let (map, codes): (Vec<Option<usize>>, Option<&Vec<Option<u32>>>) =
                        match col.map(|c| &c.values) {
                            Some(ColumnValues::Categorical {
                                levels: theirs,
                                codes,
                            }) => (
                                theirs
                                    .iter()
                                    .map(|l| levels.binary_search(l).ok())
                                    .collect(),
                                Some(codes),
                            ),
                            _ => (Vec::new(), None),
                        };
                    for (i, &r) in rows.iter().enumerate() {
                        match codes.and_then(|c| c.get(r).copied().flatten()) {
                            Some(c) => {
                                // A level unseen at fit time: every indicator stays 0.
                                if let Some(Some(k)) = map.get(c as usize) {
                                    out[i * width + offset + k] = 1.0;
                                }
                            }
                            None if *blank => out[i * width + offset + levels.len()] = 1.0,
                            None => {}
                        }
                    }
                    offset += levels.len() + usize::from(*blank);
                }
            }
        }
        Matrix::new(rows.len(), width, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_spellings() {
        for t in ["Yes", " oui ", "TRUE", "1", "1.0", "Churned", "résilié"] {
            assert_eq!(parse_label(t), Some(Some(true)), "{t}");
        }
        for t in ["No", "non", "false", "0", "0,0", "stayed", "Actif"] {
            assert_eq!(parse_label(t), Some(Some(false)), "{t}");
        }
        assert_eq!(parse_label("  "), Some(None));
        assert_eq!(parse_label("maybe"), None);
        assert_eq!(parse_label("2"), None);
    }
}
