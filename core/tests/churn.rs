//! Churn scoring: the Telco reference set, scikit-learn cross-checks and hand-computed cases.

mod common;

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use prisme_core::analysis::{self, AnalysisParams, CustomersInput, Inputs};
use prisme_core::churn::dataset::ColumnValues;
use prisme_core::churn::metrics::{confusion, deciles};
use prisme_core::churn::{
    ChurnDataset, ChurnError, ChurnModel, ChurnParams, Encoder, FeatureKind, LogisticModel,
    LogisticParams, ModelKind, analyze, analyze_dataset, auc, label_from_holdout, stratified_split,
};
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::{self, ReadOptions};
use prisme_core::transactions::Transactions;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn reference() -> Value {
    let text = include_str!("../../tests/reference/churn_sklearn.json");
    serde_json::from_str(text).expect("reference JSON parses")
}

fn telco() -> ChurnDataset {
    let path = common::refdata("Customer_Churn.csv");
    let bytes = std::fs::read(&path).expect("Telco file reads");
    let table = ingest::load(
        "Customer_Churn.csv",
        &bytes,
        &ReadOptions::default(),
        &mut |_| {},
    )
    .expect("Telco file loads");
    ChurnDataset::from_table(&table, &ChurnParams::default()).expect("Telco dataset builds")
}

#[test]
fn telco_dataset_shape() {
    let data = telco();
    assert_eq!(data.rows, 7043);
    assert_eq!(data.label_column, "Churn");
    assert_eq!(data.id_column.as_deref(), Some("customerID"));
    assert_eq!(data.blank_labels, 0);
    assert_eq!(
        data.label.iter().filter(|l| **l == Some(true)).count(),
        1869
    );
    // customerID is the id; every other column is a feature.
    assert_eq!(data.columns.len(), 19, "excluded: {:?}", data.excluded);
    let enc = Encoder::fit(&data, &data.labelled_rows());
    assert!(
        enc.features
            .iter()
            .any(|f| f.name == "TotalCharges (blank)")
    );
    assert!(
        enc.features
            .iter()
            .any(|f| f.name == "Contract=Month-to-month")
    );
}

/// Telco through the whole analysis, as the CLI and the worker run it: the customer table
/// alone, [`AnalysisParams::default()`] (100 boosted trees at rate 0.1) with the split's seed.
fn telco_through_analysis(
    batch: &arrow_array::RecordBatch,
    id: Option<&str>,
    seed: u64,
) -> prisme_core::analysis::ChurnReport {
    let mut params = AnalysisParams::default();
    params.churn.seed = seed;
    let inputs = Inputs {
        summary: None,
        customers: Some(CustomersInput {
            file: "Customer_Churn.csv",
            batch,
            id_column: id,
        }),
        ..Inputs::default()
    };
    let out = analysis::analyze(&inputs, &params).expect("Telco analysis runs");
    out.report
        .churn
        .expect("the labelled table gets the churn model")
}

