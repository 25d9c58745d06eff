//! Column builders: field bytes in, one Arrow array and a report out.
//!
//! Each typed builder decides its format from the whole column, in one pass: values that the
//! convention cannot change are stored directly; values that depend on it (`1.234`,
//! `05/04/2024`) are stored under the provisional convention with their alternative kept aside
//! until the first value that proves the convention arrives. Values that contradict the decided
//! convention, or do not parse at all, become nulls and are reported with their line.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, TimestampMillisecondArray};
use arrow_buffer::{NullBufferBuilder, ScalarBuffer};
use serde::{Deserialize, Serialize};

use super::cell::{Cell, date_text, number_text};
use super::date::{DateOrder, DateToken, DateValue, excel_serial_to_days, parse_date};
use super::dictionary::DictionaryBuilder;
use super::encoding::{TextEncoding, decode_field};
use super::number::{DecimalSeparator, NumberToken, parse_number, trim_spaces};

/// How many invalid values a column keeps as examples.
pub const MAX_EXAMPLES: usize = 20;

/// The value type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    /// Every value is blank.
    Empty,
    Text,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
    /// Excel serial day numbers (a numeric column whose role is a date).
    ExcelDate,
}

impl ColumnKind {
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Empty => "empty",
            ColumnKind::Text => "text",
            ColumnKind::Integer => "integer",
            ColumnKind::Number => "number",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Date => "date",
            ColumnKind::DateTime => "date-time",
            ColumnKind::ExcelDate => "Excel date",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnKind::Integer | ColumnKind::Number)
    }

    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            ColumnKind::Date | ColumnKind::DateTime | ColumnKind::ExcelDate
        )
    }
}

/// A value that could not be read, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidValue {
    /// 0-based data row.
    pub row: u32,
    /// 1-based physical line in the file.
    pub line: u64,
    pub value: String,
    pub reason: String,
}

/// Invalid values of one column: a count and the first [`MAX_EXAMPLES`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalids {
    pub count: u64,
    pub examples: Vec<InvalidValue>,
}

impl Invalids {
    fn push(&mut self, row: u32, line: u64, raw: &[u8], enc: TextEncoding, reason: String) {
        self.count += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(InvalidValue {
                row,
                line,
                value: decode_field(raw, enc).into_owned(),
                reason,
            });
        }
    }
}

/// How a convention-dependent column was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// At least one value proves the convention.
    Evidence,
    /// No value decides it and `ambiguous` values depend on it: the default was applied.
    Default { ambiguous: u64 },
    /// No value depends on it.
    Irrelevant,
}

/// What the builder learned about the column's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FormatReport {
    None,
    Number {
        decimal: DecimalSeparator,
        decision: Decision,
        integral: bool,
    },
    Date {
        order: DateOrder,
        decision: Decision,
        with_time: bool,
    },
}

/// A finished column.
#[derive(Debug, Clone)]
pub struct BuiltColumn {
    pub array: ArrayRef,
    pub kind: ColumnKind,
    pub format: FormatReport,
    pub invalid: Invalids,
    pub nulls: u64,
    /// Line of the first blank or missing value.
    pub first_blank_line: Option<u64>,
}

/// Builds one column from field bytes.
pub enum ColumnBuilder {
    Text(TextBuilder),
    Number(NumberBuilder),
    Date(DateBuilder),
    Boolean(BoolBuilder),
}

impl ColumnBuilder {
    /// A builder for `kind`. `dictionary` stores text as dictionary keys (identifiers).
    pub fn new(
        kind: ColumnKind,
        encoding: TextEncoding,
        dictionary: bool,
        decimal: DecimalSeparator,
        order: DateOrder,
        capacity: usize,
    ) -> Self {
        match kind {
            ColumnKind::Empty | ColumnKind::Text => {
                ColumnBuilder::Text(TextBuilder::new(encoding, dictionary, capacity))
            }
            ColumnKind::Integer | ColumnKind::Number => {
                ColumnBuilder::Number(NumberBuilder::new(encoding, decimal, capacity))
            }
            ColumnKind::Date | ColumnKind::DateTime => {
                ColumnBuilder::Date(DateBuilder::new(encoding, order, false, capacity))
            }
            ColumnKind::ExcelDate => {
                ColumnBuilder::Date(DateBuilder::new(encoding, order, true, capacity))
            }
            ColumnKind::Boolean => ColumnBuilder::Boolean(BoolBuilder::new(encoding, capacity)),
        }
    }

