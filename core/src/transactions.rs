//! A transactions table: one row per purchase with a customer, a date and an amount.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMillisecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef, DictionaryArray, PrimitiveArray, StringArray, UInt32Array};
use serde::{Deserialize, Serialize};

use crate::error::IngestError;
use crate::ingest::column::FormatReport;
use crate::ingest::roles::Role;
use crate::ingest::stream::{ChunkedRead, Selection};
use crate::ingest::{self, Plan, Progress, ReadOptions, Table, TableColumn};

/// Purchases, column by column. Every row has all three values.
#[derive(Debug, Clone)]
pub struct Transactions {
    /// Customer of each row: keys into the dictionary of distinct customer ids.
    pub customer: DictionaryArray<UInt32Type>,
    /// Day of each purchase, in days since 1970-01-01.
    pub day: Vec<i32>,
    pub amount: Vec<f64>,
}

impl Transactions {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// Distinct customer ids (dictionary values; keys index into it).
    pub fn customer_ids(&self) -> &StringArray {
        self.customer.values().as_string::<i32>()
    }

    /// Replaces every customer id by its pseudonym under `secret`: what anonymization does to
    /// the customer column of the file in the app, so the same key gives the same ids. Only
    /// the distinct ids are hashed; the rows keep their keys.
    pub fn pseudonymize(&mut self, secret: &crate::key::Secret) {
        let values: StringArray = self
            .customer_ids()
            .iter()
            .map(|v| v.map(|id| secret.pseudonym(id)))
            .collect();
        self.customer = DictionaryArray::new(self.customer.keys().clone(), Arc::new(values));
    }

    /// Builds transactions from parallel vectors (tests and generators).
    pub fn from_rows<S: AsRef<str>>(ids: &[S], day: Vec<i32>, amount: Vec<f64>) -> Self {
        let mut b = arrow_array::builder::StringDictionaryBuilder::<UInt32Type>::new();
        for id in ids {
            // Key overflow needs 2^32 distinct ids; not reachable from a slice in memory.
            let _ = b.append(id.as_ref());
        }
        Transactions {
            customer: b.finish(),
            day,
            amount,
        }
    }
}

/// What happens to rows with a missing or unreadable customer, date or amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BadRows {
    /// Refuse the file, naming the first bad line and column.
    #[default]
    Stop,
    /// Drop those rows and count them.
    Skip,
}

/// What loading found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    pub plan: Plan,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub rows_skipped: usize,
    pub customer_column: String,
    pub date_column: String,
    pub amount_column: String,
    pub date_format: FormatReport,
    pub amount_format: FormatReport,
}

/// Reads a transactions file: finds the customer id, date and amount columns the same way
/// everywhere (app, bench page, CLI) and parses only those.
pub fn load_transactions(
    file: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    bad_rows: BadRows,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Transactions, LoadReport), IngestError> {
    let plan = ingest::plan(file, bytes, opts)?;
    let sel = transaction_columns(&plan)?;
    let table = ingest::read(
        bytes,
        &plan,
        sel.projection.as_deref(),
        &sel.dictionary,
        progress,
    )?;
    transactions_from_read(table, bad_rows)
}

/// A transactions file read from a stream of chunks (the browser's `File.stream()`): feed it
/// with [`ChunkedRead::push`], then hand [`ChunkedRead::finish`]'s table to
/// [`transactions_from_read`]. The same columns and checks as [`load_transactions`].
pub fn transactions_stream(
    file: &str,
    size: u64,
    opts: &ReadOptions,
) -> Result<ChunkedRead, IngestError> {
    ChunkedRead::new(file, size, opts, |plan: &mut Plan| {
        transaction_columns(plan)
    })
}