/// SHA-256 of the test rows written as `i,j,k…`: what churn_sklearn.py records of its split.
fn rows_sha256(rows: &[usize]) -> String {
    let text: Vec<String> = rows.iter().map(usize::to_string).collect();
    Sha256::digest(text.join(",").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Telco's AUC is checked against scikit-learn on the *same* 20 splits (seeds 0..20), not
/// against a fixed bar: see the churn module's doc for why. For each seed, churn_sklearn.py
/// draws Prisme's split (its SplitMix64 written again in Python; the test rows' SHA-256 proves
/// it is the same split), encodes the columns as Prisme reads and encodes them (same features,
/// same order, checked below) and fits LogisticRegression(C=1) and
/// HistGradientBoostingClassifier with Prisme's parameters. Each model's test AUC must be
/// within 0.001 of scikit-learn's on every seed (the issue asked for 0.005; measured: at most
/// 0.0002), and the 20-seed means within 0.0005.
///
/// Two settings: the shipped defaults through `analysis::analyze` (100 trees at 0.1, what the
/// CLI and the browser run) and the churn module's own defaults (200 trees at 0.05). The
/// 20-seed means are 0.8414 (logistic), 0.8416 and 0.8418 (trees) in both libraries; half the
/// seeds fall below 0.84 in both.
#[test]
fn telco_auc_agrees_with_sklearn_on_identical_splits() {
    let path = common::refdata("Customer_Churn.csv");
    let bytes = std::fs::read(&path).expect("Telco file reads");
    let table = ingest::load(
        "Customer_Churn.csv",
        &bytes,
        &ReadOptions::default(),
        &mut |_| {},
    )
    .expect("Telco file loads");
    let id = table.column(Role::CustomerId).map(|c| c.plan.name.clone());
    assert_eq!(id.as_deref(), Some("customerID"));
    let batch = prisme_core::churn::dataset::table_batch(&table).unwrap();
    let data = ChurnDataset::from_table(&table, &ChurnParams::default()).unwrap();
    let r = reference();
    let splits = &r["telco_splits"];
    let seeds = splits["seeds"].as_array().unwrap();
    assert_eq!(seeds.len(), 20);
    let module = ChurnParams::default();
    assert_eq!((module.gbt.n_trees, module.gbt.learning_rate), (200, 0.05));
    let shipped = AnalysisParams::default().churn;
    assert_eq!((shipped.gbt.n_trees, shipped.gbt.learning_rate), (100, 0.1));
    assert_eq!(shipped.test_share, splits["test_share"].as_f64().unwrap());

    let (mut ours, mut theirs) = ([0.0f64; 3], [0.0f64; 3]);
    for s in seeds {
        let seed = s["seed"].as_u64().unwrap();
        // The same rows on each side.
        let rows = data.labelled_rows();
        let split = stratified_split(&rows, &data.label_bools(), 0.25, seed);
        assert_eq!(
            rows_sha256(&split.test),
            s["test_rows_sha256"].as_str().unwrap(),
            "seed {seed}: not scikit-learn's split"
        );
        // The same inputs.
        let enc = Encoder::fit(&data, &split.train);
        let names: Vec<&str> = enc.features.iter().map(|f| f.name.as_str()).collect();
        let want: Vec<&str> = splits["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(names, want, "seed {seed}: features differ");

        let shipped = telco_through_analysis(&batch, id.as_deref(), seed);
        assert_eq!(shipped.label_source, "customer-table");
        assert_eq!(shipped.result.dataset.test_rows, split.test.len());
        let module = analyze_dataset(
            &data,
            &ChurnParams {
                seed,
                ..ChurnParams::default()
            },
        )
        .unwrap();
        let got = [
            shipped.result.logistic.evaluation.auc.unwrap(),
            shipped.result.gbt.evaluation.auc.unwrap(),
            module.gbt.evaluation.auc.unwrap(),
        ];
        let want = ["logistic", "gbt_analysis", "gbt_churn"].map(|k| s[k].as_f64().unwrap());
        eprintln!("seed {seed}: ours {got:.4?}, scikit-learn {want:.4?}");
        for i in 0..3 {
            assert!(
                (got[i] - want[i]).abs() <= 0.001,
                "seed {seed}, {}: AUC {} vs scikit-learn {}",
                ["logistic", "trees (100 at 0.1)", "trees (200 at 0.05)"][i],
                got[i],
                want[i]
            );
            ours[i] += got[i] / 20.0;
            theirs[i] += want[i] / 20.0;
        }
    }
    eprintln!("means over 20 seeds: ours {ours:.4?}, scikit-learn {theirs:.4?}");
    for i in 0..3 {
        assert!(
            (ours[i] - theirs[i]).abs() <= 0.0005,
            "mean {i}: {} vs scikit-learn {}",
            ours[i],
            theirs[i]
        );
    }
}

/// Row by row on seed 0's split: each model's churn probability for every test row against
/// scikit-learn's (churn_sklearn.py, rounded to 1e-6), at the shipped defaults and at the
/// module's. An AUC barely moves when a tree has 6 leaves instead of 8 (tried: every seed
/// still agreed within 0.005); probabilities do. The trees bin with scikit-learn's quantiles,
/// so their ensembles are the same: measured, all but one of the 1,761 test rows agree to
/// 1e-5 (the other within 0.02, a near tie between two splits), the logistic regression on
/// every row. (With the bin edges numpy's "midpoint" percentiles instead, the AUCs still
/// agreed within 0.002 but the probabilities differed by 0.014 on average, up to 0.11.)
#[test]
fn telco_probabilities_agree_with_sklearn_row_by_row() {
    let data = telco();
    let r = reference();
    let proba = &r["telco_splits"]["seed0_test_proba"];
    for (key, params) in [
        ("gbt_analysis", AnalysisParams::default().churn),
        ("gbt_churn", ChurnParams::default()),
    ] {
        let model = ChurnModel::fit(&data, &ChurnParams { seed: 0, ..params }).unwrap();
        let x = model.encoder.transform(&data, &model.split.test);
        for (name, ours) in [
            ("logistic", model.logistic.predict_proba(&x)),
            (key, model.gbt.predict_proba(&x)),
        ] {
            let theirs: Vec<f64> = proba[name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(ours.len(), theirs.len());
            let diff: Vec<f64> = ours
                .iter()
                .zip(&theirs)
                .map(|(a, b)| (a - b).abs())
                .collect();
            let close = diff.iter().filter(|&&d| d <= 1e-5).count();
            let worst = diff.iter().copied().fold(0.0, f64::max);
            let mean = diff.iter().sum::<f64>() / diff.len() as f64;
            eprintln!(
                "{name}: {close} of {} rows within 1e-5, mean {mean:.2e}, worst {worst:.4}",
                diff.len()
            );
            assert!(
                close as f64 >= 0.995 * diff.len() as f64,
                "{name}: only {close} of {} test rows within 1e-5 of scikit-learn",
                diff.len()
            );
            assert!(
                mean <= 1e-4 && worst <= 0.05,
                "{name}: mean {mean}, worst {worst}"
            );
        }
    }
}

/// On the default seed the analysis scores every customer, names the expected top driver and
/// round-trips through JSON.
#[test]
fn telco_default_seed_scores_every_customer() {
    let data = telco();
    let res = analyze_dataset(&data, &ChurnParams::default()).expect("Telco analysis runs");
    assert_eq!(res.churn_score.len(), 7043);
    assert_eq!(res.customer_id[0], "7590-VHVEG");
    assert!(res.churn_score.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!(res.dataset.test_rows, 1761);
    let top = &res.gbt.drivers[0].column;
    assert!(
        ["Contract", "tenure", "InternetService"].contains(&top.as_str()),
        "top GBT driver {top}"
    );
    // The report is JSON and comes back equal.
    let json = serde_json::to_string(&res).unwrap();
    let back: prisme_core::churn::ChurnResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back.chosen, res.chosen);
    assert_eq!(back.churn_score.len(), res.churn_score.len());
    let lr = res.logistic.evaluation.auc.unwrap();
    let back_auc = back.logistic.evaluation.auc.unwrap();
    assert!((back_auc - lr).abs() < 1e-12);
}

#[test]
fn auc_equals_sklearn_on_ties() {
    let r = reference();
    let scores: Vec<f64> = r["ties"]["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let labels: Vec<bool> = r["ties"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap() == 1)
        .collect();
    let expected = r["ties"]["auc"].as_f64().unwrap();
    let got = auc(&scores, &labels).unwrap();
    assert!((got - expected).abs() <= 1e-12, "{got} vs {expected}");
}

#[test]
fn auc_by_hand_with_ties() {
    // Positives 0.4 and 0.8; negatives 0.1 and 0.4. Pairs: (0.4,0.1)=1, (0.4,0.4)=1/2,
    // (0.8,0.1)=1, (0.8,0.4)=1 -> 3.5 / 4.
    let got = auc(&[0.1, 0.4, 0.4, 0.8], &[false, false, true, true]).unwrap();
    assert_eq!(got, 0.875);
    // All tied: 1/2.
    assert_eq!(auc(&[0.3; 4], &[false, true, false, true]), Some(0.5));
    // One class: undefined.
    assert_eq!(auc(&[0.1, 0.2], &[true, true]), None);
}

#[test]
fn lift_and_gain_by_hand() {
    // 20 rows, scores 20..1 descending; positives at ranks 1, 2, 3, 5, 8, 13 (6 of 20, base 0.3).
    let scores: Vec<f64> = (0..20).map(|i| 20.0 - i as f64).collect();
    let mut label = vec![false; 20];
    for rank in [1, 2, 3, 5, 8, 13] {
        label[rank - 1] = true;
    }
    let d = deciles(&scores, &label);
    assert_eq!(d.len(), 10);
    let positives: Vec<usize> = d.iter().map(|x| x.positives).collect();
    assert_eq!(positives, [2, 1, 1, 1, 0, 0, 1, 0, 0, 0]);
    assert!(d.iter().all(|x| x.rows == 2));
    // Decile 1: rate 1.0, lift 1/0.3; gain 2/6.
    assert!((d[0].lift - 1.0 / 0.3).abs() < 1e-12);
    assert!((d[0].cumulative_gain - 2.0 / 6.0).abs() < 1e-12);
    // Decile 2: rate 0.5, lift 0.5/0.3; cumulative 3 of 6 churners in 4 rows (lift 0.75/0.3).
    assert!((d[1].lift - 0.5 / 0.3).abs() < 1e-12);
    assert!((d[1].cumulative_gain - 0.5).abs() < 1e-12);
    assert!((d[1].cumulative_lift - 0.75 / 0.3).abs() < 1e-12);
    // Decile 4: 5 of 6 found in 8 rows.
    assert!((d[3].cumulative_gain - 5.0 / 6.0).abs() < 1e-12);
    assert!((d[9].cumulative_gain - 1.0).abs() < 1e-12);
    assert!((d[9].cumulative_lift - 1.0).abs() < 1e-12);
    // Threshold at 15.5: rows with scores 20..16 predicted churn -> ranks 1..5: 4 TP, 1 FP.
    let c = confusion(&scores, &label, 15.5);
    assert_eq!(
        (
            c.true_positives,
            c.false_positives,
            c.true_negatives,
            c.false_negatives
        ),
        (4, 1, 13, 2)
    );
    assert_eq!(c.precision, Some(0.8));
    assert_eq!(c.recall, Some(4.0 / 6.0));
    assert_eq!(c.accuracy, Some(17.0 / 20.0));
}

#[test]
fn stratified_split_keeps_class_shares() {
    let n = 1000;
    let label: Vec<bool> = (0..n).map(|i| i % 4 == 0).collect(); // 250 positives
    let rows: Vec<usize> = (0..n).collect();
    let s = stratified_split(&rows, &label, 0.25, 42);
    // Each class sends round(share * size): round(62.5) = 63 of 250, round(187.5) = 188 of 750.
    assert_eq!(s.test.len(), 251);
    assert_eq!(s.train.len(), 749);
    assert_eq!(s.test.iter().filter(|&&r| label[r]).count(), 63);
    assert_eq!(s.train.iter().filter(|&&r| label[r]).count(), 187);
    // Deterministic for a seed, different for another, disjoint and complete.
    assert_eq!(s, stratified_split(&rows, &label, 0.25, 42));
    assert_ne!(s.test, stratified_split(&rows, &label, 0.25, 43).test);
    let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, rows);
}

#[test]
fn logistic_matches_sklearn_coefficients() {
    let r = reference();
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/churn_synth.csv"
    ))
    .expect("synthetic file reads");
    let table = ingest::load(
        "churn_synth.csv",
        &bytes,
        &ReadOptions::default(),
        &mut |_| {},
    )
    .expect("synthetic file loads");
    let params = ChurnParams {
        label: Some("churn".into()),
        id: Some("customer_id".into()),
        ..ChurnParams::default()
    };
    let data = ChurnDataset::from_table(&table, &params).unwrap();
    let all = data.labelled_rows();
    assert_eq!(all.len(), 300);
    let enc = Encoder::fit(&data, &all);
    let x = enc.transform(&data, &all);
    let y: Vec<bool> = all.iter().map(|&i| data.label[i] == Some(true)).collect();
    let c = r["synth"]["C"].as_f64().unwrap();
    let m = LogisticModel::fit(
        &x,
        &y,
        &LogisticParams {
            l2: 1.0 / c,
            ..LogisticParams::default()
        },
    )
    .unwrap();
    assert!(m.converged);
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 1e-4 * want.abs(),
            "{what}: {got} vs sklearn {want}"
        );
    };
    close(
        m.intercept,
        r["synth"]["intercept"].as_f64().unwrap(),
        "intercept",
    );
    let coef = r["synth"]["coef"].as_object().unwrap();
    assert_eq!(coef.len(), enc.features.len());
    for (f, &w) in enc.features.iter().zip(&m.coef) {
        close(w, coef[&f.name].as_f64().unwrap(), &f.name);
    }
}

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        cols.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

