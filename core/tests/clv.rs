//! CLV validation: the CDNOW results published by Fader, Hardie & Lee (2005) and reproduced by
//! the `lifetimes` library, parameter recovery on simulated data, and predictions checked
//! against lifetimes' formulas (values in tests/reference/clv_lifetimes.json, produced by
//! tests/reference/clv_reference.py; never by this crate).

mod common;

use std::collections::HashMap;

use arrow_array::Array;

use prisme_core::clv::{
    self, BgNbdParams, ClvParams, ClvResult, GammaGammaParams, TimeUnit, bgnbd, simulate, special,
};
use prisme_core::ingest::ReadOptions;
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::tokenizer::Delimiter;
use prisme_core::transactions::{BadRows, Transactions, load_transactions};
use serde_json::Value;

fn reference() -> Value {
    let text = include_str!("reference/clv_lifetimes.json");
    serde_json::from_str(text).expect("reference JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn rel(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

/// Whether `v` rounds to `published` at `decimals` places.
fn rounds_to(v: f64, published: f64, decimals: i32) -> bool {
    let s = 10f64.powi(decimals);
    ((v * s).round() - published * s).abs() < 0.5
}

/// The CDNOW sample (2,357 customers, 1997-01-01 to 1998-06-30) through the product's reader.
fn cdnow() -> Transactions {
    let path = common::refdata("CDNOW_sample.txt");
    let bytes = std::fs::read(&path).expect("read CDNOW_sample.txt");
    let opts = ReadOptions {
        has_header: Some(false),
        delimiter: Some(Delimiter::Whitespace),
        roles: vec![
            ("column_2".into(), Role::CustomerId),
            ("column_3".into(), Role::Date),
            ("column_5".into(), Role::Amount),
        ],
        ..ReadOptions::default()
    };
    let (tx, report) = load_transactions(
        "CDNOW_sample.txt",
        &bytes,
        &opts,
        BadRows::Stop,
        &mut |_| {},
    )
    .expect("CDNOW loads");
    assert_eq!(report.rows_kept, 6_919);
    assert_eq!(tx.customer_ids().len(), 2_357);
    tx
}

fn calibration_end() -> i32 {
    days_from_civil(1997, 9, 30)
}

/// `ID -> columns` of a lifetimes summary CSV.
fn read_csv(file: &str) -> HashMap<u32, Vec<f64>> {
    let text = std::fs::read_to_string(common::refdata(file)).expect("read summary");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l
                .split(',')
                .map(|v| v.trim().parse::<f64>().expect("number"));
            let id = it.next().expect("id") as u32;
            (id, it.collect())
        })
        .collect()
}

#[test]
fn cdnow_summary_matches_lifetimes_files() {
    let tx = cdnow();
    let s = clv::summary(&tx, calibration_end(), TimeUnit::Weeks).unwrap();
    let ids = tx.customer_ids();
    let file = read_csv("cdnow_customers_summary.csv");
    let money = read_csv("cdnow_customers_summary_with_transactions.csv");
    assert_eq!(s.len(), 2_357);
    assert_eq!(file.len(), 2_357);
    // The files round recency, T and monetary to 2 decimals: allow half a unit of the last place.
    let tol = 0.005 + 1e-9;
    let (mut worst_t, mut worst_m) = (0.0f64, 0.0f64);
    for i in 0..s.len() {
        let id: u32 = ids.value(s.key[i] as usize).parse().unwrap();
        let row = &file[&id];
        assert_eq!(f64::from(s.frequency[i]), row[0], "frequency of {id}");
        assert!(
            (s.recency[i] - row[1]).abs() <= tol,
            "recency of {id}: {} vs {}",
            s.recency[i],
            row[1]
        );
        assert!(
            (s.t[i] - row[2]).abs() <= tol,
            "T of {id}: {} vs {}",
            s.t[i],
            row[2]
        );
        let m = &money[&id];
        assert_eq!(f64::from(s.frequency[i]), m[0]);
        assert!(
            (s.monetary[i] - m[3]).abs() <= tol,
            "monetary of {id}: {} vs {}",
            s.monetary[i],
            m[3]
        );
        worst_t = worst_t
            .max((s.recency[i] - row[1]).abs())
            .max((s.t[i] - row[2]).abs());
        worst_m = worst_m.max((s.monetary[i] - m[3]).abs());
    }
    assert_eq!(s.frequency.iter().filter(|&&x| x > 0).count(), 946);
    eprintln!("largest |difference|: recency/T {worst_t:.2e} weeks, monetary {worst_m:.2e}");
}

