//! Special functions the models need, written here rather than pulled from a crate: `std` has
//! no stable `ln_gamma`, and the three functions below are a few dozen lines each, checked in
//! the tests against scipy's values (`tests/reference/clv_lifetimes.json`).

use super::ClvError;
use crate::math::Portable;

/// Lanczos coefficients (g = 7, n = 9), the set used by Numerical Recipes and Boost; relative
/// error about 1e-15 over the positive reals.
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0 (NaN otherwise: the models only take logs of gammas of positive values).
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        let s = (std::f64::consts::PI * x).det_sin();
        return std::f64::consts::PI.det_ln() - s.det_ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut acc = LANCZOS[0];
    for (i, &c) in LANCZOS.iter().enumerate().skip(1) {
        acc += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).det_ln() + (x + 0.5) * t.det_ln() - t + acc.det_ln()
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to 10, then the asymptotic series.
pub fn digamma(mut x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    acc + x.det_ln()
        - 0.5 * inv
        - inv2
            * (1.0 / 12.0
                - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 / 132.0))))
}

/// Most terms summed before giving up on Gauss's series.
const HYP2F1_MAX_TERMS: usize = 1_000_000;

/// Gauss's hypergeometric function ₂F₁(a, b; c; z) for |z| < 1 by its power series.
///
/// Stops when the remaining tail is provably below 1e-16 of the sum: once n exceeds |a|, |b|
/// and |c| the term ratio decreases towards z, so the tail is bounded by a geometric series.
/// Callers keep z away from 1 or pass parameters that make the series short (see
/// [`super::bgnbd`], which uses Euler's transformation for that).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, ClvError> {
    let bad = || ClvError::Hypergeometric { a, b, c, z };
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) || z.abs() >= 1.0 {
        return Err(bad());
    }
    if c <= 0.0 && c.fract() == 0.0 {
        return Err(bad());
    }
    let mut term = 1.0f64;
    let mut sum = 1.0f64;
    let settled = a.abs().max(b.abs()).max(c.abs()) + 1.0;
    let positive = a > 0.0 && b > 0.0 && c > 0.0;
    for n in 0..HYP2F1_MAX_TERMS {
        let nf = n as f64;
        let ratio = (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term == 0.0 {
            return Ok(sum);
        }
        if !sum.is_finite() {
            return Err(bad());
        }
        // A bound on every later term ratio. With positive parameters, (a+m)/(m+1) and
        // (b+m)/(c+m) are monotone in m towards 1, so each is bounded by its current value or
        // 1 (either pairing of the four factors works; take the tighter). Otherwise the ratio
        // only settles once m exceeds every parameter.
        let next = nf + 1.0;
        let bound = if positive {
            let p1 = ((a + next) / (next + 1.0)).max(1.0) * ((b + next) / (c + next)).max(1.0);
            let p2 = ((b + next) / (next + 1.0)).max(1.0) * ((a + next) / (c + next)).max(1.0);
            z.abs() * p1.min(p2)
        } else if nf > settled {
            ratio.abs()
        } else {
            f64::INFINITY
        };
        if bound < 1.0 {
            let tail = term.abs() * bound / (1.0 - bound);
            if tail <= 1e-16 * sum.abs() {
                return Ok(sum);
            }
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_known_values() {
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().det_ln()).abs() < 1e-14);
        assert!(ln_gamma(1.0).abs() < 1e-14);
        assert!(ln_gamma(2.0).abs() < 1e-14);
        assert!((ln_gamma(10.0) - 362_880f64.det_ln()).abs() < 1e-12);
    }

    #[test]
    fn digamma_matches_difference_of_ln_gamma() {
        for &x in &[0.1, 0.7, 1.0, 2.5, 7.3, 40.0] {
            let h = 1e-5;
            let num = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - num).abs() < 1e-6, "x = {x}");
        }
        // ψ(1) = -γ.
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-13);
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // ₂F₁(1, 1; 2; z) = -ln(1 - z) / z.
        let z: f64 = 0.5;
        assert!((hyp2f1(1.0, 1.0, 2.0, z).unwrap() + (1.0 - z).det_ln() / z).abs() < 1e-14);
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_err());
        assert!(hyp2f1(1.0, 1.0, -2.0, 0.5).is_err());
    }
}
