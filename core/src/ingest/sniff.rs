//! Guesses a delimited file's dialect (separator, header) and each column's kind from a
//! sample of its first records.

use serde::{Deserialize, Serialize};

use super::column::{ColumnKind, is_blank, parse_bool};
use super::date::{DateOrder, DateToken, parse_date};
use super::number::{DecimalSeparator, NumberToken, parse_number, trim_spaces};
use super::tokenizer::{Delimiter, FieldSpan, Tokenizer, field_bytes};

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
        let mut score = consistency + (modal as f64).ln() * 0.01;
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
}

/// Infers a column's kind from sample values.
pub fn guess_kind(values: &[&[u8]]) -> KindGuess {
    let non_blank: Vec<&[u8]> = values
        .iter()
        .map(|v| trim_spaces(v))
        .filter(|v| !is_blank(v))
        .collect();
    let n = non_blank.len();
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
    };
    if n == 0 {
        return guess;
    }
    let mut distinct: Vec<&[u8]> = non_blank.clone();
    distinct.sort_unstable();
    distinct.dedup();
    guess.distinct_ratio = distinct.len() as f64 / n as f64;
    guess.at_share = non_blank.iter().filter(|v| v.contains(&b'@')).count() as f64 / n as f64;

    let leading_zero = non_blank
        .iter()
        .any(|v| v.len() > 1 && v[0] == b'0' && v[1].is_ascii_digit());
    let mut dates = 0;
    let mut day_first = 0;
    let mut month_first = 0;
    let mut numbers = 0;
    let mut point = 0;
    let mut comma = 0;
    let mut integral = true;
    let mut zero_one = true;
    let mut sum = 0.0;
    let mut bools = 0;
    for v in &non_blank {
        if let Some(d) = parse_date(v) {
            dates += 1;
            if let DateToken::Ordered { order, .. } = d {
                match order {
                    DateOrder::DayFirst => day_first += 1,
                    DateOrder::MonthFirst => month_first += 1,
                }
            }
        }
        if let Some(t) = parse_number(v) {
            numbers += 1;
            match t {
                NumberToken::Decided { decimal, .. } => match decimal {
                    DecimalSeparator::Point => point += 1,
                    DecimalSeparator::Comma => comma += 1,
                },
                NumberToken::Ambiguous { .. } => {}
                NumberToken::Plain(_) => {}
            }
            if !t.is_integral() {
                integral = false;
            }
            let value = t
                .value_with(DecimalSeparator::Point)
                .or(t.value_with(DecimalSeparator::Comma))
                .unwrap_or(0.0);
            if value != 0.0 && value != 1.0 {
                zero_one = false;
            }
            sum += value;
        } else if parse_bool(v).is_some() {
            bools += 1;
        }
    }
    guess.numeric_share = numbers as f64 / n as f64;
    guess.date_share = dates as f64 / n as f64;
    let most = |k: usize| k * 10 >= n * 9;
    guess.kind = if leading_zero && !most(dates) {
        ColumnKind::Text
    } else if most(dates) {
        ColumnKind::Date
    } else if most(numbers) {
        guess.integral = integral;
        guess.zero_one = zero_one && integral;
        guess.mean = Some(sum / numbers as f64);
        if integral {
            ColumnKind::Integer
        } else {
            ColumnKind::Number
        }
    } else if most(bools + numbers) && bools > 0 && (bools + numbers) > 0 {
        let all_bool = non_blank.iter().all(|v| parse_bool(v).is_some());
        if all_bool {
            ColumnKind::Boolean
        } else {
            ColumnKind::Text
        }
    } else {
        ColumnKind::Text
    };
    guess.decimal = match (point, comma) {
        (0, 0) => None,
        (p, c) if p >= c => Some(DecimalSeparator::Point),
        _ => Some(DecimalSeparator::Comma),
    };
    guess.order = match (day_first, month_first) {
        (0, 0) => None,
        (d, m) if d >= m => Some(DateOrder::DayFirst),
        _ => Some(DateOrder::MonthFirst),
    };
    guess
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
