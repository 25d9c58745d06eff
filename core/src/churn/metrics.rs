//! Test-split evaluation: AUC, log-loss, lift and gain by decile, confusion matrix.
//!
//! AUC is computed from ranks with tied scores sharing their average rank (the Mann–Whitney
//! statistic), counted tie-group by tie-group so that it equals the trapezoidal ROC area
//! scikit-learn reports, without floating sums over thousands of terms.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

/// Area under the ROC curve; `None` unless both classes are present.
pub fn auc(scores: &[f64], label: &[bool]) -> Option<f64> {
    let n = scores.len().min(label.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut neg_below, mut num) = (0u64, 0.0f64);
    let mut i = 0;
    while i < n {
        let mut j = i;
        let (mut pos, mut neg) = (0u64, 0u64);
        while j < n && scores[order[j]] == scores[order[i]] {
            if label[order[j]] {
                pos += 1;
            } else {
                neg += 1;
            }
            j += 1;
        }
        // Positives in this tie group beat every negative below it and half of those tied.
        num += (pos * neg_below) as f64 + 0.5 * (pos * neg) as f64;
        neg_below += neg;
        i = j;
    }
    let pos_total = label[..n].iter().filter(|&&l| l).count() as u64;
    let neg_total = n as u64 - pos_total;
    if pos_total == 0 || neg_total == 0 {
        return None;
    }
    Some(num / (pos_total as f64 * neg_total as f64))
}

/// Mean binary cross-entropy, probabilities clipped to [1e-15, 1 - 1e-15].
pub fn log_loss(proba: &[f64], label: &[bool]) -> f64 {
    let n = proba.len().min(label.len());
    if n == 0 {
        return 0.0;
    }
    let s: f64 = proba
        .iter()
        .zip(label)
        .map(|(&p, &y)| {
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            if y { -p.det_ln() } else { -(1.0 - p).det_ln() }
        })
        .sum();
    s / n as f64
}

/// One tenth of the rows, by descending score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decile {
    /// 1 = highest scores.
    pub decile: u32,
    pub rows: usize,
    pub positives: usize,
    /// Share of churners in this decile.
    pub rate: f64,
    /// `rate` over the overall churn rate.
    pub lift: f64,
    /// Share of all churners found in deciles 1..=this one.
    pub cumulative_gain: f64,
    /// Churn rate of deciles 1..=this one over the overall churn rate.
    pub cumulative_lift: f64,
}

/// Lift and cumulative gain by decile. Rows are ordered by descending score, ties by row
/// order; decile `k` holds positions `floor(n(k-1)/10)..floor(nk/10)`.
pub fn deciles(scores: &[f64], label: &[bool]) -> Vec<Decile> {
    let n = scores.len().min(label.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let total_pos = label[..n].iter().filter(|&&l| l).count();
    let base = if n > 0 {
        total_pos as f64 / n as f64
    } else {
        0.0
    };
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    let (mut cum_rows, mut cum_pos) = (0usize, 0usize);
    (1..=10u32)
        .map(|k| {
            let lo = n * (k as usize - 1) / 10;
            let hi = n * k as usize / 10;
            let positives = order[lo..hi].iter().filter(|&&r| label[r]).count();
            let rows = hi - lo;
            cum_rows += rows;
            cum_pos += positives;
            let rate = ratio(positives as f64, rows as f64);
            Decile {
                decile: k,
                rows,
                positives,
                rate,
                lift: ratio(rate, base),
                cumulative_gain: ratio(cum_pos as f64, total_pos as f64),
                cumulative_lift: ratio(ratio(cum_pos as f64, cum_rows as f64), base),
            }
        })
        .collect()
}

/// Counts at a probability threshold (a row is predicted to churn when `p >= threshold`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    pub threshold: f64,
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
    /// `None` when nothing is predicted to churn.
    pub precision: Option<f64>,
    /// `None` when there are no churners.
    pub recall: Option<f64>,
    pub accuracy: Option<f64>,
}

pub fn confusion(proba: &[f64], label: &[bool], threshold: f64) -> Confusion {
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    for (&p, &y) in proba.iter().zip(label) {
        match (p >= threshold, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
    }
    let frac = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    Confusion {
        threshold,
        true_positives: tp,
        false_positives: fp,
        true_negatives: tn,
        false_negatives: fn_,
        precision: frac(tp, tp + fp),
        recall: frac(tp, tp + fn_),
        accuracy: frac(tp + tn, tp + fp + tn + fn_),
    }
}

/// A model's scores on the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    pub positives: usize,
    pub auc: Option<f64>,
    pub log_loss: f64,
    pub deciles: Vec<Decile>,
    pub confusion: Confusion,
    /// The ROC curve, from (0, 0) to (1, 1), thinned to at most [`ROC_POINTS`] points.
    #[serde(default)]
    pub roc: Vec<RocPoint>,
    /// The confusion matrix at every threshold 0.00, 0.01, …, 1.00: what a threshold slider
    /// shows without the rows.
    #[serde(default)]
    pub sweep: Vec<Confusion>,
}

