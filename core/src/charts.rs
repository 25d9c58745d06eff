//! Chart-ready aggregates of an analysis: what the app's pages draw, computed once from the
//! per-customer scores so that a saved report draws every page without the customer rows.
//!
//! Definitions:
//! - a histogram has equal-width bins from `edges[0]` to `edges[n]`; a value equal to an inner
//!   edge falls in the bin it starts; the last bin includes its upper edge; values above it
//!   are counted in `above` (CLV's long tail: the range ends at the 99th percentile, rounded
//!   up to a "nice" number, so that the bars are readable);
//! - quantiles interpolate linearly between order statistics (NumPy's default, `(n − 1)·q`);
//! - churn risk bands: low below 0.3, medium from 0.3 to below 0.6, high from 0.6 (the bands
//!   marketing tools show on a customer profile);
//! - the scatter sample is at most [`SCATTER_POINTS`] customers drawn without replacement by a
//!   seeded shuffle (the clustering's seed), in customer order, values to six significant
//!   digits.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use crate::analysis::ScoreRow;
use crate::cohort::Cohorts;
use crate::indicators::SliceIndicators;
use crate::segment::Segment;
use crate::synth::SplitMix64;

/// Customers drawn for scatter plots.
pub const SCATTER_POINTS: usize = 2_000;
/// Bins of every histogram.
pub const BINS: usize = 20;
/// Churn score bands: `[low, medium)` and `[medium, high)` limits.
pub const RISK_BANDS: [f64; 2] = [0.3, 0.6];

/// A distribution as equal-width bins, with its summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// `bins + 1` increasing edges.
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    /// Values above the last edge (the tail left out of the bars).
    pub above: u64,
    /// Values counted (blanks are not).
    pub count: u64,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
}

/// Customer value and risk by named segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentValue {
    pub segment: Segment,
    pub customers: u64,
    /// Sum of the customers' CLV (`None` when no CLV was computed).
    pub clv_total: Option<f64>,
    pub clv_mean: Option<f64>,
    pub p_alive_mean: Option<f64>,
    pub churn_mean: Option<f64>,
}

/// Customers by churn risk band (see [`RISK_BANDS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskBands {
    pub low: u64,
    pub medium: u64,
    pub high: u64,
}

/// A sample of customers for scatter plots: their RFM values, value and cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScatterSample {
    /// Customers in the whole table.
    pub population: usize,
    pub seed: u64,
    /// Column names of `points`: `recency`, `frequency`, `monetary`, `p_alive`, `clv`.
    pub features: Vec<String>,
    /// One row per sampled customer, in `features` order (`None`: not computed).
    pub points: Vec<Vec<Option<f64>>>,
    /// The cluster of each sampled customer.
    pub clusters: Vec<Option<u32>>,
}

/// The indicators sliced by one column (agency, region, channel…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceSet {
    pub column: String,
    /// `true`: one value per customer (a customer attribute); `false`: per purchase.
    pub per_customer: bool,
    pub values: Vec<SliceIndicators>,
}

/// Everything the pages draw beyond the analyses' own results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Charts {
    pub p_alive: Option<Histogram>,
    pub expected_purchases: Option<Histogram>,
    pub clv: Option<Histogram>,
    pub churn_score: Option<Histogram>,
    pub monetary: Option<Histogram>,
    pub by_segment: Vec<SegmentValue>,
    pub risk_bands: Option<RiskBands>,
    pub scatter: Option<ScatterSample>,
    /// Indicators per value of every slice column.
    pub slices: Vec<SliceSet>,
    /// Cohorts at the other period lengths (month, quarter, year) than the report's.
    pub more_cohorts: Vec<Cohorts>,
}

/// Linear-interpolation quantile of sorted values (NumPy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `x` (> 0).
pub fn nice_ceil(x: f64) -> f64 {
    if !(x > 0.0) || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.det_powf(x.det_log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= x * (1.0 - 1e-12) {
            return m * p;
        }
    }
    10.0 * p
}

