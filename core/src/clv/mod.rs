//! Customer lifetime value: who is still a customer, how much they will buy, and what that is
//! worth.
//!
//! Why these models: BG/NBD and Gamma-Gamma need only each customer's purchase dates and
//! amounts (no churn label, which non-contractual businesses never observe), have a handful of
//! interpretable parameters, and are validated on public data (CDNOW) with published estimates
//! that the tests reproduce. The shape follows linfa: `Params` (serde, defaults) →
//! `validate()` → `fit()` → a fitted, serializable model with predict methods.
//!
//! - [`summary`] reduces transactions to the models' sufficient statistics;
//! - [`bgnbd`] counts purchases and P(alive); [`gamma_gamma`] values them;
//! - [`holdout`] checks forecasts against a held-out period;
//! - [`analyze`] runs everything for the app and the CLI;
//! - [`simulate`] draws data with known parameters for recovery tests and benchmarks.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod holdout;
mod optim;
pub mod simulate;
pub mod special;
pub mod summary;

use serde::{Deserialize, Serialize};

pub use bgnbd::{BgNbd, BgNbdParams, Dropout};
pub use gamma_gamma::{GammaGamma, GammaGammaParams};
pub use holdout::{HoldoutBucket, HoldoutComparison};
pub use summary::{CalibrationHoldout, Summary, calibration_and_holdout, summary};

use crate::transactions::Transactions;

/// Errors of the CLV family.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClvError {
    #[error("there are no transactions to model")]
    NoTransactions,
    #[error(
        "the transactions' columns differ in length ({customers} customers, {days} days, {amounts} amounts)"
    )]
    Mismatch {
        customers: usize,
        days: usize,
        amounts: usize,
    },
    #[error("row {row} has an amount that is not a number ({amount})")]
    BadAmount { row: usize, amount: f64 },
    #[error("no customer bought anything on or before day {end}")]
    NothingBefore { end: i32 },
    #[error(
        "the calibration period must end (day {calibration_end}) before the observation period (day {observation_end})"
    )]
    BadPeriods {
        calibration_end: i32,
        observation_end: i32,
    },
    #[error("invalid parameter: {0}")]
    BadParam(String),
    #[error("invalid summary at customer {row}: {reason}")]
    BadSummary { row: usize, reason: String },
    #[error(
        "the summary counts purchases up to {last}: it cannot be read as of {end} (recompute it \
         up to that date, or analyse the raw transactions)"
    )]
    SummaryEnds { last: String, end: String },
    #[error("no holdout check: {reason}")]
    SummaryCalibration { reason: String },
    #[error("no customer bought more than once: the purchase model cannot be fitted")]
    NoRepeatPurchases,
    #[error(
        "{found} repeat customers with a positive spend; the spend model needs at least {needed}"
    )]
    TooFewRepeatCustomers { found: usize, needed: usize },
    #[error("the {0} model could not be fitted to these data")]
    NoFit(String),
    #[error("the hypergeometric series 2F1({a}, {b}; {c}; {z}) did not converge")]
    Hypergeometric { a: f64, b: f64, c: f64, z: f64 },
}

/// Unit of recency, T and forecast horizons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeUnit {
    Days,
    #[default]
    Weeks,
    /// An average Gregorian month, 365.25 / 12 = 30.4375 days.
    Months,
}

impl TimeUnit {
    /// Length in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
            TimeUnit::Months => 30.4375,
        }
    }

    /// Whole units in a year (365 days, 52 weeks, 12 months): the default horizon.
    pub fn per_year(self) -> u32 {
        match self {
            TimeUnit::Days => 365,
            TimeUnit::Weeks => 52,
            TimeUnit::Months => 12,
        }
    }
}

/// Checks parallel (frequency, recency, T) columns.
pub(crate) fn check_summary(frequency: &[u32], recency: &[f64], t: &[f64]) -> Result<(), ClvError> {
    if frequency.len() != recency.len() || frequency.len() != t.len() {
        return Err(ClvError::BadParam(format!(
            "{} frequencies, {} recencies and {} T values",
            frequency.len(),
            recency.len(),
            t.len()
        )));
    }
    if frequency.is_empty() {
        return Err(ClvError::NoTransactions);
    }
    for (row, (&tx, &tt)) in recency.iter().zip(t).enumerate() {
        let reason = if !(tx.is_finite() && tt.is_finite()) {
            "recency and T must be numbers"
        } else if tx < 0.0 {
            "recency is negative"
        } else if tx > tt * (1.0 + 1e-12) {
            "recency exceeds T"
        } else {
            continue;
        };
        return Err(ClvError::BadSummary {
            row,
            reason: reason.into(),
        });
    }
    Ok(())
}