    /// Appends one field (raw bytes, unescaped) read from `line`.
    #[inline]
    pub fn push(&mut self, raw: &[u8], line: u64) {
        let raw = trim_spaces(raw);
        if raw.is_empty() {
            self.push_missing(line);
            return;
        }
        match self {
            ColumnBuilder::Text(b) => b.push(raw),
            ColumnBuilder::Number(b) => b.push(raw, line),
            ColumnBuilder::Date(b) => b.push(raw, line),
            ColumnBuilder::Boolean(b) => b.push(raw, line),
        }
    }

    /// Appends a blank value, or a missing one (a short record), found on `line`.
    pub fn push_missing(&mut self, line: u64) {
        let first = match self {
            ColumnBuilder::Text(b) => &mut b.first_blank,
            ColumnBuilder::Number(b) => &mut b.first_blank,
            ColumnBuilder::Date(b) => &mut b.first_blank,
            ColumnBuilder::Boolean(b) => &mut b.first_blank,
        };
        first.get_or_insert(line);
        match self {
            ColumnBuilder::Text(b) => b.push_null(),
            ColumnBuilder::Number(b) => b.push_null(),
            ColumnBuilder::Date(b) => b.push_null(),
            ColumnBuilder::Boolean(b) => b.push_null(),
        }
    }

    /// Appends a typed cell (spreadsheets, JSON, columnar files) read from `line`.
    pub fn push_cell(&mut self, cell: Cell<'_>, line: u64) {
        match (cell, &mut *self) {
            (Cell::Empty, _) => self.push_missing(line),
            (Cell::Text(raw), _) => self.push(raw, line),
            (Cell::Number(v), ColumnBuilder::Number(b)) => b.push_value(v),
            (Cell::Number(v), ColumnBuilder::Date(b)) => match excel_serial_to_days(v) {
                Some(d) => b.push_value(d),
                None => {
                    let text = number_text(v);
                    b.reject(
                        line,
                        text.as_bytes(),
                        "not a date (nor an Excel date number)",
                    );
                }
            },
            (Cell::Number(v), ColumnBuilder::Boolean(b)) if v == 0.0 || v == 1.0 => {
                b.push_value(v == 1.0)
            }
            (Cell::Date(d), ColumnBuilder::Date(b)) => b.push_value(d),
            (Cell::Bool(v), ColumnBuilder::Boolean(b)) => b.push_value(v),
            (Cell::Bool(v), ColumnBuilder::Number(b)) => b.push_value(if v { 1.0 } else { 0.0 }),
            (Cell::Number(v), _) => self.push(number_text(v).as_bytes(), line),
            (Cell::Date(d), _) => self.push(date_text(d).as_bytes(), line),
            (Cell::Bool(v), _) => self.push(if v { b"true" } else { b"false" }, line),
        }
    }

    /// Invalid values so far (the caller may stop at the first).
    pub fn invalid(&self) -> &Invalids {
        static NONE: Invalids = Invalids {
            count: 0,
            examples: Vec::new(),
        };
        match self {
            ColumnBuilder::Text(_) => &NONE,
            ColumnBuilder::Number(b) => &b.invalid,
            ColumnBuilder::Date(b) => &b.invalid,
            ColumnBuilder::Boolean(b) => &b.invalid,
        }
    }

    pub fn finish(self) -> BuiltColumn {
        match self {
            ColumnBuilder::Text(b) => b.finish(),
            ColumnBuilder::Number(b) => b.finish(),
            ColumnBuilder::Date(b) => b.finish(),
            ColumnBuilder::Boolean(b) => b.finish(),
        }
    }
}

/// `true` for blank fields (empty or spaces only), which are missing values.
#[inline]
pub fn is_blank(raw: &[u8]) -> bool {
    raw.is_empty() || trim_spaces(raw).is_empty()
}

enum TextStore {
    Plain(StringBuilder),
    Dictionary(DictionaryBuilder),
}

