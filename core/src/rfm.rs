//! Recency, frequency and monetary value per customer, and their quintile scores.
//!
//! The definitions are exact because they are also the benchmark's (any other engine must give
//! the same cells):
//! - snapshot = the day after the latest purchase (unless given);
//! - recency = days from a customer's last purchase to the snapshot; frequency = number of
//!   rows; monetary = sum of amounts rounded to 2 decimals (half away from zero);
//! - R, F, M = SQL `NTILE(5)` over customers ordered by recency descending (so the most recent
//!   get 5), frequency ascending, monetary ascending, ties broken by customer id ascending;
//!   groups differ in size by at most one, the earlier groups taking the extra rows.
//!
//! Customer ids compare as integers when every id is an integer, as text otherwise (what a
//! SQL engine does after inferring the column's type).
//!
//! Beyond the benchmark's defaults, [`RfmParams`] chooses a snapshot in the past (purchases on
//! or after it are ignored, so RFM "as of" any date can be compared), frequency as orders or
//! distinct purchase days, monetary as the sum or the mean per order, and scores by NTILE or by
//! user thresholds.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray, UInt8Array, UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};

use crate::transactions::Transactions;

/// Errors of the RFM family.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RfmError {
    #[error("there are no transactions to score")]
    NoTransactions,
    #[error("the number of score groups must be between 2 and 100, not {0}")]
    BadTiles(u32),
    #[error("no purchase before the snapshot date {0}: choose a later snapshot")]
    NothingBeforeSnapshot(String),
    #[error(
        "the summary counts purchases up to {last}: a snapshot on or before that day needs the \
         raw transactions, or a summary computed up to the snapshot"
    )]
    SummaryEnds { last: String },
    #[error(
        "{measure} thresholds must be finite and strictly increasing, and every measure needs \
         the same number of them (between 1 and 99): got {got:?}"
    )]
    BadThresholds {
        measure: &'static str,
        got: Vec<f64>,
    },
}

/// What frequency counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FrequencyMeasure {
    /// Rows (orders).
    #[default]
    Orders,
    /// Distinct purchase days (several tickets on one day count once).
    Days,
}

/// What monetary measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MonetaryMeasure {
    /// Sum of amounts.
    #[default]
    Sum,
    /// Mean amount per order.
    Mean,
}

/// User cut points, each list strictly increasing and all of the same length `k`: scores run
/// from 1 to `k + 1`. A value equal to a cut point falls in the upper band. Recency scores are
/// reversed (the smallest recency gets `k + 1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Days.
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
}

/// RFM parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RfmParams {
    /// Days since 1970-01-01; the day after the latest purchase when `None`. Purchases on or
    /// after the snapshot are ignored.
    pub snapshot: Option<i32>,
    /// Number of score groups (5 for quintiles); ignored when `thresholds` are given.
    pub tiles: u32,
    pub frequency: FrequencyMeasure,
    pub monetary: MonetaryMeasure,
    /// Scores by these cut points instead of NTILE.
    pub thresholds: Option<Thresholds>,
}

impl Default for RfmParams {
    fn default() -> Self {
        RfmParams {
            snapshot: None,
            tiles: 5,
            frequency: FrequencyMeasure::default(),
            monetary: MonetaryMeasure::default(),
            thresholds: None,
        }
    }
}

impl RfmParams {
    /// Checks the parameters; returns the number of score levels.
    pub fn validate(&self) -> Result<u32, RfmError> {
        match &self.thresholds {
            None if (2..=100).contains(&self.tiles) => Ok(self.tiles),
            None => Err(RfmError::BadTiles(self.tiles)),
            Some(t) => {
                let k = t.recency.len();
                for (measure, cuts) in [
                    ("recency", &t.recency),
                    ("frequency", &t.frequency),
                    ("monetary", &t.monetary),
                ] {
                    let increasing = cuts.windows(2).all(|w| w[0] < w[1]);
                    if cuts.len() != k
                        || !(1..=99).contains(&k)
                        || !increasing
                        || cuts.iter().any(|c| !c.is_finite())
                    {
                        return Err(RfmError::BadThresholds {
                            measure,
                            got: cuts.clone(),
                        });
                    }
                }
                Ok(k as u32 + 1)
            }
        }
    }
}

