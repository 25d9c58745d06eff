//! The whole analysis: which analyses run for which inputs, the scores table, the report's
//! versioning, and a snapshot of a whole report on a fixed input.

use std::sync::Arc;

use arrow_array::{Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use prisme_core::analysis::{
    AnalysisError, AnalysisParams, CustomersInput, Inputs, REPORT_VERSION, Report, ReportError,
    ReportPage, TransactionsInput, analyze,
};
use prisme_core::analysis::{Job, analyze_side_by_side};
use prisme_core::ingest::ReadOptions;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::segment::{Segment, segments};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, Transactions, load_transactions};

fn synthetic(rows: usize) -> Transactions {
    let csv = transactions_csv(&SynthParams::new(rows));
    load_transactions(
        "synth.csv",
        &csv,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap()
    .0
}

/// 400 customers whose churn depends on tenure and a plan (a learnable label).
fn labelled_customers() -> RecordBatch {
    let mut ids = Vec::new();
    let mut tenure = Vec::new();
    let mut plan = Vec::new();
    let mut churn = Vec::new();
    for i in 0..400u32 {
        let t = f64::from(i % 60);
        let p = ["monthly", "yearly"][(i % 3 == 0) as usize];
        // Short tenures on monthly plans churn; a deterministic scatter keeps both classes
        // on both sides.
        let risky = t < 20.0 && p == "monthly";
        let flip = i % 17 == 0;
        ids.push(format!("K{i:04}"));
        tenure.push(t);
        plan.push(p);
        churn.push(if risky ^ flip { "Yes" } else { "No" });
    }
    RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("customer_id", DataType::Utf8, false),
            Field::new("tenure", DataType::Float64, false),
            Field::new("plan", DataType::Utf8, false),
            Field::new("churn", DataType::Utf8, false),
        ])),
        vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(Float64Array::from(tenure)),
            Arc::new(StringArray::from(plan)),
            Arc::new(StringArray::from(churn)),
        ],
    )
    .unwrap()
}

