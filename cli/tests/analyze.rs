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
        err.contains("--transactions FILE (or --summary FILE), --customers FILE, or both"),
        "{err}"
    );
}

/// A datamart over the customer base: a customer attribute (region, from the customer table)
/// and a contract expiry (from a contracts file given with --source), on a case worked out by
/// hand: at the snapshot 2024-03-06 (day 19788), C1 (Nord) has a contract ending 2024-04-15,
/// within 60 days; C2 (Nord) ends 2024-12-31; C3 ends within 60 days but is in the Sud; C4
/// (Nord) has an open contract without an end.
#[test]
fn datamart_filters_on_customer_attributes_and_contracts() {
    let dir = std::env::temp_dir().join(format!("prisme-datamart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let tx = write(
        "tx.csv",
        "customer_id,order_date,amount\nC1,2024-01-10,100\nC1,2024-02-10,50\nC2,2024-01-15,80\n\
         C3,2024-02-01,30\nC3,2024-03-01,40\nC4,2024-03-05,200\n",
    );
    let customers = write(
        "customers.csv",
        "id;region\nC1;Nord\nC2;Nord\nC3;Sud\nC4;Nord\n",
    );
    let contracts = write(
        "contracts.csv",
        "client;debut_contrat;fin_contrat\nC1;01/01/2023;15/04/2024\nC2;01/01/2023;31/12/2024\n\
         C3;01/01/2023;20/03/2024\nC4;01/06/2023;\n",
    );
    let mart = write(
        "mart.json",
        r#"{"name": "Échéances Nord", "filter": {"op": "all", "of": [
            {"op": "in", "column": "region", "values": ["Nord"]},
            {"op": "date-within", "column": "next_expiry", "as_of": 19788, "days": 60}]}}"#,
    );
    let targets = dir.join("targets.csv");
    let out = prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .arg("--customers")
        .arg(&customers)
        .arg("--source")
        .arg(&contracts)
        .arg("--datamart")
        .arg(&mart)
        .arg("--target-list")
        .arg(&targets)
        .args(["--target-columns", "region,next_expiry,open_contracts"])
        .args(["--snapshot", "2024-03-06"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("customer base: 4 customers from 3 files (0 orphan rows"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&targets).unwrap(),
        "customer_id,region,next_expiry,open_contracts\r\nC1,Nord,2024-04-15,1\r\n"
    );

    // Without the contracts there is no next_expiry column: the error says what there is.
    let out = prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .arg("--customers")
        .arg(&customers)
        .arg("--datamart")
        .arg(&mart)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no column named \"next_expiry\""),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
