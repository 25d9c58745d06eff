//! Splits delimited text into records and field spans, without copying.
//!
//! Hand-written rather than `csv-core` because the reader needs three things that crate does
//! not give together: physical line numbers for every record (errors name the line), a
//! "runs of whitespace" delimiter, and spans into the input so that fields the caller does not
//! project are never copied. An unquoted field is scanned eight bytes at a time (SWAR: one
//! 64-bit word compared against the separator, `\n` and `\r` at once), which is what the
//! browser's wasm build can do without SIMD; whitespace-separated text keeps a byte scan with a
//! 256-entry class table. It works on any ASCII-compatible encoding (see `encoding`).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
    Pipe,
    /// One or more spaces or tabs; leading and trailing whitespace is ignored.
    Whitespace,
}

impl Delimiter {
    pub const ALL: [Delimiter; 5] = [
        Delimiter::Comma,
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Pipe,
        Delimiter::Whitespace,
    ];

    /// The single separator byte, `None` for whitespace runs.
    pub fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Comma => Some(b','),
            Delimiter::Semicolon => Some(b';'),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Pipe => Some(b'|'),
            Delimiter::Whitespace => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => ",",
            Delimiter::Semicolon => ";",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "|",
            Delimiter::Whitespace => "whitespace",
        }
    }
}

/// Where a field lies in the input. Quotes are excluded from the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldSpan {
    pub start: usize,
    pub end: usize,
    /// The field was quoted and contains doubled quotes (`""`) to unescape.
    pub escaped: bool,
}

const QUOTE: u8 = b'"';

// Byte classes for the scan loop.
const PLAIN: u8 = 0;
const DELIM: u8 = 1;
const NEWLINE: u8 = 2;
const CR: u8 = 3;

/// Iterates over the records of delimited text.
pub struct Tokenizer<'a> {
    buf: &'a [u8],
    pos: usize,
    /// 1-based physical line at `pos`.
    line: u64,
    delimiter: Delimiter,
    class: [u8; 256],
    unterminated_quote: Option<u64>,
}

impl<'a> Tokenizer<'a> {
    pub fn new(buf: &'a [u8], delimiter: Delimiter) -> Self {
        let mut class = [PLAIN; 256];
        class[b'\n' as usize] = NEWLINE;
        class[b'\r' as usize] = CR;
        match delimiter.byte() {
            Some(b) => class[b as usize] = DELIM,
            None => {
                class[b' ' as usize] = DELIM;
                class[b'\t' as usize] = DELIM;
            }
        }
        Tokenizer {
            buf,
            pos: 0,
            line: 1,
            delimiter,
            class,
            unterminated_quote: None,
        }
    }

    /// Byte offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The physical line at [`position`](Self::position) (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Counts lines from `line` instead of 1: the input continues a text read before.
    pub fn starting_at_line(mut self, line: u64) -> Self {
        self.line = line;
        self
    }

    /// The line where a quoted field opened and was never closed (it then runs to the end).
    pub fn unterminated_quote(&self) -> Option<u64> {
        self.unterminated_quote
    }

