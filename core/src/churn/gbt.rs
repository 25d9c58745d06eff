//! Gradient-boosted trees for binary log-loss, histogram-based (as scikit-learn's
//! `HistGradientBoostingClassifier` and LightGBM).
//!
//! Hand-written because no well-kept gradient-boosting crate builds small for wasm32 (the
//! established ones bind C++ libraries or pull large dependency trees), and the algorithm is
//! short once features are binned: each feature is cut into at most 255 quantile bins learnt
//! on the training rows, so finding a split is a scan over per-bin gradient sums, and a
//! child's histogram is its parent's minus its sibling's (only the smaller child is counted).
//! Trees grow best-first up to `max_leaves` leaves and `max_depth` levels; leaf values are
//! Newton steps `-G / (H + l2)` shrunk by the learning rate.

use crate::math::Portable;
use serde::{Deserialize, Serialize};

use super::ChurnError;
use super::dataset::Matrix;

/// Boosting parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbtParams {
    pub n_trees: usize,
    pub learning_rate: f64,
    pub max_leaves: usize,
    /// 0 means no limit other than `max_leaves`.
    pub max_depth: usize,
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// At most 255.
    pub max_bins: usize,
}

impl Default for GbtParams {
    fn default() -> Self {
        GbtParams {
            n_trees: 200,
            learning_rate: 0.05,
            max_leaves: 8,
            max_depth: 0,
            min_samples_leaf: 40,
            l2: 1.0,
            max_bins: 255,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// `usize::MAX` for a leaf.
    pub feature: usize,
    /// Rows with `x <= threshold` go left.
    pub threshold: f64,
    pub left: usize,
    pub right: usize,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    fn predict(&self, x: &[f64]) -> f64 {
        let mut i = 0;
        while let Some(n) = self.nodes.get(i) {
            if n.feature == usize::MAX {
                return n.value;
            }
            i = if x.get(n.feature).copied().unwrap_or(0.0) <= n.threshold {
                n.left
            } else {
                n.right
            };
        }
        0.0
    }
}

/// A fitted ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbtModel {
    /// Log-odds of the training churn rate.
    pub base: f64,
    pub trees: Vec<Tree>,
    /// Total split gain per input feature.
    pub gain: Vec<f64>,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).det_exp())
    } else {
        let e = z.det_exp();
        e / (1.0 + e)
    }
}

/// Upper bin edges: a value goes to the first bin whose edge is `>=` it (the last bin has
/// none). Midpoints between distinct values when there are few, else quantiles.
fn bin_edges(col: &[f64], max_bins: usize) -> Vec<f64> {
    let mut sorted = col.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut distinct = sorted.clone();
    distinct.dedup();
    if distinct.len() <= max_bins {
        return distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    }
    let n = sorted.len();
    let mut out: Vec<f64> = Vec::with_capacity(max_bins);
    for k in 1..max_bins {
        let i = k * n / max_bins;
        if i == 0 || i >= n {
            continue;
        }
        // The k/max_bins quantile as scikit-learn 1.9 bins with it (numpy's
        // `percentile(method="averaged_inverted_cdf")`): the value at rank ⌈nq⌉, or the mean of
        // the two around it when nq is whole. Sharing the reference's edges is what lets the
        // tests compare the two libraries' trees probability by probability. Inside a run of
        // tied values the edge is that value, which still separates the run from the values
        // above it; requiring a change of value exactly at the quantile dropped nearly every
        // edge of tied columns (integer days, counts).
        let e = if (k * n).is_multiple_of(max_bins) {
            (sorted[i - 1] + sorted[i]) / 2.0
        } else {
            sorted[i]
        };
        if out.last().is_none_or(|&l| e > l) {
            out.push(e);
        }
    }
    out
}

#[derive(Clone, Copy, Default)]
struct Bin {
    g: f64,
    h: f64,
    n: u32,
}

struct Leaf {
    rows: Vec<u32>,
    hist: Vec<Bin>,
    g: f64,
    h: f64,
    depth: usize,
    node: usize,
    /// (gain, feature, bin) of the best split, if any.
    best: Option<(f64, usize, usize)>,
}

/// Bins as indices into the flat histogram (feature offset + bin), stored sparsely by row:
/// only the cells that differ from their feature's most common bin. One-hot inputs are mostly
/// at 0, so a row touches a handful of cells instead of one per input; the most common bin's
/// sums are the node's totals minus the feature's other bins. Rows are read whole (one cache
/// line or two) and the histogram (a few thousand bins) stays in L1.
struct Binned {
    start: Vec<usize>,
    cells: Vec<u32>,
    common: Vec<u32>,
    offsets: Vec<usize>,
    /// Each row's bin per feature, feature-major (`dense[f * rows + r]`, at most 255 bins):
    /// partitioning a node reads one byte per row instead of searching the row's cells.
    dense: Vec<u8>,
    rows: usize,
}

