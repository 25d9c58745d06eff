//! Dictionary encoding of identifier columns (customer ids): one `u32` key per row and the
//! distinct values once, in order of first appearance.
//!
//! Hand-written rather than Arrow's `StringDictionaryBuilder` because identifiers are short and
//! repeated millions of times: ids of up to 15 bytes are packed into a `u128` together with
//! their length and looked up without touching the values buffer (Arrow's builder compares
//! every candidate against its buffer with `memcmp`). On the 1M-row benchmark this halves the
//! ingest time. Only new distinct values are decoded to text.
//!
//! Most customer ids are a number, often behind a fixed prefix (`C0001234`, `CL000042`,
//! `100234`): those are not looked up while the file is read. With millions of customers a
//! hash table no longer fits the processor's cache, and each row paid two cache misses in the
//! middle of the tokenizer's loop (the control bytes, then the slot): at 20M rows and 2M
//! customers that was 85 % of the ingest's hottest function (`perf annotate`), and the per-row
//! cost was twice that of 1M rows. Such a row now keeps only its id's number ([`Dense`]), a
//! sequential write; [`DictionaryBuilder::finish`] then gives the codes in one pass over the
//! rows with an array indexed by number (4 bytes per possible id), a short loop whose loads
//! the processor overlaps. Ids of another shape go to the hash tables as before, with a
//! provisional code; if the numbers turn out too sparse for an array, the rows read so far move
//! to the hash tables and numbers are given up. The codes are the ones a plain map gives
//! (first appearance order across both kinds), as the tests check.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::UInt32Type;
use arrow_array::{Array, DictionaryArray, StringArray, UInt32Array};
use arrow_buffer::{NullBufferBuilder, ScalarBuffer};
use hashbrown::HashMap;

use super::encoding::{TextEncoding, decode_field};

/// A row's key while reading: a provisional code (hash tables), a number (`NUMBERED | n`), or
/// a missing value.
const NUMBERED: u32 = 1 << 31;
const MISSING: u32 = u32::MAX;

/// Builds a `Dictionary(UInt32, Utf8)` array from raw field bytes.
pub struct DictionaryBuilder {
    encoding: TextEncoding,
    /// Decided by the first value; `None` once given up.
    dense: Option<Dense>,
    first: bool,
    /// Numbers must stay below this (the array at `finish` holds one entry per number).
    dense_limit: usize,
    /// The largest number seen, plus one.
    dense_len: usize,
    short: HashMap<u128, u32>,
    long: HashMap<Box<[u8]>, u32>,
    /// Values of the hash tables, by provisional code.
    hashed: StringBuilder,
    distinct: u32,
    keys: Vec<u32>,
    validity: NullBufferBuilder,
}

/// Packs up to 15 bytes and their length into one integer (distinct for distinct inputs).
#[inline]
fn pack(raw: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    buf[..raw.len()].copy_from_slice(raw);
    buf[15] = raw.len() as u8;
    u128::from_le_bytes(buf)
}

/// Ids of one shape: an ASCII prefix, then digits — all of the first id's width when it had a
/// leading zero (`C0001234`), or a number written without leading zeros (`100234`). Distinct
/// ids of the shape have distinct numbers, and an id is rebuilt from its number.
struct Dense {
    prefix: Box<[u8]>,
    /// `Some(w)`: exactly `w` digits; `None`: no leading zero (but `0` itself).
    width: Option<usize>,
}

/// Up to 9 digits: a number always fits in 30 bits.
const DENSE_DIGITS: usize = 9;

impl Dense {
    /// The shape of `raw`, if it has one.
    fn of(raw: &[u8]) -> Option<Dense> {
        let at = raw.iter().position(u8::is_ascii_digit)?;
        let (prefix, digits) = raw.split_at(at);
        if !prefix.is_ascii()
            || digits.len() > DENSE_DIGITS
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let width = (digits.len() > 1 && digits[0] == b'0').then_some(digits.len());
        Some(Dense {
            prefix: prefix.into(),
            width,
        })
    }

    /// The number of an id of this shape.
    #[inline]
    fn number(&self, raw: &[u8]) -> Option<usize> {
        let p = self.prefix.len();
        // A byte loop: a call to `memcmp` for a prefix of one or two bytes cost 10 % of the
        // ingest.
        if raw.len() <= p || raw[..p].iter().zip(&*self.prefix).any(|(a, b)| a != b) {
            return None;
        }
        let digits = &raw[p..];
        let n = digits.len();
        if n > DENSE_DIGITS {
            return None;
        }
        match self.width {
            Some(w) if n != w => return None,
            None if n > 1 && digits[0] == b'0' => return None,
            _ => {}
        }
        let mut v = 0usize;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + d as usize;
        }
        Some(v)
    }

    /// The id of number `n` (the inverse of [`Dense::number`]), written into `out`.
    fn write_id(&self, n: usize, out: &mut String) {
        use std::fmt::Write;
        out.clear();
        // The prefix is ASCII: the same text in every encoding.
        out.extend(self.prefix.iter().map(|&b| char::from(b)));
        let _ = match self.width {
            Some(w) => write!(out, "{n:0w$}"),
            None => write!(out, "{n}"),
        };
    }
}