#[test]
fn labels_blanks_and_exclusions() {
    let n = 80;
    let ids: Vec<String> = (0..n).map(|i| format!("id{i}")).collect();
    let names: Vec<String> = (0..n).map(|i| format!("name {i}")).collect();
    let label: Vec<Option<&str>> = (0..n)
        .map(|i| match i % 10 {
            0 => None,
            1..=3 => Some("oui"),
            _ => Some("non"),
        })
        .collect();
    let x: Vec<Option<f64>> = (0..n)
        .map(|i| {
            if i % 7 == 0 {
                None
            } else {
                Some((i % 10) as f64)
            }
        })
        .collect();
    let plan: Vec<&str> = (0..n).map(|i| ["a", "b", ""][i % 3]).collect();
    let b = batch(vec![
        ("client_id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("nom", Arc::new(StringArray::from(names))),
        ("x", Arc::new(Float64Array::from(x))),
        ("plan", Arc::new(StringArray::from(plan))),
        ("constant", Arc::new(Float64Array::from(vec![1.0; n]))),
        (
            "signup",
            Arc::new(Date32Array::from(
                (0..n as i32).map(|i| 19_000 + i).collect::<Vec<_>>(),
            )),
        ),
        ("churn", Arc::new(StringArray::from(label))),
    ]);
    let params = ChurnParams::default();
    let data = ChurnDataset::from_batch(&b, &params).unwrap();
    assert_eq!(data.label_column, "churn");
    assert_eq!(data.id_column.as_deref(), Some("client_id"));
    assert_eq!(data.blank_labels, 8);
    let names: Vec<&str> = data.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["x", "plan", "signup"]);
    // Dates become days before the column's latest date.
    assert_eq!(data.columns[2].kind, FeatureKind::Date);
    match &data.columns[2].values {
        ColumnValues::Numeric(v) => {
            assert_eq!(v[0], Some((n - 1) as f64));
            assert_eq!(v[n - 1], Some(0.0));
        }
        other => panic!("dates should be numeric, got {other:?}"),
    }
    let excluded: Vec<&str> = data.excluded.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(excluded, ["nom", "constant"]);
    let enc = Encoder::fit(&data, &data.labelled_rows());
    let f: Vec<&str> = enc.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        f,
        [
            "x",
            "x (blank)",
            "plan=a",
            "plan=b",
            "plan (blank)",
            "signup"
        ]
    );
    // Rows with a blank label are still scored.
    let res = analyze(&b, &params).unwrap();
    assert_eq!(res.churn_score.len(), n);
    assert_eq!(res.dataset.labelled, 72);
    assert_eq!(res.customer_id[5], "id5");

    // A fitted model scores another file with the same columns: levels are matched by text.
    let model = ChurnModel::fit(&data, &params).unwrap();
    let keep = arrow_array::BooleanArray::from((0..n).map(|i| i % 3 != 0).collect::<Vec<_>>());
    let subset = arrow_select::filter::filter_record_batch(&b, &keep).unwrap();
    let data2 = ChurnDataset::from_batch(&subset, &params).unwrap();
    let all = model.predict_proba(&data);
    let part = model.predict_proba(&data2);
    let expected: Vec<f64> = (0..n).filter(|i| i % 3 != 0).map(|i| all[i]).collect();
    assert_eq!(part, expected);

    let bad = batch(vec![
        (
            "x",
            Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
        ),
        ("churn", Arc::new(StringArray::from(vec!["yes", "maybe"]))),
    ]);
    match ChurnDataset::from_batch(&bad, &params) {
        Err(ChurnError::BadLabel { column, value }) => {
            assert_eq!((column.as_str(), value.as_str()), ("churn", "maybe"));
        }
        other => panic!("expected a label error, got {other:?}"),
    }
    let none = batch(vec![(
        "x",
        Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
    )]);
    assert_eq!(
        ChurnDataset::from_batch(&none, &params).unwrap_err(),
        ChurnError::NoLabel
    );
    let bad_params = ChurnParams {
        test_share: 1.5,
        ..ChurnParams::default()
    };
    assert!(matches!(
        analyze(&b, &bad_params),
        Err(ChurnError::BadParam(_))
    ));
}