impl Binned {
    fn new(columns: &[Vec<u32>], offsets: Vec<usize>, n: usize) -> Self {
        let total = offsets.last().copied().unwrap_or(0);
        let mut counts = vec![0usize; total];
        for col in columns {
            for &c in col {
                counts[c as usize] += 1;
            }
        }
        let common: Vec<u32> = offsets
            .windows(2)
            .map(|w| {
                (w[0]..w[1])
                    .max_by_key(|&c| (counts[c], std::cmp::Reverse(c)))
                    .unwrap_or(w[0]) as u32
            })
            .collect();
        let mut dense = vec![0u8; n * columns.len()];
        for (f, col) in columns.iter().enumerate() {
            for (r, &c) in col.iter().enumerate() {
                // Bins per feature never exceed 255 (`max_bins` is clamped to 2..=255).
                dense[f * n + r] = (c as usize - offsets[f]) as u8;
            }
        }
        let mut start = Vec::with_capacity(n + 1);
        let mut cells = Vec::new();
        start.push(0);
        for r in 0..n {
            for (f, col) in columns.iter().enumerate() {
                if col[r] != common[f] {
                    cells.push(col[r]);
                }
            }
            start.push(cells.len());
        }
        Binned {
            start,
            cells,
            common,
            offsets,
            dense,
            rows: n,
        }
    }

    fn hist(&self, rows: &[u32], g: &[f64], h: &[f64]) -> Vec<Bin> {
        let total = self.offsets.last().copied().unwrap_or(0);
        let mut out = vec![Bin::default(); total];
        let (mut gt, mut ht, mut nt) = (0.0, 0.0, 0u32);
        for &r in rows {
            let r = r as usize;
            let (gr, hr) = (g[r], h[r]);
            gt += gr;
            ht += hr;
            nt += 1;
            for &c in &self.cells[self.start[r]..self.start[r + 1]] {
                let b = &mut out[c as usize];
                b.g += gr;
                b.h += hr;
                b.n += 1;
            }
        }
        for (f, w) in self.offsets.windows(2).enumerate() {
            let (mut gs, mut hs, mut ns) = (0.0, 0.0, 0u32);
            for b in &out[w[0]..w[1]] {
                gs += b.g;
                hs += b.h;
                ns += b.n;
            }
            out[self.common[f] as usize] = Bin {
                g: gt - gs,
                h: ht - hs,
                n: nt - ns,
            };
        }
        out
    }

    /// The cell of row `r` for feature `f`.
    fn cell(&self, r: usize, f: usize) -> u32 {
        (self.offsets[f] + usize::from(self.dense[f * self.rows + r])) as u32
    }
}

fn score(g: f64, h: f64, l2: f64) -> f64 {
    g * g / (h + l2)
}