/// A point of the ROC curve: rows with a score at or above `threshold` are predicted to churn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    pub threshold: f64,
    pub false_positive_rate: f64,
    pub true_positive_rate: f64,
}

/// Points kept on a ROC curve: enough to draw it, few enough for a saved report.
pub const ROC_POINTS: usize = 201;

/// The ROC curve through every distinct score (ties form one step, as scikit-learn's
/// `roc_curve` with `drop_intermediate=False`), then thinned so that consecutive kept points
/// are at least 1/100 apart along the curve (its length, counted as the sum of the moves in
/// both rates, is 2); the ends are always kept.
pub fn roc(scores: &[f64], label: &[bool]) -> Vec<RocPoint> {
    let n = scores.len().min(label.len());
    let pos = label[..n].iter().filter(|&&l| l).count();
    let neg = n - pos;
    if pos == 0 || neg == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut full = vec![RocPoint {
        threshold: f64::INFINITY,
        false_positive_rate: 0.0,
        true_positive_rate: 0.0,
    }];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < n {
        let s = scores[order[i]];
        while i < n && scores[order[i]] == s {
            if label[order[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        full.push(RocPoint {
            threshold: s,
            false_positive_rate: fp as f64 / neg as f64,
            true_positive_rate: tp as f64 / pos as f64,
        });
    }
    // JSON has no infinity: the first point's threshold is "above every score".
    full[0].threshold = full.get(1).map_or(1.0, |p| p.threshold.max(1.0));
    let step = 2.0 / (ROC_POINTS - 1) as f64;
    let mut kept = vec![full[0]];
    for (k, p) in full.iter().enumerate().skip(1) {
        let last = kept[kept.len() - 1];
        let far = (p.false_positive_rate - last.false_positive_rate)
            + (p.true_positive_rate - last.true_positive_rate)
            >= step;
        if far || k == full.len() - 1 {
            kept.push(*p);
        }
    }
    kept
}

/// The confusion matrix at thresholds 0.00 to 1.00 by 0.01 (101 passes over the test rows:
/// a few million comparisons at most).
pub fn sweep(proba: &[f64], label: &[bool]) -> Vec<Confusion> {
    (0..=100)
        .map(|t| confusion(proba, label, f64::from(t) / 100.0))
        .collect()
}

pub fn evaluate(proba: &[f64], label: &[bool], threshold: f64) -> Evaluation {
    Evaluation {
        rows: proba.len(),
        positives: label.iter().filter(|&&l| l).count(),
        auc: auc(proba, label),
        log_loss: log_loss(proba, label),
        deciles: deciles(proba, label),
        confusion: confusion(proba, label, threshold),
        roc: roc(proba, label),
        sweep: sweep(proba, label),
    }
}

#[cfg(test)]
mod roc_tests {
    use super::*;

    /// scikit-learn: `roc_curve([1, 0, 1, 0], [0.9, 0.8, 0.8, 0.3], drop_intermediate=False)`
    /// gives fpr [0, 0, 0.5, 1], tpr [0, 0.5, 1, 1], thresholds [inf, 0.9, 0.8, 0.3].
    #[test]
    fn roc_matches_scikit_learn_with_ties() {
        let r = roc(&[0.9, 0.8, 0.8, 0.3], &[true, false, true, false]);
        let pts: Vec<(f64, f64, f64)> = r
            .iter()
            .map(|p| (p.false_positive_rate, p.true_positive_rate, p.threshold))
            .collect();
        assert_eq!(
            pts,
            vec![
                (0.0, 0.0, 1.0),
                (0.0, 0.5, 0.9),
                (0.5, 1.0, 0.8),
                (1.0, 1.0, 0.3)
            ]
        );
        assert!(roc(&[0.1, 0.2], &[true, true]).is_empty());
    }

    #[test]
    fn roc_is_thinned_but_keeps_its_ends() {
        let n = 10_000;
        let scores: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let label: Vec<bool> = (0..n).map(|i| (i * 7919) % 3 == 0).collect();
        let r = roc(&scores, &label);
        assert!(r.len() <= ROC_POINTS + 1, "{}", r.len());
        let last = r.last().unwrap();
        assert_eq!(
            (last.false_positive_rate, last.true_positive_rate),
            (1.0, 1.0)
        );
        assert_eq!(
            (r[0].false_positive_rate, r[0].true_positive_rate),
            (0.0, 0.0)
        );
        // Monotone, as a ROC curve is.
        for w in r.windows(2) {
            assert!(w[1].false_positive_rate >= w[0].false_positive_rate);
            assert!(w[1].true_positive_rate >= w[0].true_positive_rate);
        }
    }

    #[test]
    fn sweep_counts_by_hand() {
        let p = [0.05, 0.5, 0.51, 0.99];
        let y = [false, true, false, true];
        let s = sweep(&p, &y);
        assert_eq!(s.len(), 101);
        // At 0.50: 0.5, 0.51 and 0.99 predicted churn; two of them churned.
        let c = &s[50];
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (2, 1, 1, 0)
        );
        assert_eq!(s[0].true_positives + s[0].false_positives, 4);
        assert_eq!(s[100].true_positives + s[100].false_positives, 0);
    }
}