/// The customer id, date and amount columns of a plan, the id as a dictionary.
fn transaction_columns(plan: &Plan) -> Result<Selection, IngestError> {
    let file = &plan.file;
    let find = |role: Role, suggestion: &str| {
        plan.column_for(role)
            .map(|c| c.index)
            .ok_or_else(|| IngestError::MissingRole {
                file: file.to_string(),
                role: role_label(role).to_string(),
                suggestion: suggestion.to_string(),
                columns: plan
                    .columns
                    .iter()
                    .map(|c| format!("{} ({})", c.name, c.guess.kind.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    };
    let id_col = find(Role::CustomerId, "customer_id")?;
    let date_col = find(Role::Date, "date")?;
    let amount_col = find(Role::Amount, "amount")?;
    Ok(Selection {
        projection: Some(vec![id_col, date_col, amount_col]),
        dictionary: vec![id_col],
    })
}

/// Purchases from the three columns [`transactions_stream`] (or [`load_transactions`]) read.
pub fn transactions_from_read(
    table: Table,
    bad_rows: BadRows,
) -> Result<(Transactions, LoadReport), IngestError> {
    let file = table.plan.file.clone();
    let file = file.as_str();
    if table.rows == 0 {
        return Err(IngestError::NoRows {
            file: file.to_string(),
        });
    }
    let [id, date, amount] = &table.columns[..] else {
        unreachable!("three columns were projected");
    };
    if bad_rows == BadRows::Stop
        && let Some(err) = first_problem(
            &table,
            &[
                (id, Role::CustomerId),
                (date, Role::Date),
                (amount, Role::Amount),
            ],
        )
    {
        return Err(err);
    }
    // Move the columns out of the table so that their buffers can become the purchases'
    // vectors without a copy (this copy was the ingest's peak memory).
    let Table {
        plan,
        rows,
        columns,
        ..
    } = table;
    let mut columns = columns.into_iter();
    let (Some(id), Some(date), Some(amount)) = (columns.next(), columns.next(), columns.next())
    else {
        unreachable!("three columns were projected");
    };
    let customer = as_dictionary(&id.array);
    let day = as_days(date.array);
    let amounts = as_f64(amount.array);
    let keep: Vec<u32> = (0..rows)
        .filter(|&r| customer.is_valid(r) && day.is_valid(r) && amounts.is_valid(r))
        .map(|r| r as u32)
        .collect();
    let rows_skipped = rows - keep.len();
    let (customer, day, amount_values) = if rows_skipped == 0 {
        (customer, values_vec(day), values_vec(amounts))
    } else {
        let take = UInt32Array::from(keep.clone());
        let keys = arrow_select_take(customer.keys(), &take);
        let customer = DictionaryArray::new(keys, customer.values().clone());
        (
            customer,
            keep.iter().map(|&r| day.value(r as usize)).collect(),
            keep.iter().map(|&r| amounts.value(r as usize)).collect(),
        )
    };
    let report = LoadReport {
        rows_read: rows,
        rows_kept: day.len(),
        rows_skipped,
        customer_column: id.plan.name,
        date_column: date.plan.name,
        amount_column: amount.plan.name,
        date_format: date.format,
        amount_format: amount.format,
        plan,
    };
    Ok((
        Transactions {
            customer,
            day,
            amount: amount_values,
        },
        report,
    ))
}

/// Purchases from a table already read whole (a Data page file, maybe anonymized): the same
/// columns and checks as [`load_transactions`], with the rows skipped under
/// [`BadRows::Skip`] counted.
pub fn from_table(table: &Table, bad_rows: BadRows) -> Result<(Transactions, usize), IngestError> {
    let file = &table.plan.file;
    let find = |role: Role, suggestion: &str| {
        table.column(role).ok_or_else(|| IngestError::MissingRole {
            file: file.clone(),
            role: role_label(role).to_string(),
            suggestion: suggestion.to_string(),
            columns: table
                .columns
                .iter()
                .map(|c| format!("{} ({})", c.plan.name, c.kind.label()))
                .collect::<Vec<_>>()
                .join(", "),
        })
    };
    let id = find(Role::CustomerId, "customer_id")?;
    let date = find(Role::Date, "date")?;
    let amount = find(Role::Amount, "amount")?;
    if table.rows == 0 {
        return Err(IngestError::NoRows { file: file.clone() });
    }
    if bad_rows == BadRows::Stop
        && let Some(err) = first_problem(
            table,
            &[
                (id, Role::CustomerId),
                (date, Role::Date),
                (amount, Role::Amount),
            ],
        )
    {
        return Err(err);
    }
    let customer = match id.array.data_type() {
        arrow_schema::DataType::Utf8 => {
            let text = id.array.as_string::<i32>();
            let mut b = arrow_array::builder::StringDictionaryBuilder::<UInt32Type>::new();
            for v in text.iter() {
                // Key overflow needs 2^32 distinct ids: not reachable from one file in memory.
                match v {
                    Some(v) => {
                        let _ = b.append(v);
                    }
                    None => b.append_null(),
                }
            }
            b.finish()
        }
        _ => as_dictionary(&id.array),
    };
    let day = as_days(date.array.clone());
    let amounts = as_f64(amount.array.clone());
    let keep: Vec<u32> = (0..table.rows)
        .filter(|&r| customer.is_valid(r) && day.is_valid(r) && amounts.is_valid(r))
        .map(|r| r as u32)
        .collect();
    let skipped = table.rows - keep.len();
    let take = UInt32Array::from(keep.clone());
    let keys = arrow_select_take(customer.keys(), &take);
    Ok((
        Transactions {
            customer: DictionaryArray::new(keys, customer.values().clone()),
            day: keep.iter().map(|&r| day.value(r as usize)).collect(),
            amount: keep.iter().map(|&r| amounts.value(r as usize)).collect(),
        },
        skipped,
    ))
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::CustomerId => "customer id",
        Role::Date => "date",
        Role::Amount => "amount",
        other => other.key(),
    }
}

/// The problem on the earliest line among shape errors, invalid and missing values.
fn first_problem(table: &Table, cols: &[(&TableColumn, Role)]) -> Option<IngestError> {
    let file = &table.plan.file;
    let mut best: Option<IngestError> = table.row_problems.first().map(|p| IngestError::BadRow {
        file: file.clone(),
        line: p.line,
        reason: p.reason.clone(),
    });
    let mut consider = |e: IngestError| {
        if best.as_ref().is_none_or(|b| e.line() < b.line()) {
            best = Some(e);
        }
    };
    for (col, role) in cols {
        if let Some(ex) = col.invalid.examples.first() {
            let more = col.invalid.count - 1;
            consider(IngestError::InvalidValue {
                file: file.clone(),
                line: ex.line,
                column: col.plan.index + 1,
                column_name: col.plan.name.clone(),
                value: ex.value.clone(),
                reason: article(&ex.reason),
                more: if more > 0 {
                    format!(" {more} more values in this column are invalid.")
                } else {
                    String::new()
                },
            });
        }
        if let Some(line) = col.first_blank_line {
            consider(IngestError::MissingValue {
                file: file.clone(),
                line,
                column: col.plan.index + 1,
                column_name: col.plan.name.clone(),
                role: role_label(*role).to_string(),
            });
        }
    }
    best
}

/// "not a number" reads as "{value} is not a number"; other reasons get "a value that …".
fn article(reason: &str) -> String {
    if reason.starts_with("not ") {
        reason.to_string()
    } else {
        format!("a value that {reason}")
    }
}

fn as_dictionary(array: &ArrayRef) -> DictionaryArray<UInt32Type> {
    // The id column is always built as dictionary-encoded text (see `ColumnPlan::build_kind`);
    // anything else would be a bug, surfaced as an empty column rather than a panic.
    array
        .as_dictionary_opt::<UInt32Type>()
        .cloned()
        .unwrap_or_else(|| {
            DictionaryArray::new(
                UInt32Array::new_null(array.len()),
                Arc::new(StringArray::from(Vec::<&str>::new())),
            )
        })
}

fn as_days(array: ArrayRef) -> arrow_array::Date32Array {
    if let Some(ts) = array.as_primitive_opt::<TimestampMillisecondType>() {
        return ts.unary(|ms| ms.div_euclid(86_400_000) as i32);
    }
    // The date column is always built as Date32 or Timestamp (see `ColumnPlan::build_kind`).
    let len = array.len();
    let days = array.as_primitive_opt::<Date32Type>().cloned();
    // Dropping the column leaves `days` the only owner of its buffer (see `values_vec`).
    drop(array);
    days.unwrap_or_else(|| arrow_array::Date32Array::new_null(len))
}

fn as_f64(array: ArrayRef) -> arrow_array::Float64Array {
    if let Some(ints) = array.as_primitive_opt::<Int64Type>() {
        return ints.unary(|v| v as f64);
    }
    let len = array.len();
    let values = array.as_primitive_opt::<Float64Type>().cloned();
    drop(array);
    values.unwrap_or_else(|| arrow_array::Float64Array::new_null(len))
}

/// The values of an array as a `Vec`, reusing its buffer when the array is its only owner
/// (it then came from a `Vec`: the column builders make them so), else copied.
fn values_vec<T: arrow_array::ArrowPrimitiveType>(array: PrimitiveArray<T>) -> Vec<T::Native> {
    let (_, values, _) = array.into_parts();
    values
        .into_inner()
        .into_vec::<T::Native>()
        .unwrap_or_else(|buffer| buffer.typed_data::<T::Native>().to_vec())
}

fn arrow_select_take(
    keys: &arrow_array::UInt32Array,
    take: &UInt32Array,
) -> arrow_array::UInt32Array {
    let values: Vec<u32> = take
        .values()
        .iter()
        .map(|&r| keys.value(r as usize))
        .collect();
    arrow_array::UInt32Array::from(values)
}
