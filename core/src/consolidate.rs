//! One customer base from partial sources: customer lists, transactions, contact logs and
//! contracts, joined on the customer id.
//!
//! Each customer appears once, with the attributes of the customer files (the first non-blank
//! value wins; a different non-blank value elsewhere is a conflict, reported) and derived
//! columns: first and last purchase, orders, revenue, refunds, open contracts, next expiry,
//! contacts and last contact. Ids found in transactions, contacts or contracts but in no
//! customer file are orphans (kept, flagged and reported); ids repeated in a customer file are
//! duplicates (reported).

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Date32Builder, Float64Builder, UInt32Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMillisecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::ingest::roles::Role;
use crate::ingest::{Plan, Table, TableColumn};

/// Examples kept per reported problem.
const EXAMPLES: usize = 10;

/// Names of the derived columns; attributes with these names get the file name appended.
const DERIVED: [&str; 11] = [
    "customer_id",
    "in_customer_file",
    "first_purchase",
    "last_purchase",
    "orders",
    "revenue",
    "refunds",
    "open_contracts",
    "next_expiry",
    "contacts",
    "last_contact",
];

struct Attribute {
    name: String,
    arrays: Vec<ArrayRef>,
    rows: Vec<Option<u32>>,
}

impl Attribute {
    /// The text of a row of the concatenated arrays.
    fn text(&self, mut row: usize) -> Option<String> {
        for a in &self.arrays {
            if row < a.len() {
                return text_at(a, row);
            }
            row -= a.len();
        }
        None
    }
}

/// What a source file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    /// One row per customer, with attributes (maybe a churn label).
    Customers,
    /// One row per purchase.
    Transactions,
    /// Contacts through any channel.
    Interactions,
    /// Contracts with a start and an expiry.
    Contracts,
    /// One row per customer with purchase totals, computed by a warehouse engine (see
    /// [`crate::warehouse`]): analysed in place of transactions.
    Summary,
    Unknown,
}

impl TableKind {
    pub fn label(self) -> &'static str {
        match self {
            TableKind::Customers => "customers",
            TableKind::Transactions => "transactions",
            TableKind::Interactions => "interactions",
            TableKind::Contracts => "contracts",
            TableKind::Summary => "summary",
            TableKind::Unknown => "unknown",
        }
    }
}

/// The kind of a planned file and how sure the guess is (0–1).
pub fn table_kind(plan: &Plan) -> (TableKind, f64) {
    let has = |r: Role| plan.column_for(r).is_some();
    if !has(Role::CustomerId) {
        return (TableKind::Unknown, 0.0);
    }
    if crate::warehouse::is_summary(plan.columns.iter().map(|c| c.name.as_str())) {
        return (TableKind::Summary, 0.95);
    }
    let id_unique = plan
        .column_for(Role::CustomerId)
        .is_some_and(|c| c.guess.distinct_ratio >= 0.95);
    if has(Role::ContractStart) || has(Role::ContractEnd) {
        (TableKind::Contracts, 0.85)
    } else if has(Role::Date) && has(Role::Amount) {
        (TableKind::Transactions, 0.9)
    } else if has(Role::Date) && (has(Role::ContactType) || has(Role::ContactOutcome)) {
        (TableKind::Interactions, 0.85)
    } else if id_unique {
        (TableKind::Customers, 0.8)
    } else if has(Role::Date) {
        (TableKind::Interactions, 0.5)
    } else {
        (TableKind::Customers, 0.4)
    }
}

/// A source for consolidation.
pub struct Source<'a> {
    pub kind: TableKind,
    pub table: &'a Table,
}

/// Rows of a source whose customer is in no customer file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orphans {
    pub file: String,
    pub kind: TableKind,
    pub rows: u64,
    pub customers: u64,
    pub examples: Vec<String>,
}

/// Ids repeated in a customer file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateIds {
    pub file: String,
    pub ids: u64,
    pub extra_rows: u64,
    pub examples: Vec<String>,
}

/// An attribute with different values for the same customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub column: String,
    pub customers: u64,
    /// (customer id, kept value, other value)
    pub examples: Vec<(String, String, String)>,
}

