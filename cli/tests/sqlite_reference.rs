//! The RFM slice against an independent reference: the workload's definition in SQL, run by
//! SQLite (through Python's standard library) on the same generated file.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn prisme() -> Command {
    Command::new(env!("CARGO_BIN_EXE_prisme"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sqlite_reference");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn reference(csv: &Path, integer_ids: bool) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/rfm_sqlite.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(csv);
    if integer_ids {
        cmd.arg("--integer-ids");
    }
    run_json(&mut cmd)
}

fn assert_same(ours: &Value, theirs: &Value) {
    for key in ["rows", "customers", "snapshot", "cells"] {
        assert_eq!(ours[key], theirs[key], "{key} differs");
    }
}

/// Every customer's recency, frequency, monetary and R/F/M scores in `prisme rfm --scores`'s
/// CSV against SQLite's, row by row (ids as text on both sides).
fn assert_same_scores(scores_csv: &Path, theirs: &Value) {
    let text = std::fs::read_to_string(scores_csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,recency,frequency,monetary,r,f,m")
    );
    let ours: std::collections::HashMap<String, Vec<String>> = lines
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect();
    let rows = theirs["scores"].as_array().unwrap();
    assert_eq!(ours.len(), rows.len(), "customers differ");
    for row in rows {
        let row = row.as_array().unwrap();
        let id = match &row[0] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mine = ours
            .get(&id)
            .unwrap_or_else(|| panic!("customer {id} missing from scores.csv"));
        let int = |i: usize| row[i].as_i64().unwrap().to_string();
        assert_eq!(mine[0], int(1), "recency of {id}");
        assert_eq!(mine[1], int(2), "frequency of {id}");
        // SQLite's round(sum, 2) against the CSV's two decimals.
        let monetary: f64 = mine[2].parse().unwrap();
        assert!(
            (monetary - row[3].as_f64().unwrap()).abs() < 1e-9,
            "monetary of {id}: {} vs {}",
            mine[2],
            row[3]
        );
        assert_eq!(
            [&mine[3], &mine[4], &mine[5]],
            [&int(4), &int(5), &int(6)],
            "r, f, m of {id}"
        );
    }
}

#[test]
fn generated_file_matches_sqlite_ntile() {
    let csv = scratch("tx.csv");
    let status = prisme()
        .args(["generate", "--rows", "60000", "--seed", "7", "--out"])
        .arg(&csv)
        .status()
        .unwrap();
    assert!(status.success());
    let scores = scratch("scores.csv");
    let ours = run_json(
        prisme()
            .arg("rfm")
            .arg(&csv)
            .arg("--json")
            .arg("--scores")
            .arg(&scores),
    );
    assert_eq!(ours["customers"], 6000);
    let theirs = reference(&csv, false);
    assert_same(&ours, &theirs);
    assert_same_scores(&scores, &theirs);
}

#[test]
fn integer_ids_match_sqlite_integer_ordering() {
    let csv = scratch("tx_int.csv");
    let text = {
        let status = prisme()
            .args(["generate", "--rows", "20000", "--seed", "11", "--out"])
            .arg(&csv)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(&csv).unwrap()
    };
    // C0000123 -> 123: integer ids, whose order differs from their text order (9 < 10).
    let converted: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                format!("{line}\n")
            } else {
                let (id, rest) = line.split_once(',').unwrap();
                let n: u64 = id[1..].parse().unwrap();
                format!("{n},{rest}\n")
            }
        })
        .collect();
    std::fs::write(&csv, converted).unwrap();
    let scores = scratch("scores_int.csv");
    let ours = run_json(
        prisme()
            .arg("rfm")
            .arg(&csv)
            .arg("--json")
            .arg("--scores")
            .arg(&scores),
    );
    let theirs = reference(&csv, true);
    assert_same(&ours, &theirs);
    assert_same_scores(&scores, &theirs);
}
