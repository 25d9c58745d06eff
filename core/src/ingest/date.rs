//! Dates as exports write them: ISO (`2024-01-15`, with a time and zone or not), `15/01/2024`,
//! `01/15/2024`, `15.01.2024`, `20240115`, `15/01/24`, and Excel serial numbers.
//!
//! `05/04/2024` is the 5th of April in France and May 4th in the US. As for numbers (see
//! `number`), a token says whether it decides the order (`13/04/2024` can only be day-first) or
//! carries both candidates; the column decides from the whole column and reports it.
//!
//! Hand-written: the calendar arithmetic is Howard Hinnant's `days_from_civil` (public domain),
//! a dozen lines; a date crate would add wasm size for no accuracy gain. Tests check it against
//! Python's `datetime`.

use serde::{Deserialize, Serialize};

/// Which of day and month comes first in `a/b/yyyy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

impl DateOrder {
    pub fn other(self) -> Self {
        match self {
            DateOrder::DayFirst => DateOrder::MonthFirst,
            DateOrder::MonthFirst => DateOrder::DayFirst,
        }
    }
}

/// A point in time as written: days since 1970-01-01 and, if present, milliseconds into that
/// day (local time as written; a zone, if any, is applied to give UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    pub days: i32,
    pub millis: Option<u32>,
}

impl DateValue {
    fn date(days: i32) -> Self {
        DateValue { days, millis: None }
    }
}

/// What a date token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateToken {
    /// Unambiguous (`2024-01-15`, `20240115`, `15/01/2024` where 15 > 12, `05/05/2024`).
    Plain(DateValue),
    /// Valid only under this order (`13/01/2024` is day-first).
    Ordered { value: DateValue, order: DateOrder },
    /// Valid under both orders with different results.
    Ambiguous {
        day_first: DateValue,
        month_first: DateValue,
    },
}

impl DateToken {
    pub fn value_with(self, order: DateOrder) -> Option<DateValue> {
        match self {
            DateToken::Plain(v) => Some(v),
            DateToken::Ordered { value, order: o } => (o == order).then_some(value),
            DateToken::Ambiguous {
                day_first,
                month_first,
            } => Some(match order {
                DateOrder::DayFirst => day_first,
                DateOrder::MonthFirst => month_first,
            }),
        }
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `yyyy-mm-dd` text of a day number.
pub fn format_days(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Validated day number, or `None` for impossible dates like 2023-02-29.
/// `yyyy-mm-dd` as days since 1970-01-01 (`None` when it is not a real date).
pub fn parse_iso_days(text: &str) -> Option<i32> {
    let mut parts = text.trim().splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    checked_days(y, m, d)
}

pub fn checked_days(y: i32, m: u32, d: u32) -> Option<i32> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m) && (1000..=9999).contains(&y))
        .then(|| days_from_civil(y, m, d))
}

/// Parses an unsigned decimal number of 1 to `max` digits at the start of `s`.
fn digits(s: &[u8], max: usize) -> Option<(u32, usize)> {
    let n = s
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 {
        return None;
    }
    let v = s[..n]
        .iter()
        .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
    Some((v, n))
}

/// Two-digit years: 00–68 are 2000–2068, 69–99 are 1969–1999 (the POSIX `%y` pivot).
fn expand_year(y: u32, len: usize) -> i32 {
    if len <= 2 {
        if y < 69 {
            2000 + y as i32
        } else {
            1900 + y as i32
        }
    } else {
        y as i32
    }
}