/// Parameters of [`analyze`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClvParams {
    pub time_unit: TimeUnit,
    /// Last day observed, inclusive (days since 1970-01-01); the day after the latest purchase
    /// when `None`.
    pub observation_end: Option<i32>,
    /// When set, a second fit on purchases up to this day (inclusive) is checked against the
    /// purchases after it ([`HoldoutComparison`]).
    pub calibration_end: Option<i32>,
    /// Forecast horizon in `time_unit`s; one year (365 days, 52 weeks or 12 months) when `None`.
    pub horizon: Option<u32>,
    /// Discount rate per `time_unit` (0.002 a week is about 11 % a year).
    pub discount_rate: f64,
    /// Customers whose P(alive) is below this are flagged at risk. BG/NBD lets customers drop
    /// out only after a repeat purchase, so one-time buyers have P(alive) = 1 and are never
    /// flagged: read their `expected_purchases` instead.
    pub at_risk_threshold: f64,
    pub bgnbd: BgNbdParams,
    pub gamma_gamma: GammaGammaParams,
}

impl Default for ClvParams {
    fn default() -> Self {
        ClvParams {
            time_unit: TimeUnit::Weeks,
            observation_end: None,
            calibration_end: None,
            horizon: None,
            discount_rate: 0.0,
            at_risk_threshold: 0.5,
            bgnbd: BgNbdParams::default(),
            gamma_gamma: GammaGammaParams::default(),
        }
    }
}

/// Longest horizon accepted, in units (ten years of days).
const MAX_HORIZON: u32 = 3_660;

impl ClvParams {
    pub fn validate(&self) -> Result<(), ClvError> {
        if !(self.discount_rate.is_finite() && self.discount_rate >= 0.0) {
            return Err(ClvError::BadParam(
                "discount_rate must be a number at least 0".into(),
            ));
        }
        if !(0.0..=1.0).contains(&self.at_risk_threshold) {
            return Err(ClvError::BadParam(
                "at_risk_threshold must be between 0 and 1".into(),
            ));
        }
        if let Some(h) = self.horizon
            && !(1..=MAX_HORIZON).contains(&h)
        {
            return Err(ClvError::BadParam(format!(
                "horizon must be between 1 and {MAX_HORIZON} periods"
            )));
        }
        if let (Some(c), Some(o)) = (self.calibration_end, self.observation_end)
            && c >= o
        {
            return Err(ClvError::BadPeriods {
                calibration_end: c,
                observation_end: o,
            });
        }
        self.bgnbd.validate()?;
        self.gamma_gamma.validate()
    }

    pub fn horizon(&self) -> u32 {
        self.horizon.unwrap_or(self.time_unit.per_year())
    }
}

/// The window of the "risk of no purchase" prediction, in days.
pub const QUIET_DAYS: f64 = 90.0;

/// The risk of no purchase in the next [`QUIET_DAYS`] days, in three bands: below 1/3 low,
/// below 2/3 medium, high from 2/3 (thirds of the probability scale, as marketing platforms'
/// profiles show it: a label an adviser acts on, the probability beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskBand {
    Low,
    Medium,
    High,
}

impl RiskBand {
    pub fn of(p_no_purchase: f64) -> RiskBand {
        if p_no_purchase < 1.0 / 3.0 {
            RiskBand::Low
        } else if p_no_purchase < 2.0 / 3.0 {
            RiskBand::Medium
        } else {
            RiskBand::High
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
        }
    }
}

/// Sums over the modelled customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvTotals {
    pub customers: usize,
    pub at_risk: usize,
    pub mean_p_alive: f64,
    pub expected_purchases: f64,
    /// `None` when the spend model was not fitted.
    pub clv: Option<f64>,
}

