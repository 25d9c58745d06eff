//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie's note
//! "The Gamma-Gamma model of monetary value"): a customer's mean spend per purchase shrinks
//! towards the population mean, the more so the fewer purchases we have seen.
//!
//! Fitted on repeat customers only (frequency > 0), because the monetary value of the
//! summaries excludes the first purchase; non-positive means are left out (the model is for
//! positive amounts, refunds-only customers would make the likelihood infinite).
//!
//! CLV discretisation: one step per time unit over the horizon,
//! CLV = Σ_{k=1..H} spend · (E[X(k)] − E[X(k−1)]) / (1+d)^k, where E[X(k)] is BG/NBD's
//! conditional expectation over the next k units and d the discount rate per unit. This is
//! lifetimes' `customer_lifetime_value` with the step equal to the summary's unit instead of
//! months; purchases are discounted at the end of the step they fall in.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use super::ClvError;
use super::bgnbd::BgNbd;
use super::optim::{self, Options};
use super::special::{digamma, ln_gamma};

/// Fitting options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GammaGammaParams {
    pub max_iterations: usize,
    pub tolerance: f64,
    /// Fewer repeat customers than this and the fit is refused.
    pub min_customers: usize,
}

impl Default for GammaGammaParams {
    fn default() -> Self {
        GammaGammaParams {
            max_iterations: 500,
            tolerance: 1e-9,
            min_customers: 10,
        }
    }
}

/// Fitted Gamma-Gamma: spends ~ Gamma(p, ν), ν ~ Gamma(q, v).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    pub log_likelihood: f64,
    /// Repeat customers fitted.
    pub n: usize,
    /// Repeat customers left out for a non-positive mean spend.
    pub excluded: usize,
    pub iterations: usize,
    pub converged: bool,
}

