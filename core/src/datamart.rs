//! Datamarts: named, saved filters over the customer base, and target lists exported for the
//! operational CRM.
//!
//! A filter is a small tree ([`Filter`]) evaluated against any customer table (an Arrow
//! [`RecordBatch`]: the consolidated base joined with the analyses' scores), so the same saved
//! datamart applies again after the data is refreshed. Blank values never match a condition;
//! `not` negates what matched, so blanks pass a negated condition.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

/// Numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// A condition on the customer table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Filter {
    /// Every condition holds (true when empty).
    All {
        of: Vec<Filter>,
    },
    /// At least one condition holds (false when empty).
    Any {
        of: Vec<Filter>,
    },
    Not {
        filter: Box<Filter>,
    },
    /// The column's text equals one of the values (`segment in [...]`, `region = "Nord"`).
    /// Text compares exactly after trimming; numbers and dates compare by their display.
    In {
        column: String,
        values: Vec<String>,
    },
    /// Numeric comparison (`p_alive < 0.3`).
    Compare {
        column: String,
        cmp: Cmp,
        value: f64,
    },
    /// The top `share` (0 < share ≤ 1) of customers by the column, descending (`clv top 10 %`):
    /// exactly ⌈share × n⌉ of the n customers with a value, ties broken by table order.
    Top {
        column: String,
        share: f64,
    },
    /// A date in `[as_of, as_of + days]` (`contract expiring within 60 days`); days since
    /// 1970-01-01.
    DateWithin {
        column: String,
        as_of: i32,
        days: u32,
    },
}

/// Errors of the datamart family.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DatamartError {
    #[error("no column named \"{column}\"; the table has: {available}")]
    UnknownColumn { column: String, available: String },
    #[error("column \"{column}\" holds {kind}, not numbers: use an \"in\" condition instead")]
    NotNumeric { column: String, kind: String },
    #[error("column \"{column}\" holds {kind}, not dates")]
    NotDate { column: String, kind: String },
    #[error("a top share must be above 0 and at most 1 (10 % is 0.1), not {0}")]
    BadShare(f64),
    #[error("a datamart needs a name")]
    EmptyName,
    #[error("the mask has {mask} rows but the table has {rows}")]
    MaskLength { mask: usize, rows: usize },
    #[error("could not write column \"{column}\": {reason}")]
    Format { column: String, reason: String },
}

/// Adds `right`'s columns to `left`, matching rows on the text of their key columns (a left
/// join: left rows without a match get blanks; the first right row of a repeated key wins).
/// Right columns whose name `left` already has get `suffix` appended, and the right key is
/// left out. This is how the scores meet the consolidated base's attributes (region,
/// contracts' next expiry, …) so that one filter can use both.
pub fn join_columns(
    left: &RecordBatch,
    left_key: &str,
    right: &RecordBatch,
    right_key: &str,
    suffix: &str,
) -> Result<RecordBatch, DatamartError> {
    let left_ids = crate::analysis::text_values(column(left, left_key)?);
    let right_ids = crate::analysis::text_values(column(right, right_key)?);
    let mut index: hashbrown::HashMap<&str, u32> = hashbrown::HashMap::new();
    for (i, id) in right_ids.iter().enumerate() {
        if let Some(id) = id {
            index.entry(id.trim()).or_insert(i as u32);
        }
    }
    let rows: arrow_array::UInt32Array = left_ids
        .iter()
        .map(|id| id.as_deref().and_then(|id| index.get(id.trim()).copied()))
        .collect();
    let mut fields: Vec<arrow_schema::FieldRef> = left.schema().fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = left.columns().to_vec();
    for (field, column) in right.schema().fields().iter().zip(right.columns()) {
        if field.name() == right_key {
            continue;
        }
        let mut name = field.name().clone();
        while fields.iter().any(|f| *f.name() == name) {
            name.push_str(suffix);
        }
        let taken = arrow_select::take::take(column.as_ref(), &rows, None).map_err(|e| {
            DatamartError::Format {
                column: name.clone(),
                reason: e.to_string(),
            }
        })?;
        fields.push(std::sync::Arc::new(arrow_schema::Field::new(
            name,
            field.data_type().clone(),
            true,
        )));
        columns.push(taken);
    }
    RecordBatch::try_new(
        std::sync::Arc::new(arrow_schema::Schema::new(fields)),
        columns,
    )
    .map_err(|e| DatamartError::Format {
        column: String::new(),
        reason: e.to_string(),
    })
}

