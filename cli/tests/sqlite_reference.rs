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

#[test]
fn generated_file_matches_sqlite_ntile() {
    let csv = scratch("tx.csv");
    let status = prisme()
        .args(["generate", "--rows", "60000", "--seed", "7", "--out"])
        .arg(&csv)
        .status()
        .unwrap();
    assert!(status.success());
    let ours = run_json(prisme().arg("rfm").arg(&csv).arg("--json"));
    assert_eq!(ours["customers"], 6000);
    assert_same(&ours, &reference(&csv, false));
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
    let ours = run_json(prisme().arg("rfm").arg(&csv).arg("--json"));
    assert_same(&ours, &reference(&csv, true));
}
