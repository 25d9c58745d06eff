//! Acquisition cohorts: do customers won in a given month keep buying, and how much?
//!
//! Definitions (what the tests and `tests/reference/cohort_pandas.py` pin down):
//! - a customer's cohort is the period of their first purchase in the data;
//! - offset k of a cohort is the k-th period after that one (k = 0 is the acquisition period);
//!   a row exists for every offset up to the last period in the data (later ones are not yet
//!   observable), at most `max_periods` of them;
//! - active(k) = customers of the cohort with at least one purchase in offset k; retention(k)
//!   = active(k) / cohort size, so retention(0) = 1;
//! - revenue(k) = sum of the cohort's amounts in offset k; cumulative revenue per customer(k)
//!   = revenue(0..=k) / cohort size;
//! - a repeat customer has purchases on at least two distinct days (over the whole data, not
//!   only the periods shown): a second basket on the acquisition day does not count, a second
//!   visit in the same month does;
//! - only periods in which someone was acquired appear as cohorts.
//!
//! Amounts are summed as given (no rounding: display rounds).

use arrow_array::Array;
use serde::{Deserialize, Serialize};

use crate::ingest::date::format_days;
use crate::period::{Period, PeriodTable};
use crate::transactions::Transactions;

/// Largest number of cells (cohorts × offsets) computed: weekly cohorts over a century would
/// otherwise ask for hundreds of millions.
pub const MAX_CELLS: usize = 4_000_000;

/// Errors of the cohort family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CohortError {
    #[error("there are no transactions to group into cohorts")]
    NoTransactions,
    #[error("max_periods must be at least 1")]
    BadMaxPeriods,
    #[error(
        "{cells} cohort cells are too many (limit {MAX_CELLS}): choose a longer period or set max_periods"
    )]
    TooManyCells { cells: usize },
}

/// Cohort parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CohortParams {
    pub period: Period,
    /// Offsets shown per cohort (acquisition period included); all observable when `None`.
    pub max_periods: Option<usize>,
}

impl Default for CohortParams {
    fn default() -> Self {
        CohortParams {
            period: Period::Month,
            max_periods: None,
        }
    }
}

impl CohortParams {
    pub fn validate(&self) -> Result<(), CohortError> {
        if self.max_periods == Some(0) {
            return Err(CohortError::BadMaxPeriods);
        }
        Ok(())
    }
}

/// One acquisition cohort; vectors are indexed by offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// `2024-01`, `2024-W05`, `2024-Q1`…
    pub label: String,
    /// First day of the acquisition period, `yyyy-mm-dd`.
    pub start: String,
    pub size: u64,
    pub active: Vec<u64>,
    pub retention: Vec<f64>,
    pub revenue: Vec<f64>,
    pub cumulative_revenue_per_customer: Vec<f64>,
    pub repeat_customers: u64,
    pub repeat_rate: f64,
}

/// Result of [`cohorts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohorts {
    pub period: Period,
    pub customers: u64,
    pub rows: usize,
    /// Longest row (the oldest cohort's).
    pub offsets: usize,
    pub cohorts: Vec<Cohort>,
}

/// Groups customers by acquisition period and follows each group.
pub fn cohorts(tx: &Transactions, params: &CohortParams) -> Result<Cohorts, CohortError> {
    params.validate()?;
    if tx.is_empty() {
        return Err(CohortError::NoTransactions);
    }
    let keys = tx.customer.keys().values();
    let n_keys = tx.customer_ids().len();
    let mut first = vec![i32::MAX; n_keys];
    let (mut min_day, mut max_day) = (i32::MAX, i32::MIN);
    for (&key, &day) in keys.iter().zip(&tx.day) {
        let f = &mut first[key as usize];
        *f = (*f).min(day);
        min_day = min_day.min(day);
        max_day = max_day.max(day);
    }
    let table = PeriodTable::new(params.period, min_day, max_day);
    let (p_min, p_max) = (table.get(min_day), table.get(max_day));
    let n_periods = (p_max - p_min + 1) as usize;
    let cap = params.max_periods.unwrap_or(usize::MAX);
    // Row width of the cohort acquired in period slot s.
    let width = |s: usize| (n_periods - s).min(cap);
    let mut offset_of_row = vec![0usize; n_periods];
    let mut cells = 0usize;
    for (s, o) in offset_of_row.iter_mut().enumerate() {
        *o = cells;
        cells += width(s);
    }
    if cells > MAX_CELLS {
        return Err(CohortError::TooManyCells { cells });
    }
    // Cohort slot per customer (u32::MAX: no rows).
    let slot: Vec<u32> = first
        .iter()
        .map(|&f| {
            if f == i32::MAX {
                u32::MAX
            } else {
                (table.get(f) - p_min) as u32
            }
        })
        .collect();
    let mut size = vec![0u64; n_periods];
    for &s in &slot {
        if s != u32::MAX {
            size[s as usize] += 1;
        }
    }
    let mut revenue = vec![0.0f64; cells];
    let mut repeat = vec![false; n_keys];
    // (customer, offset) pairs, deduplicated below to count each customer once per cell.
    let mut pairs: Vec<u64> = Vec::with_capacity(tx.len());
    for ((&key, &day), &amount) in keys.iter().zip(&tx.day).zip(&tx.amount) {
        let c = key as usize;
        if day != first[c] {
            repeat[c] = true;
        }
        let s = slot[c] as usize;
        let off = (table.get(day) - p_min) as usize - s;
        if off < width(s) {
            revenue[offset_of_row[s] + off] += amount;
            pairs.push((u64::from(key) << 32) | off as u64);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut active = vec![0u64; cells];
    for &p in &pairs {
        let s = slot[(p >> 32) as usize] as usize;
        active[offset_of_row[s] + (p & 0xFFFF_FFFF) as usize] += 1;
    }
    let mut repeats = vec![0u64; n_periods];
    for (c, &r) in repeat.iter().enumerate() {
        if r && slot[c] != u32::MAX {
            repeats[slot[c] as usize] += 1;
        }
    }
    let mut out = Vec::new();
    for s in 0..n_periods {
        if size[s] == 0 {
            continue;
        }
        let n = size[s] as f64;
        let range = offset_of_row[s]..offset_of_row[s] + width(s);
        let active = active[range.clone()].to_vec();
        let revenue = revenue[range].to_vec();
        let mut cum = 0.0;
        let index = p_min + s as i32;
        out.push(Cohort {
            label: params.period.label(index),
            start: format_days(params.period.start(index)),
            size: size[s],
            retention: active.iter().map(|&a| a as f64 / n).collect(),
            cumulative_revenue_per_customer: revenue
                .iter()
                .map(|&r| {
                    cum += r;
                    cum / n
                })
                .collect(),
            active,
            revenue,
            repeat_customers: repeats[s],
            repeat_rate: repeats[s] as f64 / n,
        });
    }
    Ok(Cohorts {
        period: params.period,
        customers: size.iter().sum(),
        rows: tx.len(),
        offsets: width(0),
        cohorts: out,
    })
}
