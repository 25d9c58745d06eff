//! `prisme analyze` end to end: report, scores and a datamart's target list from one run.

use std::process::Command;

fn prisme() -> Command {
    Command::new(env!("CARGO_BIN_EXE_prisme"))
}

#[test]
fn analyze_writes_report_scores_and_target_list() {
    let dir = std::env::temp_dir().join(format!("prisme-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tx = dir.join("tx.csv");
    let ok = prisme()
        .args(["generate", "--rows", "5000", "--out"])
        .arg(&tx)
        .status()
        .unwrap();
    assert!(ok.success());
    let mart = dir.join("mart.json");
    std::fs::write(
        &mart,
        r#"{"name": "Relance", "filter": {"op": "in", "column": "segment", "values": ["at-risk", "cant-lose-them"]}}"#,
    )
    .unwrap();
    let (report, scores, targets) = (dir.join("r.json"), dir.join("s.csv"), dir.join("t.csv"));
    let out = prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .arg("--out")
        .arg(&report)
        .arg("--scores")
        .arg(&scores)
        .arg("--datamart")
        .arg(&mart)
        .arg("--target-list")
        .arg(&targets)
        .args(["--target-style", "fr"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["format"], "prisme-report");
    assert_eq!(json["version"], 1);

    // The target list holds exactly the scores' rows of those two segments.
    let scores = std::fs::read_to_string(&scores).unwrap();
    let header: Vec<&str> = scores.lines().next().unwrap().split(',').collect();
    let seg = header.iter().position(|c| *c == "segment").unwrap();
    let expected = scores
        .lines()
        .skip(1)
        .filter(|l| {
            let s = l.split(',').nth(seg).unwrap();
            s == "at-risk" || s == "cant-lose-them"
        })
        .count();
    assert!(expected > 0);
    let targets = std::fs::read_to_string(&targets).unwrap();
    assert!(targets.starts_with("\u{feff}customer_id;segment;p_alive;clv\r\n"));
    assert_eq!(targets.lines().count(), expected + 1);
    assert!(
        stdout.contains(&format!("datamart \"Relance\": {expected} customers")),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_input_is_a_clear_error() {
    let out = prisme().arg("analyze").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--transactions FILE, --customers FILE, or both"),
        "{err}"
    );
}