#[test]
fn holdout_labels_by_hand() {
    // Cutoff day 100, window 30: purchases in (100, 130] count as "came back".
    let ids = ["2", "10", "2", "10", "3", "3", "4", "5"];
    let day = vec![10, 50, 90, 100, 60, 131, 120, 101];
    let amount = vec![5.0, 20.0, 7.5, 30.0, 12.0, 99.0, 8.0, 1.0];
    let tx = Transactions::from_rows(&ids, day, amount);
    let h = label_from_holdout(&tx, 100, 30).unwrap();
    // Customers 4 and 5 first bought after the cutoff: not labelled. Integer id order.
    assert_eq!(h.customer_id, ["2", "3", "10"]);
    assert_eq!(h.recency, [10.0, 40.0, 0.0]);
    assert_eq!(h.frequency, [2.0, 1.0, 2.0]);
    assert_eq!(h.monetary, [12.5, 12.0, 50.0]);
    assert_eq!(h.tenure, [90.0, 40.0, 50.0]);
    // 2: nothing after 100 -> churned; 3: day 131 is outside the window -> churned;
    // 10: nothing after -> churned.
    assert_eq!(h.churned, [true, true, true]);
    let tx2 = Transactions::from_rows(&["1", "1", "2", "2"], vec![5, 12, 8, 40], vec![1.0; 4]);
    let h2 = label_from_holdout(&tx2, 10, 10).unwrap();
    assert_eq!(h2.customer_id, ["1", "2"]);
    assert_eq!(h2.churned, [false, true]); // 1 came back on day 12; 2 only on day 40.
    assert!(matches!(
        label_from_holdout(&tx2, 1, 10),
        Err(ChurnError::NoCustomers(1))
    ));
    let batch = h2.to_record_batch().unwrap();
    assert_eq!(batch.num_columns(), 6);
}

