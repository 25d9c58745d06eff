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
//!
//! Degenerate fits. The likelihood's supremum can lie at infinity, where no (a, b) attains it:
//! - a → 0 or b → ∞ (the mean dropout probability a/(a+b) → 0): the data show no dropout. The
//!   limit is the NBD model (Poisson purchase rates with a gamma spread, no dropout), typical of
//!   data simulated without dropout.
//! - a, b → ∞ together with a/(a+b) → p: every customer drops out with the same probability p
//!   after each repeat purchase; the data pin down p but not how it varies between customers
//!   (seen on small synthetic files whose customers' lifetimes are not the model's).
//!
//! There the optimiser stops wherever its gradient tolerance lets it (a and b of 1e12 or more)
//! and the lnΓ differences of the reported log-likelihood lose their last digits. So every fit
//! is compared with those two limit models fitted directly (two and three parameters): when
//! the four-parameter fit improves on a limit's log-likelihood by less than
//! [`IDENTIFICATION_TOLERANCE`], the limit is the estimate, and [`BgNbd::dropout`] says so
//! ([`Dropout`]); a and b are then reported as 0 and every prediction uses the limit's closed
//! forms (P(alive) = 1 and E[X] = (r+x)t/(α+T) without dropout; with a common p,
//! P(alive) = 1 / (1 + p/(1−p) · ((α+T)/(α+t_x))^(r+x)) and
//! E[X(T, T+t)] = P(alive) · (1 − ((α+T)/(α+T+pt))^(r+x)) / p, the limits of the paper's
//! equations, checked against mpmath at extreme a and b in `tests/reference/hyp2f1_mpmath.py`).

use crate::math::Portable;
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

/// A four-parameter fit must beat each limit model's log-likelihood by this much (summed over
/// customers) to count as identified. Well below any difference the data could support (a
/// likelihood ratio of 1.01), and well above where the optimiser stops on its way to a limit
/// (its gradient tolerance leaves less than 1e-9 per customer: 1e-3 on a million customers).
pub const IDENTIFICATION_TOLERANCE: f64 = 0.01;

/// What the data say about dropout (see the module doc).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Dropout {
    /// Dropout probabilities vary between customers as Beta(a, b), both finite.
    #[default]
    Identified,
    /// a and b run to infinity with a/(a+b) → `p`: every customer drops out with probability
    /// `p` after each repeat purchase. a and b are reported as 0.
    SameForEveryone { p: f64, reason: String },
    /// No dropout identified on this data (a/(a+b) → 0): every customer counts as still
    /// active (P(alive) = 1) and expected purchases follow the NBD model of r and α. a and b
    /// are reported as 0.
    NotIdentified { reason: String },
}

