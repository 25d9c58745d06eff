//! L2-regularised logistic regression fitted by Newton's method (IRLS) with a backtracking
//! line search.
//!
//! Hand-written because it is about a hundred lines: the design matrices here have tens to a
//! few hundred columns, so forming and Cholesky-factoring the Hessian is cheap, Newton reaches
//! the optimum to machine precision in about ten iterations (which is what lets the tests
//! match scikit-learn's coefficients to 1e-4), and no dependency has to build for wasm32.
//!
//! Penalty convention (scikit-learn's with `C = 1 / l2`): minimise
//! `sum_i logloss_i + l2 / 2 * ||w||^2`, the intercept not penalised.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use super::ChurnError;
use super::dataset::Matrix;

/// Logistic regression parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticParams {
    /// L2 strength (`1 / C` in scikit-learn terms).
    pub l2: f64,
    pub max_iter: usize,
    /// Stop when the Newton decrement falls below this.
    pub tol: f64,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams {
            l2: 1.0,
            max_iter: 100,
            tol: 1e-12,
        }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    pub intercept: f64,
    pub coef: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).det_exp())
    } else {
        let e = z.det_exp();
        e / (1.0 + e)
    }
}

/// `log(1 + exp(z))` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).det_exp().det_ln_1p()
    } else {
        z.det_exp().det_ln_1p()
    }
}

/// Solves `a x = b` for a symmetric positive definite `a` (n×n, row-major) in place.
fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    true
}

impl LogisticModel {
    /// Fits on every row of `x`.
    pub fn fit(x: &Matrix, y: &[bool], params: &LogisticParams) -> Result<Self, ChurnError> {
        let (n, d) = (x.rows, x.cols);
        if y.len() != n || n == 0 {
            return Err(ChurnError::Fit(format!("{n} rows but {} labels", y.len())));
        }
        let p = d + 1; // The intercept is the last parameter.
        let mut w = vec![0.0; p];
        let l2 = params.l2;
        let objective = |w: &[f64]| -> f64 {
            let mut f = 0.0;
            for (i, &yi) in y.iter().enumerate() {
                let z = margin(x.row(i), w);
                f += softplus(z) - if yi { z } else { 0.0 };
            }
            f + 0.5 * l2 * w[..d].iter().map(|v| v * v).sum::<f64>()
        };
        let mut f = objective(&w);
        let mut converged = false;
        let mut iterations = 0;
        let mut grad = vec![0.0; p];
        let mut hess = vec![0.0; p * p];
        let mut xi = vec![0.0; p];
        xi[d] = 1.0;
        while iterations < params.max_iter {
            iterations += 1;
            grad.iter_mut().for_each(|g| *g = 0.0);
            hess.iter_mut().for_each(|h| *h = 0.0);
            for (i, &yi) in y.iter().enumerate() {
                xi[..d].copy_from_slice(x.row(i));
                let mu = sigmoid(margin(&xi[..d], &w));
                let r = mu - if yi { 1.0 } else { 0.0 };
                let s = mu * (1.0 - mu);
                for a in 0..p {
                    let xa = xi[a];
                    if xa == 0.0 {
                        continue;
                    }
                    grad[a] += r * xa;
                    let sa = s * xa;
                    // Lower triangle only; mirrored below.
                    for b in 0..=a {
                        hess[a * p + b] += sa * xi[b];
                    }
                }
            }
            for a in 0..p {
                for b in 0..a {
                    hess[b * p + a] = hess[a * p + b];
                }
            }
            for j in 0..d {
                grad[j] += l2 * w[j];
                hess[j * p + j] += l2;
            }
            let mut step = grad.clone();
            let mut h = hess.clone();
            if !cholesky_solve(&mut h, &mut step, p) {
                // Only without penalty on separable or degenerate data: add a small ridge.
                let mut h = hess.clone();
                for j in 0..p {
                    h[j * p + j] += 1e-8 * (1.0 + hess[j * p + j]);
                }
                step = grad.clone();
                if !cholesky_solve(&mut h, &mut step, p) {
                    return Err(ChurnError::Fit(
                        "the Hessian is not positive definite".into(),
                    ));
                }
            }
            let decrement: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
            if decrement / 2.0 <= params.tol * (1.0 + f.abs()) {
                converged = true;
                break;
            }
            let mut t = 1.0;
            loop {
                let cand: Vec<f64> = w.iter().zip(&step).map(|(w, s)| w - t * s).collect();
                let fc = objective(&cand);
                if fc <= f - 1e-4 * t * decrement || t < 1e-10 {
                    w = cand;
                    f = fc;
                    break;
                }
                t /= 2.0;
            }
        }
        if w.iter().any(|v| !v.is_finite()) {
            return Err(ChurnError::Fit("coefficients diverged".into()));
        }
        let intercept = w[d];
        w.truncate(d);
        Ok(LogisticModel {
            intercept,
            coef: w,
            iterations,
            converged,
        })
    }

    /// Churn probability of each row of `x`.
    pub fn predict_proba(&self, x: &Matrix) -> Vec<f64> {
        (0..x.rows)
            .map(|i| {
                let z: f64 = self.intercept
                    + x.row(i)
                        .iter()
                        .zip(&self.coef)
                        .map(|(a, b)| a * b)
                        .sum::<f64>();
                sigmoid(z)
            })
            .collect()
    }
}

/// `w[..d] · x + w[d]`.
fn margin(x: &[f64], w: &[f64]) -> f64 {
    let d = x.len();
    x.iter().zip(&w[..d]).map(|(a, b)| a * b).sum::<f64>() + w[d]
}