/// Parses a date or date-time token. Empty input is not a date.
pub fn parse_date(s: &[u8]) -> Option<DateToken> {
    let s = crate::ingest::number::trim_spaces(s);
    if s.len() < 6 {
        return None;
    }
    // yyyymmdd
    if s.len() == 8 && s.iter().all(u8::is_ascii_digit) {
        let y = digits(s, 4)?.0 as i32;
        let m = digits(&s[4..], 2)?.0;
        let d = digits(&s[6..], 2)?.0;
        if !(1900..=2100).contains(&y) {
            return None;
        }
        return checked_days(y, m, d).map(|days| DateToken::Plain(DateValue::date(days)));
    }
    let (a, la) = digits(s, 4)?;
    let sep = *s.get(la)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let rest = &s[la + 1..];
    let (b, lb) = digits(rest, 2)?;
    if rest.get(lb) != Some(&sep) {
        return None;
    }
    let rest = &rest[lb + 1..];
    if la == 4 {
        // yyyy-mm-dd
        let (c, lc) = digits(rest, 2)?;
        let days = checked_days(a as i32, b, c)?;
        let time = time_suffix(&rest[lc..])?;
        return Some(DateToken::Plain(with_time(days, time)));
    }
    if la > 2 {
        return None;
    }
    let (y, ly) = digits(rest, 4)?;
    if ly != 2 && ly != 4 {
        return None;
    }
    let year = expand_year(y, ly);
    let time = time_suffix(&rest[ly..])?;
    let day_first = checked_days(year, b, a).map(|days| with_time(days, time));
    let month_first = checked_days(year, a, b).map(|days| with_time(days, time));
    Some(match (day_first, month_first) {
        (Some(d), Some(m)) if d == m => DateToken::Plain(d),
        (Some(d), Some(m)) => DateToken::Ambiguous {
            day_first: d,
            month_first: m,
        },
        (Some(d), None) => DateToken::Ordered {
            value: d,
            order: DateOrder::DayFirst,
        },
        (None, Some(m)) => DateToken::Ordered {
            value: m,
            order: DateOrder::MonthFirst,
        },
        (None, None) => return None,
    })
}

/// A time of day as written, and the zone offset in minutes east of UTC when one is given.
#[derive(Clone, Copy)]
struct TimeOfDay {
    millis: u32,
    offset_minutes: Option<i32>,
}

/// The value of a date with an optional time; a zone moves it to UTC.
fn with_time(days: i32, time: Option<TimeOfDay>) -> DateValue {
    let Some(t) = time else {
        return DateValue::date(days);
    };
    let local = i64::from(days) * 86_400_000 + i64::from(t.millis);
    let utc = local - i64::from(t.offset_minutes.unwrap_or(0)) * 60_000;
    DateValue {
        days: utc.div_euclid(86_400_000) as i32,
        millis: Some(utc.rem_euclid(86_400_000) as u32),
    }
}

/// Parses an optional ` hh:mm[:ss[.fff]][zone]` or `Thh:mm…` suffix. `Some(None)` when there is
/// no time; `None` when the suffix is malformed.
fn time_suffix(s: &[u8]) -> Option<Option<TimeOfDay>> {
    if s.is_empty() {
        return Some(None);
    }
    if !matches!(s[0], b'T' | b' ') {
        return None;
    }
    let s = &s[1..];
    let (h, lh) = digits(s, 2)?;
    if s.get(lh) != Some(&b':') {
        return None;
    }
    let (m, lm) = digits(&s[lh + 1..], 2)?;
    let mut i = lh + 1 + lm;
    let mut sec = 0;
    let mut ms = 0;
    if s.get(i) == Some(&b':') {
        let (v, l) = digits(&s[i + 1..], 2)?;
        sec = v;
        i += 1 + l;
        if matches!(s.get(i), Some(b'.' | b',')) {
            let frac = &s[i + 1..];
            let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let (v, l) = digits(frac, 3)?;
            ms = v * 10u32.pow(3 - l as u32);
            i += 1 + n;
        }
    }
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let offset_minutes = zone(&s[i..])?;
    Some(Some(TimeOfDay {
        // A leap second is folded into the last second of its minute.
        millis: ((h * 60 + m) * 60 + sec.min(59)) * 1000 + ms,
        offset_minutes,
    }))
}

/// Parses `Z`, `UTC`, `±hh:mm`, `±hhmm`, `±hh` or nothing into minutes east of UTC.
fn zone(s: &[u8]) -> Option<Option<i32>> {
    let s = crate::ingest::number::trim_spaces(s);
    match s {
        [] => Some(None),
        [b'Z'] | b"UTC" | b"GMT" => Some(Some(0)),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, lh) = digits(rest, 2)?;
            let rest = &rest[lh..];
            let rest = rest.strip_prefix(b":").unwrap_or(rest);
            let m = if rest.is_empty() {
                0
            } else {
                digits(rest, 2)?.0
            };
            if h > 14 || m > 59 {
                return None;
            }
            let minutes = (h * 60 + m) as i32;
            Some(Some(if *sign == b'-' { -minutes } else { minutes }))
        }
        _ => None,
    }
}

