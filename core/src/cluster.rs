//! Customer segments: k-means++ on a few numeric features, k chosen by silhouette.
//!
//! Hand-written rather than `linfa-clustering`: that crate brings ndarray, rand and linfa's
//! trait stack into the wasm bundle for what is a few hundred lines of arithmetic here; its
//! random stream is not promised stable across versions, whereas a saved report must give the
//! same segments for the same seed; and we need control of the hot loops (Hamerly's bounds,
//! restarts on a sample, loops sized at compile time for 1–4 features) to keep choosing k
//! among 2..=8 with 10 restarts on 100k customers near half a second without threads (the
//! browser worker has one): `cargo bench -p prisme-core --bench segments`.
//!
//! The definitions follow scikit-learn, which `tests/cluster.rs` checks against:
//! - transform: optional `log1p` per feature, then (by default) z-scores with the population
//!   standard deviation (ddof 0, like `StandardScaler`); a constant feature is only centred;
//! - seeding: greedy k-means++ (each new centre is the best of `2 + ⌊ln k⌋` candidates drawn
//!   with probability ∝ squared distance, best meaning the lowest resulting potential);
//! - Lloyd iterations until no label changes or the total squared centroid shift is at most
//!   `tolerance` × the mean feature variance, at most `max_iter` times; then a final
//!   assignment to the last centroids; inertia = sum of squared distances to them; an empty
//!   cluster is moved to the row farthest from its centroid;
//! - the best of `restarts` runs by inertia; with more than `restart_sample` rows (10,000 by
//!   default) the restarts run on a seeded sample of that size and the winner's centroids are
//!   then refined by Lloyd iterations on all rows: ten full-data runs per k would cost
//!   seconds on 100k customers, and ten thousand rows are plenty to tell basins apart;
//! - silhouette (Rousseeuw 1987): mean over rows of `(b − a) / max(a, b)` on Euclidean
//!   distances, 0 for a row alone in its cluster; computed on a seeded sample of
//!   `silhouette_sample` rows (without replacement, the same rows for every k) when there
//!   are more, exactly otherwise;
//! - k = the highest silhouette, ties to the smaller k;
//! - cluster numbers: 0.. by descending size, ties by centroid (lexicographic), so the same
//!   partition always gets the same numbers whatever the seed found it.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use crate::rfm::Rfm;
use crate::synth::SplitMix64;

/// Errors of the clustering family.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClusterError {
    #[error("there are no rows to cluster")]
    NoRows,
    #[error("there are no features to cluster on")]
    NoFeatures,
    #[error("unknown feature {name:?}; the features are {available}")]
    UnknownFeature { name: String, available: String },
    #[error("feature {name:?} has {len} values where the others have {rows}")]
    LengthMismatch {
        name: String,
        len: usize,
        rows: usize,
    },
    #[error("feature {name:?} has a missing or infinite value at row {row}")]
    NonFinite { name: String, row: usize },
    #[error("feature {name:?} has {value} at row {row}: a log transform needs values above -1")]
    NotLoggable {
        name: String,
        row: usize,
        value: f64,
    },
    #[error("the number of clusters must be at least 2, with k_min ≤ k_max (got {min}..={max})")]
    BadK { min: usize, max: usize },
    #[error(
        "{rows} rows are too few for {k} clusters (a silhouette needs more rows than clusters)"
    )]
    TooFewRows { rows: usize, k: usize },
    #[error("{name} must be {expected}")]
    BadParameter {
        name: &'static str,
        expected: &'static str,
    },
}

/// Which features go through `log1p` before standardization.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogTransform {
    #[default]
    None,
    All,
    /// Only the named features.
    Features(Vec<String>),
}

