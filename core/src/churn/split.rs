//! Seeded, stratified train/test split.
//!
//! A hand-written SplitMix64 rather than a `rand` dependency: the split must be the same on
//! every platform and every release for a given seed (a report quoting a test AUC has to be
//! reproducible), and SplitMix64 is ten lines with a published reference output.

use serde::{Deserialize, Serialize};

/// SplitMix64 (Steele, Lea and Flood 2014), as in `java.util.SplittableRandom`: the
/// generator of [`crate::synth`], with the split's own draws on top.
#[derive(Debug, Clone)]
pub struct SplitMix64(crate::synth::SplitMix64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(crate::synth::SplitMix64::new(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our sizes).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Row indices of each side, both sorted ascending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// Splits `rows` (indices into `label`) so that each class sends `round(n_class * test_share)`
/// rows to the test side: both sides keep the class shares to within one row per class.
pub fn stratified_split(rows: &[usize], label: &[bool], test_share: f64, seed: u64) -> Split {
    let mut rng = SplitMix64::new(seed);
    let mut train = Vec::with_capacity(rows.len());
    let mut test = Vec::new();
    for class in [false, true] {
        let mut members: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&r| label.get(r) == Some(&class))
            .collect();
        rng.shuffle(&mut members);
        let k = ((members.len() as f64) * test_share).round() as usize;
        let k = k.min(members.len());
        test.extend_from_slice(&members[..k]);
        train.extend_from_slice(&members[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs for seed 1234567 from the reference implementation (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }
}