impl DictionaryBuilder {
    pub fn new(encoding: TextEncoding, capacity: usize) -> Self {
        DictionaryBuilder {
            encoding,
            dense: None,
            first: true,
            // Numbers up to twice the rows expected (or 1M): the array stays under 8 bytes a
            // row.
            dense_limit: capacity.saturating_mul(2).clamp(1 << 20, 1 << 30),
            dense_len: 0,
            short: HashMap::new(),
            long: HashMap::new(),
            hashed: StringBuilder::new(),
            distinct: 0,
            keys: Vec::with_capacity(capacity),
            validity: NullBufferBuilder::new(capacity),
        }
    }

    /// Appends a non-blank value (already trimmed).
    #[inline]
    pub fn push(&mut self, raw: &[u8]) {
        if self.first {
            self.first = false;
            self.dense = Dense::of(raw);
        }
        if let Some(n) = self.dense.as_ref().and_then(|d| d.number(raw)) {
            if n < self.dense_limit {
                self.dense_len = self.dense_len.max(n + 1);
                self.keys.push(NUMBERED | n as u32);
                self.validity.append_non_null();
                return;
            }
            self.leave_dense();
        }
        let key = self.hashed(raw);
        self.keys.push(key);
        self.validity.append_non_null();
    }

    /// Numbers are given up: the rows read so far get provisional codes like any other.
    #[cold]
    fn leave_dense(&mut self) {
        let Some(dense) = self.dense.take() else {
            return;
        };
        let mut given: HashMap<u32, u32> = HashMap::new();
        let mut id = String::new();
        for k in 0..self.keys.len() {
            let key = self.keys[k];
            if key != MISSING && key & NUMBERED != 0 {
                let n = key & !NUMBERED;
                let code = match given.get(&n) {
                    Some(&c) => c,
                    None => {
                        dense.write_id(n as usize, &mut id);
                        let c = self.hashed(id.as_bytes());
                        given.insert(n, c);
                        c
                    }
                };
                self.keys[k] = code;
            }
        }
    }

    fn new_value(&mut self, raw: &[u8]) -> u32 {
        self.hashed.append_value(decode_field(raw, self.encoding));
        self.distinct += 1;
        self.distinct - 1
    }

    /// The provisional code of an id, from the hash tables.
    #[inline]
    fn hashed(&mut self, raw: &[u8]) -> u32 {
        if raw.len() <= 15 {
            let packed = pack(raw);
            match self.short.get(&packed) {
                Some(&k) => k,
                None => {
                    let k = self.new_value(raw);
                    self.short.insert(packed, k);
                    k
                }
            }
        } else {
            match self.long.get(raw) {
                Some(&k) => k,
                None => {
                    let k = self.new_value(raw);
                    self.long.insert(raw.into(), k);
                    k
                }
            }
        }
    }

    pub fn push_null(&mut self) {
        self.keys.push(MISSING);
        self.validity.append_null();
    }