impl GammaGammaParams {
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
        if self.min_customers == 0 {
            return Err(ClvError::BadParam(
                "min_customers must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// Fits on (frequency, mean repeat spend) pairs; customers with frequency 0 are skipped.
    pub fn fit(&self, frequency: &[u32], monetary: &[f64]) -> Result<GammaGamma, ClvError> {
        self.validate()?;
        if frequency.len() != monetary.len() {
            return Err(ClvError::BadParam(format!(
                "{} frequencies but {} monetary values",
                frequency.len(),
                monetary.len()
            )));
        }
        let mut x = Vec::new();
        let mut z = Vec::new();
        let mut excluded = 0;
        for (&f, &m) in frequency.iter().zip(monetary) {
            if f == 0 {
                continue;
            }
            if m.is_finite() && m > 0.0 {
                x.push(f);
                z.push(m);
            } else {
                excluded += 1;
            }
        }
        if x.len() < self.min_customers {
            return Err(ClvError::TooFewRepeatCustomers {
                found: x.len(),
                needed: self.min_customers,
            });
        }
        let data = Data::new(&x, &z);
        let n = x.len() as f64;
        // Start from the method of moments for p (mean²/variance of spends) and q = 2, v
        // matching the mean: far better than (1, 1, 1) when spends are in the thousands.
        let mean = z.iter().sum::<f64>() / n;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let p0 = if var > 0.0 {
            (mean * mean / var).clamp(0.1, 100.0)
        } else {
            1.0
        };
        let q0 = 2.0;
        let v0 = mean * (q0 - 1.0) / p0;
        let m = optim::bfgs(
            |p, g| {
                let (ll, grad) = data.eval(p);
                for i in 0..3 {
                    g[i] = -grad[i] / n;
                }
                -ll / n
            },
            &[p0.det_ln(), q0.det_ln(), v0.det_ln()],
            Options {
                max_iterations: self.max_iterations,
                gradient_tolerance: self.tolerance,
            },
        );
        let (p, q, v) = (m.x[0].det_exp(), m.x[1].det_exp(), m.x[2].det_exp());
        let (log_likelihood, _) = data.eval(&m.x);
        if !log_likelihood.is_finite() || ![p, q, v].iter().all(|t| t.is_finite()) {
            return Err(ClvError::NoFit("Gamma-Gamma".into()));
        }
        Ok(GammaGamma {
            p,
            q,
            v,
            log_likelihood,
            n: x.len(),
            excluded,
            iterations: m.iterations,
            converged: m.converged,
        })
    }
}

/// Repeat customers with precomputed logs, and the distinct frequencies.
struct Data {
    x: Vec<f64>,
    z: Vec<f64>,
    ln_xz: Vec<f64>,
    /// Index into `distinct` of each customer.
    group: Vec<usize>,
    distinct: Vec<f64>,
}

impl Data {
    fn new(x: &[u32], z: &[f64]) -> Self {
        let mut distinct: Vec<u32> = x.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let group = x
            .iter()
            .map(|f| distinct.binary_search(f).unwrap_or(0))
            .collect();
        Data {
            x: x.iter().map(|&f| f64::from(f)).collect(),
            z: z.to_vec(),
            ln_xz: x
                .iter()
                .zip(z)
                .map(|(&f, &m)| (f64::from(f) * m).det_ln())
                .collect(),
            group,
            distinct: distinct.into_iter().map(f64::from).collect(),
        }
    }

    /// Log-likelihood and gradient in (ln p, ln q, ln v). Per customer:
    /// lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln z̄ + px ln x − (px+q) ln(x z̄ + v).
    fn eval(&self, lp: &[f64]) -> (f64, [f64; 3]) {
        let (p, q, v) = (lp[0].det_exp(), lp[1].det_exp(), lp[2].det_exp());
        let per: Vec<(f64, f64, f64)> = self
            .distinct
            .iter()
            .map(|&x| {
                let px = p * x;
                (
                    ln_gamma(px + q) - ln_gamma(px),
                    digamma(px + q) - digamma(px),
                    digamma(px + q),
                )
            })
            .collect();
        let (lgq, dgq, lnv) = (ln_gamma(q), digamma(q), v.det_ln());
        let (mut ll, mut gp, mut gq, mut gv) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..self.x.len() {
            let (x, z) = (self.x[i], self.z[i]);
            let (lg, dpx, dsum) = per[self.group[i]];
            let px = p * x;
            let xzv = x * z + v;
            let l_xzv = xzv.det_ln();
            // ln z̄ + ln x = ln(x z̄).
            ll += lg - lgq + q * lnv + (px - 1.0) * z.det_ln() + px * x.det_ln() - (px + q) * l_xzv;
            gp += x * (dpx + self.ln_xz[i] - l_xzv);
            gq += dsum - dgq + lnv - l_xzv;
            gv += q / v - (px + q) / xzv;
        }
        (ll, [gp * p, gq * q, gv * v])
    }
}

impl GammaGamma {
    /// Population mean spend per purchase, E[Z] = p v / (q − 1); infinite when q ≤ 1.
    pub fn population_mean(&self) -> f64 {
        if self.q > 1.0 {
            self.p * self.v / (self.q - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// E[Z | x, z̄]: expected spend per purchase of a customer with `x` repeat purchases
    /// averaging `z̄` (the population mean when x = 0).
    pub fn conditional_expected_spend(&self, x: u32, mean_spend: f64) -> f64 {
        let xf = f64::from(x);
        let weight = self.p * xf / (self.p * xf + self.q - 1.0);
        if x == 0 {
            return self.population_mean();
        }
        (1.0 - weight) * self.population_mean() + weight * mean_spend
    }

    /// Discounted value of the next `horizon` periods' purchases (see the module doc).
    #[allow(clippy::too_many_arguments)]
    pub fn customer_lifetime_value(
        &self,
        model: &BgNbd,
        x: u32,
        t_x: f64,
        t: f64,
        mean_spend: f64,
        horizon: u32,
        discount_rate: f64,
    ) -> Result<f64, ClvError> {
        let spend = self.conditional_expected_spend(x, mean_spend);
        discounted_purchases(model, x, t_x, t, horizon, discount_rate).map(|d| d * spend)
    }
}

/// Σ_{k=1..H} (E[X(k)] − E[X(k−1)]) / (1+d)^k.
pub fn discounted_purchases(
    model: &BgNbd,
    x: u32,
    t_x: f64,
    t: f64,
    horizon: u32,
    discount_rate: f64,
) -> Result<f64, ClvError> {
    if discount_rate == 0.0 {
        // The increments telescope.
        return model.conditional_expected_purchases(f64::from(horizon), x, t_x, t);
    }
    let mut total = 0.0;
    let mut prev = 0.0;
    let mut factor = 1.0;
    for k in 1..=horizon {
        let cur = model.conditional_expected_purchases(f64::from(k), x, t_x, t)?;
        factor /= 1.0 + discount_rate;
        total += (cur - prev) * factor;
        prev = cur;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let d = Data::new(&[1, 2, 2, 5, 3], &[10.0, 25.0, 14.0, 40.0, 7.5]);
        let p = [1.2f64, 0.8, 2.1];
        let (_, g) = d.eval(&p);
        for i in 0..3 {
            let h = 1e-6;
            let mut up = p;
            up[i] += h;
            let mut down = p;
            down[i] -= h;
            let num = (d.eval(&up).0 - d.eval(&down).0) / (2.0 * h);
            assert!(
                (g[i] - num).abs() < 1e-5,
                "component {i}: {} vs {num}",
                g[i]
            );
        }
    }
}
