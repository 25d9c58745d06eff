//! Seeded draws from the models, for parameter-recovery tests and benchmarks: data with known
//! parameters is the only way to check a fit beyond one published dataset. SplitMix64 keeps it
//! dependency-free and identical on every platform.

use crate::math::Portable;

/// SplitMix64 (Steele, Lea & Flood 2014), the generator of [`crate::synth`], with the
/// distributions the simulators draw from.
#[derive(Debug, Clone)]
pub struct Rng(crate::synth::SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(crate::synth::SplitMix64::new(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform on (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.det_ln()).sqrt() * (2.0 * std::f64::consts::PI * v).det_cos()
    }

    pub fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().det_ln() / rate
    }

    /// Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted for shape < 1.
    pub fn gamma(&mut self, shape: f64, rate: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0, rate) * u.det_powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.det_ln() < 0.5 * x * x + d - d * v + d * v.det_ln() {
                return d * v / rate;
            }
        }
    }

    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a, 1.0);
        let y = self.gamma(b, 1.0);
        x / (x + y)
    }
}

/// Simulated (frequency, recency, T) columns.
#[derive(Debug, Clone)]
pub struct Simulated {
    pub frequency: Vec<u32>,
    pub recency: Vec<f64>,
    pub t: Vec<f64>,
}

/// `n` customers from BG/NBD(r, α, a, b), each first buying at time 0 and observed for `t`
/// periods: purchases follow a Poisson process of rate λ ~ Gamma(r, α); after each repeat
/// purchase the customer drops out with probability p ~ Beta(a, b).
pub fn bgnbd(n: usize, r: f64, alpha: f64, a: f64, b: f64, t: f64, seed: u64) -> Simulated {
    let mut rng = Rng::new(seed);
    let mut s = Simulated {
        frequency: Vec::with_capacity(n),
        recency: Vec::with_capacity(n),
        t: vec![t; n],
    };
    for _ in 0..n {
        let lambda = rng.gamma(r, alpha);
        let p = rng.beta(a, b);
        let (mut now, mut x, mut last) = (0.0, 0u32, 0.0);
        loop {
            now += rng.exponential(lambda);
            if now > t {
                break;
            }
            x += 1;
            last = now;
            if rng.uniform() < p {
                break;
            }
        }
        s.frequency.push(x);
        s.recency.push(last);
    }
    s
}

/// `n` customers who never drop out (the NBD model, BG/NBD's limit without dropout): purchases
/// follow a Poisson process of rate λ ~ Gamma(r, α) from time 0 to `t`.
pub fn nbd(n: usize, r: f64, alpha: f64, t: f64, seed: u64) -> Simulated {
    let mut rng = Rng::new(seed);
    let mut s = Simulated {
        frequency: Vec::with_capacity(n),
        recency: Vec::with_capacity(n),
        t: vec![t; n],
    };
    for _ in 0..n {
        let lambda = rng.gamma(r, alpha);
        let (mut now, mut x, mut last) = (0.0, 0u32, 0.0);
        loop {
            now += rng.exponential(lambda);
            if now > t {
                break;
            }
            x += 1;
            last = now;
        }
        s.frequency.push(x);
        s.recency.push(last);
    }
    s
}

/// Mean spend of each customer's `frequency` purchases under Gamma-Gamma(p, q, v): a
/// customer's rate ν ~ Gamma(q, v), each spend ~ Gamma(p, ν). 0 when frequency is 0.
pub fn gamma_gamma(frequency: &[u32], p: f64, q: f64, v: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    frequency
        .iter()
        .map(|&x| {
            if x == 0 {
                return 0.0;
            }
            let nu = rng.gamma(q, v);
            (0..x).map(|_| rng.gamma(p, nu)).sum::<f64>() / f64::from(x)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_moments() {
        let mut rng = Rng::new(7);
        for &(shape, rate) in &[(0.25, 4.0), (2.5, 1.0), (6.0, 0.5)] {
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| rng.gamma(shape, rate)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(
                (mean / (shape / rate) - 1.0).abs() < 0.02,
                "{shape} {rate}: {mean}"
            );
            assert!(
                (var / (shape / rate / rate) - 1.0).abs() < 0.05,
                "{shape} {rate}: {var}"
            );
        }
    }
}