#[test]
fn summary_conventions_by_hand() {
    // a: two purchases on day 10 (merge into one occasion of 15), day 24 (20), day 31 (4 + 6),
    //    day 60 after the end (ignored). b: a single purchase. c: only after the end.
    let tx = Transactions::from_rows(
        &["a", "b", "a", "a", "a", "a", "a", "a", "c"],
        vec![10, 12, 10, 24, 31, 31, 60, 61, 70],
        vec![10.0, 7.0, 5.0, 20.0, 4.0, 6.0, 99.0, 1.0, 3.0],
    );
    let s = clv::summary(&tx, 38, TimeUnit::Weeks).unwrap();
    assert_eq!(s.key, vec![0, 1]);
    assert_eq!(s.frequency, vec![2, 0]);
    assert_eq!(s.recency, vec![3.0, 0.0]); // days 10 -> 31
    assert_eq!(s.t, vec![4.0, 26.0 / 7.0]); // days 10 -> 38, 12 -> 38
    assert_eq!(s.monetary, vec![15.0, 0.0]); // (20 + 10) / 2, first day excluded
    let ch = clv::calibration_and_holdout(&tx, 24, 65, TimeUnit::Days).unwrap();
    assert_eq!(ch.calibration.key, vec![0, 1]); // c first buys after the calibration end
    assert_eq!(ch.calibration.frequency, vec![1, 0]);
    assert_eq!(ch.calibration.monetary, vec![20.0, 0.0]);
    assert_eq!(ch.holdout_frequency, vec![3, 0]); // days 31, 60, 61
    assert_eq!(ch.holdout_duration, 41.0);
    assert!(clv::calibration_and_holdout(&tx, 65, 24, TimeUnit::Days).is_err());
    assert!(clv::summary(&tx, 5, TimeUnit::Days).is_err());
}

fn check_bgnbd(m: &bgnbd::BgNbd, what: &str) {
    let lifetimes = [0.242593, 4.413587, 0.792919, 2.425891];
    let published = [0.243, 4.414, 0.793, 2.426];
    let got = [m.r, m.alpha, m.a, m.b];
    for i in 0..4 {
        assert!(
            rel(got[i], lifetimes[i]) < 1e-3,
            "{what}: parameter {i} = {} vs lifetimes {}",
            got[i],
            lifetimes[i]
        );
        assert!(
            rounds_to(got[i], published[i], 3),
            "{what}: {} does not round to {}",
            got[i],
            published[i]
        );
    }
    assert!(
        (m.log_likelihood + 9582.4).abs() < 0.05,
        "{what}: LL {}",
        m.log_likelihood
    );
    assert!(m.converged, "{what}: {m:?}");
    // CDNOW's dropout is strongly identified: the published finite a and b, not a limit.
    assert_eq!(m.dropout, bgnbd::Dropout::Identified, "{what}");
    eprintln!("{what}: {m:?}");
}

#[test]
fn cdnow_bgnbd_reproduces_published_fit() {
    let tx = cdnow();
    let s = clv::summary(&tx, calibration_end(), TimeUnit::Weeks).unwrap();
    let m = BgNbdParams::default().fit(&s).unwrap();
    assert_eq!(m.n, 2_357);
    check_bgnbd(&m, "from transactions");
    // lifetimes 0.11.3 on the same transactions (its calibration_and_holdout_data, days / 7).
    let r = reference();
    let lt = &r["holdout"]["params"];
    for (got, key) in [(m.r, "r"), (m.alpha, "alpha"), (m.a, "a"), (m.b, "b")] {
        assert!(
            rel(got, f(&lt[key])) < 1e-5,
            "{key}: {got} vs lifetimes {}",
            f(&lt[key])
        );
    }
    // The same on lifetimes' rounded summary file.
    let file = read_csv("cdnow_customers_summary.csv");
    let rows: Vec<&Vec<f64>> = file.values().collect();
    let x: Vec<u32> = rows.iter().map(|r| r[0] as u32).collect();
    let tx_: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    let t: Vec<f64> = rows.iter().map(|r| r[2]).collect();
    let m2 = BgNbdParams::default().fit_data(&x, &tx_, &t).unwrap();
    check_bgnbd(&m2, "from cdnow_customers_summary.csv");
    // Our LL formula against scipy's at lifetimes' estimate on that file.
    let r = reference();
    let fit = &r["bgnbd_fit_summary_file"];
    let p = &fit["params"];
    let ll = bgnbd::log_likelihood(
        f(&p["r"]),
        f(&p["alpha"]),
        f(&p["a"]),
        f(&p["b"]),
        &x,
        &tx_,
        &t,
    );
    assert!((ll - f(&fit["log_likelihood"])).abs() < 1e-8, "{ll}");
    assert!(
        m2.log_likelihood >= ll - 1e-9,
        "our optimum {} below lifetimes' {ll}",
        m2.log_likelihood
    );
}