pub struct TextBuilder {
    encoding: TextEncoding,
    store: TextStore,
    nulls: u64,
    first_blank: Option<u64>,
}

impl TextBuilder {
    fn new(encoding: TextEncoding, dictionary: bool, capacity: usize) -> Self {
        let store = if dictionary {
            TextStore::Dictionary(DictionaryBuilder::new(encoding, capacity))
        } else {
            TextStore::Plain(StringBuilder::with_capacity(capacity, capacity * 8))
        };
        TextBuilder {
            encoding,
            store,
            nulls: 0,
            first_blank: None,
        }
    }

    /// `raw` is trimmed and not blank.
    #[inline]
    fn push(&mut self, raw: &[u8]) {
        match &mut self.store {
            TextStore::Plain(b) => b.append_value(decode_field(raw, self.encoding)),
            TextStore::Dictionary(b) => b.push(raw),
        }
    }

    fn push_null(&mut self) {
        self.nulls += 1;
        match &mut self.store {
            TextStore::Plain(b) => b.append_null(),
            TextStore::Dictionary(b) => b.push_null(),
        }
    }

    fn finish(self) -> BuiltColumn {
        let array: ArrayRef = match self.store {
            TextStore::Plain(mut b) => Arc::new(b.finish()),
            TextStore::Dictionary(b) => Arc::new(b.finish()),
        };
        BuiltColumn {
            array,
            kind: ColumnKind::Text,
            format: FormatReport::None,
            invalid: Invalids::default(),
            nulls: self.nulls,
            first_blank_line: self.first_blank,
        }
    }
}

pub struct NumberBuilder {
    encoding: TextEncoding,
    values: Vec<f64>,
    validity: NullBufferBuilder,
    /// The convention values are stored under so far.
    provisional: DecimalSeparator,
    decided: bool,
    /// Rows stored under `provisional` that read differently under the other convention.
    pending: Vec<(u32, f64)>,
    ambiguous: u64,
    integral: bool,
    invalid: Invalids,
    nulls: u64,
    first_blank: Option<u64>,
}

impl NumberBuilder {
    fn new(encoding: TextEncoding, decimal: DecimalSeparator, capacity: usize) -> Self {
        NumberBuilder {
            encoding,
            values: Vec::with_capacity(capacity),
            validity: NullBufferBuilder::new(capacity),
            provisional: decimal,
            decided: false,
            pending: Vec::new(),
            ambiguous: 0,
            integral: true,
            invalid: Invalids::default(),
            nulls: 0,
            first_blank: None,
        }
    }

    fn push_null(&mut self) {
        self.values.push(0.0);
        self.validity.append_null();
        self.nulls += 1;
    }

    fn push_value(&mut self, v: f64) {
        if self.integral && v.fract() != 0.0 {
            self.integral = false;
        }
        self.values.push(v);
        self.validity.append_non_null();
    }

    #[inline]
    fn push(&mut self, raw: &[u8], line: u64) {
        let row = self.values.len() as u32;
        let Some(token) = parse_number(raw) else {
            self.invalid
                .push(row, line, raw, self.encoding, "not a number".to_string());
            self.push_null();
            return;
        };
        match token {
            NumberToken::Plain(v) => self.push_value(v),
            NumberToken::Decided { value, decimal } => {
                if !self.decided {
                    self.decide(decimal);
                }
                if decimal == self.provisional {
                    self.push_value(value);
                } else {
                    let reason = format!(
                        "uses a decimal {} but this column uses a decimal {}",
                        sep_name(decimal),
                        sep_name(self.provisional)
                    );
                    self.invalid.push(row, line, raw, self.encoding, reason);
                    self.push_null();
                }
            }
            NumberToken::Ambiguous {
                sep,
                as_decimal,
                as_grouping,
            } => {
                let (now, alt) = if sep == self.provisional {
                    (as_decimal, as_grouping)
                } else {
                    (as_grouping, as_decimal)
                };
                if !self.decided {
                    self.ambiguous += 1;
                    self.pending.push((row, alt));
                }
                // `integral` is a property of the decided values; ambiguous ones are
                // rechecked in `decide`/`finish`.
                self.values.push(now);
                self.validity.append_non_null();
                if now.fract() != 0.0 {
                    self.integral = false;
                }
            }
        }
    }

