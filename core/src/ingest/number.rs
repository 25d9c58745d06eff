//! Numbers as people write them: `12,50 €`, `$1,234.50`, `(3.20)`, `1 234,5`, `12 %`.
//!
//! A token alone cannot always say which of `.` and `,` is the decimal separator: `1.234` is
//! 1234 in France and 1.234 in the US. [`parse_number`] therefore returns either a value that
//! does not depend on the convention, a value that *proves* the convention (`12,50`,
//! `1.234,5`, `1,234,567`), or both candidate values. The column (see `column`) decides from
//! the whole column and reports what it decided.
//!
//! Hand-written because no maintained crate parses locale-ambiguous numbers with evidence; the
//! value itself uses the exact fast path (mantissa < 2^53 and at most 22 decimals: one
//! correctly rounded division) and falls back to `str::parse::<f64>` otherwise.

/// The two decimal conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalSeparator {
    Point,
    Comma,
}

impl DecimalSeparator {
    fn from_byte(b: u8) -> Self {
        if b == b',' {
            DecimalSeparator::Comma
        } else {
            DecimalSeparator::Point
        }
    }

    pub fn other(self) -> Self {
        match self {
            DecimalSeparator::Point => DecimalSeparator::Comma,
            DecimalSeparator::Comma => DecimalSeparator::Point,
        }
    }
}

/// What a numeric token says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberToken {
    /// The same value under both conventions (`12`, `-3`, `1 234`, `1e5`).
    Plain(f64),
    /// The token proves the convention.
    Decided {
        value: f64,
        decimal: DecimalSeparator,
    },
    /// One separator followed by exactly three digits: `sep` is either the decimal separator
    /// (`as_decimal`) or a thousands separator (`as_grouping`).
    Ambiguous {
        sep: DecimalSeparator,
        as_decimal: f64,
        as_grouping: f64,
    },
}

impl NumberToken {
    /// The value under a decided convention, or `None` when the token contradicts it.
    pub fn value_with(self, decimal: DecimalSeparator) -> Option<f64> {
        match self {
            NumberToken::Plain(v) => Some(v),
            NumberToken::Decided { value, decimal: d } => (d == decimal).then_some(value),
            NumberToken::Ambiguous {
                sep,
                as_decimal,
                as_grouping,
            } => Some(if sep == decimal {
                as_decimal
            } else {
                as_grouping
            }),
        }
    }

    /// `true` if the token holds a fractional part or a separator that could be one, used to
    /// tell amounts from counts.
    pub fn is_integral(self) -> bool {
        match self {
            NumberToken::Plain(v) => v.fract() == 0.0,
            NumberToken::Decided { value, .. } => value.fract() == 0.0,
            NumberToken::Ambiguous { .. } => false,
        }
    }
}

/// Bytes that may surround a number and carry no value: currency signs in UTF-8 and
/// Windows-1252, currency codes, and spaces.
fn strip_affixes(mut s: &[u8]) -> (&[u8], bool) {
    const AFFIXES: [&[u8]; 12] = [
        "€".as_bytes(),
        b"\x80", // € in Windows-1252
        b"$",
        "£".as_bytes(),
        b"\xA3", // £ in Windows-1252
        b"EUR",
        b"USD",
        b"GBP",
        b"CHF",
        "¥".as_bytes(),
        b"eur",
        b"\xE2\x82\xAC",
    ];
    let mut percent = false;
    loop {
        let before = s.len();
        s = trim_spaces(s);
        if let Some(rest) = s.strip_suffix(b"%") {
            percent = true;
            s = rest;
        }
        for a in AFFIXES {
            if let Some(rest) = s.strip_prefix(a) {
                s = rest;
            }
            if let Some(rest) = s.strip_suffix(a) {
                s = rest;
            }
        }
        if s.len() == before {
            return (s, percent);
        }
    }
}

/// Trims ASCII whitespace and no-break spaces (U+00A0 in UTF-8 and Windows-1252, U+202F).
#[inline]
pub fn trim_spaces(s: &[u8]) -> &[u8] {
    // Fast path: nearly every field starts and ends with a visible ASCII character.
    match (s.first(), s.last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x80 && b > b' ' && b < 0x80 => s,
        (None, _) => s,
        _ => trim_spaces_slow(s),
    }
}