fn check_gamma_gamma(m: &clv::GammaGamma, what: &str) {
    let lifetimes = [6.2502, 3.7441, 15.4472];
    let published = [6.25, 3.74, 15.44];
    let got = [m.p, m.q, m.v];
    for i in 0..3 {
        assert!(
            rel(got[i], lifetimes[i]) < 1e-3,
            "{what}: parameter {i} = {} vs lifetimes {}",
            got[i],
            lifetimes[i]
        );
    }
    // p and q round to the published values. v does not: the maximum of the likelihood is at
    // 15.4477 (lifetimes 0.11.3 finds 15.44775 on the same file, older releases 15.4472), which
    // rounds to 15.45; the paper's 15.44 is within one unit of its last place.
    assert!(rounds_to(m.p, published[0], 2), "{what}: p = {}", m.p);
    assert!(rounds_to(m.q, published[1], 2), "{what}: q = {}", m.q);
    assert!((m.v - published[2]).abs() < 0.01, "{what}: v = {}", m.v);
    assert_eq!(m.n, 946);
    assert!(m.converged, "{what}: {m:?}");
    eprintln!("{what}: {m:?}");
}

#[test]
fn cdnow_gamma_gamma_reproduces_published_fit() {
    let money = read_csv("cdnow_customers_summary_with_transactions.csv");
    let x: Vec<u32> = money.values().map(|r| r[0] as u32).collect();
    let z: Vec<f64> = money.values().map(|r| r[3]).collect();
    let m = GammaGammaParams::default().fit(&x, &z).unwrap();
    check_gamma_gamma(&m, "from cdnow_customers_summary_with_transactions.csv");
    let tx = cdnow();
    let s = clv::summary(&tx, calibration_end(), TimeUnit::Weeks).unwrap();
    let m2 = GammaGammaParams::default()
        .fit(&s.frequency, &s.monetary)
        .unwrap();
    check_gamma_gamma(&m2, "from transactions");
    let r = reference();
    let lt = &r["gamma_gamma_fit_raw_calibration"]["params"];
    for (got, key) in [(m2.p, "p"), (m2.q, "q"), (m2.v, "v")] {
        assert!(
            rel(got, f(&lt[key])) < 1e-5,
            "{key}: {got} vs lifetimes {}",
            f(&lt[key])
        );
    }
}

// Sample sizes: with 50,000 customers over 52 weeks the sampling spread of the estimates is
// itself about 5 % (over seeds 1-5 and 42, b ranged 2.26-2.74 and a 0.73-0.85 around 2.5 and
// 0.8; Gamma-Gamma p 5.55-6.08 around 6), so a 5 % tolerance would test the seed, not the fit.
// At 250,000 the spread was 2.39-2.55 for b and 5.76-6.05 for p; the tests below use 500,000
// (BG/NBD) and 1,000,000 (Gamma-Gamma, whose fit is cheap) customers to keep 5 % at several
// standard errors.
/// Parameter recovery at the issue's size, 50,000 simulated customers: the first seed's
/// estimates are each within 5 % of the truth, and the mean over 20 seeds is within 1.5 % (the
/// estimator has no bias beyond the sampling spread). The spread itself is real: at 50k, 16 of
/// these 20 seeds have every BG/NBD estimate within 5 %, and 15 of 20 for Gamma-Gamma (worst
/// 9.8 %), which is why the single-seed check is backed by the mean and by the 500k / 1M runs
/// below.
#[test]
fn parameter_recovery_at_50k_customers() {
    let truth = [0.25, 4.0, 0.8, 2.5];
    let mut sum = [0.0; 4];
    for seed in 0..20u64 {
        let sim = simulate::bgnbd(50_000, truth[0], truth[1], truth[2], truth[3], 52.0, seed);
        let m = BgNbdParams::default()
            .fit_data(&sim.frequency, &sim.recency, &sim.t)
            .unwrap();
        assert!(m.converged, "seed {seed}");
        let got = [m.r, m.alpha, m.a, m.b];
        if seed == 0 {
            for i in 0..4 {
                assert!(rel(got[i], truth[i]) < 0.05, "BG/NBD {i}: {got:?}");
            }
        }
        for i in 0..4 {
            sum[i] += got[i] / 20.0;
        }
    }
    for i in 0..4 {
        assert!(rel(sum[i], truth[i]) < 0.015, "BG/NBD mean {i}: {sum:?}");
    }

    let truth = [6.0, 4.0, 15.0];
    let mut sum = [0.0; 3];
    for seed in 0..20u64 {
        let mut rng = simulate::Rng::new(seed + 100);
        let frequency: Vec<u32> = (0..50_000)
            .map(|_| 1 + (rng.next_u64() % 10) as u32)
            .collect();
        let spend = simulate::gamma_gamma(&frequency, truth[0], truth[1], truth[2], seed);
        let m = GammaGammaParams::default().fit(&frequency, &spend).unwrap();
        assert!(m.converged, "seed {seed}");
        let got = [m.p, m.q, m.v];
        if seed == 0 {
            for i in 0..3 {
                assert!(rel(got[i], truth[i]) < 0.05, "Gamma-Gamma {i}: {got:?}");
            }
        }
        for i in 0..3 {
            sum[i] += got[i] / 20.0;
        }
    }
    for i in 0..3 {
        assert!(
            rel(sum[i], truth[i]) < 0.015,
            "Gamma-Gamma mean {i}: {sum:?}"
        );
    }
}