    fn decide(&mut self, decimal: DecimalSeparator) {
        self.decided = true;
        if decimal != self.provisional {
            self.provisional = decimal;
            for &(row, alt) in &self.pending {
                self.values[row as usize] = alt;
            }
            self.integral = self.values.iter().all(|v| v.fract() == 0.0);
        }
        self.pending = Vec::new();
    }

    fn finish(mut self) -> BuiltColumn {
        let decision = if self.decided {
            Decision::Evidence
        } else if self.ambiguous > 0 {
            Decision::Default {
                ambiguous: self.ambiguous,
            }
        } else {
            Decision::Irrelevant
        };
        let nulls = self.validity.finish();
        let integral = self.integral
            && self
                .values
                .iter()
                .all(|v| v.abs() < 9.007_199_254_740_992e15);
        let array: ArrayRef = if integral && self.values.len() as u64 > self.nulls {
            let ints: Vec<i64> = self.values.iter().map(|&v| v as i64).collect();
            Arc::new(Int64Array::new(ScalarBuffer::from(ints), nulls))
        } else {
            Arc::new(Float64Array::new(ScalarBuffer::from(self.values), nulls))
        };
        BuiltColumn {
            kind: if integral {
                ColumnKind::Integer
            } else {
                ColumnKind::Number
            },
            array,
            format: FormatReport::Number {
                decimal: self.provisional,
                decision,
                integral,
            },
            invalid: self.invalid,
            nulls: self.nulls,
            first_blank_line: self.first_blank,
        }
    }
}

fn sep_name(d: DecimalSeparator) -> &'static str {
    match d {
        DecimalSeparator::Point => "point",
        DecimalSeparator::Comma => "comma",
    }
}

fn order_name(o: DateOrder) -> &'static str {
    match o {
        DateOrder::DayFirst => "day/month",
        DateOrder::MonthFirst => "month/day",
    }
}

pub struct DateBuilder {
    encoding: TextEncoding,
    excel: bool,
    days: Vec<i32>,
    millis: Vec<u32>,
    any_time: bool,
    validity: NullBufferBuilder,
    provisional: DateOrder,
    decided: bool,
    pending: Vec<(u32, DateValue)>,
    ambiguous: u64,
    invalid: Invalids,
    nulls: u64,
    first_blank: Option<u64>,
}

impl DateBuilder {
    fn new(encoding: TextEncoding, order: DateOrder, excel: bool, capacity: usize) -> Self {
        DateBuilder {
            encoding,
            excel,
            days: Vec::with_capacity(capacity),
            // Filled only from the first value with a time of day (most date columns have
            // none): a row's worth of memory saved at the ingest's peak.
            millis: Vec::new(),
            any_time: false,
            validity: NullBufferBuilder::new(capacity),
            provisional: order,
            decided: false,
            pending: Vec::new(),
            ambiguous: 0,
            invalid: Invalids::default(),
            nulls: 0,
            first_blank: None,
        }
    }

    fn push_null(&mut self) {
        self.days.push(0);
        if self.any_time {
            self.millis.push(0);
        }
        self.validity.append_null();
        self.nulls += 1;
    }

    fn push_value(&mut self, v: DateValue) {
        let ms = v.millis.unwrap_or(0);
        if ms != 0 && !self.any_time {
            self.any_time = true;
            self.millis.resize(self.days.len(), 0);
        }
        self.days.push(v.days);
        if self.any_time {
            self.millis.push(ms);
        }
        self.validity.append_non_null();
    }

    fn reject(&mut self, line: u64, raw: &[u8], reason: &str) {
        let row = self.days.len() as u32;
        self.invalid
            .push(row, line, raw, TextEncoding::Utf8, reason.to_string());
        self.push_null();
    }

    fn set(&mut self, row: u32, v: DateValue) {
        self.days[row as usize] = v.days;
        // A re-read value keeps its time of day, so a time here was already pushed once and
        // `millis` is filled.
        if self.any_time {
            self.millis[row as usize] = v.millis.unwrap_or(0);
        }
    }