#[test]
fn transactions_alone_run_everything_but_the_labelled_model() {
    let tx = synthetic(20_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let out = analyze(&inputs, &AnalysisParams::default()).unwrap();
    let r = &out.report;
    assert!(r.rfm.is_some() && r.clusters.is_some() && r.clv.is_some());
    assert!(r.cohorts.is_some() && r.indicators.is_some());
    let churn = r.churn.as_ref().expect("churn from the holdout window");
    assert_eq!(churn.label_source, "holdout-window");
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    assert!(r.customers.is_none(), "per-customer rows only on request");

    // The scores line up with RFM computed on its own.
    let alone = rfm(&tx, &RfmParams::default()).unwrap();
    let seg = segments(&alone);
    assert_eq!(out.scores.rows.len(), alone.customers());
    for (i, row) in out.scores.rows.iter().enumerate().step_by(97) {
        assert_eq!(row.customer_id, alone.customer_id.value(i));
        assert_eq!(row.recency, Some(alone.recency[i]));
        assert_eq!(row.r, Some(alone.r[i]));
        assert_eq!(row.segment, Some(seg[i]));
        assert!(row.cluster.is_some() && row.p_alive.is_some() && row.churn_score.is_some());
        let p = row.p_alive.unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    // Segment counts in the report add up to the customers.
    let rfm_report = r.rfm.as_ref().unwrap();
    let total: u64 = rfm_report.segments.iter().map(|s| s.customers).sum();
    assert_eq!(total as usize, alone.customers());
    let champions = out
        .scores
        .rows
        .iter()
        .filter(|x| x.segment == Some(Segment::Champions))
        .count() as u64;
    assert_eq!(
        rfm_report
            .segments
            .iter()
            .find(|s| s.segment == Segment::Champions)
            .unwrap()
            .customers,
        champions
    );

    // scores.csv has the documented columns.
    let csv = out.scores.to_csv();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "customer_id,recency,frequency,monetary,r,f,m,segment,cluster,p_alive,expected_purchases,clv,\
         historic_clv,total_clv,p_no_purchase_90d,risk_90d,days_between_orders,next_order,\
         previous_segment,churn_score"
    );
    assert_eq!(csv.lines().count(), alone.customers() + 1);
    // Each customer's previous segment adds up to the report's migration matrix.
    let migration = out.report.rfm.as_ref().unwrap().migration.as_ref().unwrap();
    let mut matrix = vec![vec![0u64; 11]; 11];
    let mut new = vec![0u64; 11];
    for row in &out.scores.rows {
        let now = row.segment.unwrap() as usize;
        match row.previous_segment {
            Some(before) => matrix[before as usize][now] += 1,
            None => new[now] += 1,
        }
    }
    assert_eq!(matrix, migration.matrix);
    assert_eq!(new, migration.new);
    assert!(out.scores.rows.iter().any(|r| r.previous_segment.is_some()));
    // The same table feeds datamart filters.
    let batch = out.scores.to_record_batch();
    assert_eq!(batch.num_rows(), alone.customers());
}

#[test]
fn a_labelled_customer_table_alone_gets_the_churn_model() {
    let customers = labelled_customers();
    let inputs = Inputs {
        summary: None,
        customers: Some(CustomersInput {
            file: "customers.csv",
            batch: &customers,
            id_column: Some("customer_id"),
        }),
        ..Inputs::default()
    };
    let out = analyze(&inputs, &AnalysisParams::default()).unwrap();
    let r = &out.report;
    let churn = r.churn.as_ref().unwrap();
    assert_eq!(churn.label_source, "customer-table");
    assert!(churn.result.logistic.evaluation.auc.unwrap() > 0.8);
    assert!(r.rfm.is_none() && r.clv.is_none() && r.cohorts.is_none());
    let skipped: Vec<&str> = r.skipped.iter().map(|s| s.analysis.as_str()).collect();
    for a in [
        "rfm",
        "clustering",
        "customer value (CLV)",
        "cohorts",
        "indicators",
    ] {
        assert!(
            skipped.contains(&a),
            "{a} not reported as skipped: {skipped:?}"
        );
    }
    assert!(
        r.skipped
            .iter()
            .all(|s| s.reason == "needs a transactions file or a customer summary")
    );
    assert_eq!(out.scores.rows.len(), 400);
    assert!(
        out.scores
            .rows
            .iter()
            .all(|x| x.churn_score.is_some() && x.r.is_none())
    );
    assert!(out.scores.to_csv().starts_with("customer_id,recency"));
}

#[test]
fn no_input_is_an_error() {
    let err = analyze(&Inputs::default(), &AnalysisParams::default()).unwrap_err();
    assert_eq!(err, AnalysisError::NoInput);
}

#[test]
fn reports_round_trip_and_refuse_newer_versions() {
    let tx = synthetic(5_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let params = AnalysisParams {
        per_customer: true,
        ..AnalysisParams::default()
    };
    let out = analyze(&inputs, &params).unwrap();
    assert_eq!(
        out.report.customers.as_ref().unwrap().len(),
        out.scores.rows.len()
    );
    let json = out.report.to_json();
    let back = Report::from_json(&json).unwrap();
    // Exact round trip (serde_json's float_roundtrip): what the user saved is what comes back.
    assert!(
        back.to_json() == json,
        "the report changed on a save/load round trip"
    );
    assert!(back == out.report);
    // A report written before the profile predictions existed (same format version) still reads.
    let mut older: serde_json::Value = serde_json::from_str(&json).unwrap();
    for row in older["customers"].as_array_mut().unwrap() {
        for key in [
            "historic_clv",
            "total_clv",
            "p_no_purchase_90d",
            "risk_90d",
            "days_between_orders",
            "next_order",
            "previous_segment",
        ] {
            row.as_object_mut().unwrap().remove(key).unwrap();
        }
    }
    let older =
        Report::from_json(&older.to_string()).expect("a report from before the predictions");
    let first = &older.customers.as_ref().unwrap()[0];
    assert_eq!(first.total_clv, None);
    assert_eq!(first.next_order, None);
    let newer = json.replacen(
        &format!("\"version\": {REPORT_VERSION}"),
        &format!("\"version\": {}", REPORT_VERSION + 1),
        1,
    );
    assert!(matches!(
        Report::from_json(&newer),
        Err(ReportError::TooNew { .. })
    ));
    assert!(matches!(
        Report::from_json("{\"format\": \"other\", \"version\": 1}"),
        Err(ReportError::NotAReport(_))
    ));
}

/// A whole report on a fixed input, reviewed like code: any change to a number shows up in
/// the diff. (Values are the engine's; the statistics themselves are validated against
/// published results and reference libraries in clv.rs, churn.rs, cluster.rs and slice.rs.)
/// The profile predictions of one customer, from hand-computed inputs: three purchases of
/// 10, 20 and 30 on days 0, 10 and 30 of 2024 (weeks as the unit), observed to 2024-03-31.
#[test]
fn the_profile_predictions_follow_the_fitted_model() {
    use prisme_core::clv::{RiskBand, TimeUnit};
    use prisme_core::ingest::date::parse_iso_days;

    let mut csv = String::from("customer_id,date,amount\n");
    csv.push_str("A,2024-01-01,10\nA,2024-01-11,20\nA,2024-01-31,30\n");
    // A crowd around A so that the model fits: steady buyers and one-time buyers.
    for i in 0..300 {
        let n = 1 + i % 6;
        for j in 0..n {
            let day = 1 + (i * 7 + j * 13) % 80;
            let date = prisme_core::ingest::date::format_days(
                parse_iso_days("2024-01-01").unwrap() + day as i32 - 1,
            );
            csv.push_str(&format!("C{i},{date},{}\n", 5 + (i * j) % 40));
        }
    }
    let (tx, _) = load_transactions(
        "t.csv",
        csv.as_bytes(),
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap();
    let end = parse_iso_days("2024-03-31").unwrap();
    let mut params = AnalysisParams::default();
    params.clv.time_unit = TimeUnit::Weeks;
    params.clv.observation_end = Some(end);
    let out = analyze(
        &Inputs {
            summary: None,
            transactions: Some(TransactionsInput {
                file: "t.csv",
                tx: &tx,
            }),
            ..Inputs::default()
        },
        &params,
    )
    .unwrap();
    let clv = out.report.clv.as_ref().expect("the model fits");
    let bg = &clv.bgnbd;
    let a = out
        .scores
        .rows
        .iter()
        .find(|r| r.customer_id == "A")
        .unwrap();
    let first = parse_iso_days("2024-01-01").unwrap();
    // x = 2 repeat days, t_x = 30 days, T = end - first, in weeks.
    let (x, t_x, big_t) = (2, 30.0 / 7.0, f64::from(end - first) / 7.0);
    assert_eq!(a.historic_clv, Some(60.0));
    assert!((a.days_between_orders.unwrap() - 15.0).abs() < 1e-9);
    let p = bg.p_no_purchase(90.0 / 7.0, x, t_x, big_t);
    assert!((a.p_no_purchase_90d.unwrap() - p).abs() < 1e-12);
    assert_eq!(a.risk_90d, Some(RiskBand::of(p)));
    let wait_days = bg.median_wait_if_alive(x, big_t) * 7.0;
    assert_eq!(a.next_order, Some(end + wait_days.round() as i32));
    assert!(a.next_order.unwrap() > end);
    let total = a.total_clv.unwrap();
    assert!((total - (60.0 + a.clv.unwrap())).abs() < 1e-9);
    // scores.csv writes the date as yyyy-mm-dd, and the report's rows carry it the same way.
    let line = out.scores.to_csv();
    let line = line.lines().find(|l| l.starts_with("A,")).unwrap();
    let date = prisme_core::ingest::date::format_days(a.next_order.unwrap());
    assert!(line.contains(&format!(",{date}")), "{line}");
    let json = serde_json::to_value(a).unwrap();
    assert_eq!(json["next_order"], serde_json::json!(date));
    let back: prisme_core::analysis::ScoreRow = serde_json::from_value(json).unwrap();
    assert_eq!(&back, a);
    // One-time buyers have no mean gap.
    assert!(
        out.scores
            .rows
            .iter()
            .filter(|r| r.frequency == Some(1))
            .all(|r| r.days_between_orders.is_none())
    );
}

#[test]
fn risk_bands_are_thirds() {
    use prisme_core::clv::RiskBand;
    assert_eq!(RiskBand::of(0.0), RiskBand::Low);
    assert_eq!(RiskBand::of(0.333), RiskBand::Low);
    assert_eq!(RiskBand::of(0.34), RiskBand::Medium);
    assert_eq!(RiskBand::of(0.66), RiskBand::Medium);
    assert_eq!(RiskBand::of(0.67), RiskBand::High);
    assert_eq!(RiskBand::of(1.0), RiskBand::High);
}

#[test]
fn whole_report_snapshot() {
    let tx = synthetic(3_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let mut params = AnalysisParams::default();
    params.cohorts.period = prisme_core::period::Period::Quarter;
    params.indicators.period = prisme_core::period::Period::Quarter;
    let out = analyze(&inputs, &params).unwrap();
    let mut report = out.report;
    report.engine_version = "(version)".into();
    // Six significant digits: the snapshot should not churn on the last bits of a float.
    let mut value: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    // Long per-point arrays are checked by their own tests (metrics::roc and sweep, the
    // scatter sample in charts): the snapshot keeps their lengths.
    for path in [
        "/charts/scatter/points",
        "/charts/scatter/clusters",
        "/churn/result/logistic/evaluation/roc",
        "/churn/result/logistic/evaluation/sweep",
        "/churn/result/gbt/evaluation/roc",
        "/churn/result/gbt/evaluation/sweep",
    ] {
        if let Some(v) = value.pointer_mut(path) {
            let n = v.as_array().map_or(0, Vec::len);
            *v = serde_json::json!(format!("{n} items"));
        }
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&round(value)).unwrap());
}

fn round(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let r = if x == 0.0 {
                0.0
            } else {
                let mag = 10f64.powi(5 - x.abs().log10().floor() as i32);
                (x * mag).round() / mag
            };
            serde_json::json!(r)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(round).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, round(v))).collect()),
        other => other,
    }
}

