//! Predicted against actual repeat purchases in a holdout period: the check a fitted
//! BG/NBD must pass before its forecasts are trusted, per calibration-frequency bucket as in
//! the paper's Figure 3 (a model can get the total right and the shape wrong).

use serde::{Deserialize, Serialize};

use super::ClvError;
use super::bgnbd::BgNbd;
use super::summary::CalibrationHoldout;

/// Customers with the same calibration frequency (the last bucket is "7 or more").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutBucket {
    /// Calibration repeat purchases; the last bucket holds this many or more.
    pub frequency: u32,
    /// "0", "1", …, "7+".
    pub label: String,
    pub customers: usize,
    pub actual: u64,
    pub predicted: f64,
    pub actual_mean: f64,
    pub predicted_mean: f64,
}

/// Holdout repeat purchases, predicted by a model fitted on the calibration period only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutComparison {
    pub calibration_end: i32,
    pub observation_end: i32,
    /// Holdout length in the summary's units.
    pub duration: f64,
    pub customers: usize,
    pub actual_total: u64,
    pub predicted_total: f64,
    pub buckets: Vec<HoldoutBucket>,
    /// The calibration-period fit that made the predictions.
    pub model: BgNbd,
}

/// Highest bucket; it collects this frequency and above.
pub const LAST_BUCKET: u32 = 7;

/// Compares `model`'s conditional expectations over the holdout with what happened.
pub fn compare(model: &BgNbd, ch: &CalibrationHoldout) -> Result<HoldoutComparison, ClvError> {
    let c = &ch.calibration;
    let mut buckets: Vec<HoldoutBucket> = (0..=LAST_BUCKET)
        .map(|f| HoldoutBucket {
            frequency: f,
            label: if f == LAST_BUCKET {
                format!("{f}+")
            } else {
                f.to_string()
            },
            customers: 0,
            actual: 0,
            predicted: 0.0,
            actual_mean: 0.0,
            predicted_mean: 0.0,
        })
        .collect();
    for i in 0..c.len() {
        let x = c.frequency[i];
        let predicted =
            model.conditional_expected_purchases(ch.holdout_duration, x, c.recency[i], c.t[i])?;
        let b = &mut buckets[x.min(LAST_BUCKET) as usize];
        b.customers += 1;
        b.actual += u64::from(ch.holdout_frequency[i]);
        b.predicted += predicted;
    }
    for b in &mut buckets {
        if b.customers > 0 {
            b.actual_mean = b.actual as f64 / b.customers as f64;
            b.predicted_mean = b.predicted / b.customers as f64;
        }
    }
    Ok(HoldoutComparison {
        calibration_end: c.end,
        observation_end: ch.observation_end,
        duration: ch.holdout_duration,
        customers: c.len(),
        actual_total: buckets.iter().map(|b| b.actual).sum(),
        predicted_total: buckets.iter().map(|b| b.predicted).sum(),
        buckets,
        model: model.clone(),
    })
}