/// Clustering parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterParams {
    /// Features to use, by name; all of them when empty.
    pub features: Vec<String>,
    pub log: LogTransform,
    /// Z-score each feature (after the log transform).
    pub standardize: bool,
    /// A fixed number of clusters; otherwise the best of `k_min..=k_max` by silhouette.
    pub k: Option<usize>,
    pub k_min: usize,
    pub k_max: usize,
    /// Runs from different seedings per k; the lowest inertia wins.
    pub restarts: u32,
    /// Cap on Lloyd iterations per run.
    pub max_iter: u32,
    /// Convergence: total squared centroid shift ≤ tolerance × mean feature variance.
    pub tolerance: f64,
    pub seed: u64,
    /// Rows used for the silhouette when there are more (0: always all rows).
    pub silhouette_sample: usize,
    /// Rows the restarts compete on when there are more (0: always all rows); the winning
    /// centroids are then refined by Lloyd iterations on all rows.
    pub restart_sample: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            features: Vec::new(),
            log: LogTransform::None,
            standardize: true,
            k: None,
            k_min: 2,
            k_max: 8,
            restarts: 10,
            max_iter: 300,
            tolerance: 1e-4,
            seed: 0,
            silhouette_sample: 5_000,
            restart_sample: 10_000,
        }
    }
}

impl ClusterParams {
    /// The k values to try.
    pub fn k_range(&self) -> (usize, usize) {
        match self.k {
            Some(k) => (k, k),
            None => (self.k_min, self.k_max),
        }
    }

    pub fn validate(&self) -> Result<(), ClusterError> {
        let (min, max) = self.k_range();
        if min < 2 || min > max {
            return Err(ClusterError::BadK { min, max });
        }
        if self.restarts == 0 {
            return Err(ClusterError::BadParameter {
                name: "restarts",
                expected: "at least 1",
            });
        }
        if self.max_iter == 0 {
            return Err(ClusterError::BadParameter {
                name: "max_iter",
                expected: "at least 1",
            });
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(ClusterError::BadParameter {
                name: "tolerance",
                expected: "a finite number ≥ 0",
            });
        }
        if self.silhouette_sample == 1 {
            return Err(ClusterError::BadParameter {
                name: "silhouette_sample",
                expected: "0 (all rows) or at least 2",
            });
        }
        Ok(())
    }
}

/// Named numeric columns of equal length, one row per customer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Features {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

impl Features {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column (builder style).
    pub fn with(mut self, name: impl Into<String>, values: Vec<f64>) -> Self {
        self.names.push(name.into());
        self.columns.push(values);
        self
    }

    /// `recency`, `frequency` and `monetary`, rows in the RFM's customer order.
    pub fn from_rfm(rfm: &Rfm) -> Self {
        Features::new()
            .with(
                "recency",
                rfm.recency.iter().map(|&v| f64::from(v)).collect(),
            )
            .with(
                "frequency",
                rfm.frequency.iter().map(|&v| f64::from(v)).collect(),
            )
            .with("monetary", rfm.monetary.clone())
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

/// How one feature was transformed: `z = (log1p?(x) − mean) / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureScaling {
    pub name: String,
    pub log: bool,
    pub mean: f64,
    /// The standard deviation, or 1 when not standardizing or the feature is constant.
    pub scale: f64,
}

/// One value of k tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KCandidate {
    pub k: usize,
    /// Best inertia over the restarts (transformed space): the elbow curve.
    pub inertia: f64,
    pub silhouette: f64,
    /// Lloyd iterations of the best run, and whether it converged before `max_iter`.
    pub iterations: u32,
    pub converged: bool,
}

/// One cluster of the chosen clustering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub label: u32,
    pub size: usize,
    pub share: f64,
    /// Mean of each feature over the members, in original units.
    pub means: Vec<f64>,
    /// Centroid in the transformed (log, standardized) space the algorithm works in.
    pub centroid: Vec<f64>,
}

/// Result of [`cluster`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub features: Vec<String>,
    pub scaling: Vec<FeatureScaling>,
    pub rows: usize,
    pub seed: u64,
    /// Rows the silhouettes were computed on.
    pub silhouette_rows: usize,
    pub candidates: Vec<KCandidate>,
    /// Chosen number of clusters.
    pub k: usize,
    pub inertia: f64,
    pub silhouette: f64,
    pub clusters: Vec<ClusterSummary>,
    /// Cluster of each input row.
    pub labels: Vec<u32>,
}

