//! Guesses a delimited file's dialect (separator, header) and each column's kind from a
//! sample of its first records.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use super::column::{ColumnKind, is_blank, parse_bool};
use super::date::{DateOrder, DateToken, parse_date};
use super::number::{DecimalSeparator, NumberToken, parse_number, trim_spaces};
use super::tokenizer::{Delimiter, FieldSpan, Tokenizer, field_bytes};
use crate::pii::Evidence;

/// Bytes examined to choose the separator.
const SNIFF_BYTES: usize = 64 * 1024;
/// Records examined to choose the separator.
const SNIFF_RECORDS: usize = 200;

/// The sample: the first records as owned field bytes.
pub struct Sample {
    pub records: Vec<Vec<Vec<u8>>>,
    pub lines: Vec<u64>,
}

/// Reads up to `max` records with `delimiter`.
pub fn sample(buf: &[u8], delimiter: Delimiter, max: usize) -> Sample {
    let mut t = Tokenizer::new(buf, delimiter);
    let mut spans: Vec<FieldSpan> = Vec::new();
    let mut records = Vec::new();
    let mut lines = Vec::new();
    while records.len() < max {
        let Some(line) = t.next_record(&mut spans) else {
            break;
        };
        records.push(
            spans
                .iter()
                .map(|&s| field_bytes(buf, s).into_owned())
                .collect(),
        );
        lines.push(line);
    }
    Sample { records, lines }
}

/// Chooses the separator whose field counts are the most consistent over the first records.
pub fn sniff_delimiter(buf: &[u8]) -> Delimiter {
    let head = &buf[..buf.len().min(SNIFF_BYTES)];
    // Drop a partial last line so it does not count as a short record.
    let head = if head.len() < buf.len() {
        match memchr::memrchr(b'\n', head) {
            Some(i) => &head[..=i],
            None => head,
        }
    } else {
        head
    };
    let mut best = (Delimiter::Comma, 0.0f64);
    for d in Delimiter::ALL {
        let mut t = Tokenizer::new(head, d);
        let mut spans = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        while counts.len() < SNIFF_RECORDS {
            if t.next_record(&mut spans).is_none() {
                break;
            }
            counts.push(spans.len());
        }
        if counts.is_empty() {
            continue;
        }
        let mut freq: Vec<(usize, usize)> = Vec::new();
        for &c in &counts {
            match freq.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => freq.push((c, 1)),
            }
        }
        let &(modal, n) = freq.iter().max_by_key(|&&(k, n)| (n, k)).unwrap_or(&(1, 0));
        if modal < 2 {
            continue;
        }
        let consistency = n as f64 / counts.len() as f64;
        // More fields break ties; runs of whitespace split free text too, so they must win
        // clearly.
        let mut score = consistency + (modal as f64).det_ln() * 0.01;
        if d == Delimiter::Whitespace {
            score *= 0.9;
        }
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// What the sample says about one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindGuess {
    pub kind: ColumnKind,
    /// Decimal separator proven by the sample, if any.
    pub decimal: Option<DecimalSeparator>,
    /// Day/month order proven by the sample, if any.
    pub order: Option<DateOrder>,
    /// Share of distinct values among non-blank sample values.
    pub distinct_ratio: f64,
    pub non_blank: usize,
    /// Every non-blank value is a whole number.
    pub integral: bool,
    /// Integer values only 0 and 1 (a possible yes/no label).
    pub zero_one: bool,
    /// Share of values containing `@` (e-mail addresses).
    pub at_share: f64,
    /// Mean of numeric values, when numeric.
    pub mean: Option<f64>,
    /// Shares of non-blank values that read as numbers and as dates: a column named
    /// "amount" with a few bad values is still the amount.
    pub numeric_share: f64,
    pub date_share: f64,
    /// What the personal-data detectors recognised in the sample (see [`crate::pii`]).
    #[serde(default)]
    pub content: Evidence,
}

/// Infers a column's kind from sample values given as text.
pub fn guess_kind(values: &[&[u8]]) -> KindGuess {
    let mut stats = KindStats::default();
    for v in values {
        stats.add_text(v);
    }
    stats.finish()
}

/// Accumulates what sample values say about a column: text values are parsed, typed values
/// (from spreadsheets, JSON, Parquet) count as what they are.
#[derive(Default)]
pub struct KindStats<'a> {
    non_blank: Vec<&'a [u8]>,
    typed_distinct: Vec<u64>,
    n: usize,
    leading_zero: bool,
    dates: usize,
    day_first: usize,
    month_first: usize,
    numbers: usize,
    point: usize,
    comma: usize,
    integral: bool,
    not_zero_one: bool,
    sum: f64,
    bools: usize,
    at: usize,
    any_value: bool,
    content: Evidence,
}

