//! Deterministic synthetic transaction files for tests and benchmarks.
//!
//! The same parameters always give the same bytes, on every platform: a SplitMix64 generator
//! (hand-written: five lines, and a crate would not promise a stable stream across versions).

use crate::math::Portable;
use std::io::{self, Write};

use crate::ingest::date::{days_from_civil, format_days};

/// SplitMix64 (Steele, Lea & Flood 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.det_ln()).sqrt() * (std::f64::consts::TAU * u2).det_cos()
    }
}

/// Shape of a synthetic transactions file.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams {
    pub rows: usize,
    pub seed: u64,
    /// Average orders per customer (the customer count is `rows / orders_per_customer`).
    pub orders_per_customer: f64,
    /// First day of the period.
    pub start: i32,
    /// Length of the period in days.
    pub days: i32,
    /// Add `quantity`, `channel` and `region` columns.
    pub extra_columns: bool,
}

impl SynthParams {
    pub fn new(rows: usize) -> Self {
        SynthParams {
            rows,
            seed: 42,
            orders_per_customer: 10.0,
            start: days_from_civil(2023, 1, 1),
            days: 730,
            extra_columns: false,
        }
    }

    pub fn customers(&self) -> usize {
        ((self.rows as f64 / self.orders_per_customer).round() as usize).max(1)
    }
}

const CHANNELS: [&str; 4] = ["store", "web", "phone", "marketplace"];
const REGIONS: [&str; 6] = ["Nord", "Sud", "Est", "Ouest", "Centre", "Ile-de-France"];

/// Writes `customer_id,order_date,amount` (plus extras) with ISO dates and point decimals.
///
/// Customers have a skewed activity (a few buy often), an acquisition day and a lifetime, so
/// recency and frequency spread over every RFM cell.
pub fn write_transactions_csv(params: &SynthParams, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = SplitMix64::new(params.seed);
    // Extra columns draw from their own stream so that they never change the other columns.
    let mut extra_rng = SplitMix64::new(params.seed ^ 0x5EED_E57A_C01D_0000);
    let n = params.customers();
    // Per-customer acquisition day, active span and spend level.
    let mut first = Vec::with_capacity(n);
    let mut span = Vec::with_capacity(n);
    let mut level = Vec::with_capacity(n);
    for _ in 0..n {
        let f = rng.below(params.days as u64) as i32;
        let life = (-(1.0 - rng.next_f64()).det_ln() * params.days as f64 * 0.6) as i32;
        first.push(f);
        span.push(life.min(params.days - f).max(1));
        level.push(3.0 + 0.6 * rng.normal());
    }
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    if params.extra_columns {
        writeln!(w, "customer_id,order_date,amount,quantity,channel,region")?;
    } else {
        writeln!(w, "customer_id,order_date,amount")?;
    }
    for i in 0..params.rows {
        // Every customer buys at least once; further rows favour low indices (Pareto-like).
        let c = if i < n {
            // A permutation of 0..n: 2^31 - 1 is prime, so coprime with any smaller n.
            (i as u64 * 2_147_483_647 % n as u64) as usize
        } else {
            let u = rng.next_f64();
            ((u * u) * n as f64) as usize % n
        };
        let day = params.start + first[c] + rng.below(span[c] as u64) as i32;
        let amount = (level[c] + 0.5 * rng.normal()).det_exp().clamp(1.0, 5000.0);
        let cents = (amount * 100.0).round() as u64;
        write!(
            w,
            "C{:07},{},{}.{:02}",
            c + 1,
            format_days(day),
            cents / 100,
            cents % 100
        )?;
        if params.extra_columns {
            let qty = 1 + extra_rng.below(5);
            let ch = CHANNELS[extra_rng.below(CHANNELS.len() as u64) as usize];
            let region = REGIONS[(c * 7 + 3) % REGIONS.len()];
            write!(w, ",{qty},{ch},{region}")?;
        }
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// The file as bytes.
pub fn transactions_csv(params: &SynthParams) -> Vec<u8> {
    let mut out = Vec::with_capacity(params.rows * 32);
    // Writing to a Vec cannot fail.
    let _ = write_transactions_csv(params, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // Reference stream for seed 1234567 from the public-domain C implementation
        // (https://prng.di.unimi.it/splitmix64.c).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(r.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn deterministic_and_shaped() {
        let p = SynthParams::new(1000);
        let a = transactions_csv(&p);
        assert_eq!(a, transactions_csv(&p));
        let text = String::from_utf8(a).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("customer_id,order_date,amount"));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 1000);
        let mut ids: Vec<&str> = rows.iter().map(|l| &l[..8]).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), p.customers());
    }
}