/// Clusters the rows of `features`.
pub fn cluster(features: &Features, params: &ClusterParams) -> Result<Clustering, ClusterError> {
    params.validate()?;
    let chosen = select_features(features, &params.features)?;
    let n = features.rows();
    if n == 0 {
        return Err(ClusterError::NoRows);
    }
    let d = chosen.len();
    let log_of = |name: &str| match &params.log {
        LogTransform::None => false,
        LogTransform::All => true,
        LogTransform::Features(names) => names.iter().any(|x| x == name),
    };
    if let LogTransform::Features(names) = &params.log
        && let Some(bad) = names.iter().find(|x| !features.names.contains(x))
    {
        return Err(unknown(bad, features));
    }
    // Transformed matrix, row-major.
    let mut points = vec![0.0f64; n * d];
    let mut scaling = Vec::with_capacity(d);
    for (f, &col) in chosen.iter().enumerate() {
        let name = &features.names[col];
        let values = &features.columns[col];
        if values.len() != n {
            return Err(ClusterError::LengthMismatch {
                name: name.clone(),
                len: values.len(),
                rows: n,
            });
        }
        let log = log_of(name);
        for (row, &v) in values.iter().enumerate() {
            if !v.is_finite() {
                return Err(ClusterError::NonFinite {
                    name: name.clone(),
                    row,
                });
            }
            if log && v <= -1.0 {
                return Err(ClusterError::NotLoggable {
                    name: name.clone(),
                    row,
                    value: v,
                });
            }
            points[row * d + f] = if log { v.det_ln_1p() } else { v };
        }
        let (mean, var) = mean_var(points.iter().skip(f).step_by(d).copied(), n);
        let scale = if params.standardize && var > 0.0 {
            var.sqrt()
        } else {
            1.0
        };
        let mean = if params.standardize { mean } else { 0.0 };
        if params.standardize {
            for p in points.iter_mut().skip(f).step_by(d) {
                *p = (*p - mean) / scale;
            }
        }
        scaling.push(FeatureScaling {
            name: name.clone(),
            log,
            mean,
            scale,
        });
    }
    let (k_min, k_max) = params.k_range();
    let k_max = k_max.min(n - 1);
    if k_max < k_min {
        return Err(ClusterError::TooFewRows { rows: n, k: k_min });
    }
    // sklearn's tolerance is relative to the data's mean variance.
    let mean_variance = (0..d)
        .map(|f| mean_var(points.iter().skip(f).step_by(d).copied(), n).1)
        .sum::<f64>()
        / d as f64;
    let tol = params.tolerance * mean_variance;

    // Restarts compete on a sample when there are many rows; the winner is refined on all.
    let restart_rows = sample_rows(
        n,
        params.restart_sample,
        params.seed ^ 0x0E57_A127_5A3B_1E00,
    );
    let sub: Option<Vec<f64>> = (restart_rows.len() < n).then(|| {
        restart_rows
            .iter()
            .flat_map(|&i| points[i * d..(i + 1) * d].iter().copied())
            .collect()
    });
    let restart_points = sub.as_deref().unwrap_or(&points);
    let mut fits = Vec::new();
    for k in k_min..=k_max {
        let mut rng = SplitMix64::new(params.seed ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut best: Option<Fit> = None;
        for _ in 0..params.restarts {
            let start = dispatch!(d, seed_plusplus(restart_points, d, k, &mut rng));
            let fit = dispatch!(d, lloyd(restart_points, d, k, start, params.max_iter, tol));
            if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
                best = Some(fit);
            }
        }
        // restarts ≥ 1 (validated), so there is always a best run.
        let Some(mut best) = best else { continue };
        if sub.is_some() {
            let refined = dispatch!(
                d,
                lloyd(&points, d, k, best.centroids, params.max_iter, tol)
            );
            best = Fit {
                iterations: best.iterations + refined.iterations,
                ..refined
            };
        }
        fits.push(best);
    }

    let sample = sample_rows(
        n,
        params.silhouette_sample,
        params.seed ^ 0x5111_0E77_E5A4_B1E5,
    );
    let labelings: Vec<(&[u32], usize)> = fits.iter().map(|f| (&f.labels[..], f.k)).collect();
    let sil = silhouettes(&points, d, &sample, &labelings);
    let candidates: Vec<KCandidate> = fits
        .iter()
        .zip(&sil)
        .map(|(f, &s)| KCandidate {
            k: f.k,
            inertia: f.inertia,
            silhouette: s,
            iterations: f.iterations,
            converged: f.converged,
        })
        .collect();
    let mut best = 0;
    for (i, c) in candidates.iter().enumerate() {
        if c.silhouette > candidates[best].silhouette {
            best = i;
        }
    }
    let fit = fits.swap_remove(best);
    let (labels, clusters) = summarize(features, &chosen, &scaling, &fit);
    Ok(Clustering {
        features: chosen.iter().map(|&c| features.names[c].clone()).collect(),
        scaling,
        rows: n,
        seed: params.seed,
        silhouette_rows: sample.len(),
        k: fit.k,
        inertia: fit.inertia,
        silhouette: candidates[best].silhouette,
        candidates,
        clusters,
        labels,
    })
}