#[test]
fn holdout_end_to_end_on_synthetic_history() {
    // Customers who bought often recently come back; the model must find recency.
    let mut ids = Vec::new();
    let mut day = Vec::new();
    let mut amount = Vec::new();
    let mut rng = prisme_core::churn::SplitMix64::new(9);
    for c in 0..600 {
        let gap = 5 + (c % 60); // days between purchases
        let mut d = (rng.below(30)) as i32;
        while d < 300 {
            ids.push(format!("c{c}"));
            day.push(d);
            amount.push(10.0 + rng.below(50) as f64);
            d += gap + rng.below(gap as usize) as i32;
        }
    }
    let tx = Transactions::from_rows(&ids, day, amount);
    let res = prisme_core::churn::holdout::analyze_holdout(&tx, 200, 60, &ChurnParams::default())
        .unwrap();
    assert_eq!(res.dataset.id_column.as_deref(), Some("customer_id"));
    assert!(
        res.logistic.evaluation.auc.unwrap() > 0.7,
        "{:?}",
        res.logistic.evaluation.auc
    );
    assert!(matches!(res.chosen, ModelKind::Logistic | ModelKind::Gbt));
}

/// A customer table whose first names and postcodes predict churn perfectly: without the
/// personal-data rule they would be the top drivers (`Prénom=Jean`, `Code postal=75002`).
fn customers_with_personal_columns() -> String {
    let firsts = ["Jean", "Marie", "Pierre", "Sophie"];
    let postcodes = ["75002", "69003", "13001", "59000"];
    let mut csv = String::from("N° client;Prénom;Code postal;E-mail;Offre;Ancienneté;Résilié\n");
    for i in 0..240 {
        let k = i % 4;
        // The first name and the postcode decide; the offer and tenure are noisy.
        let churn = k == 0 || (k == 1 && i % 3 == 0);
        csv.push_str(&format!(
            "C{i:04};{};{};{}.{i}@exemple.fr;{};{};{}\n",
            firsts[k],
            postcodes[k],
            firsts[k].to_lowercase(),
            if i % 5 < 2 { "pro" } else { "basic" },
            (i * 37) % 60,
            if churn { "oui" } else { "non" }
        ));
    }
    csv
}