impl<'a> KindStats<'a> {
    fn start(&mut self) {
        if !self.any_value {
            self.any_value = true;
            self.integral = true;
        }
        self.n += 1;
    }

    fn add_value(&mut self, value: f64, integral: bool) {
        self.numbers += 1;
        if !integral {
            self.integral = false;
        }
        if value != 0.0 && value != 1.0 {
            self.not_zero_one = true;
        }
        self.sum += value;
    }

    /// A text value (blank values are ignored).
    pub fn add_text(&mut self, raw: &'a [u8]) {
        let v = trim_spaces(raw);
        if is_blank(v) {
            return;
        }
        self.start();
        self.non_blank.push(v);
        if v.len() > 1 && v[0] == b'0' && v[1].is_ascii_digit() {
            self.leading_zero = true;
        }
        if v.contains(&b'@') {
            self.at += 1;
        }
        // The sample's bytes are UTF-8 or, when not, Windows-1252 (the other encodings are
        // transcoded before sniffing): decode to let the detectors see accented names.
        match std::str::from_utf8(v) {
            Ok(text) => self.content.add(text),
            Err(_) => self
                .content
                .add(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(v).0),
        }
        if let Some(d) = parse_date(v) {
            self.dates += 1;
            if let DateToken::Ordered { order, .. } = d {
                match order {
                    DateOrder::DayFirst => self.day_first += 1,
                    DateOrder::MonthFirst => self.month_first += 1,
                }
            }
        }
        if let Some(t) = parse_number(v) {
            if let NumberToken::Decided { decimal, .. } = t {
                match decimal {
                    DecimalSeparator::Point => self.point += 1,
                    DecimalSeparator::Comma => self.comma += 1,
                }
            }
            let value = t
                .value_with(DecimalSeparator::Point)
                .or(t.value_with(DecimalSeparator::Comma))
                .unwrap_or(0.0);
            self.add_value(value, t.is_integral());
        } else if parse_bool(v).is_some() {
            self.bools += 1;
        }
    }

    /// A typed number.
    pub fn add_number(&mut self, value: f64) {
        self.start();
        self.typed_distinct.push(value.to_bits());
        self.content.add_number(value);
        self.add_value(value, value.fract() == 0.0);
    }

    /// A typed date or date-time.
    pub fn add_date(&mut self, days: i32, millis: Option<u32>) {
        self.start();
        self.typed_distinct
            .push((i64::from(days) * 86_400_000 + i64::from(millis.unwrap_or(0))) as u64);
        self.content.add_other();
        self.dates += 1;
    }

    /// A typed boolean.
    pub fn add_bool(&mut self, value: bool) {
        self.start();
        self.typed_distinct.push(u64::from(value));
        self.content.add_other();
        self.bools += 1;
    }

    pub fn finish(self) -> KindGuess {
        let n = self.n;
        let mut guess = KindGuess {
            kind: ColumnKind::Empty,
            decimal: None,
            order: None,
            distinct_ratio: 0.0,
            non_blank: n,
            integral: false,
            zero_one: false,
            at_share: 0.0,
            mean: None,
            numeric_share: 0.0,
            date_share: 0.0,
            content: Evidence::default(),
        };
        if n == 0 {
            return guess;
        }
        guess.content = self.content;
        let mut text = self.non_blank;
        text.sort_unstable();
        text.dedup();
        let mut typed = self.typed_distinct;
        typed.sort_unstable();
        typed.dedup();
        guess.distinct_ratio = (text.len() + typed.len()) as f64 / n as f64;
        guess.at_share = self.at as f64 / n as f64;
        guess.numeric_share = self.numbers as f64 / n as f64;
        guess.date_share = self.dates as f64 / n as f64;
        let most = |k: usize| k * 10 >= n * 9;
        guess.kind = if self.leading_zero && !most(self.dates) {
            ColumnKind::Text
        } else if most(self.dates) {
            ColumnKind::Date
        } else if most(self.numbers) {
            guess.integral = self.integral;
            guess.zero_one = !self.not_zero_one && self.integral;
            guess.mean = Some(self.sum / self.numbers as f64);
            if self.integral {
                ColumnKind::Integer
            } else {
                ColumnKind::Number
            }
        } else if most(self.bools + self.numbers) && self.bools > 0 && !self.not_zero_one {
            ColumnKind::Boolean
        } else {
            ColumnKind::Text
        };
        guess.decimal = match (self.point, self.comma) {
            (0, 0) => None,
            (p, c) if p >= c => Some(DecimalSeparator::Point),
            _ => Some(DecimalSeparator::Comma),
        };
        guess.order = match (self.day_first, self.month_first) {
            (0, 0) => None,
            (d, m) if d >= m => Some(DateOrder::DayFirst),
            _ => Some(DateOrder::MonthFirst),
        };
        guess
    }
}