    #[inline]
    fn push(&mut self, raw: &[u8], line: u64) {
        let row = self.days.len() as u32;
        let token = if self.excel {
            parse_number(raw)
                .and_then(|t| {
                    t.value_with(DecimalSeparator::Point)
                        .or(t.value_with(DecimalSeparator::Comma))
                })
                .and_then(excel_serial_to_days)
                .map(DateToken::Plain)
                .or_else(|| parse_date(raw))
        } else {
            parse_date(raw)
        };
        let Some(token) = token else {
            self.invalid
                .push(row, line, raw, self.encoding, "not a date".to_string());
            self.push_null();
            return;
        };
        match token {
            DateToken::Plain(v) => self.push_value(v),
            DateToken::Ordered { value, order } => {
                if !self.decided {
                    self.decide(order);
                }
                if order == self.provisional {
                    self.push_value(value);
                } else {
                    let reason = format!(
                        "only valid as {} but this column is {}",
                        order_name(order),
                        order_name(self.provisional)
                    );
                    self.invalid.push(row, line, raw, self.encoding, reason);
                    self.push_null();
                }
            }
            DateToken::Ambiguous {
                day_first,
                month_first,
            } => {
                let (now, alt) = match self.provisional {
                    DateOrder::DayFirst => (day_first, month_first),
                    DateOrder::MonthFirst => (month_first, day_first),
                };
                if !self.decided {
                    self.ambiguous += 1;
                    self.pending.push((row, alt));
                }
                self.push_value(now);
            }
        }
    }

    fn decide(&mut self, order: DateOrder) {
        self.decided = true;
        if order != self.provisional {
            self.provisional = order;
            let pending = std::mem::take(&mut self.pending);
            for (row, alt) in pending {
                self.set(row, alt);
            }
        }
        self.pending = Vec::new();
    }

    fn finish(mut self) -> BuiltColumn {
        let decision = if self.decided {
            Decision::Evidence
        } else if self.ambiguous > 0 {
            Decision::Default {
                ambiguous: self.ambiguous,
            }
        } else {
            Decision::Irrelevant
        };
        let nulls = self.validity.finish();
        let (array, kind): (ArrayRef, ColumnKind) = if self.any_time {
            let ms: Vec<i64> = self
                .days
                .iter()
                .zip(&self.millis)
                .map(|(&d, &m)| i64::from(d) * 86_400_000 + i64::from(m))
                .collect();
            (
                Arc::new(TimestampMillisecondArray::new(
                    ScalarBuffer::from(ms),
                    nulls,
                )),
                ColumnKind::DateTime,
            )
        } else {
            (
                Arc::new(Date32Array::new(ScalarBuffer::from(self.days), nulls)),
                if self.excel {
                    ColumnKind::ExcelDate
                } else {
                    ColumnKind::Date
                },
            )
        };
        BuiltColumn {
            array,
            kind,
            format: FormatReport::Date {
                order: self.provisional,
                decision,
                with_time: self.any_time,
            },
            invalid: self.invalid,
            nulls: self.nulls,
            first_blank_line: self.first_blank,
        }
    }
}

/// Parses yes/no-style labels in English and French.
pub fn parse_bool(raw: &[u8]) -> Option<bool> {
    let t = trim_spaces(raw);
    if t.len() > 5 {
        return None;
    }
    let mut lower = [0u8; 5];
    for (i, b) in t.iter().enumerate() {
        lower[i] = b.to_ascii_lowercase();
    }
    match &lower[..t.len()] {
        b"yes" | b"y" | b"oui" | b"o" | b"true" | b"vrai" | b"1" | b"t" => Some(true),
        b"no" | b"n" | b"non" | b"false" | b"faux" | b"0" | b"f" => Some(false),
        _ => None,
    }
}

pub struct BoolBuilder {
    encoding: TextEncoding,
    inner: BooleanBuilder,
    invalid: Invalids,
    nulls: u64,
    rows: u32,
    first_blank: Option<u64>,
}

impl BoolBuilder {
    fn new(encoding: TextEncoding, capacity: usize) -> Self {
        BoolBuilder {
            encoding,
            inner: BooleanBuilder::with_capacity(capacity),
            invalid: Invalids::default(),
            nulls: 0,
            rows: 0,
            first_blank: None,
        }
    }

