//! Queries on the customer table for the pages: a filter (the datamart language), a search
//! box, a sort and a page of rows; and the same selection as CSV.
//!
//! The table holds every customer (100k and more) and stays in the worker; a page asks for
//! the 50 rows it shows. Search is a case-insensitive substring match on every text column
//! (ids, segment keys, agency, region…); sorting puts blanks last in either direction and
//! keeps table order among ties, so pages never shuffle.

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt32Array};
use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use crate::analysis::text_values;
use crate::datamart::{CsvStyle, DatamartError, Filter, target_list_csv};

/// Rows a page may ask for at once.
pub const MAX_PAGE: usize = 1_000;

/// The sort of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortBy {
    pub column: String,
    #[serde(default)]
    pub descending: bool,
}

/// What a page asks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TableQuery {
    pub filter: Option<Filter>,
    pub search: String,
    pub sort: Option<SortBy>,
    pub offset: usize,
    pub limit: usize,
    /// Columns to return (all when empty); the first column of the table always comes first.
    pub columns: Vec<String>,
}

/// How a column's values are to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    Text,
    Integer,
    Number,
    Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub kind: ValueKind,
}

/// One cell: blank, a number, or text (dates as `yyyy-mm-dd`); in JSON `null`, a number or a
/// string. Serialized by hand, not with `#[serde(untagged)]`: the derived form buffers each
/// cell into serde's `Content` tree, code the page's wasm module would carry only for this.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Number(f64),
    Text(String),
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Number(x) => s.serialize_f64(*x),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct Cell;
        impl serde::de::Visitor<'_> for Cell {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("null, a number or a string")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
                Ok(Value::Number(x))
            }
            fn visit_i64<E>(self, x: i64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_u64<E>(self, x: u64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_str<E>(self, t: &str) -> Result<Value, E> {
                Ok(Value::Text(t.to_string()))
            }
            fn visit_string<E>(self, t: String) -> Result<Value, E> {
                Ok(Value::Text(t))
            }
        }
        d.deserialize_any(Cell)
    }
}

/// A page of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TablePage {
    /// Rows in the whole table.
    pub total: usize,
    /// Rows that pass the filter and the search.
    pub matched: usize,
    pub offset: usize,
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Vec<Value>>,
}

fn kind_of(t: &DataType) -> ValueKind {
    match t {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => ValueKind::Integer,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => ValueKind::Number,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => ValueKind::Date,
        _ => ValueKind::Text,
    }
}