/// What [`analyze`] found. Per-customer vectors are indexed by the transactions' customer
/// dictionary key; `None` for customers with no purchase up to the observation end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvResult {
    pub time_unit: TimeUnit,
    pub observation_end: i32,
    pub calibration_end: Option<i32>,
    pub horizon: u32,
    pub discount_rate: f64,
    pub at_risk_threshold: f64,
    /// Fitted on every customer's purchases up to the observation end.
    pub bgnbd: BgNbd,
    pub gamma_gamma: Option<GammaGamma>,
    /// Why `gamma_gamma` is `None`.
    pub gamma_gamma_skipped: Option<String>,
    pub p_alive: Vec<Option<f64>>,
    /// Expected repeat purchases over the horizon (undiscounted).
    pub expected_purchases: Vec<Option<f64>>,
    /// Expected spend per purchase (Gamma-Gamma conditional mean; the population mean for
    /// one-time buyers). Customers whose repeat days average ≤ 0 (refunds) are left out of the
    /// fit but still get their shrunk mean here, which can be negative.
    pub expected_spend: Vec<Option<f64>>,
    /// Discounted value over the horizon (see [`gamma_gamma`] for the discretisation).
    pub clv: Vec<Option<f64>>,
    pub at_risk: Vec<Option<bool>>,
    /// P(no purchase in the next [`QUIET_DAYS`] days | history) ([`BgNbd::p_no_purchase`]).
    /// This and the next three are per customer, like `p_alive`, and left out of the JSON
    /// when empty (the report keeps per-customer values in its scores, not here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub p_no_purchase: Vec<Option<f64>>,
    /// The expected day of the next purchase of a customer still active: the observation
    /// end plus the median wait ([`BgNbd::median_wait_if_alive`]), in days since 1970-01-01.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next_purchase_day: Vec<Option<i32>>,
    /// The mean number of days between purchase days (first to last over the repeat
    /// purchases); `None` for one-time buyers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_between_purchases: Vec<Option<f64>>,
    /// Total spend up to the observation end (the historic value; `clv` is the predicted one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub historic_value: Vec<Option<f64>>,
    pub totals: ClvTotals,
    /// Present when `calibration_end` was given.
    pub holdout: Option<HoldoutComparison>,
}

/// Summaries, fits, per-customer forecasts and (optionally) the holdout check in one call.
///
/// Forecasts use models fitted on all purchases up to the observation end; the holdout check
/// uses a separate fit on the calibration period only, so that the forecasts shown use all the
/// data while the check stays honest.
pub fn analyze(tx: &Transactions, params: &ClvParams) -> Result<ClvResult, ClvError> {
    params.validate()?;
    analyze_history(&summary::Histories::new(tx)?, params)
}

/// [`analyze`] on a per-customer summary computed elsewhere (a warehouse's): the same models
/// on the same quantities; keys are the summary's rows.
pub fn analyze_summary(
    s: &crate::warehouse::CustomerSummary,
    params: &ClvParams,
) -> Result<ClvResult, ClvError> {
    params.validate()?;
    analyze_history(s, params)
}

/// [`analyze`] without its holdout check (`holdout` is `None`): the forecasts alone, which the
/// analysis computes apart from the check ([`analyze_holdout`]) to share them between workers.
pub fn analyze_forecast(tx: &Transactions, params: &ClvParams) -> Result<ClvResult, ClvError> {
    params.validate()?;
    forecast(&summary::Histories::new(tx)?, params)
}

/// [`analyze`]'s holdout check alone (`None` without a `calibration_end`): with
/// [`analyze_forecast`], what `analyze` returns, errors included (the forecasts' come first).
pub fn analyze_holdout(
    tx: &Transactions,
    params: &ClvParams,
) -> Result<Option<HoldoutComparison>, ClvError> {
    // Without a check to make, nothing to read (an error here would be the forecasts' too).
    if params.calibration_end.is_none() {
        return Ok(None);
    }
    params.validate()?;
    holdout_of(&summary::Histories::new(tx)?, params)
}

/// [`analyze_forecast`] on a per-customer summary.
pub fn analyze_summary_forecast(
    s: &crate::warehouse::CustomerSummary,
    params: &ClvParams,
) -> Result<ClvResult, ClvError> {
    params.validate()?;
    forecast(s, params)
}

/// [`analyze_holdout`] on a per-customer summary.
pub fn analyze_summary_holdout(
    s: &crate::warehouse::CustomerSummary,
    params: &ClvParams,
) -> Result<Option<HoldoutComparison>, ClvError> {
    params.validate()?;
    holdout_of(s, params)
}

fn analyze_history(
    hist: &dyn summary::PurchaseHistory,
    params: &ClvParams,
) -> Result<ClvResult, ClvError> {
    let mut result = forecast(hist, params)?;
    result.holdout = holdout_of(hist, params)?;
    Ok(result)
}