    /// The codes in order of first appearance, and the values in that order.
    pub fn finish(mut self) -> DictionaryArray<UInt32Type> {
        let hashed: StringArray = self.hashed.finish();
        let mut values = StringBuilder::with_capacity(
            hashed.len() + self.dense_len.min(self.keys.len()),
            hashed.value_data().len(),
        );
        let mut by_number = vec![
            0u32;
            if self.dense.is_some() {
                self.dense_len
            } else {
                0
            }
        ];
        let mut by_code = vec![0u32; hashed.len()];
        let mut next = 0u32;
        let mut id = String::new();
        for key in self.keys.iter_mut() {
            if *key == MISSING {
                *key = 0;
                continue;
            }
            let slot = if *key & NUMBERED != 0 {
                &mut by_number[(*key & !NUMBERED) as usize]
            } else {
                &mut by_code[*key as usize]
            };
            if *slot == 0 {
                next += 1;
                *slot = next;
                match &self.dense {
                    Some(d) if *key & NUMBERED != 0 => {
                        d.write_id((*key & !NUMBERED) as usize, &mut id);
                        values.append_value(&id);
                    }
                    _ => values.append_value(hashed.value(*key as usize)),
                }
            }
            *key = *slot - 1;
        }
        let keys = UInt32Array::new(ScalarBuffer::from(self.keys), self.validity.finish());
        let values = Arc::new(values.finish());
        // Every key indexes a value given before it, so the arrays are consistent.
        DictionaryArray::try_new(keys, values).expect("keys index the dictionary")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;

    #[test]
    fn encodes_short_long_and_null() {
        let mut b = DictionaryBuilder::new(TextEncoding::Utf8, 0);
        let long = "a-very-long-identifier-of-40-characters!";
        for v in ["C1", long, "C1", "C10", long] {
            b.push(v.as_bytes());
        }
        b.push_null();
        let a = b.finish();
        assert_eq!(a.keys().values().to_vec(), vec![0, 1, 0, 2, 1, 0]);
        assert!(a.keys().is_null(5));
        let values: Vec<&str> = a.values().as_string::<i32>().iter().flatten().collect();
        assert_eq!(values, vec!["C1", long, "C10"]);
    }

    /// The codes and values a plain map gives: first appearance order.
    fn reference(ids: &[&[u8]]) -> (Vec<u32>, Vec<String>) {
        let mut seen: std::collections::HashMap<&[u8], u32> = std::collections::HashMap::new();
        let mut values = Vec::new();
        let codes = ids
            .iter()
            .map(|id| {
                *seen.entry(id).or_insert_with(|| {
                    values.push(String::from_utf8(id.to_vec()).unwrap());
                    values.len() as u32 - 1
                })
            })
            .collect();
        (codes, values)
    }

    fn built(ids: &[&[u8]], capacity: usize) -> (Vec<u32>, Vec<String>) {
        let mut b = DictionaryBuilder::new(TextEncoding::Utf8, capacity);
        for id in ids {
            b.push(id);
        }
        let a = b.finish();
        let values = a
            .values()
            .as_string::<i32>()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect();
        (a.keys().values().to_vec(), values)
    }

    #[test]
    fn numbered_ids_get_the_codes_a_map_gives() {
        // Fixed width (leading zeros), then ids of another width, another prefix, no digits,
        // long ones, and the same number written two ways: none may share a code.
        let cases: Vec<Vec<&[u8]>> = vec![
            vec![
                b"C0000042",
                b"C0000001",
                b"C0000042",
                b"C42",
                b"C00000042",
                b"D0000042",
                b"C0000001",
                b"C",
                b"x",
                b"C0000000",
            ],
            vec![
                b"100234",
                b"7",
                b"0",
                b"007",
                b"07",
                b"100234",
                b"7",
                b"1234567890",
                b"12345678901234567890",
                b"0",
            ],
            vec![b"0042", b"42", b"0042", b"4200", b"0420"],
            vec!["ÉTÉ1".as_bytes(), "ÉTÉ1".as_bytes(), "ÉTÉ2".as_bytes()],
            vec![b"A-1", b"A-1", b"A-2", b"A-01", b"a-1"],
        ];
        for ids in &cases {
            assert_eq!(built(ids, 0), reference(ids), "{ids:?}");
        }
    }

    #[test]
    fn sparse_numbers_leave_the_array_and_keep_their_codes() {
        // A small capacity: the array's limit is 1M numbers; 5,000,000 is past it, so what
        // the array held moves to the hash tables in the middle of the run.
        let owned: Vec<String> = [1, 2, 3, 5_000_000, 2, 999_999, 5_000_000, 1, 4]
            .iter()
            .map(|n| format!("P{n:08}"))
            .chain(["P00000001".to_string(), "P1".to_string()])
            .collect();
        let ids: Vec<&[u8]> = owned.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(built(&ids, 10), reference(&ids));
        let natural: Vec<String> = [10, 20, 30_000_000, 10, 40]
            .iter()
            .map(|n| n.to_string())
            .collect();
        let ids: Vec<&[u8]> = natural.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(built(&ids, 10), reference(&ids));
    }

    #[test]
    fn many_random_ids_get_the_codes_a_map_gives() {
        // 200k rows over 50k customers in random order, with a few ids of other shapes mixed in.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let owned: Vec<String> = (0..200_000)
            .map(|i| {
                let n = next() % 50_000;
                if i % 997 == 0 {
                    format!("X{n}")
                } else {
                    format!("C{n:07}")
                }
            })
            .collect();
        let ids: Vec<&[u8]> = owned.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(built(&ids, ids.len()), reference(&ids));
    }

    #[test]
    fn packing_keeps_lengths_apart() {
        assert_ne!(pack(b"a"), pack(b"a\0"));
        assert_ne!(pack(b""), pack(b"\0"));
    }

    #[test]
    fn windows_1252_values_are_decoded() {
        let mut b = DictionaryBuilder::new(TextEncoding::Windows1252, 0);
        b.push(b"\xC9LODIE");
        let a = b.finish();
        assert_eq!(a.values().as_string::<i32>().value(0), "ÉLODIE");
    }
}