fn numbers(array: &ArrayRef) -> Option<Vec<Option<f64>>> {
    let cast = arrow_cast::cast(array, &DataType::Float64).ok()?;
    let f = cast
        .as_any()
        .downcast_ref::<arrow_array::Float64Array>()?
        .clone();
    Some(
        (0..f.len())
            .map(|i| f.is_valid(i).then(|| f.value(i)))
            .collect(),
    )
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, DatamartError> {
    batch
        .column_by_name(name)
        .ok_or_else(|| DatamartError::UnknownColumn {
            column: name.to_string(),
            available: batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Whether `hay` contains `needle_lower` (already lowercase), ignoring case. An ASCII needle
/// (ids, most searches) is matched byte by byte without lowercasing the cell; any other goes
/// through `to_lowercase`. The two agree except for the few non-ASCII letters whose lowercase
/// is ASCII (the Kelvin sign), which an ASCII needle does not match.
fn contains_folded(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

/// Row numbers that pass the filter and the search, in sort order.
pub fn select_rows(batch: &RecordBatch, q: &TableQuery) -> Result<Vec<u32>, DatamartError> {
    let n = batch.num_rows();
    let mut keep: Vec<bool> = match &q.filter {
        Some(f) => {
            f.validate(batch)?;
            f.evaluate(batch)?
        }
        None => vec![true; n],
    };
    let needle = q.search.trim().to_lowercase();
    if !needle.is_empty() {
        let mut found = vec![false; n];
        for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
            if kind_of(field.data_type()) != ValueKind::Text {
                continue;
            }
            // Plain string columns are read in place: a keystroke in a search box scans every
            // row, and a copy of each cell (let alone a lowercased one) doubles its cost.
            if let Some(strings) = array.as_string_opt::<i32>() {
                for (i, v) in strings.iter().enumerate() {
                    if !found[i] && keep[i] && v.is_some_and(|v| contains_folded(v, &needle)) {
                        found[i] = true;
                    }
                }
                continue;
            }
            for (i, v) in text_values(array).into_iter().enumerate() {
                if !found[i] && keep[i] && v.is_some_and(|v| contains_folded(&v, &needle)) {
                    found[i] = true;
                }
            }
        }
        keep = found;
    }
    let mut rows: Vec<u32> = (0..n as u32).filter(|&i| keep[i as usize]).collect();
    if let Some(sort) = &q.sort {
        let array = column(batch, &sort.column)?;
        let desc = sort.descending;
        match kind_of(array.data_type()) {
            ValueKind::Text => {
                let t: Vec<Option<std::borrow::Cow<'_, str>>> = match array.as_string_opt::<i32>() {
                    Some(strings) => strings.iter().map(|v| v.map(Into::into)).collect(),
                    None => text_values(array)
                        .into_iter()
                        .map(|v| v.map(Into::into))
                        .collect(),
                };
                rows.sort_by(|&a, &b| match (&t[a as usize], &t[b as usize]) {
                    (Some(x), Some(y)) => {
                        if desc {
                            y.cmp(x)
                        } else {
                            x.cmp(y)
                        }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                });
            }
            _ => {
                let v = numbers(array).unwrap_or_else(|| vec![None; n]);
                rows.sort_by(|&a, &b| match (v[a as usize], v[b as usize]) {
                    (Some(x), Some(y)) => {
                        if desc {
                            y.total_cmp(&x)
                        } else {
                            x.total_cmp(&y)
                        }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                });
            }
        }
    }
    Ok(rows)
}

fn names(batch: &RecordBatch, q: &TableQuery) -> Vec<String> {
    let schema = batch.schema();
    let first = schema.fields().first().map(|f| f.name().clone());
    if q.columns.is_empty() {
        return schema.fields().iter().map(|f| f.name().clone()).collect();
    }
    let mut out: Vec<String> = first.clone().into_iter().collect();
    out.extend(
        q.columns
            .iter()
            .filter(|c| Some(*c) != first.as_ref())
            .cloned(),
    );
    out
}

/// A page of the selection.
pub fn query(batch: &RecordBatch, q: &TableQuery) -> Result<TablePage, DatamartError> {
    let rows = select_rows(batch, q)?;
    let limit = q.limit.clamp(1, MAX_PAGE);
    let page: Vec<u32> = rows.iter().skip(q.offset).take(limit).copied().collect();
    let (columns, cells) = query_rows(batch, &names(batch, q), &page)?;
    Ok(TablePage {
        total: batch.num_rows(),
        matched: rows.len(),
        offset: q.offset,
        columns,
        rows: cells,
    })
}

/// Distinct values a facet lists for a text column; a column with more (ids, names) is
/// searched by typing instead.
pub const FACET_VALUES: usize = 60;

/// What a filter builder needs to know of a column: its kind, and its distinct values (text,
/// when few) or its range (numbers and dates, dates in days since 1970-01-01).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnFacet {
    pub name: String,
    pub kind: ValueKind,
    /// Sorted distinct values as a datamart's `in` condition compares them (trimmed
    /// display), when there are at most [`FACET_VALUES`].
    pub values: Vec<String>,
    /// More distinct values than listed.
    pub many: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Rows with a value.
    pub filled: usize,
}

/// Every column's facet, in table order.
pub fn facets(batch: &RecordBatch) -> Vec<ColumnFacet> {
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, array)| {
            let kind = kind_of(field.data_type());
            let filled = array.len() - array.null_count();
            let mut facet = ColumnFacet {
                name: field.name().clone(),
                kind,
                values: Vec::new(),
                many: false,
                min: None,
                max: None,
                filled,
            };
            match kind {
                ValueKind::Text => {
                    let mut seen = hashbrown::HashSet::new();
                    let texts = crate::datamart::texts(batch, field.name()).unwrap_or_default();
                    for v in texts.into_iter().flatten() {
                        if seen.len() > FACET_VALUES {
                            break;
                        }
                        seen.insert(v);
                    }
                    facet.many = seen.len() > FACET_VALUES;
                    if !facet.many {
                        facet.values = seen.into_iter().collect();
                        facet.values.sort();
                    }
                }
                _ => {
                    let days = matches!(field.data_type(), DataType::Date32);
                    let v = if days {
                        arrow_cast::cast(array, &DataType::Int32)
                            .ok()
                            .and_then(|a| numbers(&a))
                    } else {
                        numbers(array)
                    };
                    for x in v.unwrap_or_default().into_iter().flatten() {
                        if x.is_nan() {
                            continue;
                        }
                        facet.min = Some(facet.min.map_or(x, |m: f64| m.min(x)));
                        facet.max = Some(facet.max.map_or(x, |m: f64| m.max(x)));
                    }
                }
            }
            facet
        })
        .collect()
}

/// What a filter selects: its customers and what they are worth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// Customers in the table.
    pub total: usize,
    pub matched: usize,
    /// Sum of `historic_clv` (spend to the observation end) over the selection, when the
    /// table has it.
    pub revenue: Option<f64>,
    /// Sum of `clv` (predicted value over the horizon).
    pub clv: Option<f64>,
}

/// The customers a filter selects, counted and summed.
pub fn selection(batch: &RecordBatch, filter: &Filter) -> Result<Selection, DatamartError> {
    filter.validate(batch)?;
    let mask = filter.evaluate(batch)?;
    let sum = |name: &str| {
        let v = numbers(batch.column_by_name(name)?)?;
        Some(
            v.iter()
                .zip(&mask)
                .filter(|(_, m)| **m)
                .filter_map(|(x, _)| *x)
                .sum::<f64>(),
        )
    };
    Ok(Selection {
        total: batch.num_rows(),
        matched: mask.iter().filter(|&&m| m).count(),
        revenue: sum("historic_clv"),
        clv: sum("clv"),
    })
}

/// One customer's row of the table, for the customer card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub columns: Vec<ColumnInfo>,
    pub values: Vec<Value>,
    /// Per column, where the customer stands: the share of the customers with a value in that
    /// column whose value is strictly greater ("top 5 %" is 0.05). `None` for text columns
    /// and blanks.
    pub above: Vec<Option<f64>>,
}