/// A source's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSummary {
    pub file: String,
    pub kind: TableKind,
    pub rows: u64,
    pub customers: u64,
}

/// What consolidation found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsolidationReport {
    pub customers: u64,
    pub sources: Vec<SourceSummary>,
    pub orphans: Vec<Orphans>,
    pub duplicate_ids: Vec<DuplicateIds>,
    pub conflicts: Vec<Conflict>,
    /// Sources that were left out, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// The consolidated base.
#[derive(Debug, Clone)]
pub struct CustomerBase {
    pub batch: RecordBatch,
    pub report: ConsolidationReport,
}

/// Errors of the consolidation family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsolidateError {
    #[error("no file has a customer id column: nothing to join on")]
    NoCustomerId,
}

fn text_at(array: &ArrayRef, i: usize) -> Option<String> {
    if array.is_null(i) {
        return None;
    }
    Some(match array.data_type() {
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
        DataType::Date32 => {
            crate::ingest::date::format_days(array.as_primitive::<Date32Type>().value(i))
        }
        DataType::Timestamp(_, _) => {
            let ms = array.as_primitive::<TimestampMillisecondType>().value(i);
            crate::ingest::date::format_days(ms.div_euclid(86_400_000) as i32)
        }
        _ => return None,
    })
}

/// Column names and the first `rows` rows of a batch as text (`None` for nulls), for display.
pub fn preview(batch: &RecordBatch, rows: usize) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let names = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let head = batch.slice(0, rows.min(batch.num_rows()));
    let columns: Vec<Vec<Option<String>>> = head
        .columns()
        .iter()
        .map(crate::analysis::text_values)
        .collect();
    let table = (0..head.num_rows())
        .map(|i| columns.iter().map(|c| c[i].clone()).collect())
        .collect();
    (names, table)
}

fn day_at(array: &ArrayRef, i: usize) -> Option<i32> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Date32 => Some(array.as_primitive::<Date32Type>().value(i)),
        DataType::Timestamp(_, _) => Some(
            array
                .as_primitive::<TimestampMillisecondType>()
                .value(i)
                .div_euclid(86_400_000) as i32,
        ),
        _ => None,
    }
}

fn f64_at(array: &ArrayRef, i: usize) -> Option<f64> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Float64 => Some(array.as_primitive::<Float64Type>().value(i)),
        DataType::Int64 => Some(array.as_primitive::<Int64Type>().value(i) as f64),
        _ => None,
    }
}

fn column(table: &Table, role: Role) -> Option<&TableColumn> {
    table.column(role)
}

/// Global customer index of each row (None for blank ids).
fn row_customers(
    ids: &ArrayRef,
    index: &mut HashMap<String, u32>,
    names: &mut Vec<String>,
) -> Vec<Option<u32>> {
    let mut intern = |s: &str| -> u32 {
        if let Some(&i) = index.get(s) {
            return i;
        }
        let i = names.len() as u32;
        names.push(s.to_string());
        index.insert(s.to_string(), i);
        i
    };
    if let Some(d) = ids.as_dictionary_opt::<UInt32Type>() {
        let values = d.values().as_string::<i32>();
        let global: Vec<u32> = (0..values.len()).map(|v| intern(values.value(v))).collect();
        return (0..d.len())
            .map(|i| d.is_valid(i).then(|| global[d.keys().value(i) as usize]))
            .collect();
    }
    (0..ids.len())
        .map(|i| text_at(ids, i).map(|s| intern(&s)))
        .collect()
}

