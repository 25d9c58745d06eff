//! Churn labels from purchase history, for files that have none.
//!
//! A customer who bought on or before the cutoff day and makes no purchase in the window
//! `(cutoff, cutoff + window]` is labelled churned. Features only look at purchases on or
//! before the cutoff, so the label is never visible in them: the model learns to predict the
//! future from the past, as it will be used.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};

use super::{ChurnError, ChurnParams};
use crate::transactions::Transactions;

/// Per customer active by the cutoff, in id order (numeric when every id is an integer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutLabels {
    pub cutoff_day: i32,
    pub window_days: i32,
    pub customer_id: Vec<String>,
    /// Days from the last purchase on or before the cutoff to the cutoff.
    pub recency: Vec<f64>,
    /// Purchases on or before the cutoff.
    pub frequency: Vec<f64>,
    /// Sum of their amounts.
    pub monetary: Vec<f64>,
    /// Days from the first purchase to the cutoff.
    pub tenure: Vec<f64>,
    /// No purchase in `(cutoff, cutoff + window]`.
    pub churned: Vec<bool>,
}

/// Labels every customer with a purchase on or before `cutoff_day` (days since 1970-01-01).
pub fn label_from_holdout(
    tx: &Transactions,
    cutoff_day: i32,
    window_days: i32,
) -> Result<HoldoutLabels, ChurnError> {
    if window_days <= 0 {
        return Err(ChurnError::BadParam(format!(
            "the window must be at least one day, not {window_days}"
        )));
    }
    let ids = tx.customer_ids();
    let k = ids.len();
    let mut first = vec![i32::MAX; k];
    let mut last = vec![i32::MIN; k];
    let mut freq = vec![0u64; k];
    let mut sum = vec![0.0f64; k];
    let mut back = vec![false; k];
    let end = cutoff_day.saturating_add(window_days);
    let keys = tx.customer.keys();
    for (i, (&day, &amount)) in tx.day.iter().zip(&tx.amount).enumerate() {
        if keys.is_null(i) {
            continue;
        }
        let c = keys.value(i) as usize;
        if c >= k {
            continue;
        }
        if day <= cutoff_day {
            first[c] = first[c].min(day);
            last[c] = last[c].max(day);
            freq[c] += 1;
            sum[c] += amount;
        } else if day <= end {
            back[c] = true;
        }
    }
    let mut active: Vec<usize> = (0..k).filter(|&c| freq[c] > 0).collect();
    if active.is_empty() {
        return Err(ChurnError::NoCustomers(cutoff_day));
    }
    let ints: Option<Vec<i64>> = (0..k).map(|c| ids.value(c).trim().parse().ok()).collect();
    match &ints {
        Some(v) => active.sort_by(|&a, &b| v[a].cmp(&v[b]).then(ids.value(a).cmp(ids.value(b)))),
        None => active.sort_by(|&a, &b| ids.value(a).cmp(ids.value(b))),
    }
    Ok(HoldoutLabels {
        cutoff_day,
        window_days,
        customer_id: active.iter().map(|&c| ids.value(c).to_string()).collect(),
        recency: active
            .iter()
            .map(|&c| f64::from(cutoff_day - last[c]))
            .collect(),
        frequency: active.iter().map(|&c| freq[c] as f64).collect(),
        monetary: active.iter().map(|&c| sum[c]).collect(),
        tenure: active
            .iter()
            .map(|&c| f64::from(cutoff_day - first[c]))
            .collect(),
        churned: active.iter().map(|&c| !back[c]).collect(),
    })
}

impl HoldoutLabels {
    /// Columns `customer_id, recency, frequency, monetary, tenure, churned`.
    pub fn to_record_batch(&self) -> Result<RecordBatch, ChurnError> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("customer_id", DataType::Utf8, false),
            Field::new("recency", DataType::Float64, false),
            Field::new("frequency", DataType::Float64, false),
            Field::new("monetary", DataType::Float64, false),
            Field::new("tenure", DataType::Float64, false),
            Field::new("churned", DataType::Boolean, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(&self.customer_id)),
            Arc::new(Float64Array::from(self.recency.clone())),
            Arc::new(Float64Array::from(self.frequency.clone())),
            Arc::new(Float64Array::from(self.monetary.clone())),
            Arc::new(Float64Array::from(self.tenure.clone())),
            Arc::new(BooleanArray::from(self.churned.clone())),
        ];
        RecordBatch::try_new(schema, columns).map_err(|e| ChurnError::Arrow(e.to_string()))
    }

    /// The parameters that point [`super::analyze`] at these columns.
    pub fn params(&self) -> ChurnParams {
        ChurnParams {
            label: Some("churned".into()),
            id: Some("customer_id".into()),
            ..ChurnParams::default()
        }
    }
}

/// Labels from history, then both models on the RFM-like features.
pub fn analyze_holdout(
    tx: &Transactions,
    cutoff_day: i32,
    window_days: i32,
    params: &ChurnParams,
) -> Result<super::ChurnResult, ChurnError> {
    let labels = label_from_holdout(tx, cutoff_day, window_days)?;
    let batch = labels.to_record_batch()?;
    let params = ChurnParams {
        label: Some("churned".into()),
        id: Some("customer_id".into()),
        ..params.clone()
    };
    super::analyze(&batch, &params)
}