impl GbtModel {
    pub fn fit(x: &Matrix, y: &[bool], params: &GbtParams) -> Result<Self, ChurnError> {
        let (n, d) = (x.rows, x.cols);
        if y.len() != n || n == 0 {
            return Err(ChurnError::Fit(format!("{n} rows but {} labels", y.len())));
        }
        let max_bins = params.max_bins.clamp(2, 255);
        // Bin every feature.
        let mut thresholds = Vec::with_capacity(d);
        let mut offsets = vec![0usize];
        let mut columns = Vec::with_capacity(d);
        for j in 0..d {
            let col = x.column(j);
            let e = bin_edges(&col, max_bins);
            columns.push(
                col.iter()
                    .map(|&v| (offsets[j] + e.partition_point(|&t| t < v)) as u32)
                    .collect::<Vec<u32>>(),
            );
            offsets.push(offsets[j] + e.len() + 1);
            thresholds.push(e);
        }
        let binned = Binned::new(&columns, offsets.clone(), n);
        drop(columns);
        let pos = y.iter().filter(|&&v| v).count() as f64;
        let rate = (pos / n as f64).clamp(1e-6, 1.0 - 1e-6);
        let base = (rate / (1.0 - rate)).det_ln();
        let mut raw = vec![base; n];
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n];
        let mut gain = vec![0.0; d];
        let mut trees = Vec::with_capacity(params.n_trees);
        let min_leaf = params.min_samples_leaf.max(1) as u32;
        let l2 = params.l2.max(0.0);
        let max_depth = if params.max_depth == 0 {
            usize::MAX
        } else {
            params.max_depth
        };
        let best_split = |hist: &[Bin], gt: f64, ht: f64, nt: u32| -> Option<(f64, usize, usize)> {
            let parent = score(gt, ht, l2);
            let mut best: Option<(f64, usize, usize)> = None;
            for f in 0..d {
                let hf = &hist[offsets[f]..offsets[f + 1]];
                let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0u32);
                for (b, bin) in hf.iter().enumerate().take(hf.len().saturating_sub(1)) {
                    gl += bin.g;
                    hl += bin.h;
                    nl += bin.n;
                    if nl < min_leaf {
                        continue;
                    }
                    let nr = nt - nl;
                    if nr < min_leaf {
                        break;
                    }
                    let (gr, hr) = (gt - gl, ht - hl);
                    if hl < 1e-3 || hr < 1e-3 {
                        continue;
                    }
                    let s = score(gl, hl, l2) + score(gr, hr, l2) - parent;
                    if s > 1e-12 && best.is_none_or(|(bs, _, _)| s > bs) {
                        best = Some((s, f, b));
                    }
                }
            }
            best
        };
        for _ in 0..params.n_trees {
            for i in 0..n {
                let p = sigmoid(raw[i]);
                g[i] = p - if y[i] { 1.0 } else { 0.0 };
                h[i] = (p * (1.0 - p)).max(1e-16);
            }
            let rows: Vec<u32> = (0..n as u32).collect();
            let hist = binned.hist(&rows, &g, &h);
            let (gt, ht) = (g.iter().sum::<f64>(), h.iter().sum::<f64>());
            let mut nodes = vec![Node {
                feature: usize::MAX,
                threshold: 0.0,
                left: 0,
                right: 0,
                value: 0.0,
            }];
            let best = if max_depth > 0 {
                best_split(&hist, gt, ht, n as u32)
            } else {
                None
            };
            let mut leaves = vec![Leaf {
                rows,
                hist,
                g: gt,
                h: ht,
                depth: 0,
                node: 0,
                best,
            }];
            let mut done: Vec<Leaf> = Vec::new();
            while leaves.len() + done.len() < params.max_leaves.max(1) {
                // The open leaf with the largest gain.
                let Some(k) = (0..leaves.len())
                    .filter(|&k| leaves[k].best.is_some())
                    .max_by(|&a, &b| {
                        let ga = leaves[a].best.map_or(0.0, |b| b.0);
                        let gb = leaves[b].best.map_or(0.0, |b| b.0);
                        ga.total_cmp(&gb)
                    })
                else {
                    break;
                };
                let leaf = leaves.swap_remove(k);
                let Some((s, f, b)) = leaf.best else {
                    continue;
                };
                gain[f] += s;
                let cut = (offsets[f] + b) as u32;
                let (left, right): (Vec<u32>, Vec<u32>) = leaf
                    .rows
                    .iter()
                    .partition(|&&r| binned.cell(r as usize, f) <= cut);
                let small = if left.len() <= right.len() {
                    &left
                } else {
                    &right
                };
                let small_hist = binned.hist(small, &g, &h);
                let large_hist: Vec<Bin> = leaf
                    .hist
                    .iter()
                    .zip(&small_hist)
                    .map(|(p, s)| Bin {
                        g: p.g - s.g,
                        h: p.h - s.h,
                        n: p.n - s.n,
                    })
                    .collect();
                let (lh, rh) = if left.len() <= right.len() {
                    (small_hist, large_hist)
                } else {
                    (large_hist, small_hist)
                };
                let sums = |rows: &[u32]| {
                    rows.iter().fold((0.0, 0.0), |(a, c), &r| {
                        (a + g[r as usize], c + h[r as usize])
                    })
                };
                let depth = leaf.depth + 1;
                let li = nodes.len();
                nodes[leaf.node] = Node {
                    feature: f,
                    threshold: thresholds[f].get(b).copied().unwrap_or(f64::INFINITY),
                    left: li,
                    right: li + 1,
                    value: 0.0,
                };
                for (rows, hist) in [(left, lh), (right, rh)] {
                    let (gs, hs) = sums(&rows);
                    let best = if depth < max_depth {
                        best_split(&hist, gs, hs, rows.len() as u32)
                    } else {
                        None
                    };
                    let node = nodes.len();
                    nodes.push(Node {
                        feature: usize::MAX,
                        threshold: 0.0,
                        left: 0,
                        right: 0,
                        value: 0.0,
                    });
                    let child = Leaf {
                        rows,
                        hist,
                        g: gs,
                        h: hs,
                        depth,
                        node,
                        best,
                    };
                    if child.best.is_some() {
                        leaves.push(child);
                    } else {
                        done.push(child);
                    }
                }
            }
            for leaf in leaves.iter().chain(&done) {
                let v = -params.learning_rate * leaf.g / (leaf.h + l2);
                nodes[leaf.node].value = v;
                for &r in &leaf.rows {
                    raw[r as usize] += v;
                }
            }
            trees.push(Tree { nodes });
        }
        Ok(GbtModel { base, trees, gain })
    }

    /// Churn probability of each row of `x`.
    ///
    /// Each tree is walked as a fixed number of steps (its depth) where a leaf leads to itself,
    /// so the next node is a select, not a branch the processor mispredicts at every other
    /// node, and eight rows walk a tree side by side. The same comparisons on the same path
    /// and the trees added in the same order: the same probabilities as [`Tree::predict`].
    pub fn predict_proba(&self, x: &Matrix) -> Vec<f64> {
        const BLOCK: usize = 8;
        let walks: Vec<Walk> = self.trees.iter().map(Walk::new).collect();
        let d = x.cols;
        let mut out = Vec::with_capacity(x.rows);
        let mut sums = [0.0f64; BLOCK];
        let mut at = [0usize; BLOCK];
        for start in (0..x.rows).step_by(BLOCK) {
            let m = BLOCK.min(x.rows - start);
            let rows = &x.data[start * d..(start + m) * d];
            // -0.0: the neutral element of a float sum, as `Iterator::sum` starts from.
            sums[..m].fill(-0.0);
            for w in &walks {
                at[..m].fill(0);
                for _ in 0..w.depth {
                    for (r, i) in at[..m].iter_mut().enumerate() {
                        let n = &w.nodes[*i];
                        let v = if n.feature < d {
                            rows[r * d + n.feature]
                        } else {
                            0.0
                        };
                        *i = if v <= n.threshold { n.left } else { n.right };
                    }
                }
                for (s, &i) in sums[..m].iter_mut().zip(&at[..m]) {
                    *s += w.nodes[i].value;
                }
            }
            out.extend(sums[..m].iter().map(|&s| sigmoid(self.base + s)));
        }
        out
    }
}