#[test]
fn fingerprints_are_sha256() {
    // FIPS 180-2, appendix B.1 and the empty message.
    assert_eq!(
        prisme_core::analysis::fingerprint(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        prisme_core::analysis::fingerprint(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let tx = synthetic(2_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let mut report = analyze(&inputs, &AnalysisParams::default()).unwrap().report;
    assert_eq!(report.inputs[0].sha256, None);
    report.set_fingerprints(&[
        ("other.csv".into(), 1, "00".repeat(32)),
        ("synth.csv".into(), 123, "ab".repeat(32)),
    ]);
    assert_eq!(report.inputs[0].bytes, Some(123));
    assert_eq!(report.inputs[0].sha256.as_deref(), Some(&*"ab".repeat(32)));
    // Kept through a save and a read.
    let back = Report::from_json(&report.to_json()).unwrap();
    assert_eq!(back.inputs, report.inputs);
}

#[test]
fn an_edited_report_is_inconsistent() {
    let tx = synthetic(5_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let report = analyze(&inputs, &AnalysisParams::default()).unwrap().report;
    assert_eq!(report.check_consistency(), Ok(()));
    // One customer moved into a segment by hand.
    let mut edited = report.clone();
    edited.rfm.as_mut().unwrap().segments[0].customers += 1;
    let err = edited.check_consistency().unwrap_err();
    assert!(err.contains("segments count"), "{err}");
    // A share rewritten.
    let mut edited = report.clone();
    edited.rfm.as_mut().unwrap().segments[1].share = 0.5;
    assert!(edited.check_consistency().is_err());
    // Revenue of a period doubled leaves counts consistent, but new customers above active
    // ones do not.
    let mut edited = report.clone();
    let p = &mut edited.indicators.as_mut().unwrap().total[3];
    p.new_customers = p.active_customers + 1;
    assert!(edited.check_consistency().is_err());
}

/// A kept report holds the chosen pages' aggregates and nothing per customer: the parts left
/// out are gone from the document, the parts kept are exactly the analysis', and it still
/// reads and checks as a whole report.
#[test]
fn a_kept_report_holds_the_chosen_pages_only() {
    let tx = synthetic(5_000);
    let inputs = Inputs {
        summary: None,
        transactions: Some(TransactionsInput {
            file: "synth.csv",
            tx: &tx,
        }),
        ..Inputs::default()
    };
    let params = AnalysisParams {
        per_customer: true,
        ..AnalysisParams::default()
    };
    let full = analyze(&inputs, &params).unwrap().report;
    assert_eq!(full.pages(), ReportPage::ALL.to_vec());
    assert!(full.customers.is_some() && full.charts.scatter.is_some());

    let mut kept = full.clone();
    kept.keep_pages(&[ReportPage::Segments]);
    assert_eq!(kept.pages(), vec![ReportPage::Segments]);
    assert_eq!(kept.rfm, full.rfm);
    assert_eq!(kept.clusters, full.clusters);
    assert!(kept.customers.is_none() && kept.charts.scatter.is_none());
    assert!(kept.charts.clv.is_none() && kept.charts.churn_score.is_none());
    assert!(kept.charts.slices.is_empty() && kept.charts.more_cohorts.is_empty());
    for (k, f) in kept.charts.by_segment.iter().zip(&full.charts.by_segment) {
        assert_eq!((k.segment, k.customers), (f.segment, f.customers));
        assert_eq!(
            (k.clv_total, k.p_alive_mean, k.churn_mean),
            (None, None, None)
        );
    }
    let text = kept.to_json();
    for gone in [
        "\"scatter\": {",
        "\"p_alive\": {",
        "\"retention\"",
        "\"auc\"",
    ] {
        assert!(!text.contains(gone), "{gone} left in the kept report");
    }
    let read = Report::from_json(&text).unwrap();
    assert_eq!(read, kept);
    assert_eq!(read.check_consistency(), Ok(()));

    let mut kept = full.clone();
    kept.keep_pages(&[
        ReportPage::Dashboard,
        ReportPage::Cohorts,
        ReportPage::Value,
    ]);
    assert_eq!(
        kept.pages(),
        vec![
            ReportPage::Dashboard,
            ReportPage::Segments,
            ReportPage::Value,
            ReportPage::Cohorts
        ]
    );
    assert_eq!(kept.indicators, full.indicators);
    assert_eq!(kept.cohorts, full.cohorts);
    assert_eq!(kept.clv, full.clv);
    assert_eq!(kept.charts.clv, full.charts.clv);
    assert_eq!(kept.charts.slices, full.charts.slices);
    assert!(kept.churn.is_none() && kept.customers.is_none());
    assert_eq!(kept.check_consistency(), Ok(()));
}

/// The analyses run side by side (on threads here, as the CLI runs them) give the report and
/// the scores of the run one after the other: with the holdout-window churn model and with a
/// labelled customer table, the holdout check on.
#[test]
fn side_by_side_equals_one_after_the_other() {
    let tx = synthetic(20_000);
    let customers = labelled_customers();
    let threads = |jobs: Vec<Job<'_>>| {
        std::thread::scope(|s| {
            for job in jobs {
                s.spawn(job);
            }
        })
    };
    let mut params = AnalysisParams {
        per_customer: true,
        ..AnalysisParams::default()
    };
    params.clv.calibration_end = prisme_core::workbench::auto_calibration_end(&tx, None);
    assert!(params.clv.calibration_end.is_some());
    for with_customers in [false, true] {
        let inputs = Inputs {
            transactions: Some(TransactionsInput {
                file: "synth.csv",
                tx: &tx,
            }),
            customers: with_customers.then_some(CustomersInput {
                file: "customers.csv",
                batch: &customers,
                id_column: Some("customer_id"),
            }),
            ..Inputs::default()
        };
        let one = analyze(&inputs, &params).unwrap();
        let both = analyze_side_by_side(&inputs, &params, &threads).unwrap();
        let r = &one.report;
        assert!(r.clusters.is_some() && r.churn.is_some() && r.cohorts.is_some());
        assert!(r.clv.as_ref().is_some_and(|c| c.holdout.is_some()));
        assert_eq!(one.report.to_json(), both.report.to_json());
        assert_eq!(one.scores.to_csv(), both.scores.to_csv());
    }
}

/// What the browser's worker pool does: helpers compute some parts apart (their own copy of the
/// purchases), send them as JSON, and the main worker puts them together with its own. Every
/// split of the parts (CLV's holdout check apart from its forecasts included) gives the report
/// and scores of the run one after the other, bit for bit.
#[test]
fn parts_computed_apart_and_sent_as_json_equal_one_after_the_other() {
    use prisme_core::analysis::{
        Part, PartResult, Scored, analyze_part, analyze_scored_part, analyze_scored_with,
        analyze_with,
    };
    let tx = synthetic(20_000);
    let copy = Transactions::from_rows(
        &(0..tx.len())
            .map(|r| {
                tx.customer_ids()
                    .value(tx.customer.keys().value(r) as usize)
                    .to_string()
            })
            .collect::<Vec<_>>(),
        tx.day.clone(),
        tx.amount.clone(),
    );
    let customers = labelled_customers();
    let mut params = AnalysisParams {
        per_customer: true,
        ..AnalysisParams::default()
    };
    params.clv.calibration_end = prisme_core::workbench::auto_calibration_end(&tx, None);
    let sequential = |jobs: Vec<Job<'_>>| jobs.into_iter().for_each(|j| j());
    for with_customers in [false, true] {
        let inputs_of = |tx| Inputs {
            transactions: Some(TransactionsInput {
                file: "synth.csv",
                tx,
            }),
            customers: with_customers.then_some(CustomersInput {
                file: "customers.csv",
                batch: &customers,
                id_column: Some("customer_id"),
            }),
            ..Inputs::default()
        };
        let (inputs, helper) = (inputs_of(&tx), inputs_of(&copy));
        let one = analyze(&inputs, &params).unwrap();
        // Every subset of the parts computed by the helper.
        for mask in 0..(1u32 << Part::ALL.len()) {
            let given: Vec<PartResult> = Part::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .filter_map(|(_, p)| analyze_part(&helper, &params, p))
                .map(|r| {
                    let json = serde_json::to_string(&r).unwrap();
                    serde_json::from_str::<PartResult>(&json).unwrap()
                })
                .collect();
            let put = analyze_with(&inputs, &params, given.clone(), &sequential).unwrap();
            assert_eq!(
                one.report.to_json(),
                put.report.to_json(),
                "parts {mask:05b}"
            );
            assert_eq!(one.scores.to_csv(), put.scores.to_csv(), "parts {mask:05b}");
            // The worker's side: its own parts and the assembly from one scoring.
            let scored = Scored::new(&inputs, &params);
            let mut all = given;
            all.extend(
                Part::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) == 0)
                    .filter_map(|(_, p)| analyze_scored_part(&inputs, &params, &scored, p)),
            );
            let put = analyze_scored_with(&inputs, &params, scored, all, &sequential).unwrap();
            assert_eq!(
                one.report.to_json(),
                put.report.to_json(),
                "parts {mask:05b}, scored once"
            );
            assert_eq!(
                one.scores.to_csv(),
                put.scores.to_csv(),
                "parts {mask:05b}, scored once"
            );
        }
    }
}