/// A saved, named filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Datamart {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub filter: Filter,
}

impl Datamart {
    /// The datamart's customers in table order as a target list (`customer_id` then
    /// `columns`), with their count: what `prisme analyze --datamart --target-list` writes and
    /// the app's "Export target list" downloads.
    pub fn target_list(
        &self,
        batch: &RecordBatch,
        columns: &[String],
        style: CsvStyle,
    ) -> Result<(usize, String), DatamartError> {
        self.filter.validate(batch)?;
        let mask = self.filter.evaluate(batch)?;
        let csv = target_list_csv(batch, &mask, "customer_id", columns, style)?;
        Ok((mask.iter().filter(|&&m| m).count(), csv))
    }
}

/// Datamarts saved by name (saving under an existing name replaces it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Datamarts {
    pub datamarts: BTreeMap<String, Datamart>,
}

impl Datamarts {
    pub fn save(&mut self, datamart: Datamart) -> Result<(), DatamartError> {
        let name = datamart.name.trim().to_string();
        if name.is_empty() {
            return Err(DatamartError::EmptyName);
        }
        self.datamarts
            .insert(name.clone(), Datamart { name, ..datamart });
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Datamart> {
        self.datamarts.get(name.trim())
    }

    pub fn remove(&mut self, name: &str) -> Option<Datamart> {
        self.datamarts.remove(name.trim())
    }
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, DatamartError> {
    batch
        .schema()
        .index_of(name)
        .ok()
        .map(|i| batch.column(i))
        .ok_or_else(|| DatamartError::UnknownColumn {
            column: name.to_string(),
            available: batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn numbers(batch: &RecordBatch, name: &str) -> Result<Vec<Option<f64>>, DatamartError> {
    let col = column(batch, name)?;
    let numeric = col.data_type().is_numeric()
        || matches!(col.data_type(), DataType::Date32 | DataType::Boolean);
    if !numeric {
        return Err(DatamartError::NotNumeric {
            column: name.to_string(),
            kind: col.data_type().to_string(),
        });
    }
    let not_numeric = |e: arrow_schema::ArrowError| DatamartError::NotNumeric {
        column: name.to_string(),
        kind: e.to_string(),
    };
    // arrow casts dates to integers but not to floats: a date compares as its day number.
    let col = if col.data_type() == &DataType::Date32 {
        &arrow_cast::cast(col, &DataType::Int32).map_err(not_numeric)?
    } else {
        col
    };
    let cast = arrow_cast::cast(col, &DataType::Float64).map_err(not_numeric)?;
    Ok(cast.as_primitive::<Float64Type>().iter().collect())
}

pub(crate) fn texts(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, DatamartError> {
    let col = column(batch, name)?;
    let fmt = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default()).map_err(|e| {
        DatamartError::Format {
            column: name.to_string(),
            reason: e.to_string(),
        }
    })?;
    Ok((0..col.len())
        .map(|i| {
            col.is_valid(i)
                .then(|| fmt.value(i).to_string().trim().to_string())
        })
        .collect())
}

impl Filter {
    /// Checks columns and shares against the table without evaluating.
    pub fn validate(&self, batch: &RecordBatch) -> Result<(), DatamartError> {
        match self {
            Filter::All { of } | Filter::Any { of } => {
                of.iter().try_for_each(|f| f.validate(batch))
            }
            Filter::Not { filter } => filter.validate(batch),
            Filter::In { column: c, .. } => column(batch, c).map(|_| ()),
            Filter::Compare { column: c, .. } => numbers(batch, c).map(|_| ()),
            Filter::Top { column: c, share } => {
                if !(*share > 0.0 && *share <= 1.0) {
                    return Err(DatamartError::BadShare(*share));
                }
                numbers(batch, c).map(|_| ())
            }
            Filter::DateWithin { column: c, .. } => date_days(batch, c).map(|_| ()),
        }
    }

    /// Which rows match.
    pub fn evaluate(&self, batch: &RecordBatch) -> Result<Vec<bool>, DatamartError> {
        let n = batch.num_rows();
        Ok(match self {
            Filter::All { of } => {
                let mut out = vec![true; n];
                for f in of {
                    for (o, m) in out.iter_mut().zip(f.evaluate(batch)?) {
                        *o &= m;
                    }
                }
                out
            }
            Filter::Any { of } => {
                let mut out = vec![false; n];
                for f in of {
                    for (o, m) in out.iter_mut().zip(f.evaluate(batch)?) {
                        *o |= m;
                    }
                }
                out
            }
            Filter::Not { filter } => filter.evaluate(batch)?.into_iter().map(|m| !m).collect(),
            Filter::In { column, values } => {
                let wanted: hashbrown::HashSet<&str> = values.iter().map(|v| v.trim()).collect();
                texts(batch, column)?
                    .into_iter()
                    .map(|v| v.is_some_and(|v| wanted.contains(v.as_str())))
                    .collect()
            }
            Filter::Compare { column, cmp, value } => numbers(batch, column)?
                .into_iter()
                .map(|v| v.is_some_and(|v| !v.is_nan() && cmp.holds(v, *value)))
                .collect(),
            Filter::Top { column, share } => {
                if !(*share > 0.0 && *share <= 1.0) {
                    return Err(DatamartError::BadShare(*share));
                }
                let vals = numbers(batch, column)?;
                let mut order: Vec<(usize, f64)> = vals
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.filter(|v| !v.is_nan()).map(|v| (i, v)))
                    .collect();
                // Stable: ties keep table order.
                order.sort_by(|a, b| b.1.total_cmp(&a.1));
                let take = (share * order.len() as f64).ceil() as usize;
                let mut out = vec![false; n];
                for &(i, _) in order.iter().take(take) {
                    out[i] = true;
                }
                out
            }
            Filter::DateWithin {
                column,
                as_of,
                days,
            } => {
                let end = i64::from(*as_of) + i64::from(*days);
                date_days(batch, column)?
                    .into_iter()
                    .map(|d| {
                        d.is_some_and(|d| i64::from(d) >= i64::from(*as_of) && i64::from(d) <= end)
                    })
                    .collect()
            }
        })
    }
}

fn date_days(batch: &RecordBatch, name: &str) -> Result<Vec<Option<i32>>, DatamartError> {
    let col = column(batch, name)?;
    let not_date = || DatamartError::NotDate {
        column: name.to_string(),
        kind: col.data_type().to_string(),
    };
    match col.data_type() {
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
            let cast = arrow_cast::cast(col, &DataType::Date32).map_err(|_| not_date())?;
            Ok(cast.as_primitive::<Date32Type>().iter().collect())
        }
        _ => Err(not_date()),
    }
}

/// Keeps the matching rows.
pub fn select(batch: &RecordBatch, mask: &[bool]) -> Result<RecordBatch, DatamartError> {
    if mask.len() != batch.num_rows() {
        return Err(DatamartError::MaskLength {
            mask: mask.len(),
            rows: batch.num_rows(),
        });
    }
    let mask = BooleanArray::from(mask.to_vec());
    arrow_select::filter::filter_record_batch(batch, &mask).map_err(|e| DatamartError::Format {
        column: String::new(),
        reason: e.to_string(),
    })
}

/// How a target list is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvStyle {
    pub separator: char,
    /// Decimal comma in numbers (French CRMs and Excel).
    pub decimal_comma: bool,
    /// A UTF-8 byte-order mark, so Excel opens accents right.
    pub bom: bool,
}

impl CsvStyle {
    /// `,` and decimal point.
    pub const PLAIN: CsvStyle = CsvStyle {
        separator: ',',
        decimal_comma: false,
        bom: false,
    };
    /// `;`, decimal comma and a BOM: what French Excel reads without an import wizard.
    pub const FRENCH_EXCEL: CsvStyle = CsvStyle {
        separator: ';',
        decimal_comma: true,
        bom: true,
    };
}

/// A number as a CRM or a spreadsheet reads it: at most six decimals, no exponent, no
/// trailing zeros (`0.25`, `900`, `0.000001`; a probability of 1e-37 is `0`).
fn plain_decimal(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// A target list: the id column then the chosen columns, for the rows of `mask`, as CSV text.
pub fn target_list_csv(
    batch: &RecordBatch,
    mask: &[bool],
    id_column: &str,
    columns: &[String],
    style: CsvStyle,
) -> Result<String, DatamartError> {
    let picked = select(batch, mask)?;
    let mut names = vec![id_column.to_string()];
    names.extend(columns.iter().filter(|c| c.as_str() != id_column).cloned());
    let mut cols = Vec::with_capacity(names.len());
    for name in &names {
        let col = column(&picked, name)?;
        let float = matches!(
            col.data_type(),
            DataType::Float16 | DataType::Float32 | DataType::Float64
        );
        let values = if float {
            numbers(&picked, name)?
                .into_iter()
                .map(|v| v.map(plain_decimal))
                .collect()
        } else {
            texts(&picked, name)?
        };
        cols.push((values, float));
    }
    let sep = style.separator;
    let mut out = String::new();
    if style.bom {
        out.push('\u{feff}');
    }
    let quote = |s: &str, out: &mut String| {
        if s.contains(sep) || s.contains('"') || s.contains('\n') || s.contains('\r') {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    };
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        quote(name, &mut out);
    }
    out.push_str("\r\n");
    for row in 0..picked.num_rows() {
        for (i, (vals, float)) in cols.iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            if let Some(v) = &vals[row] {
                if *float && style.decimal_comma {
                    quote(&v.replace('.', ","), &mut out);
                } else {
                    quote(v, &mut out);
                }
            }
        }
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, Float64Array, StringArray};
    use arrow_schema::{Field, Schema};

    use super::*;

    fn table() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("customer_id", DataType::Utf8, false),
            Field::new("segment", DataType::Utf8, true),
            Field::new("region", DataType::Utf8, true),
            Field::new("p_alive", DataType::Float64, true),
            Field::new("clv", DataType::Float64, true),
            Field::new("next_expiry", DataType::Date32, true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec!["c1", "c2", "c3", "c4", "c5"])),
                Arc::new(StringArray::from(vec![
                    Some("at-risk"),
                    Some("champions"),
                    Some("at-risk"),
                    None,
                    Some("lost"),
                ])),
                Arc::new(StringArray::from(vec![
                    Some("Nord"),
                    Some("Sud"),
                    Some("Nord"),
                    Some("Nord"),
                    Some("Est; \"Ouest\""),
                ])),
                Arc::new(Float64Array::from(vec![
                    Some(0.2),
                    Some(0.9),
                    Some(0.5),
                    None,
                    Some(0.1),
                ])),
                Arc::new(Float64Array::from(vec![
                    Some(120.5),
                    Some(900.0),
                    Some(40.0),
                    Some(10.0),
                    Some(900.0),
                ])),
                Arc::new(Date32Array::from(vec![
                    Some(1000),
                    Some(1100),
                    None,
                    Some(1060),
                    Some(999),
                ])),
            ],
        )
        .unwrap()
    }

    fn eval(json: &str) -> Vec<bool> {
        let f: Filter = serde_json::from_str(json).unwrap();
        f.evaluate(&table()).unwrap()
    }

    #[test]
    fn conditions() {
        assert_eq!(
            eval(r#"{"op":"in","column":"segment","values":["at-risk","lost"]}"#),
            [true, false, true, false, true]
        );
        assert_eq!(
            eval(r#"{"op":"compare","column":"p_alive","cmp":"lt","value":0.3}"#),
            [true, false, false, false, true]
        );
        // Top 40 % of five customers with a value: two; 900 twice, table order.
        assert_eq!(
            eval(r#"{"op":"top","column":"clv","share":0.4}"#),
            [false, true, false, false, true]
        );
        // Top 10 % of five: ceil(0.5) = 1.
        assert_eq!(
            eval(r#"{"op":"top","column":"clv","share":0.1}"#),
            [false, true, false, false, false]
        );
        assert_eq!(
            eval(r#"{"op":"date-within","column":"next_expiry","as_of":1000,"days":60}"#),
            [true, false, false, true, false]
        );
        assert_eq!(
            eval(
                r#"{"op":"all","of":[
                    {"op":"in","column":"region","values":["Nord"]},
                    {"op":"not","filter":{"op":"compare","column":"p_alive","cmp":"ge","value":0.3}}
                ]}"#
            ),
            [true, false, false, true, false]
        );
        // A date compares as its day number ("last contact more than N days ago"): blanks
        // match nothing.
        assert_eq!(
            eval(r#"{"op":"compare","column":"next_expiry","cmp":"lt","value":1060}"#),
            [true, false, false, false, true]
        );
        assert_eq!(eval(r#"{"op":"any","of":[]}"#), [false; 5]);
        assert_eq!(eval(r#"{"op":"all","of":[]}"#), [true; 5]);
    }

    #[test]
    fn errors_name_the_problem() {
        let t = table();
        let bad = Filter::Compare {
            column: "segment".into(),
            cmp: Cmp::Lt,
            value: 1.0,
        };
        assert!(matches!(
            bad.validate(&t),
            Err(DatamartError::NotNumeric { .. })
        ));
        let missing = Filter::In {
            column: "agence".into(),
            values: vec![],
        };
        let err = missing.evaluate(&t).unwrap_err().to_string();
        assert!(err.contains("agence") && err.contains("region"), "{err}");
        let share = Filter::Top {
            column: "clv".into(),
            share: 10.0,
        };
        assert_eq!(share.validate(&t), Err(DatamartError::BadShare(10.0)));
        let date = Filter::DateWithin {
            column: "clv".into(),
            as_of: 0,
            days: 1,
        };
        assert!(matches!(
            date.validate(&t),
            Err(DatamartError::NotDate { .. })
        ));
    }

    #[test]
    fn numbers_for_a_crm() {
        assert_eq!(plain_decimal(900.0), "900");
        assert_eq!(plain_decimal(120.5), "120.5");
        assert_eq!(plain_decimal(6.9e-37), "0");
        assert_eq!(plain_decimal(-1e-9), "0");
        assert_eq!(plain_decimal(0.1234567), "0.123457");
        assert_eq!(plain_decimal(-2.5), "-2.5");
    }

    #[test]
    fn saved_by_name() {
        let mut set = Datamarts::default();
        let f = Filter::In {
            column: "segment".into(),
            values: vec!["at-risk".into()],
        };
        set.save(Datamart {
            name: " À relancer ".into(),
            description: String::new(),
            filter: f.clone(),
        })
        .unwrap();
        assert_eq!(set.get("À relancer").unwrap().filter, f);
        assert!(
            set.save(Datamart {
                name: "  ".into(),
                description: String::new(),
                filter: f,
            })
            .is_err()
        );
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(serde_json::from_str::<Datamarts>(&json).unwrap(), set);
    }

    #[test]
    fn target_list_in_both_styles() {
        let t = table();
        let mask = [true, false, false, false, true];
        let cols = vec![
            "segment".to_string(),
            "region".to_string(),
            "clv".to_string(),
        ];
        let plain = target_list_csv(&t, &mask, "customer_id", &cols, CsvStyle::PLAIN).unwrap();
        assert_eq!(
            plain,
            "customer_id,segment,region,clv\r\nc1,at-risk,Nord,120.5\r\nc5,lost,\"Est; \"\"Ouest\"\"\",900\r\n"
        );
        let fr = target_list_csv(&t, &mask, "customer_id", &cols, CsvStyle::FRENCH_EXCEL).unwrap();
        assert_eq!(
            fr,
            "\u{feff}customer_id;segment;region;clv\r\nc1;at-risk;Nord;120,5\r\nc5;lost;\"Est; \"\"Ouest\"\"\";900\r\n"
        );
    }

    #[test]
    fn attributes_join_on_the_id() {
        // Scores for c1..c5; attributes for c3, c1 (twice), c9 (no score), with a name clash.
        let attrs = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, true),
                Field::new("segment", DataType::Utf8, true),
                Field::new("agency", DataType::Utf8, true),
            ])),
            vec![
                Arc::new(StringArray::from(vec![
                    Some(" c3"),
                    Some("c1"),
                    Some("c1"),
                    Some("c9"),
                    None,
                ])),
                Arc::new(StringArray::from(vec!["B2B", "B2C", "B2B", "B2C", "B2C"])),
                Arc::new(StringArray::from(vec![
                    Some("Lille"),
                    Some("Arras"),
                    Some("Douai"),
                    Some("Lens"),
                    Some("Metz"),
                ])),
            ],
        )
        .unwrap();
        let joined = join_columns(&table(), "customer_id", &attrs, "id", "_customer").unwrap();
        let names: Vec<&str> = joined
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(
            names,
            [
                "customer_id",
                "segment",
                "region",
                "p_alive",
                "clv",
                "next_expiry",
                "segment_customer",
                "agency"
            ]
        );
        let agency = texts(&joined, "agency").unwrap();
        assert_eq!(
            agency,
            [
                Some("Arras".to_string()),
                None,
                Some("Lille".to_string()),
                None,
                None
            ]
        );
        let f: Filter = serde_json::from_str(
            r#"{"op": "all", "of": [{"op": "in", "column": "segment", "values": ["at-risk"]},
                                    {"op": "in", "column": "segment_customer", "values": ["B2B"]}]}"#,
        )
        .unwrap();
        assert_eq!(
            f.evaluate(&joined).unwrap(),
            [false, false, true, false, false]
        );
        assert!(matches!(
            join_columns(&table(), "nope", &attrs, "id", "_x"),
            Err(DatamartError::UnknownColumn { .. })
        ));
    }
}
