//! Scales: where data meets pixels. A linear scale with a "nice" domain and readable ticks,
//! and a band scale for categories.
//!
//! Ticks follow the 1-2-5 rule (d3's `ticks`, Plot's default): the step is 1, 2 or 5 times a
//! power of ten, the largest such step giving at least the requested count; the domain is
//! extended to whole steps so that the axis starts and ends on a tick.

/// Data `[d0, d1]` to pixels `[r0, r1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

/// A tick step of the 1-2-5 series for about `count` intervals over `span`.
pub fn tick_step(span: f64, count: usize) -> f64 {
    if !(span > 0.0) || !span.is_finite() {
        return 1.0;
    }
    let raw = span / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let error = raw / power;
    let m = if error >= 7.07 {
        10.0
    } else if error >= 3.16 {
        5.0
    } else if error >= 1.41 {
        2.0
    } else {
        1.0
    };
    m * power
}

impl Linear {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Linear {
        let (d0, d1) = if d0 == d1 { (d0, d0 + 1.0) } else { (d0, d1) };
        Linear { d0, d1, r0, r1 }
    }

    /// The same scale with its domain extended to whole tick steps.
    pub fn nice(self, count: usize) -> Linear {
        let step = tick_step(self.d1 - self.d0, count);
        Linear {
            d0: (self.d0 / step).floor() * step,
            d1: (self.d1 / step).ceil() * step,
            ..self
        }
    }

    pub fn map(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// Tick values inside the domain.
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let step = tick_step(self.d1 - self.d0, count);
        let first = (self.d0 / step).ceil() as i64;
        let last = (self.d1 / step + 1e-9).floor() as i64;
        // As d3 does: steps below 1 divide by their inverse, so 3 × 0.2 is 0.6, not
        // 0.6000000000000001.
        let inverse = (step < 1.0).then(|| (1.0 / step).round());
        (first..=last)
            .map(|i| {
                let v = match inverse {
                    Some(inv) => i as f64 / inv,
                    None => i as f64 * step,
                };
                if v == 0.0 { 0.0 } else { v }
            })
            .collect()
    }
}

/// The domain `[0, max]` (or `[min, max]` when values go negative) of some values.
pub fn extent(values: impl IntoIterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if lo == hi {
        hi = lo + 1.0;
    }
    (lo, hi)
}

/// `n` categories in `[r0, r1]`, each band `padding` (0–1) apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub n: usize,
    pub r0: f64,
    pub r1: f64,
    pub padding: f64,
}

impl Band {
    pub fn step(&self) -> f64 {
        (self.r1 - self.r0) / self.n.max(1) as f64
    }

    pub fn width(&self) -> f64 {
        self.step() * (1.0 - self.padding)
    }

    /// Start of band `i`.
    pub fn start(&self, i: usize) -> f64 {
        self.r0 + self.step() * i as f64 + self.step() * self.padding / 2.0
    }

    pub fn center(&self, i: usize) -> f64 {
        self.start(i) + self.width() / 2.0
    }

    /// Every how many bands a label fits, given `label_px` per label.
    pub fn label_every(&self, label_px: f64) -> usize {
        ((label_px / self.step().max(1e-9)).ceil() as usize).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_one_two_five() {
        // d3.ticks(0, 1, 5) = [0, 0.2, 0.4, 0.6, 0.8, 1]
        let s = Linear::new(0.0, 1.0, 0.0, 100.0);
        assert_eq!(s.ticks(5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        // d3.ticks(0, 1234, 5) = [0, 200, …, 1200]
        let s = Linear::new(0.0, 1234.0, 0.0, 100.0);
        assert_eq!(
            s.ticks(5),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]
        );
        // d3.scaleLinear().domain([0, 1234]).nice(5).domain() = [0, 1400]
        let n = s.nice(5);
        assert_eq!((n.d0, n.d1), (0.0, 1400.0));
        // Negative domains: d3.ticks(-3, 7, 5) = [-2, 0, 2, 4, 6]
        let s = Linear::new(-3.0, 7.0, 0.0, 1.0);
        assert_eq!(s.ticks(5), vec![-2.0, 0.0, 2.0, 4.0, 6.0]);
    }

    #[test]
    fn map_and_bands() {
        let s = Linear::new(0.0, 10.0, 200.0, 0.0);
        assert_eq!(s.map(0.0), 200.0);
        assert_eq!(s.map(5.0), 100.0);
        let b = Band {
            n: 4,
            r0: 0.0,
            r1: 400.0,
            padding: 0.2,
        };
        assert_eq!(b.step(), 100.0);
        assert_eq!(b.width(), 80.0);
        assert_eq!(b.start(1), 110.0);
        assert_eq!(b.center(1), 150.0);
        assert_eq!(b.label_every(150.0), 2);
        assert_eq!(extent([3.0, 9.0], true), (0.0, 9.0));
    }
}