/// A histogram of `values` over `[lo, hi]` in [`BINS`] bins; `None` when there is no value.
pub fn histogram(values: &[f64], range: Option<(f64, f64)>) -> Option<Histogram> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let min = sorted[0];
    let max = sorted[sorted.len() - 1];
    let p99 = quantile(&sorted, 0.99);
    let (lo, hi) = range.unwrap_or_else(|| {
        let lo = if min >= 0.0 { 0.0 } else { -nice_ceil(-min) };
        let top = if p99 > lo { p99 } else { max };
        (
            lo,
            if top > lo {
                lo + nice_ceil(top - lo)
            } else {
                lo + 1.0
            },
        )
    });
    let width = (hi - lo) / BINS as f64;
    let mut counts = vec![0u64; BINS];
    let mut above = 0;
    for &v in &sorted {
        if v > hi {
            above += 1;
            continue;
        }
        let b = (((v - lo) / width).floor() as isize).clamp(0, BINS as isize - 1) as usize;
        counts[b] += 1;
    }
    let sum: f64 = sorted.iter().sum();
    Some(Histogram {
        edges: (0..=BINS).map(|i| lo + width * i as f64).collect(),
        counts,
        above,
        count: sorted.len() as u64,
        mean: sum / sorted.len() as f64,
        median: quantile(&sorted, 0.5),
        p90: quantile(&sorted, 0.9),
        p99,
        min,
        max,
        sum,
    })
}

fn column(rows: &[ScoreRow], get: impl Fn(&ScoreRow) -> Option<f64>) -> Vec<f64> {
    rows.iter().filter_map(get).collect()
}

/// The aggregates of the per-customer scores (slices and cohorts are added by the caller).
pub fn from_scores(rows: &[ScoreRow], seed: u64) -> Charts {
    let unit = Some((0.0, 1.0));
    let p_alive = histogram(&column(rows, |r| r.p_alive), unit);
    let churn = column(rows, |r| r.churn_score);
    let risk_bands = (!churn.is_empty()).then(|| {
        let mut b = RiskBands {
            low: 0,
            medium: 0,
            high: 0,
        };
        for &c in &churn {
            if c < RISK_BANDS[0] {
                b.low += 1;
            } else if c < RISK_BANDS[1] {
                b.medium += 1;
            } else {
                b.high += 1;
            }
        }
        b
    });
    Charts {
        p_alive,
        expected_purchases: histogram(&column(rows, |r| r.expected_purchases), None),
        clv: histogram(&column(rows, |r| r.clv), None),
        churn_score: histogram(&churn, unit),
        monetary: histogram(&column(rows, |r| r.monetary), None),
        by_segment: by_segment(rows),
        risk_bands,
        scatter: scatter(rows, seed),
        slices: Vec::new(),
        more_cohorts: Vec::new(),
    }
}

fn by_segment(rows: &[ScoreRow]) -> Vec<SegmentValue> {
    #[derive(Default, Clone, Copy)]
    struct Acc {
        n: u64,
        clv: (f64, u64),
        alive: (f64, u64),
        churn: (f64, u64),
    }
    let mut acc = [Acc::default(); 11];
    let add = |slot: &mut (f64, u64), v: Option<f64>| {
        if let Some(v) = v {
            slot.0 += v;
            slot.1 += 1;
        }
    };
    for r in rows {
        if let Some(s) = r.segment {
            let a = &mut acc[s as usize];
            a.n += 1;
            add(&mut a.clv, r.clv);
            add(&mut a.alive, r.p_alive);
            add(&mut a.churn, r.churn_score);
        }
    }
    if acc.iter().all(|a| a.n == 0) {
        return Vec::new();
    }
    let mean = |(s, n): (f64, u64)| (n > 0).then(|| s / n as f64);
    Segment::ALL
        .iter()
        .map(|&s| {
            let a = acc[s as usize];
            SegmentValue {
                segment: s,
                customers: a.n,
                clv_total: (a.clv.1 > 0).then_some(a.clv.0),
                clv_mean: mean(a.clv),
                p_alive_mean: mean(a.alive),
                churn_mean: mean(a.churn),
            }
        })
        .collect()
}

/// Six significant digits: enough for a dot on a chart, and a third of the report's size.
fn round6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(5 - x.abs().det_log10().floor() as i32);
    (x * scale).round() / scale
}