/// A tree laid out for [`GbtModel::predict_proba`]: a leaf leads to itself.
struct Walk {
    depth: usize,
    nodes: Vec<WalkNode>,
}

struct WalkNode {
    feature: usize,
    threshold: f64,
    left: usize,
    right: usize,
    value: f64,
}

impl Walk {
    fn new(tree: &Tree) -> Self {
        let mut nodes: Vec<WalkNode> = tree
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let leaf = n.feature == usize::MAX;
                WalkNode {
                    feature: if leaf { 0 } else { n.feature },
                    threshold: n.threshold,
                    left: if leaf { i } else { n.left },
                    right: if leaf { i } else { n.right },
                    value: n.value,
                }
            })
            .collect();
        if nodes.is_empty() {
            nodes.push(WalkNode {
                feature: 0,
                threshold: 0.0,
                left: 0,
                right: 0,
                value: 0.0,
            });
        }
        // The depth of the deepest leaf (children always come after their parent).
        let mut depth = vec![0usize; nodes.len()];
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.feature != usize::MAX {
                for c in [n.left, n.right] {
                    let di = depth[i];
                    if let Some(dc) = depth.get_mut(c) {
                        *dc = di + 1;
                    }
                }
            }
        }
        Walk {
            depth: depth.iter().copied().max().unwrap_or(0),
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_gives_each_tree_s_own_prediction() {
        // Rows that are not a multiple of the block, ties at thresholds, NaN and infinities.
        let mut data = Vec::new();
        let mut y = Vec::new();
        for i in 0..203 {
            let a = f64::from(i % 17);
            let b = f64::from((i * 7) % 23) / 3.0;
            data.extend_from_slice(&[a, b, a * b]);
            y.push((i * 13) % 5 < 2);
        }
        let x = Matrix::new(203, 3, data);
        let params = GbtParams {
            n_trees: 30,
            min_samples_leaf: 5,
            ..GbtParams::default()
        };
        let model = GbtModel::fit(&x, &y, &params).unwrap();
        assert!(model.trees.iter().any(|t| t.nodes.len() > 3));
        let mut probe = x.data.clone();
        probe.extend_from_slice(&[
            f64::NAN,
            2.0,
            f64::INFINITY,
            4.0,
            f64::NEG_INFINITY,
            f64::NAN,
        ]);
        let probe = Matrix::new(205, 3, probe);
        let got = model.predict_proba(&probe);
        for (i, p) in got.iter().enumerate() {
            let row = probe.row(i);
            let sum: f64 = model.trees.iter().map(|t| t.predict(row)).sum();
            assert_eq!(p.to_bits(), sigmoid(model.base + sum).to_bits(), "row {i}");
        }
    }

    #[test]
    fn tied_columns_keep_their_quantile_edges() {
        // 0..=599 each repeated 150 times: more distinct values than bins, and every
        // quantile falls inside a run of ties.
        let col: Vec<f64> = (0..90_000).map(|i| f64::from(i / 150)).collect();
        let e = bin_edges(&col, 255);
        assert!(e.len() > 200, "{} edges", e.len());
        assert!(e.windows(2).all(|w| w[0] < w[1]));
    }
}
