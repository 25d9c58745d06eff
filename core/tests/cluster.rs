//! k-means++ clustering: recovery on separated blobs, hand-computed silhouettes, agreement
//! with scikit-learn (tests/reference/cluster_sklearn.py), determinism and errors.

use prisme_core::cluster::{
    ClusterError, ClusterParams, Features, LogTransform, cluster, silhouette_score,
};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::synth::SplitMix64;
use prisme_core::transactions::Transactions;

/// Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same rows.
fn ari(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let ka = *a.iter().max().unwrap() as usize + 1;
    let kb = *b.iter().max().unwrap() as usize + 1;
    let mut table = vec![vec![0u64; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        table[x as usize][y as usize] += 1;
    }
    let c2 = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let index: f64 = table.iter().flatten().map(|&n| c2(n)).sum();
    let rows: f64 = table.iter().map(|r| c2(r.iter().sum())).sum();
    let cols: f64 = (0..kb).map(|j| c2(table.iter().map(|r| r[j]).sum())).sum();
    let total = c2(a.len() as u64);
    let expected = rows * cols / total;
    let max = (rows + cols) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Three 3-D blobs, 20 standard deviations apart, sizes 150 > 100 > 60, shuffled; labels are
/// the blob numbers, which are also the expected cluster numbers (clusters sorted by size).
fn blobs(seed: u64) -> (Features, Vec<u32>) {
    let centres = [[0.0, 0.0, 0.0], [20.0, 5.0, -10.0], [-15.0, 25.0, 10.0]];
    let sizes = [150usize, 100, 60];
    let mut rng = SplitMix64::new(seed);
    let mut rows: Vec<([f64; 3], u32)> = Vec::new();
    for (b, (c, &n)) in centres.iter().zip(&sizes).enumerate() {
        for _ in 0..n {
            let p = [
                c[0] + rng.normal(),
                c[1] + rng.normal(),
                c[2] + rng.normal(),
            ];
            rows.push((p, b as u32));
        }
    }
    for i in (1..rows.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        rows.swap(i, j);
    }
    let col = |f: usize| rows.iter().map(|r| r.0[f]).collect::<Vec<_>>();
    let features = Features::new()
        .with("a", col(0))
        .with("b", col(1))
        .with("c", col(2));
    (features, rows.iter().map(|r| r.1).collect())
}

#[test]
fn separated_blobs_are_recovered_exactly() {
    let (features, truth) = blobs(7);
    // restart_sample 100: restarts on a third of the rows, then refined on all of them.
    for (seed, restart_sample) in [(0, 0), (1, 0), (99, 0), (5, 100)] {
        let params = ClusterParams {
            seed,
            restart_sample,
            ..ClusterParams::default()
        };
        let out = cluster(&features, &params).unwrap();
        assert_eq!(out.k, 3, "seed {seed}: {:?}", out.candidates);
        assert_eq!(ari(&out.labels, &truth), 1.0);
        // Sorted by size, so the numbers themselves match the generator's.
        assert_eq!(out.labels, truth);
        assert_eq!(
            out.clusters.iter().map(|c| c.size).collect::<Vec<_>>(),
            vec![150, 100, 60]
        );
        // Means are in original units: near the generating centres.
        assert!((out.clusters[1].means[0] - 20.0).abs() < 0.5);
        assert!((out.clusters[2].means[1] - 25.0).abs() < 0.5);
        let shares: f64 = out.clusters.iter().map(|c| c.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
        // k from 2 to 8, each with an inertia; the elbow decreases up to the true k.
        let ks: Vec<usize> = out.candidates.iter().map(|c| c.k).collect();
        assert_eq!(ks, (2..=8).collect::<Vec<_>>());
        assert!(out.candidates[0].inertia > out.candidates[1].inertia);
        assert!(out.candidates.iter().all(|c| c.converged));
    }
}

#[test]
fn silhouette_matches_hand_computation() {
    // 1-D points 0, 2 | 5, 6:
    //   0: a = 2, b = (5 + 6) / 2 = 5.5 -> 3.5 / 5.5 = 7/11
    //   2: a = 2, b = (3 + 4) / 2 = 3.5 -> 1.5 / 3.5 = 3/7
    //   5: a = 1, b = (5 + 3) / 2 = 4   -> 3 / 4
    //   6: a = 1, b = (6 + 4) / 2 = 5   -> 4 / 5
    let s = silhouette_score(&[0.0, 2.0, 5.0, 6.0], 1, &[0, 0, 1, 1], 2);
    let want = (7.0 / 11.0 + 3.0 / 7.0 + 3.0 / 4.0 + 4.0 / 5.0) / 4.0;
    assert!((s - want).abs() < 1e-15, "{s} vs {want}");
    // Adding 20 alone in a third cluster: it counts 0, the others keep their nearest cluster.
    let s = silhouette_score(&[0.0, 2.0, 5.0, 6.0, 20.0], 1, &[0, 0, 1, 1, 2], 3);
    let want = (7.0 / 11.0 + 3.0 / 7.0 + 3.0 / 4.0 + 4.0 / 5.0) / 5.0;
    assert!((s - want).abs() < 1e-15, "{s} vs {want}");
    // 2-D, a 3-4-5 triangle: A = {(0,0), (3,4)}, B = {(0,8)}... B alone -> 0;
    //   (0,0): a = 5, b = 8 -> 3/8;  (3,4): a = 5, b = 5 -> 0.
    let s = silhouette_score(&[0.0, 0.0, 3.0, 4.0, 0.0, 8.0], 2, &[0, 0, 1], 2);
    assert!((s - (3.0 / 8.0) / 3.0).abs() < 1e-15, "{s}");
}

fn points_csv() -> Features {
    let text = include_str!("data/cluster_points.csv");
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let mut columns = vec![Vec::new(); names.len()];
    for line in lines {
        for (c, v) in columns.iter_mut().zip(line.split(',')) {
            c.push(v.parse::<f64>().unwrap());
        }
    }
    Features { names, columns }
}

#[test]
fn agrees_with_scikit_learn() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/reference/cluster_sklearn.json")).unwrap();
    let features = points_csv();
    let n = features.rows();
    assert_eq!(reference["rows"].as_u64(), Some(n as u64));
    let params = ClusterParams {
        standardize: false,
        k_min: 2,
        k_max: 6,
        ..ClusterParams::default()
    };
    let out = cluster(&features, &params).unwrap();
    assert_eq!(out.silhouette_rows, n, "exact silhouette on a small set");
    // With k = 5 and 6 (more clusters than blobs) the landscape has many local minima:
    // scikit-learn's own n_init=10 misses its best inertia in 18 of 20 random states, and ten
    // restarts of ours miss its random_state=0 figure in 13 of 20 seeds. With 50 restarts we
    // match or beat it for every k.
    let thorough = cluster(
        &features,
        &ClusterParams {
            restarts: 50,
            ..params.clone()
        },
    )
    .unwrap();
    let points: Vec<f64> = (0..n)
        .flat_map(|r| features.columns.iter().map(move |c| c[r]))
        .collect();
    let mut best_k = 0;
    let mut best_s = f64::NEG_INFINITY;
    for (cand, thorough) in out.candidates.iter().zip(&thorough.candidates) {
        let sk = &reference["k"][cand.k.to_string()];
        let sk_inertia = sk["inertia"].as_f64().unwrap();
        let sk_sil = sk["silhouette"].as_f64().unwrap();
        let sk_labels: Vec<u32> = sk["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert!(
            thorough.inertia <= sk_inertia * (1.0 + 1e-6),
            "k = {}: inertia {} vs scikit-learn {}",
            cand.k,
            thorough.inertia,
            sk_inertia
        );
        if cand.k <= 4 {
            // Up to the true k, ten restarts find the same minimum.
            assert!((cand.inertia - sk_inertia).abs() <= 1e-6 * sk_inertia);
        }
        // Same labels, same silhouette.
        let ours_on_theirs = silhouette_score(&points, 3, &sk_labels, cand.k);
        assert!(
            (ours_on_theirs - sk_sil).abs() < 1e-9,
            "k = {}: {ours_on_theirs} vs {sk_sil}",
            cand.k
        );
        if sk_sil > best_s {
            best_s = sk_sil;
            best_k = cand.k;
        }
    }
    assert_eq!(out.k, best_k);
    let sk_labels: Vec<u32> = reference["k"][best_k.to_string()]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(ari(&out.labels, &sk_labels), 1.0);
    assert!((out.silhouette - best_s).abs() < 1e-9);
    let sk_inertia = reference["k"][best_k.to_string()]["inertia"]
        .as_f64()
        .unwrap();
    assert!((out.inertia - sk_inertia).abs() <= 1e-6 * sk_inertia);
}

#[test]
fn same_seed_same_result() {
    let features = points_csv();
    let params = ClusterParams {
        seed: 12345,
        silhouette_sample: 100,
        ..ClusterParams::default()
    };
    let a = cluster(&features, &params).unwrap();
    let b = cluster(&features, &params).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.silhouette_rows, 100);
    // Round trip through the JSON report (serde_json may move a float by an ulp).
    let json = serde_json::to_string(&a).unwrap();
    let back: prisme_core::cluster::Clustering = serde_json::from_str(&json).unwrap();
    assert_eq!(back.labels, a.labels);
    assert_eq!(back.candidates.len(), a.candidates.len());
    assert!((back.inertia - a.inertia).abs() <= 1e-12 * a.inertia);
}

#[test]
fn params_from_json_use_defaults() {
    let p: ClusterParams = serde_json::from_str(r#"{"k": 3, "log": "all"}"#).unwrap();
    assert_eq!(p.k, Some(3));
    assert_eq!(p.log, LogTransform::All);
    assert_eq!(p.restarts, 10);
    assert!(p.standardize);
    let p: ClusterParams = serde_json::from_str(r#"{"log": {"features": ["monetary"]}}"#).unwrap();
    assert_eq!(p.log, LogTransform::Features(vec!["monetary".into()]));
}

#[test]
fn from_rfm_with_log_and_fixed_k() {
    let ids: Vec<String> = (0..60).map(|i| format!("c{i}")).collect();
    let mut rows_id = Vec::new();
    let (mut days, mut amounts) = (Vec::new(), Vec::new());
    for (i, id) in ids.iter().enumerate() {
        // Two kinds: small recent buyers and large old ones.
        let (n, day, amount) = if i % 3 == 0 {
            (8, 100, 500.0)
        } else {
            (1, 10, 20.0)
        };
        for j in 0..n {
            rows_id.push(id.clone());
            days.push(day - j - (i as i32 % 5));
            amounts.push(amount + i as f64);
        }
    }
    let tx = Transactions::from_rows(&rows_id, days, amounts);
    let r = rfm(&tx, &RfmParams::default()).unwrap();
    let features = Features::from_rfm(&r);
    assert_eq!(features.names, vec!["recency", "frequency", "monetary"]);
    let params = ClusterParams {
        k: Some(2),
        log: LogTransform::Features(vec!["monetary".into(), "frequency".into()]),
        ..ClusterParams::default()
    };
    let out = cluster(&features, &params).unwrap();
    assert_eq!(out.k, 2);
    assert_eq!(out.candidates.len(), 1);
    assert_eq!(out.clusters[0].size, 40);
    assert_eq!(out.clusters[1].size, 20);
    assert!(out.clusters[1].means[2] > 4000.0);
    assert!(out.scaling[2].log && out.scaling[1].log && !out.scaling[0].log);
}

#[test]
fn errors() {
    let f = Features::new().with("x", vec![1.0, 2.0, 3.0]);
    let bad = |p: ClusterParams| cluster(&f, &p).unwrap_err();
    assert!(matches!(
        bad(ClusterParams {
            k: Some(1),
            ..Default::default()
        }),
        ClusterError::BadK { .. }
    ));
    assert!(matches!(
        bad(ClusterParams {
            features: vec!["nope".into()],
            ..Default::default()
        }),
        ClusterError::UnknownFeature { .. }
    ));
    assert!(matches!(
        bad(ClusterParams {
            k: Some(3),
            ..Default::default()
        }),
        ClusterError::TooFewRows { rows: 3, k: 3 }
    ));
    let nan = Features::new().with("x", vec![1.0, f64::NAN, 3.0]);
    assert!(matches!(
        cluster(&nan, &ClusterParams::default()),
        Err(ClusterError::NonFinite { row: 1, .. })
    ));
    let neg = Features::new().with("x", vec![1.0, -2.0, 3.0]);
    assert!(matches!(
        cluster(
            &neg,
            &ClusterParams {
                log: LogTransform::All,
                ..Default::default()
            }
        ),
        Err(ClusterError::NotLoggable { row: 1, .. })
    ));
    assert_eq!(
        cluster(&Features::new(), &ClusterParams::default()),
        Err(ClusterError::NoFeatures)
    );
    let ragged = Features::new()
        .with("x", vec![1.0, 2.0, 3.0])
        .with("y", vec![1.0]);
    assert!(matches!(
        cluster(&ragged, &ClusterParams::default()),
        Err(ClusterError::LengthMismatch { .. })
    ));
    // Fewer distinct rows than k: no panic, k capped by rows, clusters may be empty.
    let dup = Features::new().with("x", vec![1.0; 10]);
    let out = cluster(&dup, &ClusterParams::default()).unwrap();
    assert_eq!(out.labels.len(), 10);
    let json = serde_json::to_string(&out).unwrap();
    let _: prisme_core::cluster::Clustering = serde_json::from_str(&json).unwrap();
}

#[test]
fn any_number_of_features() {
    // Two features (a constant-size loop) and five (the run-time-size loop) recover the blobs.
    let (f3, truth) = blobs(11);
    let two = Features::new()
        .with("a", f3.columns[0].clone())
        .with("b", f3.columns[1].clone());
    let five = f3
        .clone()
        .with("d", f3.columns[0].iter().map(|v| v * 0.5).collect())
        .with(
            "e",
            f3.columns[1]
                .iter()
                .zip(&f3.columns[2])
                .map(|(x, y)| x + y)
                .collect(),
        );
    for f in [two, five] {
        let out = cluster(&f, &ClusterParams::default()).unwrap();
        assert_eq!(out.k, 3);
        assert_eq!(out.labels, truth);
    }
}
