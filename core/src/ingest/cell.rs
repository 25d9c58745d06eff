//! Typed cells from spreadsheets, JSON and columnar files, fed to the same column builders and
//! kind guessing as delimited text so that every format is profiled and reported alike.

use super::date::DateValue;
use super::sniff::KindStats;

/// One value of a non-text source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    /// Text to parse (it may still hold a number or a date).
    Text(&'a [u8]),
    Number(f64),
    Date(DateValue),
    Bool(bool),
}

impl<'a> Cell<'a> {
    /// Adds this cell to a column's kind statistics.
    pub fn observe(self, stats: &mut KindStats<'a>) {
        match self {
            Cell::Empty => {}
            Cell::Text(t) => stats.add_text(t),
            Cell::Number(v) => stats.add_number(v),
            Cell::Date(d) => stats.add_date(d.days, d.millis),
            Cell::Bool(b) => stats.add_bool(b),
        }
    }
}

/// Text of a number as a person would write it: integers without a fraction, others in the
/// shortest form that reads back to the same value (never ambiguous: no grouping).
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `yyyy-mm-dd` or `yyyy-mm-ddThh:mm:ss(.mmm)`.
pub fn date_text(d: DateValue) -> String {
    let date = super::date::format_days(d.days);
    match d.millis {
        None | Some(0) => date,
        Some(ms) => {
            let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
            if milli == 0 {
                format!("{date}T{h:02}:{m:02}:{s:02}")
            } else {
                format!("{date}T{h:02}:{m:02}:{s:02}.{milli:03}")
            }
        }
    }
}