/// Fitted BG/NBD: λ ~ Gamma(r, α) purchase rates, p ~ Beta(a, b) drop-out probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    /// 0 when `dropout` is not [`Dropout::Identified`] (there is no finite estimate).
    pub a: f64,
    pub b: f64,
    /// Log-likelihood at the estimate, summed over customers (of the limit model when
    /// `dropout` names one).
    pub log_likelihood: f64,
    /// Customers fitted.
    pub n: usize,
    pub iterations: usize,
    pub converged: bool,
    /// Whether dropout was identified; reports written before this field read as identified.
    #[serde(default)]
    pub dropout: Dropout,
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
        let [r, alpha, a, b] = [
            m.x[0].det_exp(),
            m.x[1].det_exp(),
            m.x[2].det_exp(),
            m.x[3].det_exp(),
        ];
        // The tabulated sums stay exact where lnΓ differences of huge a and b do not.
        let full = -m.value * total;
        if !full.is_finite() || ![r, alpha, a, b].iter().all(|v| v.is_finite()) {
            return Err(ClvError::NoFit("BG/NBD".into()));
        }
        let options = Options {
            max_iterations: self.max_iterations,
            gradient_tolerance: self.tolerance,
        };
        let limit = |kind: Limit, x0: &[f64]| {
            let mut work = Work::new(data.max_x);
            let m = optim::bfgs(
                |p, g| {
                    let (ll, grad) = work.eval_limit(&data, kind, p);
                    for (gi, di) in g.iter_mut().zip(&grad) {
                        *gi = -di / total;
                    }
                    -ll / total
                },
                x0,
                options,
            );
            (-m.value * total, m)
        };
        let n = frequency.len();
        let (ll0, m0) = limit(Limit::NoDropout, &[r.det_ln(), alpha.det_ln()]);
        if ll0.is_finite() && full - ll0 < IDENTIFICATION_TOLERANCE {
            return Ok(BgNbd {
                r: m0.x[0].det_exp(),
                alpha: m0.x[1].det_exp(),
                a: 0.0,
                b: 0.0,
                log_likelihood: ll0,
                n,
                iterations: m0.iterations,
                converged: m0.converged,
                dropout: Dropout::NotIdentified {
                    reason: format!(
                        "no dropout identified on this data: the fit improves as dropout \
                         vanishes (the model without dropout is within {IDENTIFICATION_TOLERANCE} \
                         of the best log-likelihood), so every customer counts as still active \
                         (P(alive) = 1) and expected purchases follow the purchase rates alone \
                         (NBD model)"
                    ),
                },
            });
        }
        let p0 = (a / (a + b)).clamp(1e-6, 1.0 - 1e-6);
        let (ll1, m1) = limit(
            Limit::SameDropout,
            &[r.det_ln(), alpha.det_ln(), (p0 / (1.0 - p0)).det_ln()],
        );
        if ll1.is_finite() && full - ll1 < IDENTIFICATION_TOLERANCE {
            let p = logistic(m1.x[2]);
            return Ok(BgNbd {
                r: m1.x[0].det_exp(),
                alpha: m1.x[1].det_exp(),
                a: 0.0,
                b: 0.0,
                log_likelihood: ll1,
                n,
                iterations: m1.iterations,
                converged: m1.converged,
                dropout: Dropout::SameForEveryone {
                    p,
                    reason: format!(
                        "dropout identified, but not how it varies between customers: a and b \
                         grow without bound (a model with one dropout probability is within \
                         {IDENTIFICATION_TOLERANCE} of the best log-likelihood), so every \
                         customer is taken to drop out with probability {p:.4} after each \
                         repeat purchase"
                    ),
                },
            });
        }
        let log_likelihood = log_likelihood(r, alpha, a, b, frequency, recency, t);
        if !log_likelihood.is_finite() {
            return Err(ClvError::NoFit("BG/NBD".into()));
        }
        Ok(BgNbd {
            r,
            alpha,
            a,
            b,
            log_likelihood,
            n,
            iterations: m.iterations,
            converged: m.converged,
            dropout: Dropout::Identified,
        })
    }
}

/// The limits of the BG/NBD likelihood at the edge of its parameter space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// a/(a+b) → 0: the NBD model; parameters (ln r, ln α).
    NoDropout,
    /// a, b → ∞ with a/(a+b) → p: parameters (ln r, ln α, logit p).
    SameDropout,
}

fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).det_exp())
    } else {
        let e = z.det_exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).det_exp().det_ln_1p()
    } else {
        z.det_exp().det_ln_1p()
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
        let a1 = ln_gamma(r + xf) - ln_gamma(r) + r * alpha.det_ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + xf) - ln_gamma(b) - ln_gamma(a + b + xf);
        let a3 = -(r + xf) * (alpha + tt).det_ln();
        let l = if x > 0 {
            let a4 = a.det_ln() - (b + xf - 1.0).det_ln() - (r + xf) * (alpha + tx).det_ln();
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
    m + ((u - m).det_exp() + (v - m).det_exp()).det_ln()
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
        let mut counts: HashMap<(u32, u64, u64), f64> = HashMap::new();
        for ((&x, &tx), &tt) in frequency.iter().zip(recency).zip(t) {
            // Recency is irrelevant when x = 0 (it is 0 by convention).
            let tx = if x == 0 { 0.0 } else { tx };
            *counts.entry((x, tx.to_bits(), tt.to_bits())).or_insert(0.0) += 1.0;
        }
        // In one fixed order (the customers' order does not matter): the likelihood's sums,
        // and so the fit, are then the same for the same customers listed in any order (a
        // summary from a warehouse lists them by id, a file by first purchase).
        let mut triples: Vec<((u32, u64, u64), f64)> = counts.into_iter().collect();
        triples.sort_unstable_by_key(|&(k, _)| k);
        let mut c = Compressed {
            x: Vec::with_capacity(triples.len()),
            tx: Vec::with_capacity(triples.len()),
            t: Vec::with_capacity(triples.len()),
            w: Vec::with_capacity(triples.len()),
            max_x: 0,
            t_at: Vec::new(),
            tx_at: Vec::new(),
            t_values: Vec::new(),
            tx_values: Vec::new(),
        };
        for ((x, tx, tt), w) in triples {
            c.x.push(x);
            c.tx.push(f64::from_bits(tx));
            c.t.push(f64::from_bits(tt));
            c.w.push(w);
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
            s[k] = s[k - 1] + v.det_ln();
            d[k] = d[k - 1] + 1.0 / v;
        }
    }

    /// Log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b).
    fn eval(&mut self, c: &Compressed, p: &[f64]) -> (f64, [f64; 4]) {
        let (r, alpha, a, b) = (
            p[0].det_exp(),
            p[1].det_exp(),
            p[2].det_exp(),
            p[3].det_exp(),
        );
        Self::tabulate(&mut self.sr, &mut self.dr, r);
        Self::tabulate(&mut self.sb, &mut self.db, b);
        Self::tabulate(&mut self.sab, &mut self.dab, a + b);
        let ln_alpha = alpha.det_ln();
        let ln_a = a.det_ln();
        for (x, l) in self.lbx.iter_mut().enumerate().skip(1) {
            *l = (b + x as f64 - 1.0).det_ln();
        }
        let logs = |values: &[f64], ln: &mut Vec<f64>, shifted: &mut Vec<f64>| {
            ln.clear();
            shifted.clear();
            for &v in values {
                ln.push((alpha + v).det_ln());
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
                    (a3, (a4 - a3).det_exp())
                } else {
                    (a4, (a3 - a4).det_exp())
                };
                l = m + e.det_ln_1p();
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

    /// Log-likelihood of a limit model and its gradient in that model's parameters: the
    /// paper's equation (6) with B(a, b+x)/B(a, b) → (1−p)^x and a/(b+x−1) → p/(1−p) (both
    /// → 1 and 0 without dropout).
    fn eval_limit(&mut self, c: &Compressed, kind: Limit, p: &[f64]) -> (f64, Vec<f64>) {
        let (r, alpha) = (p[0].det_exp(), p[1].det_exp());
        // ln p, ln(1 − p) and p of the common dropout probability.
        let (ln_p, ln_q, prob) = match kind {
            Limit::NoDropout => (f64::NEG_INFINITY, 0.0, 0.0),
            Limit::SameDropout => (-softplus(-p[2]), -softplus(p[2]), logistic(p[2])),
        };
        Self::tabulate(&mut self.sr, &mut self.dr, r);
        let ln_alpha = alpha.det_ln();
        self.lt.clear();
        self.alpha_t.clear();
        for &v in &c.t_values {
            self.lt.push((alpha + v).det_ln());
            self.alpha_t.push(alpha + v);
        }
        self.ltx.clear();
        self.alpha_tx.clear();
        for &v in &c.tx_values {
            self.ltx.push((alpha + v).det_ln());
            self.alpha_tx.push(alpha + v);
        }
        let mut ll = 0.0;
        let (mut gr, mut galpha, mut gp) = (0.0, 0.0, 0.0);
        for i in 0..c.x.len() {
            let x = c.x[i] as usize;
            let w = c.w[i];
            let xf = x as f64;
            let rx = r + xf;
            let ti = c.t_at[i] as usize;
            let (lt, at) = (self.lt[ti], self.alpha_t[ti]);
            let a3 = -rx * lt;
            let mut l = self.sr[x] + r * ln_alpha + xf * ln_q;
            let mut dr = self.dr[x] + ln_alpha;
            let mut dalpha = r / alpha;
            let mut dp = -xf * prob;
            if x > 0 && kind == Limit::SameDropout {
                let txi = c.tx_at[i] as usize;
                let (ltx, atx) = (self.ltx[txi], self.alpha_tx[txi]);
                let a4 = ln_p - ln_q - rx * ltx;
                let (m, e) = if a3 >= a4 {
                    (a3, (a4 - a3).det_exp())
                } else {
                    (a4, (a3 - a4).det_exp())
                };
                l += m + e.det_ln_1p();
                let (w3, w4) = if a3 >= a4 {
                    (1.0 / (1.0 + e), e / (1.0 + e))
                } else {
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                };
                dr -= w3 * lt + w4 * ltx;
                dalpha -= rx * (w3 / at + w4 / atx);
                dp += w4;
            } else {
                l += a3;
                dr -= lt;
                dalpha -= rx / at;
            }
            ll += w * l;
            gr += w * dr;
            galpha += w * dalpha;
            gp += w * dp;
        }
        let mut grad = vec![gr * r, galpha * alpha];
        if kind == Limit::SameDropout {
            grad.push(gp);
        }
        (ll, grad)
    }
}

impl BgNbd {
    /// Probability that a customer with this history is still alive at T.
    pub fn p_alive(&self, x: u32, t_x: f64, t: f64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let xf = f64::from(x);
        // ln of the odds of having dropped out at the last purchase: a/(b+x−1), or its limits.
        let dropout_odds = match &self.dropout {
            Dropout::Identified => (self.a / (self.b + xf - 1.0)).det_ln(),
            Dropout::SameForEveryone { p, .. } => (p / (1.0 - p)).det_ln(),
            Dropout::NotIdentified { .. } => return 1.0,
        };
        let log_odds =
            (self.r + xf) * ((self.alpha + t) / (self.alpha + t_x)).det_ln() + dropout_odds;
        // 1 / (1 + e^log_odds), stable for large log_odds.
        if log_odds > 0.0 {
            let e = (-log_odds).det_exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + log_odds.det_exp())
        }
    }

    /// P(no purchase in (T, T+t] | x, t_x, T): a customer who dropped out buys nothing; one
    /// still active at T (dropout only ever follows a purchase) buys nothing with probability
    /// e^(−λt), averaged over the posterior Gamma(r+x, α+T) of λ. The "risk of no purchase in
    /// the next 90 days" of the customer card.
    pub fn p_no_purchase(&self, t: f64, x: u32, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let alive = self.p_alive(x, t_x, big_t);
        let quiet = ((self.r + f64::from(x)) * -(t / (self.alpha + big_t)).det_ln_1p()).det_exp();
        (1.0 - alive) + alive * quiet
    }

    /// The median wait from T to the next purchase of a customer still active: the t with
    /// P(no purchase in (T, T+t] | alive) = 1/2, that is (α+T)(2^(1/(r+x)) − 1). The
    /// customer card's "expected next order" adds it to the snapshot.
    pub fn median_wait_if_alive(&self, x: u32, big_t: f64) -> f64 {
        (self.alpha + big_t) * (std::f64::consts::LN_2 / (self.r + f64::from(x))).det_exp_m1()
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
        let rx = self.r + f64::from(x);
        match &self.dropout {
            Dropout::Identified => {}
            // Alive now, a customer of rate λ buys (1 − e^(−λpt))/p times in expectation
            // before dropping out; averaged over the posterior Gamma(r+x, α+T).
            Dropout::SameForEveryone { p, .. } if *p > 0.0 => {
                let stay = -(rx * (p * t / (self.alpha + big_t)).det_ln_1p());
                return Ok(self.p_alive(x, t_x, big_t) * -stay.det_exp_m1() / p);
            }
            // Gamma(r+x, α+T) posterior rates, no dropout (p = 0 is that limit too).
            Dropout::NotIdentified { .. } | Dropout::SameForEveryone { .. } => {
                return Ok(rx * t / (self.alpha + big_t));
            }
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
                .map(|f| (1.0 - z).det_powf(a - 1.0) * f)
        };
        let paper =
            || hyp2f1(r + xf, b + xf, a + b + xf - 1.0, z).map(|f| (1.0 - z).det_powf(r + xf) * f);
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
            1.0 + a / (b + xf - 1.0)
                * ((r + xf) * ((alpha + big_t) / (alpha + t_x)).det_ln()).det_exp()
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
        if self.dropout != Dropout::Identified || (self.a - 1.0).abs() < AROUND_ONE {
            // The limit models' closed forms are cheap; at a = 1, the removable singularity,
            // the plain path averages both sides of it.
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
        match &self.dropout {
            Dropout::Identified => {}
            Dropout::SameForEveryone { p, .. } if *p > 0.0 => {
                return Ok(-(-(r * (p * t / alpha).det_ln_1p())).det_exp_m1() / p);
            }
            Dropout::NotIdentified { .. } | Dropout::SameForEveryone { .. } => {
                return Ok(r * t / alpha);
            }
        }
        let z = t / (alpha + t);
        let at_a = |a: f64| -> Result<f64, ClvError> {
            let f = hyp2f1(r, b, a + b - 1.0, z)?;
            Ok((a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)).det_powf(r) * f))
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
            dropout: Dropout::Identified,
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

    #[test]
    fn limit_gradients_match_finite_differences() {
        let freq = [0, 1, 2, 5, 0, 3];
        let rec = [0.0, 3.0, 10.0, 30.0, 0.0, 12.5];
        let t = [40.0, 38.0, 35.0, 39.0, 20.0, 30.0];
        let c = Compressed::new(&freq, &rec, &t);
        let mut w = Work::new(c.max_x);
        for (kind, p) in [
            (Limit::NoDropout, vec![-1.2f64, 1.5]),
            (Limit::SameDropout, vec![-1.2f64, 1.5, -2.0]),
        ] {
            let (_, g) = w.eval_limit(&c, kind, &p);
            for i in 0..p.len() {
                let h = 1e-6;
                let mut up = p.clone();
                up[i] += h;
                let mut down = p.clone();
                down[i] -= h;
                let num =
                    (w.eval_limit(&c, kind, &up).0 - w.eval_limit(&c, kind, &down).0) / (2.0 * h);
                assert!(
                    (g[i] - num).abs() < 1e-5,
                    "{kind:?} component {i}: {} vs {num}",
                    g[i]
                );
            }
        }
        // The limits of the full likelihood: a → 0 (no dropout), and a, b → ∞ at a/(a+b) = p
        // (evaluated where the tabulated sums are still exact).
        let (r, alpha) = (0.3f64, 4.0f64);
        let no = w
            .eval_limit(&c, Limit::NoDropout, &[r.det_ln(), alpha.det_ln()])
            .0;
        let near = w
            .eval(
                &c,
                &[
                    r.det_ln(),
                    alpha.det_ln(),
                    (1e-12f64).det_ln(),
                    (2.0f64).det_ln(),
                ],
            )
            .0;
        assert!((no - near).abs() < 1e-9, "{no} vs {near}");
        let p = 0.2f64;
        let same = w
            .eval_limit(
                &c,
                Limit::SameDropout,
                &[r.det_ln(), alpha.det_ln(), (p / (1.0 - p)).det_ln()],
            )
            .0;
        let k = 1e9f64;
        let near = w
            .eval(
                &c,
                &[
                    r.det_ln(),
                    alpha.det_ln(),
                    (p * k).det_ln(),
                    ((1.0 - p) * k).det_ln(),
                ],
            )
            .0;
        assert!((same - near).abs() < 1e-6, "{same} vs {near}");
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
            p[0].det_exp(),
            p[1].det_exp(),
            p[2].det_exp(),
            p[3].det_exp(),
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