#[test]
fn bgnbd_recovers_simulated_parameters() {
    let truth = [0.25, 4.0, 0.8, 2.5];
    let sim = simulate::bgnbd(500_000, truth[0], truth[1], truth[2], truth[3], 52.0, 42);
    let m = BgNbdParams::default()
        .fit_data(&sim.frequency, &sim.recency, &sim.t)
        .unwrap();
    let got = [m.r, m.alpha, m.a, m.b];
    eprintln!("simulated BG/NBD fit: {m:?}");
    assert!(m.converged);
    for i in 0..4 {
        assert!(
            rel(got[i], truth[i]) < 0.05,
            "parameter {i}: {} vs {}",
            got[i],
            truth[i]
        );
    }
}

#[test]
fn gamma_gamma_recovers_simulated_parameters() {
    let truth = [6.0, 4.0, 15.0];
    let mut rng = simulate::Rng::new(3);
    let frequency: Vec<u32> = (0..1_000_000)
        .map(|_| 1 + (rng.next_u64() % 10) as u32)
        .collect();
    let spend = simulate::gamma_gamma(&frequency, truth[0], truth[1], truth[2], 11);
    let m = GammaGammaParams::default().fit(&frequency, &spend).unwrap();
    eprintln!("simulated Gamma-Gamma fit: {m:?}");
    assert!(m.converged);
    let got = [m.p, m.q, m.v];
    for i in 0..3 {
        assert!(
            rel(got[i], truth[i]) < 0.05,
            "parameter {i}: {} vs {}",
            got[i],
            truth[i]
        );
    }
}

/// Customers who are all still buying on the last observed day (t_x = T): whatever the
/// purchase rates, the likelihood's supremum is at no dropout. Each customer's factor is
/// B(a, b+x)/B(a, b) · (1 + a/(b+x−1)) = E[(1−p)^(x−1)] under Beta(a, b), below 1 for every
/// proper Beta once x ≥ 2: the truth (no dropout) is certain by construction.
#[test]
fn customers_all_active_at_the_end_have_no_dropout() {
    let mut frequency = Vec::new();
    let mut recency = Vec::new();
    let mut t = Vec::new();
    for i in 0..200u32 {
        let tt = 20.0 + f64::from(i % 33);
        let x = [0, 2, 3, 5, 8, 13][(i % 6) as usize];
        frequency.push(x);
        recency.push(if x == 0 { 0.0 } else { tt });
        t.push(tt);
    }
    let m = BgNbdParams::default()
        .fit_data(&frequency, &recency, &t)
        .unwrap();
    match &m.dropout {
        bgnbd::Dropout::NotIdentified { reason } => {
            assert!(
                reason.starts_with("no dropout identified on this data"),
                "{reason}"
            );
            assert!(reason.contains("P(alive) = 1"), "{reason}");
        }
        other => panic!("dropout should not be identified: {other:?} in {m:?}"),
    }
    assert_eq!((m.a, m.b), (0.0, 0.0));
    assert!(m.converged && m.log_likelihood.is_finite(), "{m:?}");
    // The estimate is the NBD's own maximum: its log-likelihood (equation 6 with the dropout
    // terms gone) at the reported r, α, which no BG/NBD with a finite a beats.
    let nbd = |r: f64, alpha: f64| -> f64 {
        frequency
            .iter()
            .zip(&t)
            .map(|(&x, &tt)| {
                let x = f64::from(x);
                special::ln_gamma(r + x) - special::ln_gamma(r) + r * alpha.ln()
                    - (r + x) * (alpha + tt).ln()
            })
            .sum()
    };
    assert!((m.log_likelihood - nbd(m.r, m.alpha)).abs() < 1e-8);
    for (dr, da) in [(1.001, 1.0), (0.999, 1.0), (1.0, 1.001), (1.0, 0.999)] {
        assert!(nbd(m.r * dr, m.alpha * da) < m.log_likelihood);
    }
    for (a, b) in [(0.01, 1.0), (0.1, 3.0), (1.0, 20.0)] {
        let ll = bgnbd::log_likelihood(m.r, m.alpha, a, b, &frequency, &recency, &t);
        assert!(ll < m.log_likelihood, "a {a}, b {b}: {ll}");
    }
    // What it means: everyone is alive, and purchases follow the Gamma(r+x, α+T) rates.
    for (x, tx, tt) in [(0, 0.0, 30.0), (3, 12.0, 30.0), (8, 30.0, 30.0)] {
        assert_eq!(m.p_alive(x, tx, tt), 1.0);
        assert!(!m.is_at_risk(x, tx, tt, 0.5));
        let e = m.conditional_expected_purchases(10.0, x, tx, tt).unwrap();
        let want = (m.r + f64::from(x)) * 10.0 / (m.alpha + tt);
        assert!((e - want).abs() <= 1e-12 * want, "{e} vs {want}");
    }
    let e = m.expected_purchases(26.0).unwrap();
    assert!((e - m.r * 26.0 / m.alpha).abs() < 1e-12);
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["dropout"]["kind"], "not-identified");
}

