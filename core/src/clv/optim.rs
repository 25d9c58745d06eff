//! A small BFGS minimiser for the models' negative log-likelihoods.
//!
//! Why hand-written: the models have 3 or 4 parameters and cheap analytic gradients, so BFGS
//! converges in a few dozen evaluations; a crate (argmin and its ndarray/num stack) would add
//! more code to the wasm bundle than the whole CLV module. Parameters are optimised on the log
//! scale, which keeps them positive without constraints.

/// Where the minimiser stopped.
#[derive(Debug, Clone)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Stopping rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub max_iterations: usize,
    /// Converged when every gradient component is below this (objective per observation).
    pub gradient_tolerance: f64,
}

/// Minimises `f`, which returns the objective and writes its gradient into the second argument.
/// A non-finite objective is treated as "too far" by the line search.
pub fn bfgs(mut f: impl FnMut(&[f64], &mut [f64]) -> f64, x0: &[f64], opts: Options) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    // Inverse Hessian approximation, row-major.
    let mut h = identity(n);
    let mut first = true;
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut d = vec![0.0; n];
    let mut iterations = 0;
    let mut stalls = 0;
    while iterations < opts.max_iterations {
        if !fx.is_finite() {
            break;
        }
        if g.iter().all(|v| v.abs() < opts.gradient_tolerance) {
            return Minimum {
                x,
                value: fx,
                iterations,
                converged: true,
            };
        }
        iterations += 1;
        mat_vec(&h, &g, &mut d);
        d.iter_mut().for_each(|v| *v = -*v);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 || !slope.is_finite() {
            h = identity(n);
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            slope = dot(&g, &d);
        }
        // Backtracking line search with the Armijo condition; the first step is capped so that
        // no log-parameter moves by more than 2 (a factor e² on the parameter).
        let max_step = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut step = if max_step > 2.0 { 2.0 / max_step } else { 1.0 };
        let mut accepted = false;
        let mut f_new = f64::NAN;
        for _ in 0..60 {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            f_new = f(&x_new, &mut g_new);
            if f_new.is_finite() && f_new <= fx + 1e-4 * step * slope {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            if first {
                break;
            }
            // Start over from steepest descent once before giving up.
            h = identity(n);
            first = true;
            stalls += 1;
            if stalls > 2 {
                break;
            }
            continue;
        }
        let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
        let sy = dot(&s, &y);
        if sy > 1e-300 {
            if first {
                // Scale the initial inverse Hessian (Nocedal & Wright, eq. 6.20).
                let scale = sy / dot(&y, &y);
                h = identity(n);
                h.iter_mut().for_each(|v| *v *= scale);
                first = false;
            }
            bfgs_update(&mut h, &s, &y, sy);
        }
        let decrease = fx - f_new;
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        fx = f_new;
        if decrease.abs() <= 1e-16 * fx.abs().max(1.0) && s.iter().all(|v| v.abs() < 1e-12) {
            break;
        }
    }
    let converged = fx.is_finite() && g.iter().all(|v| v.abs() < opts.gradient_tolerance * 1e3);
    Minimum {
        x,
        value: fx,
        iterations,
        converged,
    }
}

fn identity(n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        m[i * n + i] = 1.0;
    }
    m
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn mat_vec(m: &[f64], v: &[f64], out: &mut [f64]) {
    let n = v.len();
    for i in 0..n {
        out[i] = dot(&m[i * n..(i + 1) * n], v);
    }
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s).
fn bfgs_update(h: &mut [f64], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let mut hy = vec![0.0; n];
    mat_vec(h, y, &mut hy);
    let yhy = dot(y, &hy);
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] +=
                -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_rosenbrock() {
        let m = bfgs(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            &[-1.2, 1.0],
            Options {
                max_iterations: 500,
                gradient_tolerance: 1e-10,
            },
        );
        assert!(m.converged, "{m:?}");
        assert!(
            (m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8,
            "{m:?}"
        );
    }
}