/// The check of a model fitted on the purchases up to `calibration_end` against the later ones.
fn holdout_of(
    hist: &dyn summary::PurchaseHistory,
    params: &ClvParams,
) -> Result<Option<HoldoutComparison>, ClvError> {
    let Some(cal) = params.calibration_end else {
        return Ok(None);
    };
    let observation_end = params.observation_end.unwrap_or(hist.last_day() + 1);
    let ch = hist.calibration_and_holdout(cal, observation_end, params.time_unit)?;
    let model = params.bgnbd.fit(&ch.calibration)?;
    Ok(Some(holdout::compare(&model, &ch)?))
}

fn forecast(
    hist: &dyn summary::PurchaseHistory,
    params: &ClvParams,
) -> Result<ClvResult, ClvError> {
    let unit = params.time_unit;
    let observation_end = params.observation_end.unwrap_or(hist.last_day() + 1);
    let full = hist.summarise(observation_end, unit)?;
    if full.is_empty() {
        return Err(ClvError::NothingBefore {
            end: observation_end,
        });
    }
    let bg = params.bgnbd.fit(&full)?;
    let (gg, gamma_gamma_skipped) = match params.gamma_gamma.fit(&full.frequency, &full.monetary) {
        Ok(m) if m.q > 1.0 => (Some(m), None),
        Ok(m) => (
            None,
            Some(format!(
                "the spend model's q = {:.3} is not above 1: spends are too dispersed for a finite mean",
                m.q
            )),
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    let horizon = params.horizon();
    let k = hist.customers();
    let mut p_alive = vec![None; k];
    let mut expected_purchases = vec![None; k];
    let mut expected_spend = vec![None; k];
    let mut clv = vec![None; k];
    let mut at_risk = vec![None; k];
    let mut p_no_purchase = vec![None; k];
    let mut next_purchase_day = vec![None; k];
    let mut days_between_purchases = vec![None; k];
    let mut historic_value = vec![None; k];
    let spent = hist.spend_until(observation_end);
    let quiet = QUIET_DAYS / unit.days();
    let mut totals = ClvTotals {
        customers: full.len(),
        at_risk: 0,
        mean_p_alive: 0.0,
        expected_purchases: 0.0,
        clv: gg.as_ref().map(|_| 0.0),
    };
    let triples: Vec<(u32, f64, f64)> = (0..full.len())
        .map(|i| (full.frequency[i], full.recency[i], full.t[i]))
        .collect();
    let forecasts = bg.horizon_purchases(&triples, horizon, params.discount_rate)?;
    for (i, &(discounted, expected)) in forecasts.iter().enumerate() {
        let c = full.key[i] as usize;
        let (x, tx_, t) = triples[i];
        let pa = bg.p_alive(x, tx_, t);
        let risky = pa < params.at_risk_threshold;
        p_alive[c] = Some(pa);
        at_risk[c] = Some(risky);
        expected_purchases[c] = Some(expected);
        p_no_purchase[c] = Some(bg.p_no_purchase(quiet, x, tx_, t));
        let wait = bg.median_wait_if_alive(x, t) * unit.days();
        next_purchase_day[c] = wait
            .is_finite()
            .then(|| observation_end + wait.round().min(f64::from(i32::MAX / 2)) as i32);
        days_between_purchases[c] = (x > 0).then(|| tx_ * unit.days() / f64::from(x));
        historic_value[c] = Some(spent[c]);
        totals.mean_p_alive += pa;
        totals.at_risk += usize::from(risky);
        totals.expected_purchases += expected;
        if let Some(g) = &gg {
            let spend = g.conditional_expected_spend(x, full.monetary[i]);
            expected_spend[c] = Some(spend);
            clv[c] = Some(spend * discounted);
            if let Some(total) = totals.clv.as_mut() {
                *total += spend * discounted;
            }
        }
    }
    totals.mean_p_alive /= full.len() as f64;
    Ok(ClvResult {
        time_unit: unit,
        observation_end,
        calibration_end: params.calibration_end,
        horizon,
        discount_rate: params.discount_rate,
        at_risk_threshold: params.at_risk_threshold,
        bgnbd: bg,
        gamma_gamma: gg,
        gamma_gamma_skipped,
        p_alive,
        expected_purchases,
        expected_spend,
        clv,
        at_risk,
        p_no_purchase,
        next_purchase_day,
        days_between_purchases,
        historic_value,
        totals,
        holdout: None,
    })
}
