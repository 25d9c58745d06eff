//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): how many times a
//! customer will buy again and whether they are still "alive", from (frequency, recency, T)
//! alone.
//!
//! The log-likelihood is equation (6) of the paper. Two implementation choices keep a fit on
//! tens of thousands of customers within milliseconds:
//! - identical (x, t_x, T) rows are fitted once with a weight (daily data repeat a lot);
//! - for integer x, lnΓ(r+x) − lnΓ(r) = Σ_{k<x} ln(r+k): those sums and their derivatives are
//!   tabulated once per evaluation for x = 0..max x, so each customer costs two logarithms and
//!   one exponential, and the gradient is analytic (BFGS, see [`super::optim`]).
//!
//! Conditional expectations need ₂F₁(r+x, b+x; a+b+x−1; z), whose terms grow like (x·z)ⁿ for
//! frequent buyers before decaying. Euler's transformation turns it into
//! (1−z)^(a−1−r−x) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose terms only shrink; the power cancels
//! against the paper's ((α+T)/(α+T+t))^(r+x) factor.

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::optim::{self, Options};
use super::special::{hyp2f1, ln_gamma};
use super::summary::Summary;
use super::{ClvError, check_summary};

/// Fitting options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BgNbdParams {
    pub max_iterations: usize,
    /// Gradient tolerance on the mean log-likelihood per customer, in log-parameters.
    pub tolerance: f64,
}

impl Default for BgNbdParams {
    fn default() -> Self {
        BgNbdParams {
            max_iterations: 500,
            tolerance: 1e-9,
        }
    }
}

/// Fitted BG/NBD: λ ~ Gamma(r, α) purchase rates, p ~ Beta(a, b) drop-out probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// Log-likelihood at the estimate, summed over customers.
    pub log_likelihood: f64,
    /// Customers fitted.
    pub n: usize,
    pub iterations: usize,
    pub converged: bool,
}