fn unknown(name: &str, features: &Features) -> ClusterError {
    ClusterError::UnknownFeature {
        name: name.to_string(),
        available: features.names.join(", "),
    }
}

fn select_features(features: &Features, wanted: &[String]) -> Result<Vec<usize>, ClusterError> {
    if features.names.len() != features.columns.len() {
        return Err(ClusterError::LengthMismatch {
            name: "(names)".to_string(),
            len: features.names.len(),
            rows: features.columns.len(),
        });
    }
    let chosen: Vec<usize> = if wanted.is_empty() {
        (0..features.names.len()).collect()
    } else {
        wanted
            .iter()
            .map(|w| {
                features
                    .names
                    .iter()
                    .position(|n| n == w)
                    .ok_or_else(|| unknown(w, features))
            })
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(ClusterError::NoFeatures);
    }
    Ok(chosen)
}

/// Mean and population variance (two-pass).
fn mean_var(values: impl Iterator<Item = f64> + Clone, n: usize) -> (f64, f64) {
    let mean = values.clone().sum::<f64>() / n as f64;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    (mean, var)
}

/// Relabels by descending size (ties by centroid) and summarizes each cluster.
fn summarize(
    features: &Features,
    chosen: &[usize],
    scaling: &[FeatureScaling],
    fit: &Fit,
) -> (Vec<u32>, Vec<ClusterSummary>) {
    let (n, d, k) = (fit.labels.len(), chosen.len(), fit.k);
    let mut size = vec![0usize; k];
    for &l in &fit.labels {
        size[l as usize] += 1;
    }
    let centroid = |j: usize| &fit.centroids[j * d..(j + 1) * d];
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        size[b].cmp(&size[a]).then_with(|| {
            centroid(a)
                .iter()
                .zip(centroid(b))
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    let mut new_label = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_label[old] = new as u32;
    }
    let labels: Vec<u32> = fit.labels.iter().map(|&l| new_label[l as usize]).collect();
    let mut sums = vec![0.0f64; k * d];
    for (f, &col) in chosen.iter().enumerate() {
        for (row, &v) in features.columns[col].iter().enumerate() {
            sums[labels[row] as usize * d + f] += v;
        }
    }
    let clusters = order
        .iter()
        .enumerate()
        .map(|(new, &old)| {
            let s = size[old];
            ClusterSummary {
                label: new as u32,
                size: s,
                share: s as f64 / n as f64,
                means: (0..d)
                    .map(|f| {
                        if s > 0 {
                            sums[new * d + f] / s as f64
                        } else {
                            // An empty cluster (only with fewer distinct rows than k): its
                            // centroid mapped back to original units.
                            let sc = &scaling[f];
                            let z = fit.centroids[old * d + f] * sc.scale + sc.mean;
                            if sc.log { z.det_exp_m1() } else { z }
                        }
                    })
                    .collect(),
                centroid: centroid(old).to_vec(),
            }
        })
        .collect();
    (labels, clusters)
}

/// One k-means run.
#[derive(Debug, Clone)]
struct Fit {
    k: usize,
    centroids: Vec<f64>,
    labels: Vec<u32>,
    inertia: f64,
    iterations: u32,
    converged: bool,
}

#[inline]
fn sqdist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Nearest and second-nearest centroid: (index, squared distance, second squared distance).
#[inline]
fn nearest2(x: &[f64], centroids: &[f64], d: usize) -> (u32, f64, f64) {
    let (mut best, mut d1, mut d2) = (0u32, f64::INFINITY, f64::INFINITY);
    for (j, c) in centroids.chunks_exact(d).enumerate() {
        let dist = sqdist(x, c);
        if dist < d1 {
            d2 = d1;
            d1 = dist;
            best = j as u32;
        } else if dist < d2 {
            d2 = dist;
        }
    }
    (best, d1, d2)
}

/// Calls `f::<D>` with the feature count as a constant for the common small counts, so the
/// distance loops unroll (`D = 0`: any count, read at run time).
macro_rules! dispatch {
    ($d:expr, $f:ident($($arg:expr),*)) => {
        match $d {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            _ => $f::<0>($($arg),*),
        }
    };
}
use dispatch;

/// Greedy k-means++ seeding (sklearn's `_kmeans_plusplus`).
fn seed_plusplus<const D: usize>(
    points: &[f64],
    d: usize,
    k: usize,
    rng: &mut SplitMix64,
) -> Vec<f64> {
    let d = if D == 0 { d } else { D };
    let n = points.len() / d;
    let row = |i: usize| &points[i * d..(i + 1) * d];
    let trials = 2 + (k as f64).det_ln() as usize;
    let mut centroids = Vec::with_capacity(k * d);
    let first = rng.below(n as u64) as usize;
    centroids.extend_from_slice(row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sqdist(row(i), row(first))).collect();
    let mut cum = vec![0.0f64; n];
    let mut cand = vec![0.0f64; n];
    let mut best_d = vec![0.0f64; n];
    for _ in 1..k {
        let mut acc = 0.0;
        for (c, &v) in cum.iter_mut().zip(&closest) {
            acc += v;
            *c = acc;
        }
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let idx = if acc > 0.0 {
                let r = rng.next_f64() * acc;
                cum.partition_point(|&v| v <= r).min(n - 1)
            } else {
                rng.below(n as u64) as usize
            };
            let c = row(idx);
            let mut new_pot = 0.0;
            for (i, (o, &old)) in cand.iter_mut().zip(&closest).enumerate() {
                *o = old.min(sqdist(row(i), c));
                new_pot += *o;
            }
            if best.is_none_or(|(_, p)| new_pot < p) {
                best = Some((idx, new_pot));
                std::mem::swap(&mut cand, &mut best_d);
            }
        }
        if let Some((idx, _)) = best {
            centroids.extend_from_slice(row(idx));
            std::mem::swap(&mut closest, &mut best_d);
        }
    }
    centroids
}