/// Reports written before `dropout` existed read as identified (the field is optional), and
/// each kind round-trips.
#[test]
fn dropout_field_is_optional_and_round_trips() {
    let old = r#"{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4,
                  "n": 2357, "iterations": 30, "converged": true}"#;
    let m: bgnbd::BgNbd = serde_json::from_str(old).unwrap();
    assert_eq!(m.dropout, bgnbd::Dropout::Identified);
    for dropout in [
        bgnbd::Dropout::Identified,
        bgnbd::Dropout::SameForEveryone {
            p: 0.07,
            reason: "why".into(),
        },
        bgnbd::Dropout::NotIdentified {
            reason: "why".into(),
        },
    ] {
        let m = bgnbd::BgNbd {
            dropout,
            ..m.clone()
        };
        let back: bgnbd::BgNbd = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }
}

/// Data simulated without dropout (Poisson purchases, gamma-distributed rates, nobody leaves;
/// r = 0.5, α = 5, 2,000 customers over 52 weeks), 20 seeds. A parameter on the edge of its
/// space has its estimate exactly there in about half of the samples (Self & Liang 1987), the
/// other half showing a small spurious dropout; so: at least half the fits must report no
/// dropout (14 of 20 did), those recover r and α (mean within 3 %), and the others' dropout
/// stays small (mean dropout probability a/(a+b) below 1 %, mean P(alive) above 0.98: the
/// lowest of the six was 0.986).
#[test]
fn no_dropout_is_detected_on_data_simulated_without_it() {
    let (mut detected, mut r_sum, mut alpha_sum) = (0, 0.0, 0.0);
    for seed in 0..20u64 {
        let sim = simulate::nbd(2_000, 0.5, 5.0, 52.0, seed);
        let m = BgNbdParams::default()
            .fit_data(&sim.frequency, &sim.recency, &sim.t)
            .unwrap();
        match m.dropout {
            bgnbd::Dropout::NotIdentified { .. } => {
                detected += 1;
                r_sum += m.r;
                alpha_sum += m.alpha;
            }
            bgnbd::Dropout::Identified => {
                assert!(m.a / (m.a + m.b) < 0.01, "seed {seed}: {m:?}");
                let mean_alive = (0..sim.frequency.len())
                    .map(|i| m.p_alive(sim.frequency[i], sim.recency[i], sim.t[i]))
                    .sum::<f64>()
                    / sim.frequency.len() as f64;
                assert!(mean_alive > 0.98, "seed {seed}: mean P(alive) {mean_alive}");
            }
            bgnbd::Dropout::SameForEveryone { p, .. } => {
                assert!(p < 0.01, "seed {seed}: {m:?}");
            }
        }
    }
    assert!(
        detected >= 10,
        "no dropout reported on {detected} of 20 samples"
    );
    let (r, alpha) = (r_sum / f64::from(detected), alpha_sum / f64::from(detected));
    assert!(
        rel(r, 0.5) < 0.03 && rel(alpha, 5.0) < 0.03,
        "r {r}, alpha {alpha}"
    );
}

/// Data simulated with one dropout probability for everyone (p = 0.1: Beta(1e7, 9e7)), 10
/// seeds: the fits that run a and b off to infinity report that limit with p recovered, the
/// others find a finite Beta with the same mean; either way the mean dropout is within 0.015
/// of 0.1, and about half the fits (5 of 10) name the limit, as for any boundary estimate.
#[test]
fn a_common_dropout_probability_is_reported_as_such() {
    let mut limit = 0;
    for seed in 0..10u64 {
        let sim = simulate::bgnbd(2_000, 0.5, 5.0, 1e7, 9e7, 52.0, seed);
        let m = BgNbdParams::default()
            .fit_data(&sim.frequency, &sim.recency, &sim.t)
            .unwrap();
        let p = match &m.dropout {
            bgnbd::Dropout::SameForEveryone { p, reason } => {
                limit += 1;
                assert_eq!((m.a, m.b), (0.0, 0.0));
                assert!(reason.contains("probability"), "{reason}");
                *p
            }
            bgnbd::Dropout::Identified => m.a / (m.a + m.b),
            bgnbd::Dropout::NotIdentified { .. } => panic!("seed {seed}: dropout missed: {m:?}"),
        };
        assert!((p - 0.1).abs() < 0.015, "seed {seed}: {m:?}");
    }
    assert!(
        limit >= 3,
        "{limit} of 10 fits named the common-probability limit"
    );
}

fn published_bgnbd() -> bgnbd::BgNbd {
    bgnbd::BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
        log_likelihood: f64::NAN,
        n: 0,
        iterations: 0,
        converged: true,
        dropout: bgnbd::Dropout::Identified,
    }
}