/// `true` when the first record looks like a header: in some column whose data is typed
/// (numbers, dates, booleans), the first record's value is not of that type; or, when every
/// column is text, its values are non-blank, distinct and absent from the data below.
pub fn looks_like_header(first: &[Vec<u8>], kinds: &[KindGuess], data: &[Vec<Vec<u8>>]) -> bool {
    if first.is_empty() || first.iter().any(|f| is_blank(f)) {
        return false;
    }
    let mut typed_columns = 0;
    for (i, g) in kinds.iter().enumerate() {
        let Some(v) = first.get(i) else { continue };
        let fits = match g.kind {
            ColumnKind::Date | ColumnKind::DateTime => parse_date(v).is_some(),
            ColumnKind::Integer | ColumnKind::Number => parse_number(v).is_some(),
            ColumnKind::Boolean => parse_bool(v).is_some(),
            _ => continue,
        };
        typed_columns += 1;
        if !fits {
            return true;
        }
    }
    if typed_columns > 0 {
        return false;
    }
    let mut names: Vec<&[u8]> = first.iter().map(|f| f.as_slice()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() != first.len() {
        return false;
    }
    !first.iter().enumerate().any(|(i, name)| {
        data.iter()
            .any(|rec| rec.get(i).is_some_and(|v| v.as_slice() == name.as_slice()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(
            sniff_delimiter(b"id;date;montant\n1;01/02/2024;12,50\n2;03/02/2024;7\n"),
            Delimiter::Semicolon
        );
        assert_eq!(
            sniff_delimiter(b"id,date,amount\n1,2024-01-02,12.50\n2,2024-02-03,7\n"),
            Delimiter::Comma
        );
        assert_eq!(
            sniff_delimiter(b"id\tdate\tamount\n1\t2024-01-02\t1,5\n"),
            Delimiter::Tab
        );
        assert_eq!(sniff_delimiter(b"id|amount\n1|2\n3|4\n"), Delimiter::Pipe);
        assert_eq!(
            sniff_delimiter(b"001  20240115   12.50\n002 20240116 3.00\n"),
            Delimiter::Whitespace
        );
        assert_eq!(
            sniff_delimiter(b"id,note\n1,\"a;b;c\"\n2,\"d;e;f\"\n"),
            Delimiter::Comma
        );
    }

    #[test]
    fn kinds() {
        let g = |vals: &[&str]| {
            let v: Vec<&[u8]> = vals.iter().map(|s| s.as_bytes()).collect();
            guess_kind(&v)
        };
        assert_eq!(g(&["2024-01-01", "2024-02-01"]).kind, ColumnKind::Date);
        assert_eq!(g(&["12,50", "3"]).kind, ColumnKind::Number);
        assert_eq!(g(&["12,50", "3"]).decimal, Some(DecimalSeparator::Comma));
        assert_eq!(g(&["1", "0", "1"]).kind, ColumnKind::Integer);
        assert!(g(&["1", "0", "1"]).zero_one);
        assert_eq!(g(&["00123", "00456"]).kind, ColumnKind::Text);
        assert_eq!(g(&["oui", "non"]).kind, ColumnKind::Boolean);
        assert_eq!(g(&["Paris", "Lyon"]).kind, ColumnKind::Text);
        assert_eq!(g(&["", " "]).kind, ColumnKind::Empty);
        assert_eq!(
            g(&["13/01/2024", "02/01/2024"]).order,
            Some(DateOrder::DayFirst)
        );
    }

    #[test]
    fn headers() {
        let s = sample(
            b"id,date,amount\n1,2024-01-01,3.5\n2,2024-01-02,4\n",
            Delimiter::Comma,
            10,
        );
        let kinds: Vec<KindGuess> = (0..3)
            .map(|i| {
                let v: Vec<&[u8]> = s.records[1..].iter().map(|r| r[i].as_slice()).collect();
                guess_kind(&v)
            })
            .collect();
        assert!(looks_like_header(&s.records[0], &kinds, &s.records[1..]));
        let s = sample(b"1,2024-01-01,3.5\n2,2024-01-02,4\n", Delimiter::Comma, 10);
        assert!(!looks_like_header(&s.records[0], &kinds, &s.records[1..]));
    }
}
