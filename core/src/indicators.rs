//! Commercial indicators per period, overall and per slice (channel, region, segment…).
//!
//! Definitions (the tests compute them by hand):
//! - revenue = sum of amounts; orders = rows; active customers = distinct customers with a row;
//! - new customers = active customers whose first purchase in the whole data falls in the
//!   period; returning = active − new. In a slice, "new" still means new to the business: a
//!   store customer's first web order is returning in the web slice;
//! - average basket = revenue / orders; purchase frequency = orders / active customers;
//! - churn rate = share of the customers active in the previous period (of the same slice)
//!   who have no row in this one; `None` for the first period and after an empty period;
//! - CLV (when a per-customer value is given) = sum of that value over the period's active
//!   customers;
//! - each measure's change vs the previous period (and vs the same period a year earlier): absolute, and relative to the previous
//!   value's magnitude; the change is `None` for the first period or when either value is
//!   missing, the relative change when the previous value is 0;
//! - periods run without gaps from the first to the last period of the data, for the total
//!   and every slice alike, so tables line up.
//!
//! A slice is a label per row (a transaction attribute, e.g. channel: a customer can be in
//! several slices) or per customer (e.g. region or cluster: exactly one). Revenue and orders
//! of the slices always add up to the total; customer counts add up only for per-customer
//! slices. Rows or customers without a label form the slice `null`, listed last.

use arrow_array::Array;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::ingest::date::format_days;
use crate::period::{Period, PeriodTable};
use crate::transactions::Transactions;

/// Errors of the indicators family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    #[error("there are no transactions to measure")]
    NoTransactions,
    #[error("the slice column has {len} values, expected {expected} (one per {per})")]
    SliceLength {
        len: usize,
        expected: usize,
        per: &'static str,
    },
    #[error("the CLV column has {len} values, expected one per customer ({expected})")]
    ClvLength { len: usize, expected: usize },
    #[error("the slice column has more than {max} distinct values", max = MAX_SLICES)]
    TooManySlices,
    #[error("{periods} periods are too many (limit {max}): choose a longer period", max = MAX_PERIODS)]
    TooManyPeriods { periods: usize },
}

/// Distinct slice values accepted (a slice column is categorical, not an id).
pub const MAX_SLICES: usize = 10_000;
/// Periods accepted (65,535 keeps a period in 16 bits).
pub const MAX_PERIODS: usize = 65_535;

/// Indicator parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorParams {
    pub period: Period,
}

impl Default for IndicatorParams {
    fn default() -> Self {
        IndicatorParams {
            period: Period::Month,
        }
    }
}

impl IndicatorParams {
    pub fn validate(&self) -> Result<(), IndicatorError> {
        Ok(())
    }
}

/// A categorical column to slice by.
#[derive(Debug, Clone, Copy)]
pub enum Slice<'a> {
    /// One label per transaction row.
    Rows(&'a [Option<&'a str>]),
    /// One label per customer, indexed like [`Transactions::customer_ids`].
    Customers(&'a [Option<&'a str>]),
}

/// Change of a measure vs the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub absolute: f64,
    /// `absolute / |previous|`; `None` when the previous value is 0.
    pub relative: Option<f64>,
}

/// Changes of every measure vs the previous period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub revenue: Option<Change>,
    pub orders: Option<Change>,
    pub active_customers: Option<Change>,
    pub new_customers: Option<Change>,
    pub returning_customers: Option<Change>,
    pub average_basket: Option<Change>,
    pub purchase_frequency: Option<Change>,
    pub churn_rate: Option<Change>,
    pub clv: Option<Change>,
}

/// Indicators of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodIndicators {
    pub label: String,
    /// First day, `yyyy-mm-dd`.
    pub start: String,
    pub revenue: f64,
    pub orders: u64,
    pub active_customers: u64,
    pub new_customers: u64,
    pub returning_customers: u64,
    pub average_basket: Option<f64>,
    pub purchase_frequency: Option<f64>,
    pub churn_rate: Option<f64>,
    pub clv: Option<f64>,
    pub change: Changes,
    /// Each measure's change vs the same period a year earlier (12 months, 4 quarters, 1
    /// year or 52 ISO weeks before); empty in the first year of the data.
    #[serde(default)]
    pub change_year: Changes,
}

/// Indicators of one slice value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceIndicators {
    /// The label; `None` for rows or customers without one.
    pub value: Option<String>,
    pub periods: Vec<PeriodIndicators>,
}