#[test]
fn special_functions_match_scipy() {
    let r = reference();
    for c in r["hyp2f1"].as_array().unwrap() {
        let got = special::hyp2f1(f(&c["a"]), f(&c["b"]), f(&c["c"]), f(&c["z"])).unwrap();
        let want = f(&c["value"]);
        assert!(rel(got, want) < 1e-12, "2F1 {c}: {got}");
    }
    for c in r["ln_gamma"].as_array().unwrap() {
        let (got, want) = (special::ln_gamma(f(&c["x"])), f(&c["value"]));
        assert!(
            (got - want).abs() < 1e-12 * want.abs().max(1.0),
            "lnΓ {c}: {got}"
        );
    }
}

/// The paper's equations (10), (7) and P(alive) evaluated by mpmath at 60 digits
/// (tests/reference/bgnbd_mpmath.py): for a fit with huge a and b (where Euler's series
/// crawls and the paper's form is taken instead), and the closed forms of the two limit
/// models against the full formulas at a = 1e-40 (no dropout) and a + b = 1e40 (one dropout
/// probability, 0.07, for everyone).
#[test]
fn predictions_match_mpmath_at_extreme_a_and_b() {
    let r: Value = serde_json::from_str(include_str!("../../tests/reference/bgnbd_mpmath.json"))
        .expect("reference JSON");
    for (name, dropout) in [
        ("huge_ab", bgnbd::Dropout::Identified),
        (
            "no_dropout",
            bgnbd::Dropout::NotIdentified {
                reason: String::new(),
            },
        ),
        (
            "same_dropout",
            bgnbd::Dropout::SameForEveryone {
                p: 0.07,
                reason: String::new(),
            },
        ),
    ] {
        let c = &r["models"][name];
        let identified = dropout == bgnbd::Dropout::Identified;
        let m = bgnbd::BgNbd {
            r: f(&c["r"]),
            alpha: f(&c["alpha"]),
            // The limits are reported with a = b = 0; their predictions must not use them.
            a: if identified { f(&c["a"]) } else { 0.0 },
            b: if identified { f(&c["b"]) } else { 0.0 },
            log_likelihood: f64::NAN,
            n: 0,
            iterations: 0,
            converged: true,
            dropout,
        };
        let mut checked = 0;
        for cu in c["customers"].as_array().unwrap() {
            let (x, tx, tt) = (f(&cu["x"]) as u32, f(&cu["t_x"]), f(&cu["T"]));
            let pa = m.p_alive(x, tx, tt);
            assert!(
                rel(pa, f(&cu["p_alive"])) < 1e-12,
                "{name} P(alive) {cu}: {pa}"
            );
            for e in cu["expected"].as_array().unwrap() {
                let got = m
                    .conditional_expected_purchases(f(&e["t"]), x, tx, tt)
                    .unwrap();
                assert!(rel(got, f(&e["value"])) < 1e-9, "{name} {cu} {e}: {got}");
                checked += 1;
            }
        }
        for e in c["unconditional"].as_array().unwrap() {
            let got = m.expected_purchases(f(&e["t"])).unwrap();
            assert!(rel(got, f(&e["value"])) < 1e-9, "{name} E[X(t)] {e}: {got}");
        }
        assert_eq!(checked, 15);
    }
}

#[test]
fn predictions_match_lifetimes() {
    let r = reference();
    let m = published_bgnbd();
    for c in r["bgnbd_published"]["customers"].as_array().unwrap() {
        let (x, tx, t) = (f(&c["x"]) as u32, f(&c["t_x"]), f(&c["T"]));
        assert!(
            rel(m.p_alive(x, tx, t), f(&c["p_alive"])) < 1e-10,
            "P(alive) {c}"
        );
        for (h, key) in [(39.0, "expected_39"), (10.0, "expected_10")] {
            let got = m.conditional_expected_purchases(h, x, tx, t).unwrap();
            assert!(rel(got, f(&c[key])) < 1e-9, "{key} {c}: {got}");
        }
        assert_eq!(m.is_at_risk(x, tx, t, 0.5), f(&c["p_alive"]) < 0.5);
    }
    // Very frequent buyers, where the paper's series has terms up to 1e137 and ours (after
    // Euler's transformation) does not.
    for c in r["bgnbd_frequent_buyers"].as_array().unwrap() {
        let (t, x, tx, tt) = (f(&c["t"]), f(&c["x"]) as u32, f(&c["t_x"]), f(&c["T"]));
        let got = m.conditional_expected_purchases(t, x, tx, tt).unwrap();
        assert!(rel(got, f(&c["value"])) < 1e-9, "{c}: {got}");
    }
    for c in r["bgnbd_published"]["unconditional"].as_array().unwrap() {
        let got = m.expected_purchases(f(&c["t"])).unwrap();
        assert!(rel(got, f(&c["value"])) < 1e-9, "E[X(t)] {c}: {got}");
    }
    let gg = clv::GammaGamma {
        p: 6.25,
        q: 3.74,
        v: 15.44,
        log_likelihood: f64::NAN,
        n: 0,
        excluded: 0,
        iterations: 0,
        converged: true,
    };
    for c in r["gamma_gamma_published"]["customers"].as_array().unwrap() {
        let got = gg.conditional_expected_spend(f(&c["x"]) as u32, f(&c["zbar"]));
        assert!(
            rel(got, f(&c["expected_spend"])) < 1e-12,
            "spend {c}: {got}"
        );
    }
    for c in r["clv_published"].as_array().unwrap() {
        let got = gg
            .customer_lifetime_value(
                &m,
                f(&c["x"]) as u32,
                f(&c["t_x"]),
                f(&c["T"]),
                f(&c["zbar"]),
                f(&c["horizon"]) as u32,
                f(&c["discount_rate"]),
            )
            .unwrap();
        assert!(rel(got, f(&c["clv"])) < 1e-9, "CLV {c}: {got}");
    }
}