/// Band (0-based) of `v` among increasing cut points: the number of cut points `<= v`.
fn band(cuts: &[f64], v: f64) -> u8 {
    cuts.partition_point(|&c| c <= v) as u8
}

/// Per-customer RFM values and scores, customers in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rfm {
    /// One Arrow array, not a `String` each: at 2M customers, 2M allocations were a fifth of
    /// the RFM's time.
    pub customer_id: StringArray,
    pub recency: Vec<i32>,
    pub frequency: Vec<u32>,
    pub monetary: Vec<f64>,
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
    pub snapshot: i32,
    pub rows: usize,
    pub tiles: u32,
}

/// Number of customers in one (r, f, m) cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub count: u64,
}

/// SQL `NTILE(tiles)` group (1-based) of each position in an ordered list of `n` items.
pub fn ntile(n: usize, tiles: u32) -> impl Iterator<Item = u8> {
    let tiles = tiles.max(1) as usize;
    let q = n / tiles;
    let r = n % tiles;
    let big = r * (q + 1);
    (0..n).map(move |i| {
        let g = if i < big {
            i / (q + 1)
        } else {
            r + (i - big) / q.max(1)
        };
        (g + 1) as u8
    })
}

/// The customers of `used` in ascending id order: integer order when all ids are integers,
/// else byte order (ties between equal integers, as `007` and `7`, by bytes too).
///
/// Sorted on packed keys, not by comparing strings: with millions of customers, comparing
/// strings scattered in memory (a `memcmp` call and a cache miss each time) made this sort a
/// large part of the RFM at 20M rows. The first 15 bytes of an id, big-endian, with a flag for
/// longer ids, order like the ids themselves; only ids that share those bytes are compared in
/// full.
fn id_order(ids: &StringArray, used: &[bool]) -> Vec<usize> {
    let idx: Vec<usize> = (0..ids.len()).filter(|&i| used[i]).collect();
    let ints: Option<Vec<i64>> = idx
        .iter()
        .map(|&i| ids.value(i).trim().parse::<i64>().ok())
        .collect();
    let bytes = |i: usize| ids.value(i).as_bytes();
    let mut keyed: Vec<(u128, u64, u32)> = idx
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            // Signed integers in order as unsigned: flip the sign bit.
            let int = ints.as_ref().map_or(0, |v| (v[pos] as u64) ^ (1 << 63));
            (prefix_key(bytes(i)), int, pos as u32)
        })
        .collect();
    // A radix sort on the packed keys (`int` is 0 for every id when they are not all
    // integers), then the rare runs of equal keys by their whole bytes.
    radsort::sort_by_key(&mut keyed, |k| (k.1, k.0));
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len() && (keyed[end].1, keyed[end].0) == (keyed[start].1, keyed[start].0)
        {
            end += 1;
        }
        if end - start > 1 {
            keyed[start..end]
                .sort_unstable_by(|a, b| bytes(idx[a.2 as usize]).cmp(bytes(idx[b.2 as usize])));
        }
        start = end;
    }
    keyed.into_iter().map(|k| idx[k.2 as usize]).collect()
}

/// The first 15 bytes big-endian, then 1 if there are more: two ids' keys order like the ids,
/// or are equal only when both are longer than 15 bytes and share the first 15.
fn prefix_key(b: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    let n = b.len().min(15);
    buf[..n].copy_from_slice(&b[..n]);
    buf[15] = u8::from(b.len() > 15);
    u128::from_be_bytes(buf)
}