impl BgNbdParams {
    pub fn validate(&self) -> Result<(), ClvError> {
        if self.max_iterations == 0 {
            return Err(ClvError::BadParam(
                "max_iterations must be at least 1".into(),
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(ClvError::BadParam(
                "tolerance must be a positive number".into(),
            ));
        }
        Ok(())
    }

    /// Fits on a summary.
    pub fn fit(&self, s: &Summary) -> Result<BgNbd, ClvError> {
        self.fit_data(&s.frequency, &s.recency, &s.t)
    }

    /// Fits on parallel (frequency, recency, T) columns.
    pub fn fit_data(
        &self,
        frequency: &[u32],
        recency: &[f64],
        t: &[f64],
    ) -> Result<BgNbd, ClvError> {
        self.validate()?;
        check_summary(frequency, recency, t)?;
        if frequency.iter().all(|&x| x == 0) {
            return Err(ClvError::NoRepeatPurchases);
        }
        let data = Compressed::new(frequency, recency, t);
        let total = data.w.iter().sum::<f64>();
        let mut work = Work::new(data.max_x);
        let m = optim::bfgs(
            |p, g| {
                let (ll, grad) = work.eval(&data, p);
                for i in 0..4 {
                    g[i] = -grad[i] / total;
                }
                -ll / total
            },
            &[0.0; 4],
            Options {
                max_iterations: self.max_iterations,
                gradient_tolerance: self.tolerance,
            },
        );
        let [r, alpha, a, b] = [m.x[0].exp(), m.x[1].exp(), m.x[2].exp(), m.x[3].exp()];
        let log_likelihood = log_likelihood(r, alpha, a, b, frequency, recency, t);
        if !log_likelihood.is_finite() || ![r, alpha, a, b].iter().all(|v| v.is_finite()) {
            return Err(ClvError::NoFit("BG/NBD".into()));
        }
        Ok(BgNbd {
            r,
            alpha,
            a,
            b,
            log_likelihood,
            n: frequency.len(),
            iterations: m.iterations,
            converged: m.converged,
        })
    }
}

/// Sum of the paper's log-likelihood (its equation 6) over customers, with ln Γ evaluated
/// directly (the fit uses the tabulated form; this is the plain reference).
pub fn log_likelihood(
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    frequency: &[u32],
    recency: &[f64],
    t: &[f64],
) -> f64 {
    let mut sum = 0.0;
    for ((&x, &tx), &tt) in frequency.iter().zip(recency).zip(t) {
        let xf = f64::from(x);
        let a1 = ln_gamma(r + xf) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + xf) - ln_gamma(b) - ln_gamma(a + b + xf);
        let a3 = -(r + xf) * (alpha + tt).ln();
        let l = if x > 0 {
            let a4 = a.ln() - (b + xf - 1.0).ln() - (r + xf) * (alpha + tx).ln();
            log_add_exp(a3, a4)
        } else {
            a3
        };
        sum += a1 + a2 + l;
    }
    sum
}

fn log_add_exp(u: f64, v: f64) -> f64 {
    let m = u.max(v);
    m + ((u - m).exp() + (v - m).exp()).ln()
}

/// Identical rows merged, with weights.
struct Compressed {
    x: Vec<u32>,
    tx: Vec<f64>,
    t: Vec<f64>,
    w: Vec<f64>,
    max_x: usize,
    /// Each row's T and t_x as indices into the distinct values: the logarithms of
    /// α + T and α + t_x are then taken once per distinct value and evaluation (customers
    /// share few T and t_x values: whole days), not once per row.
    t_at: Vec<u32>,
    tx_at: Vec<u32>,
    t_values: Vec<f64>,
    tx_values: Vec<f64>,
}

fn distinct_index(values: &[f64]) -> (Vec<u32>, Vec<f64>) {
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut distinct = Vec::new();
    let at = values
        .iter()
        .map(|&v| {
            *index.entry(v.to_bits()).or_insert_with(|| {
                distinct.push(v);
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    (at, distinct)
}

impl Compressed {
    fn new(frequency: &[u32], recency: &[f64], t: &[f64]) -> Self {
        let mut index: HashMap<(u32, u64, u64), usize> = HashMap::new();
        let mut c = Compressed {
            x: Vec::new(),
            tx: Vec::new(),
            t: Vec::new(),
            w: Vec::new(),
            max_x: 0,
            t_at: Vec::new(),
            tx_at: Vec::new(),
            t_values: Vec::new(),
            tx_values: Vec::new(),
        };
        for ((&x, &tx), &tt) in frequency.iter().zip(recency).zip(t) {
            // Recency is irrelevant when x = 0 (it is 0 by convention).
            let tx = if x == 0 { 0.0 } else { tx };
            let k = (x, tx.to_bits(), tt.to_bits());
            let i = *index.entry(k).or_insert_with(|| {
                c.x.push(x);
                c.tx.push(tx);
                c.t.push(tt);
                c.w.push(0.0);
                c.x.len() - 1
            });
            c.w[i] += 1.0;
            c.max_x = c.max_x.max(x as usize);
        }
        (c.t_at, c.t_values) = distinct_index(&c.t);
        (c.tx_at, c.tx_values) = distinct_index(&c.tx);
        c
    }
}

/// Per-x tables reused across evaluations.
struct Work {
    /// Σ_{k<x} ln(θ+k) and Σ_{k<x} 1/(θ+k) for θ = r, b, a+b.
    sr: Vec<f64>,
    dr: Vec<f64>,
    sb: Vec<f64>,
    db: Vec<f64>,
    sab: Vec<f64>,
    dab: Vec<f64>,
    /// ln(b + x − 1) per x ≥ 1.
    lbx: Vec<f64>,
    /// ln(α + v) and α + v per distinct T and t_x.
    lt: Vec<f64>,
    alpha_t: Vec<f64>,
    ltx: Vec<f64>,
    alpha_tx: Vec<f64>,
}

impl Work {
    fn new(max_x: usize) -> Self {
        let v = || vec![0.0; max_x + 1];
        Work {
            sr: v(),
            dr: v(),
            sb: v(),
            db: v(),
            sab: v(),
            dab: v(),
            lbx: v(),
            lt: Vec::new(),
            alpha_t: Vec::new(),
            ltx: Vec::new(),
            alpha_tx: Vec::new(),
        }
    }

    fn tabulate(s: &mut [f64], d: &mut [f64], theta: f64) {
        s[0] = 0.0;
        d[0] = 0.0;
        for k in 1..s.len() {
            let v = theta + (k - 1) as f64;
            s[k] = s[k - 1] + v.ln();
            d[k] = d[k - 1] + 1.0 / v;
        }
    }

    /// Log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b).
    fn eval(&mut self, c: &Compressed, p: &[f64]) -> (f64, [f64; 4]) {
        let (r, alpha, a, b) = (p[0].exp(), p[1].exp(), p[2].exp(), p[3].exp());
        Self::tabulate(&mut self.sr, &mut self.dr, r);
        Self::tabulate(&mut self.sb, &mut self.db, b);
        Self::tabulate(&mut self.sab, &mut self.dab, a + b);
        let ln_alpha = alpha.ln();
        let ln_a = a.ln();
        for (x, l) in self.lbx.iter_mut().enumerate().skip(1) {
            *l = (b + x as f64 - 1.0).ln();
        }
        let logs = |values: &[f64], ln: &mut Vec<f64>, shifted: &mut Vec<f64>| {
            ln.clear();
            shifted.clear();
            for &v in values {
                ln.push((alpha + v).ln());
                shifted.push(alpha + v);
            }
        };
        logs(&c.t_values, &mut self.lt, &mut self.alpha_t);
        logs(&c.tx_values, &mut self.ltx, &mut self.alpha_tx);
        let mut ll = 0.0;
        let (mut gr, mut galpha, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..c.x.len() {
            let x = c.x[i] as usize;
            let w = c.w[i];
            let xf = x as f64;
            let rx = r + xf;
            let a12 = self.sr[x] + r * ln_alpha + self.sb[x] - self.sab[x];
            let ti = c.t_at[i] as usize;
            let lt = self.lt[ti];
            let at = self.alpha_t[ti];
            let a3 = -rx * lt;
            let mut dr = self.dr[x] + ln_alpha;
            let mut dalpha = r / alpha;
            let mut da = -self.dab[x];
            let mut db = self.db[x] - self.dab[x];
            let l;
            if x > 0 {
                let txi = c.tx_at[i] as usize;
                let ltx = self.ltx[txi];
                let atx = self.alpha_tx[txi];
                let bx1 = b + xf - 1.0;
                let a4 = ln_a - self.lbx[x] - rx * ltx;
                // w3 = e^a3 / (e^a3 + e^a4), computed without overflow.
                let (m, e) = if a3 >= a4 {
                    (a3, (a4 - a3).exp())
                } else {
                    (a4, (a3 - a4).exp())
                };
                l = m + e.ln_1p();
                let (w3, w4) = if a3 >= a4 {
                    (1.0 / (1.0 + e), e / (1.0 + e))
                } else {
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                };
                dr -= w3 * lt + w4 * ltx;
                dalpha -= rx * (w3 / at + w4 / atx);
                da += w4 / a;
                db -= w4 / bx1;
            } else {
                l = a3;
                dr -= lt;
                dalpha -= rx / at;
            }
            ll += w * (a12 + l);
            gr += w * dr;
            galpha += w * dalpha;
            ga += w * da;
            gb += w * db;
        }
        (ll, [gr * r, galpha * alpha, ga * a, gb * b])
    }
}

impl BgNbd {
    /// Probability that a customer with this history is still alive at T.
    pub fn p_alive(&self, x: u32, t_x: f64, t: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let xf = f64::from(x);
        let log_odds = (self.r + xf) * ((self.alpha + t) / (self.alpha + t_x)).ln()
            + (self.a / (self.b + xf - 1.0)).ln();
        // 1 / (1 + e^log_odds), stable for large log_odds.
        if log_odds > 0.0 {
            let e = (-log_odds).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + log_odds.exp())
        }
    }

    /// Whether P(alive) is below `threshold`.
    pub fn is_at_risk(&self, x: u32, t_x: f64, t: f64, threshold: f64) -> bool {
        self.p_alive(x, t_x, t) < threshold
    }

    /// E[X(T, T+t) | x, t_x, T]: expected repeat purchases in the next `t` periods (paper's
    /// equation 10).
    pub fn conditional_expected_purchases(
        &self,
        t: f64,
        x: u32,
        t_x: f64,
        big_t: f64,
    ) -> Result<f64, ClvError> {
        if t <= 0.0 {
            return Ok(0.0);
        }
        around_one(self.a, |a| {
            Ok(self.factor_at(a, x, t_x, big_t) * (1.0 - self.tail_at(a, x, big_t, t)?))
        })
    }

    /// `tail(t)` of E[X(T, T+t) | x, t_x, T] = factor(x, t_x, T) · (1 − tail(t; x, T)) at
    /// dropout parameter `a`: the hypergeometric part, which does not depend on t_x.
    fn tail_at(&self, a: f64, x: u32, big_t: f64, t: f64) -> Result<f64, ClvError> {
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let xf = f64::from(x);
        let z = t / (alpha + big_t + t);
        // Euler's form keeps the terms small for frequent buyers; when a and b are huge
        // (a dropout rate the data pins down with near certainty) its series is the slow
        // one and the paper's own form converges fast instead.
        let euler = || {
            hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + xf - 1.0, z)
                .map(|f| (1.0 - z).powf(a - 1.0) * f)
        };
        let paper =
            || hyp2f1(r + xf, b + xf, a + b + xf - 1.0, z).map(|f| (1.0 - z).powf(r + xf) * f);
        // Each series needs about (its large parameter) · z / (1 - z) terms before they
        // shrink: a - 1 for Euler's, r + x for the paper's. Take the shorter one.
        if a - 1.0 <= r + xf {
            euler().or_else(|_| paper())
        } else {
            paper().or_else(|_| euler())
        }
    }

    /// `factor(x, t_x, T)` of the split above at dropout parameter `a`.
    fn factor_at(&self, a: f64, x: u32, t_x: f64, big_t: f64) -> f64 {
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let xf = f64::from(x);
        let denominator = if x > 0 {
            1.0 + a / (b + xf - 1.0) * ((r + xf) * ((alpha + big_t) / (alpha + t_x)).ln()).exp()
        } else {
            1.0
        };
        (a + b + xf - 1.0) / (a - 1.0) / denominator
    }

    /// Expected repeat purchases over the next `horizon` periods, discounted at
    /// `discount_rate` per period (purchases of period k weigh 1 / (1 + rate)^k) and not,
    /// for every customer of `customers` (x, t_x, T).
    ///
    /// Equal to summing the per-period increments of [`Self::conditional_expected_purchases`],
    /// but the hypergeometric part depends on x and T only, so it is evaluated once per
    /// distinct (x, T) and horizon step and shared: customers of a data set share few
    /// (x, T) pairs, and this is most of the CLV step's time.
    pub fn horizon_purchases(
        &self,
        customers: &[(u32, f64, f64)],
        horizon: u32,
        discount_rate: f64,
    ) -> Result<Vec<(f64, f64)>, ClvError> {
        if (self.a - 1.0).abs() < AROUND_ONE {
            // The removable singularity: the plain path averages both sides of it.
            return customers
                .iter()
                .map(|&(x, t_x, t)| self.discounted_purchases(x, t_x, t, horizon, discount_rate))
                .collect();
        }
        let mut curves: hashbrown::HashMap<(u32, u64), (f64, f64)> = hashbrown::HashMap::new();
        let mut out = Vec::with_capacity(customers.len());
        for &(x, t_x, big_t) in customers {
            let key = (x, big_t.to_bits());
            let (discounted, total) = match curves.get(&key) {
                Some(&c) => c,
                None => {
                    let c = self.curve(x, big_t, horizon, discount_rate)?;
                    curves.insert(key, c);
                    c
                }
            };
            let f = self.factor_at(self.a, x, t_x, big_t);
            out.push((f * discounted, f * total));
        }
        Ok(out)
    }

    /// Σ_k (tail(k−1) − tail(k)) / (1 + rate)^k and 1 − tail(horizon), with tail(0) = 1.
    fn curve(&self, x: u32, big_t: f64, horizon: u32, rate: f64) -> Result<(f64, f64), ClvError> {
        if horizon == 0 {
            return Ok((0.0, 0.0));
        }
        if rate == 0.0 {
            let bracket = 1.0 - self.tail_at(self.a, x, big_t, f64::from(horizon))?;
            return Ok((bracket, bracket));
        }
        let (mut sum, mut prev, mut weight) = (0.0, 1.0, 1.0);
        for k in 1..=horizon {
            let cur = self.tail_at(self.a, x, big_t, f64::from(k))?;
            weight /= 1.0 + rate;
            sum += (prev - cur) * weight;
            prev = cur;
        }
        Ok((sum, 1.0 - prev))
    }

    /// One customer's (discounted, undiscounted) expected purchases over `horizon` periods,
    /// from the per-period increments of [`Self::conditional_expected_purchases`].
    pub fn discounted_purchases(
        &self,
        x: u32,
        t_x: f64,
        t: f64,
        horizon: u32,
        discount_rate: f64,
    ) -> Result<(f64, f64), ClvError> {
        if discount_rate == 0.0 {
            // Undiscounted, the increments telescope: one evaluation instead of `horizon`.
            let total = self.conditional_expected_purchases(f64::from(horizon), x, t_x, t)?;
            return Ok((total, total));
        }
        let (mut total, mut prev, mut factor) = (0.0, 0.0, 1.0);
        for k in 1..=horizon {
            let cur = self.conditional_expected_purchases(f64::from(k), x, t_x, t)?;
            factor /= 1.0 + discount_rate;
            total += (cur - prev) * factor;
            prev = cur;
        }
        Ok((total, prev))
    }

    /// E[X(t)]: expected repeat purchases of a new customer in their first `t` periods (paper's
    /// equation 7).
    pub fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        if t <= 0.0 {
            return Ok(0.0);
        }
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let z = t / (alpha + t);
        let at_a = |a: f64| -> Result<f64, ClvError> {
            let f = hyp2f1(r, b, a + b - 1.0, z)?;
            Ok((a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)).powf(r) * f))
        };
        around_one(self.a, at_a)
    }
}

/// The expectations have a removable singularity at a = 1; evaluate on both sides there.
const AROUND_ONE: f64 = 1e-6;

fn around_one(a: f64, f: impl Fn(f64) -> Result<f64, ClvError>) -> Result<f64, ClvError> {
    const H: f64 = AROUND_ONE;
    if (a - 1.0).abs() < H {
        Ok(0.5 * (f(1.0 - H)? + f(1.0 + H)?))
    } else {
        f(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared-curve forecasts equal the per-customer sums of increments.
    #[test]
    fn horizon_purchases_match_the_increments() {
        let m = BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
            n: 0,
            iterations: 0,
            converged: true,
        };
        let customers: Vec<(u32, f64, f64)> = (0..200u32)
            .map(|i| {
                let x = i % 7;
                let big_t = 20.0 + f64::from(i % 13) * 1.5;
                let t_x = if x == 0 {
                    0.0
                } else {
                    big_t * f64::from(i % 5) / 5.0
                };
                (x, t_x, big_t)
            })
            .collect();
        for rate in [0.0, 0.01] {
            let shared = m.horizon_purchases(&customers, 39, rate).unwrap();
            for (&(x, t_x, t), &(d, e)) in customers.iter().zip(&shared) {
                let (d0, e0) = m.discounted_purchases(x, t_x, t, 39, rate).unwrap();
                assert!(
                    (d - d0).abs() <= 1e-12 * d0.abs().max(1.0),
                    "{x} {t_x} {t}: {d} vs {d0}"
                );
                assert!(
                    (e - e0).abs() <= 1e-12 * e0.abs().max(1.0),
                    "{x} {t_x} {t}: {e} vs {e0}"
                );
            }
        }
    }

    /// A fit with huge a and b (the dropout rate pinned down exactly, as on data that no
    /// customer really leaves) made Euler's series crawl; the paper's form converges. Values
    /// from mpmath at 40 digits (hyp2f1 of the paper's equation 10).
    #[test]
    fn conditional_expectation_with_huge_a_and_b() {
        let m = BgNbd {
            r: 1.04,
            alpha: 1.73,
            a: 4e12,
            b: 5.3e13,
            log_likelihood: 0.0,
            n: 0,
            iterations: 0,
            converged: true,
        };
        let e3 = m
            .conditional_expected_purchases(52.0, 3, 40.0, 60.0)
            .unwrap();
        assert!((e3 - 2.158_480_747_510_896_8).abs() < 1e-9 * e3, "{e3}");
        let e0 = m
            .conditional_expected_purchases(52.0, 0, 0.0, 60.0)
            .unwrap();
        assert!((e0 - 0.826_235_037_269_930_8).abs() < 1e-9 * e0, "{e0}");
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let freq = [0, 1, 2, 5, 0, 3];
        let rec = [0.0, 3.0, 10.0, 30.0, 0.0, 12.5];
        let t = [40.0, 38.0, 35.0, 39.0, 20.0, 30.0];
        let c = Compressed::new(&freq, &rec, &t);
        let mut w = Work::new(c.max_x);
        let p = [(-1.2f64), 1.5, -0.2, 0.9];
        let (ll, g) = w.eval(&c, &p);
        let direct = log_likelihood(
            p[0].exp(),
            p[1].exp(),
            p[2].exp(),
            p[3].exp(),
            &freq,
            &rec,
            &t,
        );
        assert!((ll - direct).abs() < 1e-9, "{ll} vs {direct}");
        for i in 0..4 {
            let h = 1e-6;
            let mut up = p;
            up[i] += h;
            let mut down = p;
            down[i] -= h;
            let num = (w.eval(&c, &up).0 - w.eval(&c, &down).0) / (2.0 * h);
            assert!(
                (g[i] - num).abs() < 1e-5,
                "component {i}: {} vs {num}",
                g[i]
            );
        }
    }
}