#[test]
fn cdnow_holdout_matches_lifetimes() {
    let tx = cdnow();
    let params = ClvParams {
        time_unit: TimeUnit::Weeks,
        calibration_end: Some(calibration_end()),
        observation_end: Some(days_from_civil(1998, 6, 30)),
        ..ClvParams::default()
    };
    let res = clv::analyze(&tx, &params).unwrap();
    let h = res.holdout.as_ref().unwrap();
    let r = reference();
    let want = &r["holdout"];
    assert_eq!(h.customers, 2_357);
    assert_eq!(h.duration, 39.0);
    assert_eq!(h.actual_total as f64, f(&want["actual_total"]));
    assert!(
        rel(h.predicted_total, f(&want["predicted_total"])) < 1e-3,
        "predicted {} vs lifetimes {}",
        h.predicted_total,
        f(&want["predicted_total"])
    );
    for (b, w) in h.buckets.iter().zip(want["buckets"].as_array().unwrap()) {
        assert_eq!(b.customers as f64, f(&w["customers"]), "bucket {}", b.label);
        assert_eq!(b.actual as f64, f(&w["actual"]), "bucket {}", b.label);
        assert!(
            rel(b.predicted, f(&w["predicted"])) < 2e-3,
            "bucket {}: {} vs {}",
            b.label,
            b.predicted,
            f(&w["predicted"])
        );
    }
    check_bgnbd(&h.model, "calibration fit in analyze");
    eprintln!(
        "holdout weeks 40-78: actual {} predicted {:.1} (lifetimes {:.1})",
        h.actual_total,
        h.predicted_total,
        f(&want["predicted_total"])
    );
}

#[test]
fn analyze_aligns_with_the_dictionary_and_round_trips() {
    let tx = cdnow();
    let res = clv::analyze(&tx, &ClvParams::default()).unwrap();
    let k = tx.customer_ids().len();
    assert_eq!(res.p_alive.len(), k);
    assert_eq!(res.clv.len(), k);
    assert_eq!(res.horizon, 52);
    assert_eq!(res.totals.customers, 2_357);
    assert!(res.gamma_gamma.is_some(), "{:?}", res.gamma_gamma_skipped);
    assert!(
        res.p_alive
            .iter()
            .all(|p| p.is_some_and(|p| (0.0..=1.0).contains(&p)))
    );
    assert!(res.clv.iter().all(|c| c.is_some_and(|c| c >= 0.0)));
    let at_risk = res.at_risk.iter().filter(|a| **a == Some(true)).count();
    assert_eq!(at_risk, res.totals.at_risk);
    // serde_json parses floats to within one ulp (exact round trips need its float_roundtrip
    // feature), so compare the values with a relative tolerance.
    let json = serde_json::to_string(&res).unwrap();
    let back: ClvResult = serde_json::from_str(&json).unwrap();
    assert_close(
        &serde_json::to_value(&back).unwrap(),
        &serde_json::to_value(&res).unwrap(),
    );
    // With discounting the value can only fall.
    let discounted = clv::analyze(
        &tx,
        &ClvParams {
            discount_rate: 0.002,
            ..ClvParams::default()
        },
    )
    .unwrap();
    assert!(discounted.totals.clv.unwrap() < res.totals.clv.unwrap());
    eprintln!("CDNOW, 52 weeks after 1998-06-30: {:?}", res.totals);
}