/// Excel's serial day number (1900 date system, with its fictitious 1900-02-29) to days since
/// 1970-01-01. Serial 25569 is 1970-01-01.
pub fn excel_serial_to_days(serial: f64) -> Option<DateValue> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let whole = serial.floor();
    let frac = serial - whole;
    let days = whole as i32 - 25_569;
    let millis = (frac > 0.0).then(|| (frac * 86_400_000.0).round().min(86_399_999.0) as u32);
    Some(DateValue { days, millis })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(days: i32) -> Option<DateToken> {
        Some(DateToken::Plain(DateValue::date(days)))
    }

    #[test]
    fn civil_matches_python_datetime() {
        // (date(y, m, d) - date(1970, 1, 1)).days from CPython 3.11.
        for (y, m, d, want) in [
            (1970, 1, 1, 0),
            (2024, 3, 1, 19783),
            (2000, 2, 29, 11016),
            (1899, 12, 30, -25569),
            (2023, 12, 31, 19722),
            (1900, 3, 1, -25508),
        ] {
            assert_eq!(days_from_civil(y, m, d), want, "{y}-{m}-{d}");
            assert_eq!(civil_from_days(want), (y, m, d));
        }
    }

    #[test]
    fn round_trip_every_day_of_four_centuries() {
        for days in -150_000..150_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn formats() {
        let jan15 = days_from_civil(2024, 1, 15);
        assert_eq!(parse_date(b"2024-01-15"), plain(jan15));
        assert_eq!(parse_date(b"2024/01/15"), plain(jan15));
        assert_eq!(parse_date(b"20240115"), plain(jan15));
        assert_eq!(
            parse_date(b"15/01/2024"),
            Some(DateToken::Ordered {
                value: DateValue::date(jan15),
                order: DateOrder::DayFirst
            })
        );
        assert_eq!(
            parse_date(b"01/15/2024"),
            Some(DateToken::Ordered {
                value: DateValue::date(jan15),
                order: DateOrder::MonthFirst
            })
        );
        assert_eq!(
            parse_date(b"15.01.24"),
            Some(DateToken::Ordered {
                value: DateValue::date(jan15),
                order: DateOrder::DayFirst
            })
        );
        assert_eq!(
            parse_date(b"05/05/2024"),
            plain(days_from_civil(2024, 5, 5))
        );
        assert_eq!(
            parse_date(b"05/04/2024"),
            Some(DateToken::Ambiguous {
                day_first: DateValue::date(days_from_civil(2024, 4, 5)),
                month_first: DateValue::date(days_from_civil(2024, 5, 4)),
            })
        );
    }

    #[test]
    fn date_times_and_zones() {
        let jan15 = days_from_civil(2024, 1, 15);
        assert_eq!(
            parse_date(b"2024-01-15T10:30:00"),
            Some(DateToken::Plain(DateValue {
                days: jan15,
                millis: Some(37_800_000)
            }))
        );
        assert_eq!(
            parse_date(b"2024-01-15 10:30:00.250Z"),
            Some(DateToken::Plain(DateValue {
                days: jan15,
                millis: Some(37_800_250)
            }))
        );
        // 00:30 at UTC+02:00 is 22:30 UTC the day before.
        assert_eq!(
            parse_date(b"2024-01-15T00:30:00+02:00"),
            Some(DateToken::Plain(DateValue {
                days: jan15 - 1,
                millis: Some(81_000_000)
            }))
        );
        assert_eq!(
            parse_date(b"15/01/2024 10:30").and_then(|t| t.value_with(DateOrder::DayFirst)),
            Some(DateValue {
                days: jan15,
                millis: Some(37_800_000)
            })
        );
    }

    #[test]
    fn not_dates() {
        for s in [
            "",
            "2024",
            "12.50",
            "2023-02-29",
            "32/01/2024",
            "13/13/2024",
            "abc",
            "2024-01-15x",
            "1234567",
            "99999999",
        ] {
            assert_eq!(parse_date(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn excel_serials() {
        // Excel shows 45306 as 2024-01-15 and 25569 as 1970-01-01.
        assert_eq!(
            excel_serial_to_days(45306.0).map(|v| v.days),
            Some(days_from_civil(2024, 1, 15))
        );
        assert_eq!(
            excel_serial_to_days(25569.5).unwrap().millis,
            Some(43_200_000)
        );
        assert_eq!(excel_serial_to_days(0.0), None);
    }
}