    fn push_null(&mut self) {
        self.inner.append_null();
        self.nulls += 1;
        self.rows += 1;
    }

    fn push_value(&mut self, v: bool) {
        self.inner.append_value(v);
        self.rows += 1;
    }

    fn push(&mut self, raw: &[u8], line: u64) {
        match parse_bool(raw) {
            Some(v) => self.push_value(v),
            None => {
                self.invalid.push(
                    self.rows,
                    line,
                    raw,
                    self.encoding,
                    "not yes/no, oui/non, true/false or 1/0".to_string(),
                );
                self.push_null();
            }
        }
    }

    fn finish(mut self) -> BuiltColumn {
        BuiltColumn {
            array: Arc::new(self.inner.finish()),
            kind: ColumnKind::Boolean,
            format: FormatReport::None,
            invalid: self.invalid,
            nulls: self.nulls,
            first_blank_line: self.first_blank,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type};

    use crate::ingest::date::days_from_civil;

    fn build(kind: ColumnKind, decimal: DecimalSeparator, values: &[&str]) -> BuiltColumn {
        let mut b = ColumnBuilder::new(
            kind,
            TextEncoding::Utf8,
            false,
            decimal,
            DateOrder::DayFirst,
            0,
        );
        for (i, v) in values.iter().enumerate() {
            b.push(v.as_bytes(), i as u64 + 2);
        }
        b.finish()
    }

    #[test]
    fn late_evidence_fixes_earlier_ambiguous_numbers() {
        // Provisionally point-decimal; `12,50` on the last row proves comma-decimal, so
        // `1.234` was 1234 all along.
        let c = build(
            ColumnKind::Number,
            DecimalSeparator::Point,
            &["1.234", "7", "12,50"],
        );
        let a = c.array.as_primitive::<Float64Type>();
        assert_eq!(a.values().to_vec(), vec![1234.0, 7.0, 12.5]);
        assert_eq!(
            c.format,
            FormatReport::Number {
                decimal: DecimalSeparator::Comma,
                decision: Decision::Evidence,
                integral: false
            }
        );
    }

    #[test]
    fn undecided_numbers_report_the_default() {
        let c = build(
            ColumnKind::Number,
            DecimalSeparator::Comma,
            &["1.234", "2.500"],
        );
        let a = c.array.as_primitive::<Int64Type>();
        assert_eq!(a.values().to_vec(), vec![1234, 2500]);
        assert_eq!(
            c.format,
            FormatReport::Number {
                decimal: DecimalSeparator::Comma,
                decision: Decision::Default { ambiguous: 2 },
                integral: true
            }
        );
    }

    #[test]
    fn contradicting_and_malformed_values_are_reported_with_lines() {
        let c = build(
            ColumnKind::Number,
            DecimalSeparator::Point,
            &["12.50", "", "3,25", "12x"],
        );
        assert_eq!(c.invalid.count, 2);
        assert_eq!(c.invalid.examples[0].line, 4);
        assert_eq!(c.invalid.examples[0].value, "3,25");
        assert_eq!(c.invalid.examples[1].line, 5);
        assert_eq!(c.invalid.examples[1].reason, "not a number");
        assert_eq!(c.nulls, 3);
        assert_eq!(c.array.null_count(), 3);
    }

    #[test]
    fn dates_decided_by_a_late_value() {
        let c = build(
            ColumnKind::Date,
            DecimalSeparator::Point,
            &["05/04/2024", "12/31/2024"],
        );
        let a = c.array.as_primitive::<Date32Type>();
        assert_eq!(
            a.values().to_vec(),
            vec![days_from_civil(2024, 5, 4), days_from_civil(2024, 12, 31)]
        );
        assert!(matches!(
            c.format,
            FormatReport::Date {
                order: DateOrder::MonthFirst,
                decision: Decision::Evidence,
                ..
            }
        ));
    }

    #[test]
    fn booleans() {
        let c = build(
            ColumnKind::Boolean,
            DecimalSeparator::Point,
            &["oui", "Non", "", "peut-être"],
        );
        let a = c.array.as_boolean();
        assert!(a.value(0));
        assert!(!a.value(1));
        assert!(a.is_null(2));
        assert_eq!(c.invalid.count, 1);
    }
}