/// Lloyd iterations from `centroids`, with Hamerly's bounds (exact, fewer distances).
fn lloyd<const D: usize>(
    points: &[f64],
    d: usize,
    k: usize,
    mut centroids: Vec<f64>,
    max_iter: u32,
    tol: f64,
) -> Fit {
    let d = if D == 0 { d } else { D };
    let n = points.len() / d;
    let row = |i: usize| &points[i * d..(i + 1) * d];
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0f64; n];
    let mut lower = vec![0.0f64; n];
    for i in 0..n {
        let (a, d1, d2) = nearest2(row(i), &centroids, d);
        labels[i] = a;
        upper[i] = d1.sqrt();
        lower[i] = d2.sqrt();
    }
    let mut sums = vec![0.0f64; k * d];
    let mut counts = vec![0usize; k];
    let mut shift = vec![0.0f64; k];
    let mut half_gap = vec![0.0f64; k];
    let mut new_c = vec![0.0f64; k * d];
    let mut iterations = 0;
    let mut converged = false;
    // Per-cluster sums and counts, kept up to date as rows move.
    for (i, &l) in labels.iter().enumerate() {
        let l = l as usize;
        counts[l] += 1;
        for (s, &x) in sums[l * d..(l + 1) * d].iter_mut().zip(row(i)) {
            *s += x;
        }
    }
    loop {
        // Update step: centroids are the means of their rows.
        let mut taken: Vec<usize> = Vec::new();
        for j in 0..k {
            if counts[j] > 0 {
                for f in 0..d {
                    new_c[j * d + f] = sums[j * d + f] / counts[j] as f64;
                }
            } else {
                // Empty cluster: move it onto the row farthest from its centroid.
                let far = (0..n)
                    .filter(|i| !taken.contains(i))
                    .max_by(|&a, &b| upper[a].total_cmp(&upper[b]))
                    .unwrap_or(0);
                taken.push(far);
                new_c[j * d..(j + 1) * d].copy_from_slice(row(far));
            }
        }
        let mut total_shift = 0.0;
        for j in 0..k {
            let s2 = sqdist(&centroids[j * d..(j + 1) * d], &new_c[j * d..(j + 1) * d]);
            total_shift += s2;
            shift[j] = s2.sqrt();
        }
        std::mem::swap(&mut centroids, &mut new_c);
        iterations += 1;
        let (mut r1, mut p1, mut p2) = (0usize, 0.0f64, 0.0f64);
        for (j, &p) in shift.iter().enumerate() {
            if p > p1 {
                p2 = p1;
                p1 = p;
                r1 = j;
            } else if p > p2 {
                p2 = p;
            }
        }
        // The bounds move with the centroids (Hamerly): done row by row in the assignment
        // pass below, one pass over the rows instead of two; a run that stops here does not
        // need them (the final assignment recomputes every distance).
        if total_shift <= tol {
            converged = true;
            break;
        }
        if iterations >= max_iter {
            break;
        }
        // Assignment step: a row cannot change cluster while its distance to its centroid is
        // below half the gap to the nearest other centroid or below its second-nearest bound.
        for j in 0..k {
            let cj = &centroids[j * d..(j + 1) * d];
            half_gap[j] = centroids
                .chunks_exact(d)
                .enumerate()
                .filter(|&(o, _)| o != j)
                .map(|(_, c)| sqdist(cj, c))
                .fold(f64::INFINITY, f64::min)
                .sqrt()
                * 0.5;
        }
        let mut changed = 0usize;
        for i in 0..n {
            let a = labels[i] as usize;
            upper[i] += shift[a];
            lower[i] -= if a == r1 { p2 } else { p1 };
            let m = half_gap[a].max(lower[i]);
            if upper[i] <= m {
                continue;
            }
            upper[i] = sqdist(row(i), &centroids[a * d..(a + 1) * d]).sqrt();
            if upper[i] <= m {
                continue;
            }
            let (b, d1, d2) = nearest2(row(i), &centroids, d);
            if b as usize != a {
                changed += 1;
                labels[i] = b;
                let b = b as usize;
                counts[a] -= 1;
                counts[b] += 1;
                for (f, &x) in row(i).iter().enumerate() {
                    sums[a * d + f] -= x;
                    sums[b * d + f] += x;
                }
            }
            upper[i] = d1.sqrt();
            lower[i] = d2.sqrt();
        }
        if changed == 0 {
            converged = true;
            break;
        }
    }
    // Final assignment so labels and inertia match the returned centroids exactly.
    let mut inertia = 0.0;
    for (i, label) in labels.iter_mut().enumerate() {
        let (a, d1, _) = nearest2(row(i), &centroids, d);
        *label = a;
        inertia += d1;
    }
    Fit {
        k,
        centroids,
        labels,
        inertia,
        iterations,
        converged,
    }
}