/// Result of [`indicators`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    pub period: Period,
    pub total: Vec<PeriodIndicators>,
    /// Per slice value, sorted by value, `None` last; empty without a slice column.
    pub slices: Vec<SliceIndicators>,
}

/// Raw sums of one group (total or slice) per period.
struct Acc {
    revenue: Vec<f64>,
    orders: Vec<u64>,
    active: Vec<u64>,
    new: Vec<u64>,
    churned: Vec<u64>,
    clv: Vec<f64>,
}

impl Acc {
    fn new(p: usize) -> Self {
        Acc {
            revenue: vec![0.0; p],
            orders: vec![0; p],
            active: vec![0; p],
            new: vec![0; p],
            churned: vec![0; p],
            clv: vec![0.0; p],
        }
    }
}

/// Computes the indicators per period, overall and per slice value.
pub fn indicators(
    tx: &Transactions,
    params: &IndicatorParams,
    slice: Option<Slice<'_>>,
    clv: Option<&[f64]>,
) -> Result<Indicators, IndicatorError> {
    params.validate()?;
    if tx.is_empty() {
        return Err(IndicatorError::NoTransactions);
    }
    let keys = tx.customer.keys().values();
    let n_keys = tx.customer_ids().len();
    if let Some(v) = clv
        && v.len() != n_keys
    {
        return Err(IndicatorError::ClvLength {
            len: v.len(),
            expected: n_keys,
        });
    }
    match slice {
        Some(Slice::Rows(l)) if l.len() != tx.len() => {
            return Err(IndicatorError::SliceLength {
                len: l.len(),
                expected: tx.len(),
                per: "row",
            });
        }
        Some(Slice::Customers(l)) if l.len() != n_keys => {
            return Err(IndicatorError::SliceLength {
                len: l.len(),
                expected: n_keys,
                per: "customer",
            });
        }
        _ => {}
    }
    let mut first = vec![i32::MAX; n_keys];
    let (mut min_day, mut max_day) = (i32::MAX, i32::MIN);
    for (&key, &day) in keys.iter().zip(&tx.day) {
        let f = &mut first[key as usize];
        *f = (*f).min(day);
        min_day = min_day.min(day);
        max_day = max_day.max(day);
    }
    let table = PeriodTable::new(params.period, min_day, max_day);
    let p_min = table.get(min_day);
    let n_periods = (table.get(max_day) - p_min + 1) as usize;
    if n_periods > MAX_PERIODS {
        return Err(IndicatorError::TooManyPeriods { periods: n_periods });
    }
    let first_p: Vec<u32> = first
        .iter()
        .map(|&f| {
            if f == i32::MAX {
                u32::MAX
            } else {
                (table.get(f) - p_min) as u32
            }
        })
        .collect();

    // Slice values, interned; group 0 is the total, group 1 + i the i-th value in first-seen
    // order (None included as a value).
    let mut values: Vec<Option<&str>> = Vec::new();
    let labels = match slice {
        Some(Slice::Rows(l) | Slice::Customers(l)) => Some(l),
        None => None,
    };
    let group_of: Vec<u16> = match labels {
        None => Vec::new(),
        Some(l) => {
            let mut index: HashMap<Option<&str>, u16> = HashMap::new();
            let mut out = Vec::with_capacity(l.len());
            for &v in l {
                let g = match index.get(&v) {
                    Some(&g) => g,
                    None => {
                        if values.len() >= MAX_SLICES {
                            return Err(IndicatorError::TooManySlices);
                        }
                        values.push(v);
                        let g = values.len() as u16;
                        index.insert(v, g);
                        g
                    }
                };
                out.push(g);
            }
            out
        }
    };
    let groups = 1 + values.len();
    let mut acc: Vec<Acc> = (0..groups).map(|_| Acc::new(n_periods)).collect();
    // (group, customer, period) triples, sorted and deduplicated to count customers.
    let per_row = matches!(slice, Some(Slice::Rows(_)));
    let mut triples: Vec<u64> = Vec::with_capacity(tx.len() * if groups > 1 { 2 } else { 1 });
    for (row, ((&key, &day), &amount)) in keys.iter().zip(&tx.day).zip(&tx.amount).enumerate() {
        let p = (table.get(day) - p_min) as u64;
        let triple = (u64::from(key) << 16) | p;
        let total = &mut acc[0];
        total.revenue[p as usize] += amount;
        total.orders[p as usize] += 1;
        triples.push(triple);
        if groups > 1 {
            let g = if per_row {
                group_of[row]
            } else {
                group_of[key as usize]
            };
            let a = &mut acc[g as usize];
            a.revenue[p as usize] += amount;
            a.orders[p as usize] += 1;
            triples.push((u64::from(g) << 48) | triple);
        }
    }
    triples.sort_unstable();
    triples.dedup();
    let mut prev: Option<(u64, usize)> = None; // (group and customer, period) of the last triple
    for &t in &triples {
        let gc = t >> 16;
        let p = (t & 0xFFFF) as usize;
        let g = (t >> 48) as usize;
        let c = ((t >> 16) & 0xFFFF_FFFF) as usize;
        // Churn: the previous active period of this customer, if not the one just before,
        // is followed by a period without them (within the data).
        if let Some((pgc, pp)) = prev {
            let gap = if pgc == gc {
                pp + 1 < p
            } else {
                pp + 1 < n_periods
            };
            if gap {
                acc[(pgc >> 32) as usize].churned[pp + 1] += 1;
            }
        }
        let a = &mut acc[g];
        a.active[p] += 1;
        if first_p[c] as usize == p {
            a.new[p] += 1;
        }
        if let Some(v) = clv {
            a.clv[p] += v[c];
        }
        prev = Some((gc, p));
    }
    if let Some((pgc, pp)) = prev
        && pp + 1 < n_periods
    {
        acc[(pgc >> 32) as usize].churned[pp + 1] += 1;
    }

    let finish = |a: &Acc| -> Vec<PeriodIndicators> {
        let mut out: Vec<PeriodIndicators> = Vec::with_capacity(n_periods);
        for p in 0..n_periods {
            let index = p_min + p as i32;
            let orders = a.orders[p];
            let active = a.active[p];
            let churn_rate = (p > 0 && a.active[p - 1] > 0)
                .then(|| a.churned[p] as f64 / a.active[p - 1] as f64);
            let mut cur = PeriodIndicators {
                label: params.period.label(index),
                start: format_days(params.period.start(index)),
                revenue: a.revenue[p],
                orders,
                active_customers: active,
                new_customers: a.new[p],
                returning_customers: active - a.new[p],
                average_basket: (orders > 0).then(|| a.revenue[p] / orders as f64),
                purchase_frequency: (active > 0).then(|| orders as f64 / active as f64),
                churn_rate,
                clv: clv.map(|_| a.clv[p]),
                change: Changes::default(),
                change_year: Changes::default(),
            };
            if let Some(last) = out.last() {
                cur.change = changes(last, &cur);
            }
            if let Some(year_ago) = p.checked_sub(params.period.per_year()).map(|q| &out[q]) {
                cur.change_year = changes(year_ago, &cur);
            }
            out.push(cur);
        }
        out
    };
    let total = finish(&acc[0]);
    let mut slices: Vec<SliceIndicators> = values
        .iter()
        .enumerate()
        .map(|(i, v)| SliceIndicators {
            value: v.map(str::to_string),
            periods: finish(&acc[i + 1]),
        })
        .collect();
    slices.sort_by(|a, b| match (&a.value, &b.value) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(Indicators {
        period: params.period,
        total,
        slices,
    })
}

fn change(prev: Option<f64>, cur: Option<f64>) -> Option<Change> {
    let (prev, cur) = (prev?, cur?);
    Some(Change {
        absolute: cur - prev,
        relative: (prev != 0.0).then(|| (cur - prev) / prev.abs()),
    })
}

fn changes(prev: &PeriodIndicators, cur: &PeriodIndicators) -> Changes {
    let n = |v: u64| Some(v as f64);
    Changes {
        revenue: change(Some(prev.revenue), Some(cur.revenue)),
        orders: change(n(prev.orders), n(cur.orders)),
        active_customers: change(n(prev.active_customers), n(cur.active_customers)),
        new_customers: change(n(prev.new_customers), n(cur.new_customers)),
        returning_customers: change(n(prev.returning_customers), n(cur.returning_customers)),
        average_basket: change(prev.average_basket, cur.average_basket),
        purchase_frequency: change(prev.purchase_frequency, cur.purchase_frequency),
        churn_rate: change(prev.churn_rate, cur.churn_rate),
        clv: change(prev.clv, cur.clv),
    }
}