#[test]
fn params_defaults_and_validation() {
    let p: ClvParams = serde_json::from_str(r#"{"time_unit": "months"}"#).unwrap();
    assert_eq!(p.time_unit, TimeUnit::Months);
    assert_eq!(p.horizon(), 12);
    assert!(p.validate().is_ok());
    let bad = ClvParams {
        at_risk_threshold: 1.5,
        ..ClvParams::default()
    };
    assert!(bad.validate().is_err());
    let bad = ClvParams {
        calibration_end: Some(10),
        observation_end: Some(5),
        ..ClvParams::default()
    };
    assert!(bad.validate().is_err());
    // Too few repeat customers: the purchase model is fitted, the spend model skipped with a reason.
    let tx = Transactions::from_rows(
        &["a", "a", "b", "c"],
        vec![0, 5, 1, 2],
        vec![1.0, 2.0, 3.0, 4.0],
    );
    let res = clv::analyze(&tx, &ClvParams::default()).unwrap();
    assert!(res.gamma_gamma.is_none());
    assert!(
        res.gamma_gamma_skipped
            .as_deref()
            .unwrap()
            .contains("repeat customers")
    );
    assert!(res.clv.iter().all(Option::is_none));
    // Nobody bought twice: an error, not a panic.
    let tx = Transactions::from_rows(&["a", "b"], vec![0, 1], vec![1.0, 2.0]);
    assert_eq!(
        clv::analyze(&tx, &ClvParams::default()).unwrap_err(),
        clv::ClvError::NoRepeatPurchases
    );
}

fn assert_close(a: &Value, b: &Value) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-15 * x.abs().max(y.abs()), "{x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(x, y)| assert_close(x, y));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len());
            for (k, v) in x {
                assert_close(v, &y[k]);
            }
        }
        _ => assert_eq!(a, b),
    }
}

/// The customer card's "risk of no purchase" and "median wait to the next order" (closed forms
/// in `BgNbd::p_no_purchase` and `median_wait_if_alive`) against a direct numerical
/// integration of the model's definition over (λ, p) — the individual likelihood of Fader,
/// Hardie & Lee (2005, eq. 3) weighted by the Gamma and Beta priors — with the published
/// CDNOW parameters. The quadrature knows nothing of the posterior's closed form.
#[test]
fn no_purchase_risk_and_median_wait_match_a_direct_integration() {
    let m = published_bgnbd();
    let (r, alpha, a, b) = (m.r, m.alpha, m.a, m.b);
    // ∫∫ f(λ, p) Gamma(λ; r, α) Beta(p; a, b), up to a constant that cancels in ratios:
    // λ = v^(1/r) and p = u^(1/a) absorb the priors' singular powers at 0.
    let integrate = |f: &dyn Fn(f64, f64) -> f64, big_t: f64, x: f64| -> f64 {
        let (nu, nv) = (800usize, 1600usize);
        // λ beyond which λ^x e^(−λ(α+T)) is negligible.
        let lmax = (r + x + 60.0) / (alpha + big_t) * 2.0;
        let vmax = lmax.powf(r);
        let grid: Vec<(f64, f64)> = (0..nu)
            .map(|i| {
                let p = ((i as f64 + 0.5) / nu as f64).powf(1.0 / a);
                (p, (1.0 - p).powf(b - 1.0))
            })
            .collect();
        let mut total = 0.0;
        for j in 0..nv {
            let v = (j as f64 + 0.5) / nv as f64 * vmax;
            let lambda = v.powf(1.0 / r);
            let wl = (-alpha * lambda).exp();
            let mut inner = 0.0;
            for &(p, wp) in &grid {
                inner += f(lambda, p) * wp;
            }
            total += wl * inner;
        }
        total
    };
    for &(x, t_x, big_t, t) in &[
        (0u32, 0.0, 38.0, 13.0),
        (1, 2.0, 38.0, 13.0),
        (2, 30.43, 38.86, 13.0),
        (5, 20.0, 39.0, 4.0),
        (7, 35.0, 36.0, 26.0),
    ] {
        let xf = f64::from(x);
        let alive_through = |lambda: f64, p: f64, extra: f64| {
            (1.0 - p).powf(xf) * lambda.powf(xf) * (-lambda * (big_t + extra)).exp()
        };
        let dead = |lambda: f64, p: f64| {
            if x == 0 {
                0.0
            } else {
                p * (1.0 - p).powf(xf - 1.0) * lambda.powf(xf) * (-lambda * t_x).exp()
            }
        };
        let evidence = integrate(&|l, p| alive_through(l, p, 0.0) + dead(l, p), big_t, xf);
        let quiet = integrate(&|l, p| alive_through(l, p, t) + dead(l, p), big_t, xf);
        let want = quiet / evidence;
        let got = m.p_no_purchase(t, x, t_x, big_t);
        assert!(
            (got - want).abs() < 2e-5,
            "x={x} t_x={t_x} T={big_t} t={t}: {got} vs {want} by quadrature"
        );
        // Given alive at T, the wait has median w: half the mass buys nothing in (T, T+w].
        let w = m.median_wait_if_alive(x, big_t);
        let alive = integrate(&|l, p| alive_through(l, p, 0.0), big_t, xf);
        let quiet_w = integrate(&|l, p| alive_through(l, p, w), big_t, xf);
        assert!(
            (quiet_w / alive - 0.5).abs() < 2e-5,
            "x={x} T={big_t}: median wait {w} leaves {} quiet",
            quiet_w / alive
        );
    }
}