/// Joins the sources on the customer id. `as_of` (days since 1970-01-01) decides which
/// contracts are open and which expiry is next.
pub fn consolidate(sources: &[Source<'_>], as_of: i32) -> Result<CustomerBase, ConsolidateError> {
    let mut report = ConsolidationReport::default();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    // Per source: the global customer of each row.
    let mut per_source: Vec<Option<Vec<Option<u32>>>> = Vec::with_capacity(sources.len());
    // Customers first, so that they come first in the base's order.
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_key(|&i| sources[i].kind != TableKind::Customers);
    per_source.resize(sources.len(), None);
    for &s in &order {
        let src = &sources[s];
        match column(src.table, Role::CustomerId) {
            Some(c) if src.kind != TableKind::Unknown => {
                per_source[s] = Some(row_customers(&c.array, &mut index, &mut names));
            }
            Some(_) => report
                .skipped
                .push((src.table.plan.file.clone(), "its kind is unknown".into())),
            None => report.skipped.push((
                src.table.plan.file.clone(),
                "it has no customer id column".into(),
            )),
        }
    }
    if per_source.iter().all(Option::is_none) {
        return Err(ConsolidateError::NoCustomerId);
    }
    let n = names.len();
    let has_customer_file = sources
        .iter()
        .zip(&per_source)
        .any(|(s, r)| s.kind == TableKind::Customers && r.is_some());
    let mut known = vec![!has_customer_file; n];
    let mut first_purchase: Vec<Option<i32>> = vec![None; n];
    let mut last_purchase: Vec<Option<i32>> = vec![None; n];
    let mut orders = vec![0u32; n];
    let mut revenue = vec![0.0f64; n];
    let mut refunds = vec![0u32; n];
    let mut open_contracts = vec![0u32; n];
    let mut next_expiry: Vec<Option<i32>> = vec![None; n];
    let mut contacts = vec![0u32; n];
    let mut last_contact: Vec<Option<i32>> = vec![None; n];
    // Attributes of customer files: one per column name (and type), its source arrays end to
    // end, and for each customer the row (in that concatenation) whose value is kept.
    let mut attributes: Vec<Attribute> = Vec::new();
    let mut conflicts: Vec<Conflict> = Vec::new();

    for &s in &order {
        let src = &sources[s];
        let Some(rows) = &per_source[s] else { continue };
        let t = src.table;
        let mut seen = vec![false; n];
        let mut distinct = 0u64;
        for c in rows.iter().flatten() {
            if !seen[*c as usize] {
                seen[*c as usize] = true;
                distinct += 1;
            }
        }
        report.sources.push(SourceSummary {
            file: t.plan.file.clone(),
            kind: src.kind,
            rows: t.rows as u64,
            customers: distinct,
        });
        match src.kind {
            TableKind::Customers => {
                let mut count = vec![0u32; n];
                for c in rows.iter().flatten() {
                    count[*c as usize] += 1;
                    known[*c as usize] = true;
                }
                let dups: Vec<usize> = (0..n).filter(|&c| count[c] > 1).collect();
                if !dups.is_empty() {
                    report.duplicate_ids.push(DuplicateIds {
                        file: t.plan.file.clone(),
                        ids: dups.len() as u64,
                        extra_rows: dups.iter().map(|&c| u64::from(count[c] - 1)).sum(),
                        examples: dups
                            .iter()
                            .take(EXAMPLES)
                            .map(|&c| names[c].clone())
                            .collect(),
                    });
                }
                for col in &t.columns {
                    if col.plan.role.is_some_and(|r| r.role == Role::CustomerId) {
                        continue;
                    }
                    let data_type = col.array.data_type();
                    let slot = match attributes.iter().position(|a| {
                        a.name == col.plan.name && a.arrays[0].data_type() == data_type
                    }) {
                        Some(i) => i,
                        None => {
                            let taken = |name: &str| {
                                attributes.iter().any(|a| a.name == name) || DERIVED.contains(&name)
                            };
                            let mut name = col.plan.name.clone();
                            if taken(&name) {
                                name = format!("{} ({})", col.plan.name, t.plan.file);
                            }
                            attributes.push(Attribute {
                                name,
                                arrays: Vec::new(),
                                rows: vec![None; n],
                            });
                            conflicts.push(Conflict {
                                column: col.plan.name.clone(),
                                customers: 0,
                                examples: Vec::new(),
                            });
                            attributes.len() - 1
                        }
                    };
                    let attr = &mut attributes[slot];
                    let offset: usize = attr.arrays.iter().map(|a| a.len()).sum();
                    attr.arrays.push(col.array.clone());
                    let mut conflicted = vec![false; n];
                    for (row, c) in rows.iter().enumerate() {
                        let (Some(c), Some(value)) = (c, text_at(&col.array, row)) else {
                            continue;
                        };
                        let c = *c as usize;
                        match attr.rows[c] {
                            None => attr.rows[c] = Some((offset + row) as u32),
                            Some(kept_row) => {
                                let kept = attr.text(kept_row as usize).unwrap_or_default();
                                if kept != value && !conflicted[c] {
                                    conflicted[c] = true;
                                    let conflict = &mut conflicts[slot];
                                    conflict.customers += 1;
                                    if conflict.examples.len() < EXAMPLES {
                                        conflict.examples.push((names[c].clone(), kept, value));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            TableKind::Transactions => {
                let date = column(t, Role::Date).map(|c| &c.array);
                let amount = column(t, Role::Amount).map(|c| &c.array);
                let order_ids = column(t, Role::OrderId).map(|c| &c.array);
                let mut order_seen: hashbrown::HashSet<(u32, String)> = hashbrown::HashSet::new();
                for (row, c) in rows.iter().enumerate() {
                    let Some(c) = c else { continue };
                    let ci = *c as usize;
                    if let Some(day) = date.and_then(|a| day_at(a, row)) {
                        first_purchase[ci] = Some(first_purchase[ci].map_or(day, |d| d.min(day)));
                        last_purchase[ci] = Some(last_purchase[ci].map_or(day, |d| d.max(day)));
                    }
                    let counted = match order_ids.and_then(|a| text_at(a, row)) {
                        Some(o) => order_seen.insert((*c, o)),
                        None => true,
                    };
                    if counted {
                        orders[ci] += 1;
                    }
                    if let Some(v) = amount.and_then(|a| f64_at(a, row)) {
                        revenue[ci] += v;
                        if v < 0.0 {
                            refunds[ci] += 1;
                        }
                    }
                }
            }
            TableKind::Contracts => {
                let start = column(t, Role::ContractStart).map(|c| &c.array);
                let end = column(t, Role::ContractEnd).map(|c| &c.array);
                for (row, c) in rows.iter().enumerate() {
                    let Some(c) = c else { continue };
                    let ci = *c as usize;
                    let s = start.and_then(|a| day_at(a, row));
                    let e = end.and_then(|a| day_at(a, row));
                    let started = s.is_none_or(|s| s <= as_of);
                    let running = e.is_none_or(|e| e >= as_of);
                    if started && running {
                        open_contracts[ci] += 1;
                    }
                    if let Some(e) = e.filter(|&e| e >= as_of) {
                        next_expiry[ci] = Some(next_expiry[ci].map_or(e, |d| d.min(e)));
                    }
                }
            }
            TableKind::Interactions => {
                let date = column(t, Role::Date).map(|c| &c.array);
                for (row, c) in rows.iter().enumerate() {
                    let Some(c) = c else { continue };
                    let ci = *c as usize;
                    contacts[ci] += 1;
                    if let Some(day) = date.and_then(|a| day_at(a, row)) {
                        last_contact[ci] = Some(last_contact[ci].map_or(day, |d| d.max(day)));
                    }
                }
            }
            TableKind::Summary => match crate::warehouse::CustomerSummary::from_table(t) {
                // The purchase totals the base derives from transactions, read as computed.
                Ok(sum) => {
                    for (row, c) in rows.iter().enumerate() {
                        let Some(c) = c else { continue };
                        let ci = *c as usize;
                        first_purchase[ci] = Some(sum.first[row]);
                        last_purchase[ci] = Some(sum.last[row]);
                        orders[ci] += sum.orders[row];
                        revenue[ci] += sum.revenue[row];
                    }
                }
                Err(e) => report.skipped.push((t.plan.file.clone(), e.to_string())),
            },
            TableKind::Unknown => {}
        }
        if has_customer_file && src.kind != TableKind::Customers {
            let mut orphan_rows = 0u64;
            let mut orphan_ids: Vec<u32> = Vec::new();
            let mut counted = vec![false; n];
            for c in rows.iter().flatten() {
                let ci = *c as usize;
                if !known[ci] {
                    orphan_rows += 1;
                    if !counted[ci] {
                        counted[ci] = true;
                        orphan_ids.push(*c);
                    }
                }
            }
            if orphan_rows > 0 {
                report.orphans.push(Orphans {
                    file: t.plan.file.clone(),
                    kind: src.kind,
                    rows: orphan_rows,
                    customers: orphan_ids.len() as u64,
                    examples: orphan_ids
                        .iter()
                        .take(EXAMPLES)
                        .map(|&c| names[c as usize].clone())
                        .collect(),
                });
            }
        }
    }
    report.customers = n as u64;
    report.conflicts = conflicts.into_iter().filter(|c| c.customers > 0).collect();

    let mut fields = vec![
        Field::new("customer_id", DataType::Utf8, false),
        Field::new("in_customer_file", DataType::Boolean, false),
    ];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(&names)),
        Arc::new({
            let mut b = BooleanBuilder::with_capacity(n);
            for &k in &known {
                b.append_value(k);
            }
            b.finish()
        }),
    ];
    for attr in &attributes {
        let parts: Vec<&dyn Array> = attr.arrays.iter().map(|a| a.as_ref()).collect();
        // Same-typed arrays concatenate, and `take` with in-range indices (or nulls) cannot fail.
        let all = arrow_select::concat::concat(&parts).expect("same-typed arrays concatenate");
        let take = UInt32Array::from(attr.rows.clone());
        let taken = arrow_select::take::take(all.as_ref(), &take, None).expect("indices in range");
        fields.push(Field::new(&attr.name, taken.data_type().clone(), true));
        arrays.push(taken);
    }
    let date_col = |values: &[Option<i32>]| -> ArrayRef {
        let mut b = Date32Builder::with_capacity(values.len());
        b.extend(values.iter().copied());
        Arc::new(b.finish())
    };
    let u32_col = |values: &[u32]| -> ArrayRef {
        let mut b = UInt32Builder::with_capacity(values.len());
        b.append_slice(values);
        Arc::new(b.finish())
    };
    let has_kind = |k: TableKind| report.sources.iter().any(|s| s.kind == k);
    if has_kind(TableKind::Transactions) || has_kind(TableKind::Summary) {
        fields.extend([
            Field::new("first_purchase", DataType::Date32, true),
            Field::new("last_purchase", DataType::Date32, true),
            Field::new("orders", DataType::UInt32, false),
            Field::new("revenue", DataType::Float64, false),
        ]);
        arrays.push(date_col(&first_purchase));
        arrays.push(date_col(&last_purchase));
        arrays.push(u32_col(&orders));
        let mut b = Float64Builder::with_capacity(n);
        b.append_slice(
            &revenue
                .iter()
                .map(|&r| crate::rfm::round2(r))
                .collect::<Vec<_>>(),
        );
        arrays.push(Arc::new(b.finish()));
        // A warehouse's summary has no refund count: the column comes with purchases only.
        if has_kind(TableKind::Transactions) {
            fields.push(Field::new("refunds", DataType::UInt32, false));
            arrays.push(u32_col(&refunds));
        }
    }
    if has_kind(TableKind::Contracts) {
        fields.extend([
            Field::new("open_contracts", DataType::UInt32, false),
            Field::new("next_expiry", DataType::Date32, true),
        ]);
        arrays.push(u32_col(&open_contracts));
        arrays.push(date_col(&next_expiry));
    }
    if has_kind(TableKind::Interactions) {
        fields.extend([
            Field::new("contacts", DataType::UInt32, false),
            Field::new("last_contact", DataType::Date32, true),
        ]);
        arrays.push(u32_col(&contacts));
        arrays.push(date_col(&last_contact));
    }
    // Field names are unique (attribute names come from deduplicated headers; derived names
    // are fixed) and every array has `n` rows.
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .expect("consolidated columns match their schema");
    Ok(CustomerBase { batch, report })
}