fn scatter(rows: &[ScoreRow], seed: u64) -> Option<ScatterSample> {
    let with_rfm: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].frequency.is_some())
        .collect();
    if with_rfm.is_empty() {
        return None;
    }
    let mut pick = with_rfm.clone();
    let k = SCATTER_POINTS.min(pick.len());
    let mut rng = SplitMix64::new(seed);
    // The first k places of a Fisher–Yates shuffle: a uniform sample without replacement.
    for i in 0..k {
        let j = i + rng.below((pick.len() - i) as u64) as usize;
        pick.swap(i, j);
    }
    pick.truncate(k);
    pick.sort_unstable();
    Some(ScatterSample {
        population: with_rfm.len(),
        seed,
        features: ["recency", "frequency", "monetary", "p_alive", "clv"]
            .map(String::from)
            .to_vec(),
        points: pick
            .iter()
            .map(|&i| {
                let r = &rows[i];
                [
                    r.recency.map(f64::from),
                    r.frequency.map(f64::from),
                    r.monetary,
                    r.p_alive,
                    r.clv,
                ]
                .map(|v| v.map(round6))
                .to_vec()
            })
            .collect(),
        clusters: pick.iter().map(|&i| rows[i].cluster).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.9, 0.99]) = [3.0, 7.6, 9.76]
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.9) - 7.6).abs() < 1e-12);
        assert!((quantile(&v, 0.99) - 9.76).abs() < 1e-12);
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_ceil(7.3), 10.0);
        assert_eq!(nice_ceil(180.0), 200.0);
        assert_eq!(nice_ceil(2300.0), 2500.0);
        assert_eq!(nice_ceil(0.42), 0.5);
        assert_eq!(nice_ceil(100.0), 100.0);
    }

    #[test]
    fn histogram_bins_by_hand() {
        // Unit range, 20 bins of 0.05: 0 and 0.04 in bin 0, 0.05 starts bin 1, 1.0 in the last.
        let h = histogram(&[0.0, 0.04, 0.05, 0.5, 1.0, f64::NAN], Some((0.0, 1.0))).unwrap();
        assert_eq!(h.count, 5);
        assert_eq!(h.counts[0], 2);
        assert_eq!(h.counts[1], 1);
        assert_eq!(h.counts[10], 1);
        assert_eq!(h.counts[19], 1);
        assert_eq!(h.above, 0);
        assert_eq!(h.counts.iter().sum::<u64>() + h.above, h.count);
        // A long tail: the range stops at the nice ceiling of the 99th percentile.
        let mut v: Vec<f64> = (1..=99).map(f64::from).collect();
        v.push(10_000.0);
        let h = histogram(&v, None).unwrap();
        assert_eq!(h.edges[0], 0.0);
        // p99 = 99 + 0.01 × (10000 − 99) = 198.01 → 200
        assert_eq!(*h.edges.last().unwrap(), 200.0);
        assert_eq!(h.above, 1);
        assert_eq!(h.counts[0], 9); // 1..=9 below 10
        // With 4 values the 99th percentile sits in the tail; with 200 it does not.
        let mut v: Vec<f64> = (0..199).map(|i| f64::from(i % 5)).collect();
        v.push(1e9);
        let h = histogram(&v, None).unwrap();
        assert_eq!(h.above, 1);
        assert_eq!(*h.edges.last().unwrap(), 5.0);
    }

    #[test]
    fn scatter_sample_is_seeded_and_bounded() {
        let rows: Vec<ScoreRow> = (0..5000)
            .map(|i| ScoreRow {
                customer_id: format!("c{i}"),
                recency: Some(i),
                frequency: Some(1 + i as u32 % 7),
                monetary: Some(f64::from(i)),
                r: None,
                f: None,
                m: None,
                segment: None,
                cluster: Some(i as u32 % 3),
                p_alive: None,
                expected_purchases: None,
                clv: None,
                historic_clv: None,
                total_clv: None,
                p_no_purchase_90d: None,
                risk_90d: None,
                days_between_orders: None,
                next_order: None,
                previous_segment: None,
                churn_score: None,
            })
            .collect();
        let a = scatter(&rows, 9).unwrap();
        assert_eq!(a.points.len(), SCATTER_POINTS);
        assert_eq!(a, scatter(&rows, 9).unwrap());
        assert_ne!(a.points, scatter(&rows, 10).unwrap().points);
        // Each point is a real customer with its own cluster.
        for (p, c) in a.points.iter().zip(&a.clusters) {
            let i = p[0].unwrap() as u32;
            assert_eq!(*c, Some(i % 3));
        }
    }
}