    /// Reads the next non-blank record into `fields` (cleared first) and returns the physical
    /// line it starts on, or `None` at the end of the input.
    pub fn next_record(&mut self, fields: &mut Vec<FieldSpan>) -> Option<u64> {
        fields.clear();
        let whitespace = self.delimiter == Delimiter::Whitespace;
        // Skip blank lines (and, for whitespace-separated text, leading blanks).
        loop {
            if self.pos >= self.buf.len() {
                return None;
            }
            match self.buf[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                }
                b'\r' => self.eat_cr(),
                b' ' | b'\t' if whitespace => self.pos += 1,
                _ => break,
            }
        }
        let record_line = self.line;
        let buf = self.buf;
        let len = buf.len();
        loop {
            // At the start of a field.
            if self.pos < len && buf[self.pos] == QUOTE {
                let field = self.quoted_field();
                fields.push(field);
                // After the closing quote: skip stray bytes up to the delimiter or line end.
                while self.pos < len && self.class[buf[self.pos] as usize] == PLAIN {
                    self.pos += 1;
                }
            } else {
                let start = self.pos;
                let pos = match self.delimiter.byte() {
                    Some(d) => next_stop(buf, start, d),
                    None => {
                        let mut pos = start;
                        while pos < len && self.class[buf[pos] as usize] == PLAIN {
                            pos += 1;
                        }
                        pos
                    }
                };
                self.pos = pos;
                fields.push(FieldSpan {
                    start,
                    end: pos,
                    escaped: false,
                });
            }
            if self.pos >= len {
                return Some(record_line);
            }
            match self.class[buf[self.pos] as usize] {
                DELIM => {
                    self.pos += 1;
                    if whitespace {
                        while self.pos < len && matches!(buf[self.pos], b' ' | b'\t') {
                            self.pos += 1;
                        }
                        // Trailing whitespace ends the record rather than opening a field.
                        if self.pos >= len || matches!(buf[self.pos], b'\n' | b'\r') {
                            self.end_line();
                            return Some(record_line);
                        }
                    }
                }
                _ => {
                    self.end_line();
                    return Some(record_line);
                }
            }
        }
    }

    fn end_line(&mut self) {
        if self.pos < self.buf.len() {
            if self.buf[self.pos] == b'\r' {
                self.eat_cr();
            } else {
                self.pos += 1;
                self.line += 1;
            }
        }
    }

    /// `\r\n` or a lone `\r` (old Mac files) ends a line.
    fn eat_cr(&mut self) {
        self.pos += 1;
        if self.pos < self.buf.len() && self.buf[self.pos] == b'\n' {
            self.pos += 1;
        }
        self.line += 1;
    }

    fn quoted_field(&mut self) -> FieldSpan {
        let open_line = self.line;
        let buf = self.buf;
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match memchr::memchr3(QUOTE, b'\n', b'\r', &buf[self.pos..]) {
                None => {
                    self.unterminated_quote.get_or_insert(open_line);
                    self.pos = buf.len();
                    return FieldSpan {
                        start,
                        end: buf.len(),
                        escaped,
                    };
                }
                Some(i) => {
                    let at = self.pos + i;
                    match buf[at] {
                        QUOTE => {
                            if at + 1 < buf.len() && buf[at + 1] == QUOTE {
                                escaped = true;
                                self.pos = at + 2;
                            } else {
                                self.pos = at + 1;
                                return FieldSpan {
                                    start,
                                    end: at,
                                    escaped,
                                };
                            }
                        }
                        b'\r' if at + 1 < buf.len() && buf[at + 1] == b'\n' => {
                            self.pos = at + 2;
                            self.line += 1;
                        }
                        _ => {
                            self.pos = at + 1;
                            self.line += 1;
                        }
                    }
                }
            }
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The first index at or after `pos` holding `delim`, `\n` or `\r`, or `buf.len()`.
#[inline]
fn next_stop(buf: &[u8], mut pos: usize, delim: u8) -> usize {
    let (d, n, r) = (
        ONES * u64::from(delim),
        ONES * u64::from(b'\n'),
        ONES * u64::from(b'\r'),
    );
    while let Some(word) = buf.get(pos..pos + 8) {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        let m = zero_byte(x ^ d) | zero_byte(x ^ n) | zero_byte(x ^ r);
        if m != 0 {
            return pos + (m.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while pos < buf.len() && !matches!(buf[pos], b'\n' | b'\r') && buf[pos] != delim {
        pos += 1;
    }
    pos
}

/// The high bit of each zero byte of `v` set; bytes above the lowest zero byte may be flagged
/// wrongly (a borrow), which is fine for finding the lowest one.
#[inline]
fn zero_byte(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// The bytes of a field, with doubled quotes unescaped.
pub fn field_bytes(buf: &[u8], span: FieldSpan) -> Cow<'_, [u8]> {
    let raw = &buf[span.start..span.end];
    if !span.escaped {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        out.push(raw[i]);
        if raw[i] == QUOTE && i + 1 < raw.len() && raw[i + 1] == QUOTE {
            i += 1;
        }
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, delimiter: Delimiter) -> Vec<(u64, Vec<String>)> {
        let mut t = Tokenizer::new(text.as_bytes(), delimiter);
        let mut fields = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = t.next_record(&mut fields) {
            let values = fields
                .iter()
                .map(|&f| String::from_utf8(field_bytes(text.as_bytes(), f).into_owned()).unwrap())
                .collect();
            out.push((line, values));
        }
        out
    }

    fn row(line: u64, values: &[&str]) -> (u64, Vec<String>) {
        (line, values.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn plain_comma_with_crlf_and_blank_lines() {
        let got = records("a,b,c\r\n1,2,3\r\n\r\n4,,6", Delimiter::Comma);
        assert_eq!(
            got,
            vec![
                row(1, &["a", "b", "c"]),
                row(2, &["1", "2", "3"]),
                row(4, &["4", "", "6"])
            ]
        );
    }

    #[test]
    fn quoted_fields_with_separators_newlines_and_quotes() {
        let text = "id;note;amount\n1;\"a;b\nsecond line\";\"12,50\"\n2;\"say \"\"hi\"\"\";3\n";
        let got = records(text, Delimiter::Semicolon);
        assert_eq!(
            got,
            vec![
                row(1, &["id", "note", "amount"]),
                row(2, &["1", "a;b\nsecond line", "12,50"]),
                row(4, &["2", "say \"hi\"", "3"]),
            ]
        );
    }

    #[test]
    fn trailing_delimiter_gives_empty_last_field() {
        assert_eq!(
            records("a;b;\n", Delimiter::Semicolon),
            vec![row(1, &["a", "b", ""])]
        );
    }

    #[test]
    fn whitespace_runs() {
        let got = records(
            "  001   20240115  12.50 \n002\t20240116\t3\n",
            Delimiter::Whitespace,
        );
        assert_eq!(
            got,
            vec![
                row(1, &["001", "20240115", "12.50"]),
                row(2, &["002", "20240116", "3"])
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_reported() {
        let mut t = Tokenizer::new(b"a,b\n1,\"oops\n2,3\n", Delimiter::Comma);
        let mut f = Vec::new();
        while t.next_record(&mut f).is_some() {}
        assert_eq!(t.unterminated_quote(), Some(2));
    }

    #[test]
    fn stops_are_found_in_every_position_of_a_word() {
        // Every length of field around the 8-byte words, every stop byte, high bytes beside.
        for len in 0..20 {
            for stop in [b',', b'\n', b'\r'] {
                let mut buf = vec![0xE9u8; len];
                buf.push(stop);
                buf.extend_from_slice(b"\x80,");
                assert_eq!(next_stop(&buf, 0, b','), len, "len {len}, stop {stop}");
                assert_eq!(next_stop(&buf[..len], 0, b','), len);
            }
        }
        assert_eq!(next_stop(b"ab;cd,ef", 0, b','), 5);
        assert_eq!(next_stop(b"abcdefghij,", 3, b','), 10);
    }

    #[test]
    fn lone_cr_line_ends() {
        assert_eq!(
            records("a,b\r1,2\r", Delimiter::Comma),
            vec![row(1, &["a", "b"]), row(2, &["1", "2"])]
        );
    }
}