/// The row whose first column (the customer id) is `id`, with its standing in each numeric
/// column; `None` when no row has that id.
pub fn card(batch: &RecordBatch, id: &str) -> Result<Option<Card>, DatamartError> {
    if batch.num_columns() == 0 {
        return Ok(None);
    }
    let ids = text_values(batch.column(0));
    let Some(row) = ids.iter().position(|x| x.as_deref() == Some(id)) else {
        return Ok(None);
    };
    let schema = batch.schema();
    let mut card = Card {
        columns: Vec::new(),
        values: Vec::new(),
        above: Vec::new(),
    };
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let kind = kind_of(array.data_type());
        let (value, above) = match kind {
            ValueKind::Integer | ValueKind::Number => {
                let v = numbers(array).unwrap_or_else(|| vec![None; batch.num_rows()]);
                match v[row] {
                    Some(x) => {
                        let (mut with, mut greater) = (0usize, 0usize);
                        for y in v.iter().flatten() {
                            with += 1;
                            greater += usize::from(*y > x);
                        }
                        (Value::Number(x), Some(greater as f64 / with as f64))
                    }
                    None => (Value::Null, None),
                }
            }
            _ => {
                let one = array.slice(row, 1);
                let t = text_values(&one).pop().flatten();
                (t.map_or(Value::Null, Value::Text), None)
            }
        };
        card.columns.push(ColumnInfo {
            name: field.name().clone(),
            kind,
        });
        card.values.push(value);
        card.above.push(above);
    }
    Ok(Some(card))
}

/// Rows of one customer a card shows from a source file.
pub const CARD_ROWS: usize = 500;

/// One customer's rows in a table other than the customer table (purchases, contracts,
/// contacts), newest first by the table's first date column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRows {
    pub columns: Vec<ColumnInfo>,
    /// At most [`CARD_ROWS`].
    pub rows: Vec<Vec<Value>>,
    /// The customer's rows in the table.
    pub total: usize,
}