fn trim_spaces_slow(mut s: &[u8]) -> &[u8] {
    loop {
        let before = s.len();
        while let [b' ' | b'\t' | b'\xA0', rest @ ..] = s {
            s = rest;
        }
        while let [rest @ .., b' ' | b'\t' | b'\xA0'] = s {
            s = rest;
        }
        for nb in [&b"\xC2\xA0"[..], b"\xE2\x80\xAF"] {
            if let Some(rest) = s.strip_prefix(nb) {
                s = rest;
            }
            if let Some(rest) = s.strip_suffix(nb) {
                s = rest;
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Parses a numeric token. Returns `None` for anything that is not a number (including the
/// empty string, which callers treat as missing before calling this).
pub fn parse_number(raw: &[u8]) -> Option<NumberToken> {
    // Fast path for the overwhelmingly common `123.45` / `-7` shapes.
    if let Some(tok) = simple_number(raw) {
        return Some(tok);
    }
    let (mut s, percent) = strip_affixes(raw);
    let mut negative = false;
    if let [b'(', inner @ .., b')'] = s {
        negative = true;
        s = strip_affixes(inner).0;
    }
    match s {
        [0xE2, 0x88, 0x92, rest @ ..] => {
            // U+2212 MINUS SIGN
            negative = !negative;
            s = rest;
        }
        [b'-', rest @ ..] => {
            negative = !negative;
            s = rest;
        }
        [b'+', rest @ ..] => s = rest,
        [rest @ .., b'-'] => {
            negative = !negative;
            s = rest;
        }
        _ => {}
    }
    let s = strip_affixes(s).0;
    let token = core_number(s)?;
    let scale = if percent { 0.01 } else { 1.0 };
    let sign = if negative { -scale } else { scale };
    Some(match token {
        NumberToken::Plain(v) => NumberToken::Plain(v * sign),
        NumberToken::Decided { value, decimal } => NumberToken::Decided {
            value: value * sign,
            decimal,
        },
        NumberToken::Ambiguous {
            sep,
            as_decimal,
            as_grouping,
        } => NumberToken::Ambiguous {
            sep,
            as_decimal: as_decimal * sign,
            as_grouping: as_grouping * sign,
        },
    })
}

/// `-?digits(.digits)?` with the decimal part not exactly three digits long: decided at once.
#[inline]
fn simple_number(s: &[u8]) -> Option<NumberToken> {
    let (negative, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while i < digits.len() && digits[i].is_ascii_digit() {
        mantissa = mantissa * 10 + u64::from(digits[i] - b'0');
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let sign = if negative { -1.0 } else { 1.0 };
    if i == digits.len() {
        return Some(NumberToken::Plain(sign * mantissa as f64));
    }
    let sep = digits[i];
    if sep != b'.' && sep != b',' {
        return None;
    }
    let frac = &digits[i + 1..];
    if frac.is_empty() || frac.len() == 3 || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    for &d in frac {
        mantissa = mantissa * 10 + u64::from(d - b'0');
    }
    Some(NumberToken::Decided {
        value: sign * scaled(mantissa, frac.len() as u32)?,
        decimal: DecimalSeparator::from_byte(sep),
    })
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa / 10^decimals`, exact-rounded when the fast path applies.
fn scaled(mantissa: u64, decimals: u32) -> Option<f64> {
    if mantissa < (1 << 53) && (decimals as usize) < POW10.len() {
        Some(mantissa as f64 / POW10[decimals as usize])
    } else {
        None
    }
}

/// Value of `s` read with `decimal` as the decimal separator and every other separator as
/// grouping. Returns `None` if the digits overflow the fast path and the slow parse fails.
fn value_of(s: &[u8], decimal: Option<u8>) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut decimals = 0u32;
    let mut in_fraction = false;
    for &b in s {
        if b.is_ascii_digit() {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
            digits += 1;
            if in_fraction {
                decimals += 1;
            }
        } else if Some(b) == decimal {
            in_fraction = true;
        }
    }
    if digits <= 18
        && let Some(v) = scaled(mantissa, decimals)
    {
        return Some(v);
    }
    // Slow, exact path for long mantissas.
    let mut text = String::with_capacity(s.len());
    for &b in s {
        if b.is_ascii_digit() {
            text.push(b as char);
        } else if Some(b) == decimal {
            text.push('.');
        }
    }
    text.parse().ok()
}

/// An unsigned number made of digits, `.`, `,` and grouping spaces or apostrophes.
fn core_number(s: &[u8]) -> Option<NumberToken> {
    if s.is_empty() {
        return None;
    }
    // Scientific notation: let the standard parser judge.
    if s.iter().any(|&b| b == b'e' || b == b'E') {
        let text = std::str::from_utf8(s).ok()?;
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
        {
            return None;
        }
        return text.parse::<f64>().ok().map(NumberToken::Plain);
    }
    let mut dots = 0usize;
    let mut commas = 0usize;
    let mut last_sep: Option<(u8, usize)> = None;
    let mut digit_count = 0usize;
    let mut clean = [0u8; 64];
    let mut n = 0usize;
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let width = match b {
            b'0'..=b'9' => {
                digit_count += 1;
                1
            }
            b'.' | b',' => {
                if b == b'.' {
                    dots += 1;
                } else {
                    commas += 1;
                }
                last_sep = Some((b, n));
                1
            }
            // Grouping spaces: ASCII, NBSP in Windows-1252, apostrophes (Swiss).
            b' ' | b'\xA0' | b'\'' => {
                i += 1;
                continue;
            }
            0xC2 if s.get(i + 1) == Some(&0xA0) => {
                i += 2;
                continue;
            }
            0xE2 if s.get(i + 1..i + 3) == Some(&[0x80, 0xAF]) => {
                i += 3;
                continue;
            }
            _ => return None,
        };
        if n == clean.len() {
            return None;
        }
        clean[n] = b;
        n += 1;
        i += width;
    }
    let clean = &clean[..n];
    if digit_count == 0 {
        return None;
    }
    let Some((last, last_pos)) = last_sep else {
        return value_of(clean, None).map(NumberToken::Plain);
    };
    let after = clean.len() - last_pos - 1;
    if after == 0 {
        // `12.` or `12,`: a decimal separator with nothing after it.
        if dots + commas > 1 {
            return None;
        }
        return value_of(clean, Some(last)).map(|value| NumberToken::Decided {
            value,
            decimal: DecimalSeparator::from_byte(last),
        });
    }
    if dots > 0 && commas > 0 {
        // Both kinds: the last is the decimal separator, the other groups thousands.
        let grouping = if last == b'.' { b',' } else { b'.' };
        let count_last = if last == b'.' { dots } else { commas };
        if count_last != 1 || !groups_are_valid(&clean[..last_pos], grouping) {
            return None;
        }
        return value_of(clean, Some(last)).map(|value| NumberToken::Decided {
            value,
            decimal: DecimalSeparator::from_byte(last),
        });
    }
    let count = dots + commas;
    if count > 1 {
        // `1.234.567` or `1,234,567`: grouping, so the decimal separator is the other one.
        if !groups_are_valid(clean, last) {
            return None;
        }
        let decimal = DecimalSeparator::from_byte(last).other();
        return value_of(clean, None).map(|value| NumberToken::Decided { value, decimal });
    }
    let lead = last_pos;
    if after != 3 || lead == 0 || lead > 3 || clean[..lead] == [b'0'] {
        // Only a decimal separator can be followed by other than three digits, lead a
        // number with more than three digits, or follow a lone zero.
        return value_of(clean, Some(last)).map(|value| NumberToken::Decided {
            value,
            decimal: DecimalSeparator::from_byte(last),
        });
    }
    let as_decimal = value_of(clean, Some(last))?;
    let as_grouping = value_of(clean, None)?;
    Some(NumberToken::Ambiguous {
        sep: DecimalSeparator::from_byte(last),
        as_decimal,
        as_grouping,
    })
}

/// Groups separated by `grouping`: the first of 1–3 digits, the others of exactly 3.
fn groups_are_valid(s: &[u8], grouping: u8) -> bool {
    let mut groups = s.split(|&b| b == grouping);
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::DecimalSeparator::*;
    use super::NumberToken::*;
    use super::*;

    fn p(s: &str) -> Option<NumberToken> {
        parse_number(s.as_bytes())
    }

    #[test]
    fn plain_and_decided() {
        assert_eq!(p("12"), Some(Plain(12.0)));
        assert_eq!(p("-7"), Some(Plain(-7.0)));
        assert_eq!(
            p("12.50"),
            Some(Decided {
                value: 12.5,
                decimal: Point
            })
        );
        assert_eq!(
            p("12,5"),
            Some(Decided {
                value: 12.5,
                decimal: Comma
            })
        );
        assert_eq!(
            p("0,125"),
            Some(Decided {
                value: 0.125,
                decimal: Comma
            })
        );
        assert_eq!(
            p("1234.567"),
            Some(Decided {
                value: 1234.567,
                decimal: Point
            })
        );
    }

    #[test]
    fn grouping_and_currency() {
        assert_eq!(
            p("$1,234.50"),
            Some(Decided {
                value: 1234.5,
                decimal: Point
            })
        );
        assert_eq!(
            p("1.234,50 €"),
            Some(Decided {
                value: 1234.5,
                decimal: Comma
            })
        );
        assert_eq!(
            p("12,50 €"),
            Some(Decided {
                value: 12.5,
                decimal: Comma
            })
        );
        assert_eq!(p("1 234"), Some(Plain(1234.0)));
        assert_eq!(
            p("1\u{a0}234,5"),
            Some(Decided {
                value: 1234.5,
                decimal: Comma
            })
        );
        assert_eq!(
            p("1\u{202f}234,5"),
            Some(Decided {
                value: 1234.5,
                decimal: Comma
            })
        );
        assert_eq!(
            p("1,234,567"),
            Some(Decided {
                value: 1234567.0,
                decimal: Point
            })
        );
        assert_eq!(p("1'234'567"), Some(Plain(1234567.0)));
        assert_eq!(
            parse_number(b"12,50 \x80"),
            Some(Decided {
                value: 12.5,
                decimal: Comma
            })
        );
        assert_eq!(p("EUR 3"), Some(Plain(3.0)));
    }

    #[test]
    fn negatives_and_percent() {
        assert_eq!(
            p("(3.20)"),
            Some(Decided {
                value: -3.2,
                decimal: Point
            })
        );
        assert_eq!(
            p("-12,50 €"),
            Some(Decided {
                value: -12.5,
                decimal: Comma
            })
        );
        assert_eq!(
            p("12,5 %"),
            Some(Decided {
                value: 0.125,
                decimal: Comma
            })
        );
        assert_eq!(p("50%"), Some(Plain(0.5)));
        assert_eq!(p("5-"), Some(Plain(-5.0)));
    }

    #[test]
    fn ambiguous_thousands() {
        assert_eq!(
            p("1.234"),
            Some(Ambiguous {
                sep: Point,
                as_decimal: 1.234,
                as_grouping: 1234.0
            })
        );
        let tok = p("-1,234").unwrap();
        assert_eq!(tok.value_with(Comma), Some(-1.234));
        assert_eq!(tok.value_with(Point), Some(-1234.0));
    }

    #[test]
    fn not_numbers() {
        for s in [
            "",
            "abc",
            "12a",
            "1.2.3",
            "12.03.2024",
            "--",
            "1,23,4",
            "€",
            "2024-01-15",
            "1.2,3.4",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn contradiction() {
        assert_eq!(p("12,50").unwrap().value_with(Point), None);
        assert_eq!(p("12.50").unwrap().value_with(Point), Some(12.5));
    }

    #[test]
    fn exactness_matches_std() {
        for s in [
            "0.1",
            "123456.78",
            "99999999.99",
            "0.000001",
            "1.7976931348623157",
        ] {
            let ours = match p(s).unwrap() {
                Decided { value, .. } => value,
                other => panic!("{other:?}"),
            };
            assert_eq!(ours, s.parse::<f64>().unwrap(), "{s}");
        }
    }
}
