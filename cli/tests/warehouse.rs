//! The warehouse path against the raw path: docs/warehouse.md's SQL, run by DuckDB (from PyPI,
//! installed by `cargo xtask test` and handed over as `PRISME_PYTHONPATH`) on a generated file
//! of a million purchases, gives a customer summary from which `prisme analyze --summary`
//! reports what `prisme analyze --transactions` reports on the file: every score identical,
//! every fitted parameter within 1e-9 relative, and what needs the purchases listed as skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn prisme() -> Command {
    Command::new(env!("CARGO_BIN_EXE_prisme"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("warehouse");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Python path holding DuckDB; `None` outside the test command (then the test says so and
/// does nothing: `cargo xtask test` always sets it).
fn python_path() -> Option<String> {
    std::env::var("PRISME_PYTHONPATH").ok()
}

fn duckdb_summary(csv: &Path, out: &Path, pythonpath: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    run(Command::new("python3")
        .arg(root.join("tests/reference/warehouse_duckdb.py"))
        .arg(root.join("docs/warehouse.md"))
        .arg(csv)
        .arg(out)
        .env("PYTHONPATH", pythonpath));
}

/// Walks two JSON values: equal, numbers within `tol` relative; differences by path.
fn compare(path: &str, a: &Value, b: &Value, tol: f64, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => compare(&format!("{path}.{k}"), v, w, tol, out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k}: extra"));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                compare(&format!("{path}[{i}]"), v, w, tol, out);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() > tol * x.abs().max(y.abs()) {
                out.push(format!("{path}: {x} vs {y}"));
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {a} vs {b}")),
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_documented_sql_gives_the_report_of_the_raw_purchases() {
    let Some(pythonpath) = python_path() else {
        eprintln!("PRISME_PYTHONPATH unset: run through `cargo xtask test` (DuckDB from PyPI)");
        return;
    };
    let csv = scratch("transactions.csv");
    run(prisme()
        .args(["generate", "--rows", "1000000", "--out"])
        .arg(&csv));
    let summary = scratch("summary.parquet");
    duckdb_summary(&csv, &summary, &pythonpath);

    // The document's dates: the snapshot is the day after the file's last purchase (2024-12-31),
    // Prisme's default; the holdout check splits on 2024-07-01.
    let raw = (scratch("raw.json"), scratch("raw.csv"));
    run(prisme()
        .args([
            "analyze",
            "--no-anonymize",
            "--calibration-end",
            "2024-07-01",
            "--transactions",
        ])
        .arg(&csv)
        .arg("--out")
        .arg(&raw.0)
        .arg("--scores")
        .arg(&raw.1));
    let sum = (scratch("summary.json"), scratch("summary.csv"));
    let text = run(prisme()
        .args(["analyze", "--no-anonymize", "--summary"])
        .arg(&summary)
        .arg("--out")
        .arg(&sum.0)
        .arg("--scores")
        .arg(&sum.1));
    assert!(
        text.contains("skipped cohorts: needs the raw transactions"),
        "{text}"
    );

    let (a, b) = (read_json(&raw.0), read_json(&sum.0));
    // Guard against a vacuous pass: both reports hold the analyses compared.
    assert_eq!(a["rfm"]["customers"], 100_000);
    assert!(b["clv"]["gamma_gamma"]["p"].is_number());
    assert!(
        b["clv"]["holdout"]["buckets"]
            .as_array()
            .is_some_and(|v| v.len() == 8)
    );
    let mut diffs = Vec::new();
    for key in ["rfm", "clusters", "clv"] {
        let (mut x, y) = (a[key].clone(), &b[key]);
        if key == "rfm" {
            // Migration compares two dates: the summary holds one.
            assert!(x["migration"].is_object() && y["migration"].is_null());
            x["migration"] = Value::Null;
        }
        compare(key, &x, y, 1e-9, &mut diffs);
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
    let skipped: Vec<&str> = b["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["analysis"].as_str().unwrap())
        .collect();
    for needs_rows in [
        "segment migration",
        "cohorts",
        "indicators",
        "churn model from a holdout window",
    ] {
        assert!(skipped.contains(&needs_rows), "{needs_rows}: {skipped:?}");
    }
    assert_eq!(b["inputs"][0]["kind"], "summary");

    // Scores, customer by customer: the columns both runs have, identical to the last digit.
    let (ra, rb) = (
        std::fs::read_to_string(&raw.1).unwrap(),
        std::fs::read_to_string(&sum.1).unwrap(),
    );
    let header_a: Vec<&str> = ra.lines().next().unwrap().split(',').collect();
    let header_b: Vec<&str> = rb.lines().next().unwrap().split(',').collect();
    let shared: Vec<(usize, usize, &str)> = header_a
        .iter()
        .enumerate()
        .filter(|(_, c)| !matches!(**c, "previous_segment" | "churn_score"))
        .map(|(i, c)| {
            let j = header_b.iter().position(|d| d == c);
            (
                i,
                j.unwrap_or_else(|| panic!("{c} missing from the summary's scores")),
                *c,
            )
        })
        .collect();
    assert!(shared.len() >= 15, "{header_a:?}");
    let (la, lb): (Vec<&str>, Vec<&str>) =
        (ra.lines().skip(1).collect(), rb.lines().skip(1).collect());
    assert_eq!(la.len(), 100_000);
    assert_eq!(la.len(), lb.len());
    for (n, (x, y)) in la.iter().zip(&lb).enumerate() {
        let (x, y): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
        for &(i, j, c) in &shared {
            assert_eq!(x[i], y[j], "row {}, {c}", n + 1);
        }
    }
}

#[test]
fn an_inconsistent_summary_is_refused_with_its_row_and_customer() {
    let path = scratch("bad_summary.csv");
    std::fs::write(
        &path,
        "customer_id,first_purchase,last_purchase,orders,purchase_days,revenue,repeat_revenue\n\
         C1,2024-01-05,2024-03-01,3,2,30.5,20\n\
         C2,2024-02-01,2024-01-10,2,2,10,5\n",
    )
    .unwrap();
    let out = prisme()
        .args(["analyze", "--no-anonymize", "--summary"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad_summary.csv, row 2 (customer C2)")
            && err.contains("last_purchase 2024-01-10 is before first_purchase 2024-02-01"),
        "{err}"
    );

    std::fs::write(
        &path,
        "customer_id,first_purchase,last_purchase,orders\nC1,2024-01-05,2024-03-01,3\n",
    )
    .unwrap();
    let out = prisme()
        .args(["analyze", "--no-anonymize", "--summary"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("needs the column \"purchase_days\""), "{err}");
}

#[test]
fn a_small_summary_by_hand_scores_like_its_purchases() {
    // Three customers' purchases and their summary written by hand (the columns' definitions):
    // a: 2024-01-01 (10 + 5), 2024-02-01 (20), 2024-03-01 (4); b: 2024-01-15 (8);
    // c: 2024-02-10 (30), 2024-02-20 (12).
    let tx = scratch("hand_tx.csv");
    std::fs::write(
        &tx,
        "customer_id,date,amount\na,2024-01-01,10\na,2024-01-01,5\nb,2024-01-15,8\n\
         a,2024-02-01,20\nc,2024-02-10,30\nc,2024-02-20,12\na,2024-03-01,4\n",
    )
    .unwrap();
    let summary = scratch("hand_summary.csv");
    std::fs::write(
        &summary,
        "customer_id,first_purchase,last_purchase,orders,purchase_days,revenue,repeat_revenue\n\
         a,2024-01-01,2024-03-01,4,3,39,24\n\
         b,2024-01-15,2024-01-15,1,1,8,0\n\
         c,2024-02-10,2024-02-20,2,2,42,12\n",
    )
    .unwrap();
    let scores = |args: &[&str], file: &Path| -> Vec<String> {
        let out = scratch("hand_scores.csv");
        run(prisme()
            .args(["analyze", "--no-anonymize"])
            .args(args)
            .arg(file)
            .arg("--scores")
            .arg(&out));
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .map(|l| l.split(',').take(8).collect::<Vec<_>>().join(","))
            .collect()
    };
    let from_rows = scores(&["--transactions"], &tx);
    let from_summary = scores(&["--summary"], &summary);
    assert_eq!(from_rows.len(), 4);
    assert_eq!(from_rows, from_summary);
}
