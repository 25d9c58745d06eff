//! The whole analysis gives the same report natively and in wasm32 (headless Chromium). Both
//! builds compute it from the same generated input and compare it, value by value, with one
//! committed snapshot, `snapshots/analysis_parity.json` (reviewed like code): every field of
//! the report, with the per-customer scores (`per_customer`), for transactions alone (RFM,
//! segments and migration, clusters, CLV with a holdout check, churn from a holdout window,
//! cohorts, indicators sliced by channel) and for a labelled customer table alone (churn).
//!
//! Tolerance: none beyond the snapshot's rounding. The two builds run the same code with the
//! same maths library (`prisme_core::math`: libm's `exp`, `ln`, `pow`… on every target, where
//! glibc's and musl's last bits used to differ and moved the BG/NBD fit by 1e-7), so they
//! compute the same bits; the snapshot keeps 12 significant digits, hence a relative 1e-11.
//! The optimisers' step counts (`iterations`) are compared too. Texts, integers, nulls, list
//! lengths and keys must be equal.
//!
//! After a deliberate change, rewrite the snapshot natively and review its diff:
//! `PRISME_UPDATE_SNAPSHOTS=1 cargo test -p prisme-core --test analysis_parity`.
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use prisme_core::analysis::{
    AnalysisParams, CustomersInput, Inputs, SliceInput, TransactionsInput, analyze, text_values,
};
use prisme_core::indicators::Slice;
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::{ReadOptions, load};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, load_transactions};
use serde_json::{Value, json};

const SNAPSHOT: &str = include_str!("snapshots/analysis_parity.json");

/// The snapshot's rounding (12 significant digits); the builds themselves agree to the bit.
const RELATIVE: f64 = 1e-11;
const ABSOLUTE: f64 = 1e-12;

fn report_value(report: &prisme_core::analysis::Report) -> Value {
    let mut v: Value = serde_json::from_str(&report.to_json()).unwrap();
    v["engine_version"] = json!("(version)");
    v
}

/// Both analyses, as JSON.
fn reports() -> Value {
    let mut synth = SynthParams::new(4_000);
    synth.extra_columns = true;
    let csv = transactions_csv(&synth);
    let opts = ReadOptions::default();
    let (tx, _) = load_transactions("synth.csv", &csv, &opts, BadRows::Stop, &mut |_| {}).unwrap();
    let table = load("synth.csv", &csv, &opts, &mut |_| {}).unwrap();
    let channel = table
        .columns
        .iter()
        .find(|c| c.plan.name == "channel")
        .unwrap();
    let labels = text_values(&channel.array);
    let labels: Vec<Option<&str>> = labels.iter().map(|v| v.as_deref()).collect();
    let mut params = AnalysisParams {
        per_customer: true,
        ..AnalysisParams::default()
    };
    params.clv.calibration_end = Some(days_from_civil(2024, 6, 30));
    // Quarters keep the snapshot short (8 periods instead of 24).
    params.cohorts.period = prisme_core::period::Period::Quarter;
    params.indicators.period = prisme_core::period::Period::Quarter;
    let whole = analyze(
        &Inputs {
            summary: None,
            transactions: Some(TransactionsInput {
                file: "synth.csv",
                tx: &tx,
            }),
            slice: Some(SliceInput {
                column: "channel",
                labels: Slice::Rows(&labels),
            }),
            ..Inputs::default()
        },
        &params,
    )
    .unwrap();

    let bytes = include_bytes!("data/churn_synth.csv");
    let customers = load("churn_synth.csv", bytes, &opts, &mut |_| {}).unwrap();
    let id = customers
        .column(Role::CustomerId)
        .map(|c| c.plan.name.clone());
    let batch = prisme_core::churn::dataset::table_batch(&customers).unwrap();
    let churn = analyze(
        &Inputs {
            summary: None,
            customers: Some(CustomersInput {
                file: "churn_synth.csv",
                batch: &batch,
                id_column: id.as_deref(),
            }),
            ..Inputs::default()
        },
        &AnalysisParams {
            per_customer: true,
            ..AnalysisParams::default()
        },
    )
    .unwrap();
    json!({
        "transactions": report_value(&whole.report),
        "customer_table": report_value(&churn.report),
    })
}