/// The rows of `batch` whose `id_column` is `id`, without that column.
pub fn customer_rows(
    batch: &RecordBatch,
    id_column: &str,
    id: &str,
) -> Result<CustomerRows, DatamartError> {
    let ids = column(batch, id_column)?;
    let mut rows: Vec<u32> = match ids.as_string_opt::<i32>() {
        Some(strings) => strings
            .iter()
            .enumerate()
            .filter(|(_, v)| *v == Some(id))
            .map(|(i, _)| i as u32)
            .collect(),
        None => text_values(ids)
            .iter()
            .enumerate()
            .filter(|(_, v)| v.as_deref() == Some(id))
            .map(|(i, _)| i as u32)
            .collect(),
    };
    let total = rows.len();
    let date = batch
        .schema()
        .fields()
        .iter()
        .position(|f| kind_of(f.data_type()) == ValueKind::Date);
    if let Some(d) = date
        && let Some(days) = numbers(
            &arrow_cast::cast(batch.column(d), &DataType::Int32).map_err(|e| {
                DatamartError::Format {
                    column: String::new(),
                    reason: e.to_string(),
                }
            })?,
        )
    {
        // Newest first, blanks last; ties keep file order.
        rows.sort_by(|&a, &b| match (days[a as usize], days[b as usize]) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
    rows.truncate(CARD_ROWS);
    // The id is the card's own: not repeated on every row.
    let names: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .filter(|n| n != id_column)
        .collect();
    let page = query_rows(batch, &names, &rows)?;
    Ok(CustomerRows {
        columns: page.0,
        rows: page.1,
        total,
    })
}

/// The cells of `rows` in `names`' columns.
fn query_rows(
    batch: &RecordBatch,
    names: &[String],
    rows: &[u32],
) -> Result<(Vec<ColumnInfo>, Vec<Vec<Value>>), DatamartError> {
    let take = UInt32Array::from(rows.to_vec());
    let mut columns = Vec::new();
    let mut cells: Vec<Vec<Value>> = vec![Vec::new(); rows.len()];
    for name in names {
        let array = column(batch, name)?;
        let taken = arrow_select::take::take(array.as_ref(), &take, None).map_err(|e| {
            DatamartError::Format {
                column: name.clone(),
                reason: e.to_string(),
            }
        })?;
        let kind = kind_of(array.data_type());
        match kind {
            ValueKind::Integer | ValueKind::Number => {
                let v = numbers(&taken).unwrap_or_else(|| vec![None; rows.len()]);
                for (row, x) in cells.iter_mut().zip(v) {
                    row.push(x.map_or(Value::Null, Value::Number));
                }
            }
            _ => {
                for (row, x) in cells.iter_mut().zip(text_values(&taken)) {
                    row.push(x.map_or(Value::Null, Value::Text));
                }
            }
        }
        columns.push(ColumnInfo {
            name: name.clone(),
            kind,
        });
    }
    Ok((columns, cells))
}

/// Every row of the selection, in sort order, as CSV (the target-list writer's format).
pub fn to_csv(
    batch: &RecordBatch,
    q: &TableQuery,
    style: CsvStyle,
) -> Result<String, DatamartError> {
    let rows = select_rows(batch, q)?;
    let take = UInt32Array::from(rows);
    let sorted =
        arrow_select::take::take_record_batch(batch, &take).map_err(|e| DatamartError::Format {
            column: String::new(),
            reason: e.to_string(),
        })?;
    let names = names(batch, q);
    let id = names.first().cloned().unwrap_or_default();
    target_list_csv(
        &sorted,
        &vec![true; sorted.num_rows()],
        &id,
        &names[1..],
        style,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, StringArray};
    use arrow_schema::{Field, Schema};

    use super::*;

    #[test]
    fn cells_are_plain_json_scalars_both_ways() {
        let cells = vec![
            Value::Null,
            Value::Number(1.5),
            Value::Number(-3.0),
            Value::Text("2024-01-31".into()),
        ];
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(json, r#"[null,1.5,-3.0,"2024-01-31"]"#);
        let back: Vec<Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cells);
        // Integers, as another writer may send them, are numbers too.
        let ints: Vec<Value> = serde_json::from_str("[7,-2]").unwrap();
        assert_eq!(ints, vec![Value::Number(7.0), Value::Number(-2.0)]);
        assert!(serde_json::from_str::<Value>("[1]").is_err());
    }

    #[test]
    fn search_ignores_case_without_lowercasing_cells() {
        assert!(contains_folded("Nord-Est", "nord-e"));
        assert!(contains_folded("CL000123", "l0001"));
        assert!(!contains_folded("Sud", "nord"));
        assert!(contains_folded("Île-de-France", "île"));
        assert!(contains_folded("ÎLE", "île"));
        assert!(contains_folded("x", ""));
        assert!(!contains_folded("ab", "abc"));
    }

    #[test]
    fn a_card_is_the_row_and_its_standing() {
        let t = table();
        let c = card(&t, "a").unwrap().unwrap();
        let names: Vec<&str> = c.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["customer_id", "region", "clv"]);
        assert_eq!(c.values[0], Value::Text("a".into()));
        assert_eq!(c.values[1], Value::Text("Nord".into()));
        // clv: a 10, b blank, c 30, d 10: one of the three with a value is above a's 10
        // (the tie with d is not), none above c.
        assert_eq!(c.above[2], Some(1.0 / 3.0));
        assert_eq!(c.above[0], None);
        assert_eq!(card(&t, "c").unwrap().unwrap().above[2], Some(0.0));
        let b = card(&t, "b").unwrap().unwrap();
        assert_eq!((b.values[2].clone(), b.above[2]), (Value::Null, None));
        assert!(card(&t, "nobody").unwrap().is_none());
    }

    #[test]
    fn facets_list_few_values_and_ranges() {
        let t = table();
        let f = facets(&t);
        assert_eq!(f[1].name, "region");
        assert_eq!(f[1].values, ["Nord", "Nord-Est", "Sud"]);
        assert!(!f[1].many);
        assert_eq!(
            (f[2].min, f[2].max, f[2].filled),
            (Some(10.0), Some(30.0), 3)
        );
    }

    #[test]
    fn a_selection_counts_and_sums_its_customers() {
        let t = table();
        let filter = Filter::In {
            column: "region".into(),
            values: vec!["Nord".into()],
        };
        let s = selection(&t, &filter).unwrap();
        // Exact text: "Nord-Est" is not "Nord".
        assert_eq!((s.total, s.matched), (4, 1));
        // The fixture has no historic_clv column: no revenue, not a zero.
        assert_eq!(s.revenue, None);
        let all = selection(&t, &Filter::All { of: vec![] }).unwrap();
        assert_eq!(all.clv, Some(50.0));
        assert!(
            selection(
                &t,
                &Filter::In {
                    column: "nope".into(),
                    values: vec![]
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_customers_rows_newest_first() {
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, false),
                Field::new("day", DataType::Date32, true),
                Field::new("amount", DataType::Float64, true),
            ])),
            vec![
                Arc::new(StringArray::from(vec!["a", "b", "a", "a"])),
                Arc::new(arrow_array::Date32Array::from(vec![
                    Some(10),
                    Some(30),
                    None,
                    Some(20),
                ])),
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0])),
            ],
        )
        .unwrap();
        let r = customer_rows(&batch, "id", "a").unwrap();
        assert_eq!(r.total, 3);
        let names: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["day", "amount"]);
        let amounts: Vec<&Value> = r.rows.iter().map(|row| &row[1]).collect();
        assert_eq!(
            amounts,
            [
                &Value::Number(4.0),
                &Value::Number(1.0),
                &Value::Number(3.0)
            ]
        );
        assert_eq!(r.rows[0][0], Value::Text("1970-01-21".into()));
        assert_eq!(customer_rows(&batch, "id", "z").unwrap().total, 0);
    }

    fn table() -> RecordBatch {
        RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("customer_id", DataType::Utf8, false),
                Field::new("region", DataType::Utf8, true),
                Field::new("clv", DataType::Float64, true),
            ])),
            vec![
                Arc::new(StringArray::from(vec!["a", "b", "c", "d"])),
                Arc::new(StringArray::from(vec![
                    Some("Nord"),
                    Some("Sud"),
                    None,
                    Some("Nord-Est"),
                ])),
                Arc::new(Float64Array::from(vec![
                    Some(10.0),
                    None,
                    Some(30.0),
                    Some(10.0),
                ])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn search_sort_and_page() {
        let t = table();
        let q = TableQuery {
            search: "nord".into(),
            sort: Some(SortBy {
                column: "clv".into(),
                descending: true,
            }),
            limit: 10,
            ..TableQuery::default()
        };
        // "a" and "d" match; equal CLV keeps table order.
        assert_eq!(select_rows(&t, &q).unwrap(), vec![0, 3]);
        let q = TableQuery {
            sort: Some(SortBy {
                column: "clv".into(),
                descending: false,
            }),
            ..TableQuery::default()
        };
        // Blanks last whatever the direction.
        assert_eq!(select_rows(&t, &q).unwrap(), vec![0, 3, 2, 1]);
        let page = query(
            &t,
            &TableQuery {
                offset: 1,
                limit: 2,
                columns: vec!["clv".into()],
                ..q
            },
        )
        .unwrap();
        assert_eq!(page.matched, 4);
        assert_eq!(page.columns.len(), 2);
        assert_eq!(
            page.rows,
            vec![
                vec![Value::Text("d".into()), Value::Number(10.0)],
                vec![Value::Text("c".into()), Value::Number(30.0)],
            ]
        );
    }

    #[test]
    fn csv_in_sort_order() {
        let t = table();
        let q = TableQuery {
            sort: Some(SortBy {
                column: "customer_id".into(),
                descending: true,
            }),
            columns: vec!["clv".into()],
            ..TableQuery::default()
        };
        let csv = to_csv(&t, &q, CsvStyle::FRENCH_EXCEL).unwrap();
        assert_eq!(
            csv,
            "\u{feff}customer_id;clv\r\nd;10\r\nc;30\r\nb;\r\na;10\r\n"
        );
    }
}