/// All rows, or a seeded sample of `size` of them (without replacement) in row order.
fn sample_rows(n: usize, size: usize, seed: u64) -> Vec<usize> {
    if size == 0 || n <= size {
        return (0..n).collect();
    }
    let mut rng = SplitMix64::new(seed);
    let mut idx: Vec<usize> = (0..n).collect();
    for i in 0..size {
        let j = i + rng.below((n - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(size);
    idx.sort_unstable();
    idx
}

/// Mean silhouette of the rows `sample` (row-major `points`, `d` features) under each labeling
/// `(labels of every row, k)`; distances are computed once for all labelings.
fn silhouettes(
    points: &[f64],
    d: usize,
    sample: &[usize],
    labelings: &[(&[u32], usize)],
) -> Vec<f64> {
    let s = sample.len();
    // Sample columns (feature-major) so one row of distances is a vectorizable loop.
    let cols: Vec<Vec<f64>> = (0..d)
        .map(|f| sample.iter().map(|&i| points[i * d + f]).collect())
        .collect();
    let labs: Vec<Vec<u32>> = labelings
        .iter()
        .map(|(l, _)| sample.iter().map(|&i| l[i]).collect())
        .collect();
    let mut acc: Vec<Vec<f64>> = labelings.iter().map(|&(_, k)| vec![0.0; s * k]).collect();
    let mut row = vec![0.0f64; s];
    let mut part: Vec<f64> = Vec::new();
    for i in 0..s {
        row.fill(0.0);
        for col in &cols {
            let xi = col[i];
            for (r, &x) in row.iter_mut().zip(col) {
                let t = x - xi;
                *r += t * t;
            }
        }
        for r in row.iter_mut() {
            *r = r.sqrt();
        }
        for ((lab, a), &(_, k)) in labs.iter().zip(acc.iter_mut()).zip(labelings) {
            // Four partial sums per cluster so consecutive rows of one cluster do not wait
            // on each other's addition.
            part.clear();
            part.resize(4 * k, 0.0);
            let mut lab4 = lab.chunks_exact(4);
            let mut row4 = row.chunks_exact(4);
            for (l, r) in (&mut lab4).zip(&mut row4) {
                part[l[0] as usize] += r[0];
                part[k + l[1] as usize] += r[1];
                part[2 * k + l[2] as usize] += r[2];
                part[3 * k + l[3] as usize] += r[3];
            }
            for (&l, &r) in lab4.remainder().iter().zip(row4.remainder()) {
                part[l as usize] += r;
            }
            for (c, out) in a[i * k..(i + 1) * k].iter_mut().enumerate() {
                *out = (part[c] + part[k + c]) + (part[2 * k + c] + part[3 * k + c]);
            }
        }
    }
    labs.iter()
        .zip(&acc)
        .zip(labelings)
        .map(|((lab, a), &(_, k))| mean_silhouette(lab, a, k))
        .collect()
}

/// Mean of `(b − a) / max(a, b)` given each row's summed distances to every cluster.
fn mean_silhouette(labels: &[u32], dist_sums: &[f64], k: usize) -> f64 {
    let s = labels.len();
    if s == 0 {
        return 0.0;
    }
    let mut counts = vec![0usize; k];
    for &l in labels {
        counts[l as usize] += 1;
    }
    let mut total = 0.0;
    for (i, &l) in labels.iter().enumerate() {
        let own = l as usize;
        if counts[own] <= 1 {
            continue;
        }
        let sums = &dist_sums[i * k..(i + 1) * k];
        let a = sums[own] / (counts[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if !b.is_finite() {
            continue;
        }
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    total / s as f64
}

/// Exact mean silhouette of `labels` (one per row of row-major `points` with `d` features),
/// Euclidean distances; labels must be `< k`.
pub fn silhouette_score(points: &[f64], d: usize, labels: &[u32], k: usize) -> f64 {
    if d == 0 || points.len() != labels.len() * d || labels.iter().any(|&l| l as usize >= k) {
        return f64::NAN;
    }
    let sample: Vec<usize> = (0..labels.len()).collect();
    silhouettes(points, d, &sample, &[(labels, k)])[0]
}