/// Appends every difference between `got` and `want` beyond the tolerance.
fn compare(path: &str, got: &Value, want: &Value, diffs: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if (x - y).abs() > (RELATIVE * x.abs().max(y.abs())).max(ABSOLUTE) {
                diffs.push(format!("{path}: {x} vs {y}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                diffs.push(format!("{path}: {} items vs {}", a.len(), b.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), x, y, diffs);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            let (ka, kb): (Vec<&String>, Vec<&String>) = (a.keys().collect(), b.keys().collect());
            if ka != kb {
                diffs.push(format!("{path}: keys {ka:?} vs {kb:?}"));
                return;
            }
            for (k, x) in a {
                compare(&format!("{path}.{k}"), x, &b[k], diffs);
            }
        }
        _ => {
            if got != want {
                diffs.push(format!("{path}: {got} vs {want}"));
            }
        }
    }
}

/// Floats at 12 significant digits, for a snapshot that does not move with the last bits.
#[cfg(not(target_arch = "wasm32"))]
fn rounded(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let r: f64 = format!("{x:.11e}").parse().unwrap();
            json!(r)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

/// Indented JSON with each object or list of plain values on one line (a customer's scores,
/// an RFM cell): short to read and to diff.
#[cfg(not(target_arch = "wasm32"))]
fn pretty(v: &Value, indent: usize, out: &mut String) {
    fn flat<'a>(mut items: impl Iterator<Item = &'a Value>) -> bool {
        items.all(|x| !matches!(x, Value::Array(_) | Value::Object(_)))
    }
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Object(o) if !o.is_empty() && !flat(o.values()) => {
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().enumerate() {
                out.push_str(&format!("{pad}{}: ", Value::String(k.clone())));
                pretty(x, indent + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}}}", "  ".repeat(indent)));
        }
        Value::Array(a) if !a.is_empty() && !flat(a.iter()) => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad);
                pretty(x, indent + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}]", "  ".repeat(indent)));
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

#[test]
fn whole_report_matches_the_snapshot_natively_and_in_wasm() {
    let got = reports();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("PRISME_UPDATE_SNAPSHOTS").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots/analysis_parity.json");
        let mut text = String::new();
        pretty(&rounded(got), 0, &mut text);
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want: Value = serde_json::from_str(SNAPSHOT).expect("snapshot parses");
    let mut diffs = Vec::new();
    compare("report", &got, &want, &mut diffs);
    // Guard against a vacuous pass: the per-customer rows are there and scored.
    let rows = want["transactions"]["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 400);
    assert!(rows.iter().all(|r| r["p_alive"].is_number()));
    assert!(rows.iter().all(|r| r["churn_score"].is_number()));
    let table = want["customer_table"]["customers"].as_array().unwrap();
    assert!(table.len() == 300 && table.iter().all(|r| r["churn_score"].is_number()));
    // Which fields differ, indices folded (report.customers[].clv: 400), then the first ones.
    let mut fields: std::collections::BTreeMap<String, usize> = Default::default();
    for d in &diffs {
        let path = d.split(':').next().unwrap_or_default();
        let mut folded = String::new();
        let mut in_index = false;
        for ch in path.chars() {
            match ch {
                '[' => {
                    in_index = true;
                    folded.push_str("[]");
                }
                ']' => in_index = false,
                _ if in_index => {}
                _ => folded.push(ch),
            }
        }
        *fields.entry(folded).or_default() += 1;
    }
    assert!(
        diffs.is_empty(),
        "{} differences from the snapshot in {fields:#?}\nfirst ones:\n{}",
        diffs.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
}