#[test]
fn personal_columns_are_never_features() {
    let csv = customers_with_personal_columns();
    let table = ingest::load(
        "clients.csv",
        csv.as_bytes(),
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let personal = ["Prénom", "Code postal", "E-mail"];
    let check = |r: &prisme_core::churn::ChurnResult, path: &str| {
        for d in r.logistic.drivers.iter().chain(&r.gbt.drivers) {
            assert!(
                !personal.contains(&d.column.as_str()),
                "{path}: driver {} names a person",
                d.name
            );
        }
        for p in personal {
            let e = r
                .dataset
                .excluded
                .iter()
                .find(|e| e.name == p)
                .unwrap_or_else(|| panic!("{path}: {p} not excluded"));
            assert!(
                e.reason.starts_with("personal data"),
                "{path}: {}",
                e.reason
            );
        }
    };
    // From the reader's table (roles known)…
    let data = ChurnDataset::from_table(&table, &ChurnParams::default()).unwrap();
    let r = analyze_dataset(&data, &ChurnParams::default()).unwrap();
    check(&r, "from_table");
    // …and from a bare record batch (no roles: names and content decide), as the CLI and
    // the analysis pass a customer table.
    let batch = prisme_core::churn::dataset::table_batch(&table).unwrap();
    let r = analyze(&batch, &ChurnParams::default()).unwrap();
    check(&r, "from_batch");
}