/// Positions `0..n` sorted by `key`, ties in position order: a radix sort (stable) of
/// contiguous pairs, which at millions of customers takes a fraction of a comparison sort's
/// time (`radsort`: only the key bytes that differ between keys are passes).
fn order_by(n: usize, key: impl Fn(usize) -> u64) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = (0..n).map(|p| (key(p), p as u32)).collect();
    radsort::sort_by_key(&mut keyed, |k| k.0);
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// An `f64`'s bits, ordered as `f64::total_cmp` orders the numbers.
fn total_order_bits(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Rounds to 2 decimals, half away from zero.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Computes RFM for every customer with at least one purchase before the snapshot.
pub fn rfm(tx: &Transactions, params: &RfmParams) -> Result<Rfm, RfmError> {
    let tiles = params.validate()?;
    if tx.is_empty() {
        return Err(RfmError::NoTransactions);
    }
    let ids = tx.customer_ids();
    let k = ids.len();
    let keys = tx.customer.keys().values();
    let max_day = tx.day.iter().copied().max().unwrap_or(i32::MIN);
    let snapshot = params.snapshot.unwrap_or(max_day.saturating_add(1));
    let mut acc = vec![
        Totals {
            sum: 0.0,
            last: i32::MIN,
            orders: 0
        };
        k
    ];
    for ((&key, &day), &amount) in keys.iter().zip(&tx.day).zip(&tx.amount) {
        if day >= snapshot {
            continue;
        }
        let a = &mut acc[key as usize];
        a.last = a.last.max(day);
        a.orders += 1;
        a.sum += amount;
    }
    let freq = match params.frequency {
        FrequencyMeasure::Orders => acc.iter().map(|a| a.orders).collect(),
        FrequencyMeasure::Days => distinct_days(tx, snapshot),
    };
    score(ids, &acc, &freq, snapshot, tiles, params)
}

/// RFM from a per-customer summary computed elsewhere (a warehouse's, see
/// [`crate::warehouse`]): the same scores as [`rfm`] on the purchases it summarises. The
/// summary holds one date, so a snapshot must come after its last purchase.
pub fn rfm_summary(
    s: &crate::warehouse::CustomerSummary,
    params: &RfmParams,
) -> Result<Rfm, RfmError> {
    let tiles = params.validate()?;
    if s.is_empty() {
        return Err(RfmError::NoTransactions);
    }
    let last = s.last_day();
    let snapshot = params.snapshot.unwrap_or(last.saturating_add(1));
    if snapshot <= last {
        return Err(RfmError::SummaryEnds {
            last: crate::ingest::date::format_days(last),
        });
    }
    let acc: Vec<Totals> = (0..s.len())
        .map(|i| Totals {
            sum: s.revenue[i],
            last: s.last[i],
            orders: s.orders[i],
        })
        .collect();
    let freq = match params.frequency {
        FrequencyMeasure::Orders => s.orders.clone(),
        FrequencyMeasure::Days => s.purchase_days.clone(),
    };
    score(&s.ids, &acc, &freq, snapshot, tiles, params)
}

/// One customer's purchases before the snapshot: one record per customer, so that a row
/// touches one cache line, not three.
#[derive(Clone, Copy)]
struct Totals {
    sum: f64,
    last: i32,
    orders: u32,
}

/// Scores customers from their totals (by customer key; `freq` is the frequency measure).
fn score(
    ids: &StringArray,
    acc: &[Totals],
    freq: &[u32],
    snapshot: i32,
    tiles: u32,
    params: &RfmParams,
) -> Result<Rfm, RfmError> {
    let used: Vec<bool> = acc.iter().map(|a| a.orders > 0).collect();
    if !used.iter().any(|&u| u) {
        return Err(RfmError::NothingBeforeSnapshot(
            crate::ingest::date::format_days(snapshot),
        ));
    }
    // Customers in id order.
    let customers = id_order(ids, &used);
    let n = customers.len();
    let recency: Vec<i32> = customers.iter().map(|&c| snapshot - acc[c].last).collect();
    let frequency: Vec<u32> = customers.iter().map(|&c| freq[c]).collect();
    let monetary: Vec<f64> = customers
        .iter()
        .map(|&c| match params.monetary {
            MonetaryMeasure::Sum => round2(acc[c].sum),
            MonetaryMeasure::Mean => round2(acc[c].sum / f64::from(acc[c].orders)),
        })
        .collect();
    let (r, f, m) = match &params.thresholds {
        Some(t) => {
            let top = tiles as u8;
            (
                recency
                    .iter()
                    .map(|&v| top - band(&t.recency, f64::from(v)))
                    .collect(),
                frequency
                    .iter()
                    .map(|&v| band(&t.frequency, f64::from(v)) + 1)
                    .collect(),
                monetary.iter().map(|&v| band(&t.monetary, v) + 1).collect(),
            )
        }
        None => {
            // Positions are already in id order, so a stable sort on the value alone breaks
            // ties by id.
            let score = |order: Vec<u32>| -> Vec<u8> {
                let mut out = vec![0u8; n];
                for (pos, tile) in ntile(n, tiles).enumerate() {
                    out[order[pos] as usize] = tile;
                }
                out
            };
            (
                // Recency descending: the largest first.
                score(order_by(n, |p| !((recency[p] as u32 ^ (1 << 31)) as u64))),
                score(order_by(n, |p| u64::from(frequency[p]))),
                score(order_by(n, |p| total_order_bits(monetary[p]))),
            )
        }
    };
    Ok(Rfm {
        customer_id: StringArray::from_iter_values(customers.iter().map(|&c| ids.value(c))),
        recency,
        frequency,
        monetary,
        r,
        f,
        m,
        snapshot,
        rows: acc.iter().map(|a| a.orders as usize).sum(),
        tiles,
    })
}

/// Distinct purchase days per customer key, before the snapshot.
fn distinct_days(tx: &Transactions, snapshot: i32) -> Vec<u32> {
    let keys = tx.customer.keys().values();
    let mut pairs: Vec<(u32, i32)> = keys
        .iter()
        .zip(&tx.day)
        .filter(|(_, d)| **d < snapshot)
        .map(|(&k, &d)| (k, d))
        .collect();
    radsort::sort(&mut pairs);
    pairs.dedup();
    let mut out = vec![0u32; tx.customer_ids().len()];
    for (k, _) in pairs {
        out[k as usize] += 1;
    }
    out
}

impl Rfm {
    pub fn customers(&self) -> usize {
        self.customer_id.len()
    }

    /// Customer counts per (r, f, m), sorted, empty cells omitted.
    pub fn cells(&self) -> Vec<Cell> {
        let t = self.tiles as usize;
        let mut counts = vec![0u64; t * t * t];
        for i in 0..self.customers() {
            let (r, f, m) = (
                self.r[i] as usize - 1,
                self.f[i] as usize - 1,
                self.m[i] as usize - 1,
            );
            counts[(r * t + f) * t + m] += 1;
        }
        let mut out = Vec::new();
        for (i, &count) in counts.iter().enumerate() {
            if count > 0 {
                out.push(Cell {
                    r: (i / (t * t) + 1) as u8,
                    f: (i / t % t + 1) as u8,
                    m: (i % t + 1) as u8,
                    count,
                });
            }
        }
        out
    }

    /// Customer counts per (r, f): `grid[r-1][f-1]`.
    pub fn rf_grid(&self) -> Vec<Vec<u64>> {
        let t = self.tiles as usize;
        let mut grid = vec![vec![0u64; t]; t];
        for i in 0..self.customers() {
            grid[self.r[i] as usize - 1][self.f[i] as usize - 1] += 1;
        }
        grid
    }

    /// The per-customer table as an Arrow record batch.
    pub fn to_record_batch(&self) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("customer_id", DataType::Utf8, false),
            Field::new("recency", DataType::Int32, false),
            Field::new("frequency", DataType::UInt32, false),
            Field::new("monetary", DataType::Float64, false),
            Field::new("r", DataType::UInt8, false),
            Field::new("f", DataType::UInt8, false),
            Field::new("m", DataType::UInt8, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.customer_id.clone()),
            Arc::new(Int32Array::from(self.recency.clone())),
            Arc::new(UInt32Array::from(self.frequency.clone())),
            Arc::new(Float64Array::from(self.monetary.clone())),
            Arc::new(UInt8Array::from(self.r.clone())),
            Arc::new(UInt8Array::from(self.f.clone())),
            Arc::new(UInt8Array::from(self.m.clone())),
        ];
        // Lengths and types match the schema by construction.
        RecordBatch::try_new(schema, columns).expect("RFM batch matches its schema")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids ordered as a plain comparison of the values does: integers when all are, else bytes.
    fn plain_order(ids: &[&str]) -> Vec<usize> {
        let ints: Option<Vec<i64>> = ids.iter().map(|i| i.trim().parse().ok()).collect();
        let mut o: Vec<usize> = (0..ids.len()).collect();
        match ints {
            Some(v) => o.sort_by(|&a, &b| v[a].cmp(&v[b]).then(ids[a].cmp(ids[b]))),
            None => o.sort_by(|&a, &b| ids[a].cmp(ids[b])),
        }
        o
    }

    #[test]
    fn ids_are_ordered_as_their_values() {
        let cases: Vec<Vec<&str>> = vec![
            vec![
                "C10", "C9", "C010", "B99", "c1", "C", "", "Ç1", "C\u{0}", "C\u{0}1",
            ],
            vec![
                "12",
                "-3",
                "007",
                "7",
                "0",
                "-10",
                "9223372036854775807",
                "-9223372036854775808",
            ],
            vec![
                "customer-0000000000002",
                "customer-0000000000001",
                "customer-000000000000",
                "customer-0000000000001x",
                "customer-000000000",
                "customer-0000000000001",
            ],
            vec!["a", "a\u{0}", "a\u{0}\u{0}", "\u{0}", "b", "ab"],
        ];
        for ids in cases {
            let array = StringArray::from(ids.clone());
            let used = vec![true; ids.len()];
            assert_eq!(id_order(&array, &used), plain_order(&ids), "{ids:?}");
        }
    }

    #[test]
    fn float_bits_order_as_total_cmp() {
        let mut xs = vec![
            3.5,
            -0.0,
            0.0,
            -2.25,
            1e300,
            -1e300,
            0.01,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut by_bits = xs.clone();
        xs.sort_by(f64::total_cmp);
        by_bits.sort_by_key(|&x| total_order_bits(x));
        assert_eq!(
            xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            by_bits.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn ntile_matches_sql() {
        // PostgreSQL: SELECT ntile(5) OVER (ORDER BY x) FROM generate_series(1, 12) x;
        // gives 1,1,1,2,2,2,3,3,4,4,5,5.
        let got: Vec<u8> = ntile(12, 5).collect();
        assert_eq!(got, vec![1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5]);
        // Fewer rows than tiles: 1, 2, 3.
        assert_eq!(ntile(3, 5).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(
            ntile(10, 5).collect::<Vec<_>>(),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(ntile(0, 5).count(), 0);
    }

    #[test]
    fn hand_computed_example_with_ties() {
        // Day numbers: 100..=110. Customers:
        //   b: 2 rows, last day 110, 30.00
        //   a: 1 row,  last day 105, 10.25
        //   c: 3 rows, last day 100, 5.00
        //   d: 1 row,  last day 110, 30.00  (ties b on recency and monetary)
        //   e: 1 row,  last day 101, 1.00
        let tx = Transactions::from_rows(
            &["b", "a", "c", "c", "b", "c", "d", "e"],
            vec![108, 105, 100, 99, 110, 98, 110, 101],
            vec![10.0, 10.25, 1.0, 2.0, 20.0, 2.0, 30.0, 1.0],
        );
        let out = rfm(&tx, &RfmParams::default()).unwrap();
        assert_eq!(out.snapshot, 111);
        assert_eq!(
            out.customer_id.iter().flatten().collect::<Vec<_>>(),
            vec!["a", "b", "c", "d", "e"]
        );
        assert_eq!(out.recency, vec![6, 1, 11, 1, 10]);
        assert_eq!(out.frequency, vec![1, 2, 3, 1, 1]);
        assert_eq!(out.monetary, vec![10.25, 30.0, 5.0, 30.0, 1.0]);
        // Five customers, five tiles: one each.
        // R order (recency desc, id asc): c(11), e(10), a(6), b(1), d(1) -> c1 e2 a3 b4 d5
        assert_eq!(out.r, vec![3, 4, 1, 5, 2]);
        // F order (freq asc, id asc): a(1), d(1), e(1), b(2), c(3) -> a1 d2 e3 b4 c5
        assert_eq!(out.f, vec![1, 4, 5, 2, 3]);
        // M order (monetary asc, id asc): e(1), c(5), a(10.25), b(30), d(30) -> e1 c2 a3 b4 d5
        assert_eq!(out.m, vec![3, 4, 2, 5, 1]);
    }

    #[test]
    fn integer_ids_sort_numerically() {
        let tx = Transactions::from_rows(&["10", "9", "100"], vec![1, 1, 1], vec![1.0, 1.0, 1.0]);
        let out = rfm(&tx, &RfmParams::default()).unwrap();
        assert_eq!(
            out.customer_id.iter().flatten().collect::<Vec<_>>(),
            vec!["9", "10", "100"]
        );
        // All tie on every measure: NTILE follows id order.
        assert_eq!(out.f, vec![1, 2, 3]);
        assert_eq!(out.r, vec![1, 2, 3]);
    }

    #[test]
    fn rounding() {
        assert_eq!(round2(0.125), 0.13);
        assert_eq!(round2(-0.125), -0.13);
        assert_eq!(round2(0.1 + 0.2), 0.3);
    }

    #[test]
    fn errors() {
        let empty = Transactions::from_rows::<&str>(&[], vec![], vec![]);
        assert_eq!(
            rfm(&empty, &RfmParams::default()),
            Err(RfmError::NoTransactions)
        );
        let tx = Transactions::from_rows(&["a"], vec![1], vec![1.0]);
        assert_eq!(
            rfm(
                &tx,
                &RfmParams {
                    tiles: 1,
                    ..RfmParams::default()
                }
            ),
            Err(RfmError::BadTiles(1))
        );
    }

    #[test]
    fn measures_snapshot_and_thresholds() {
        // a: days 10, 10, 20 (amounts 5, 5, 20); b: day 30 (100) and day 50 (1).
        let tx = Transactions::from_rows(
            &["a", "a", "a", "b", "b"],
            vec![10, 10, 20, 30, 50],
            vec![5.0, 5.0, 20.0, 100.0, 1.0],
        );
        let p = RfmParams {
            snapshot: Some(40),
            frequency: FrequencyMeasure::Days,
            monetary: MonetaryMeasure::Mean,
            thresholds: Some(Thresholds {
                recency: vec![15.0],
                frequency: vec![2.0],
                monetary: vec![50.0],
            }),
            ..RfmParams::default()
        };
        let out = rfm(&tx, &p).unwrap();
        // b's day-50 purchase is after the snapshot and ignored.
        assert_eq!(out.rows, 4);
        assert_eq!(out.recency, vec![20, 10]);
        // a bought on 2 distinct days (3 orders), b on 1.
        assert_eq!(out.frequency, vec![2, 1]);
        // Mean per order: a 30/3, b 100/1.
        assert_eq!(out.monetary, vec![10.0, 100.0]);
        // Recency 20 >= cut 15: lower band, score 1; 10 < 15: score 2.
        assert_eq!(out.r, vec![1, 2]);
        // Frequency 2 >= cut 2: upper band.
        assert_eq!(out.f, vec![2, 1]);
        assert_eq!(out.m, vec![1, 2]);
        assert_eq!(out.tiles, 2);
        let early = RfmParams {
            snapshot: Some(5),
            ..RfmParams::default()
        };
        assert!(matches!(
            rfm(&tx, &early),
            Err(RfmError::NothingBeforeSnapshot(_))
        ));
        let bad = RfmParams {
            thresholds: Some(Thresholds {
                recency: vec![3.0, 1.0],
                frequency: vec![1.0, 2.0],
                monetary: vec![1.0, 2.0],
            }),
            ..RfmParams::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(RfmError::BadThresholds {
                measure: "recency",
                ..
            })
        ));
    }
}
