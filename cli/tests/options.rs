//! The command line's options, each on a case whose answer is known without Prisme: small
//! files worked out by hand (dates, sums, counts written in the comments), closed forms of the
//! models (the NBD's posterior mean, a geometric discount sum, the BG/NBD's time-scale
//! invariance), and counts recomputed here from the generated files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn prisme() -> Command {
    Command::new(env!("CARGO_BIN_EXE_prisme"))
}

/// A fresh directory per test under Cargo's scratch space.
fn dir(test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("options")
        .join(test);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("prisme runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn iso_days(s: &str) -> i64 {
    let p: Vec<i64> = s.split('-').map(|v| v.parse().unwrap()).collect();
    days(p[0], p[1], p[2])
}

/// The civil date of a day number, as `yyyy-mm-dd` (Hinnant's `civil_from_days`).
fn iso(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `customer_id,recency,…` rows of a scores CSV by id.
fn scores_by_id(path: &Path) -> HashMap<String, Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// prisme rfm: --locale, --skip-bad-rows, --scores

/// Every date is ambiguous (day and month both ≤ 12): the locale decides. French, day first:
/// A bought on 1 Feb and 3 Apr, B on 5 Apr, so the snapshot is 6 Apr and A's recency 3 days.
/// English, month first: A on 2 Jan and 4 Mar, B on 4 May: snapshot 5 May, A's recency 62 days
/// (27 days to the end of March, 30 in April, 5 in May).
#[test]
fn rfm_locale_decides_ambiguous_dates() {
    let d = dir("locale");
    let csv = write(
        &d,
        "tx.csv",
        "customer_id,order_date,amount\nA,01/02/2024,10.00\nB,05/04/2024,20.00\nA,03/04/2024,5.00\n",
    );
    for (locale, snapshot, recency_a, recency_b) in [
        (None, "2024-04-06", "3", "1"),
        (Some("fr"), "2024-04-06", "3", "1"),
        (Some("en"), "2024-05-05", "62", "1"),
    ] {
        let scores = d.join(format!("scores-{}.csv", locale.unwrap_or("default")));
        let mut cmd = prisme();
        cmd.arg("rfm")
            .arg(&csv)
            .arg("--json")
            .arg("--scores")
            .arg(&scores);
        if let Some(l) = locale {
            cmd.args(["--locale", l]);
        }
        let out: Value = serde_json::from_slice(&ok(&mut cmd).stdout).unwrap();
        assert_eq!(out["snapshot"], snapshot, "{locale:?}");
        let s = scores_by_id(&scores);
        assert_eq!(s["A"][0], recency_a, "{locale:?}");
        assert_eq!(s["B"][0], recency_b, "{locale:?}");
        // Frequency and monetary do not depend on the dates.
        assert_eq!((s["A"][1].as_str(), s["A"][2].as_str()), ("2", "15.00"));
    }
}

/// Line 3 has a month 13. Without the option the command stops and names the file and the
/// line; with it, that row is left out: 3 rows, 2 customers (A: 10 + 5 on 2 orders; C: 7.50).
#[test]
fn rfm_skip_bad_rows_drops_the_bad_line() {
    let d = dir("skip");
    let csv = write(
        &d,
        "tx.csv",
        "customer_id,order_date,amount\nA,2024-01-10,10.00\nB,2024-13-45,20.00\nA,2024-02-01,5.00\nC,2024-02-03,7.50\n",
    );
    let out = prisme().arg("rfm").arg(&csv).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tx.csv") && err.contains("line 3"), "{err}");

    let scores = d.join("scores.csv");
    let out = ok(prisme()
        .arg("rfm")
        .arg(&csv)
        .arg("--skip-bad-rows")
        .arg("--json")
        .arg("--scores")
        .arg(&scores));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&json["rows"], &json["rows_skipped"], &json["customers"]),
        (&Value::from(3), &Value::from(1), &Value::from(2))
    );
    let s = scores_by_id(&scores);
    assert_eq!(s.len(), 2);
    assert_eq!(s["A"][..3], ["3", "2", "15.00"]); // snapshot 4 Feb, last purchase 1 Feb
    assert_eq!(s["C"][..3], ["1", "1", "7.50"]);
    let text = stdout(&ok(prisme().arg("rfm").arg(&csv).arg("--skip-bad-rows")));
    assert!(text.contains("skipped 1 bad rows"), "{text}");
    assert!(
        text.contains("3 rows, 2 customers, snapshot 2024-02-04"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// prisme profile: the text report

/// contracts.csv by hand: 4 rows, `;`, UTF-8; fin_contrat has one blank of 4 (25.0 %) and 3
/// distinct dates from 14/06/2023 to 31/12/2024, two of them after 1 June 2024; debut_contrat
/// 4 distinct from 15/06/2022 to 01/01/2024. fr_excel_ventes.csv: Windows-1252, one refund
/// (-12,00 €), one blank e-mail of 5 (20.0 %), and 2 sales dated after 15 February 2024
/// (28/02 and 01/03).
#[test]
fn profile_text_report() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data");
    let text = stdout(&ok(prisme()
        .arg("profile")
        .arg(data.join("contracts.csv"))
        .args(["--today", "2024-06-01"])));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "== contracts.csv (CSV)");
    assert_eq!(lines[1].trim(), "encoding UTF-8, separator ;, header yes");
    assert!(
        lines[2].trim().starts_with("4 rows, 0 duplicate rows"),
        "{text}"
    );
    let column = |name: &str| -> (Vec<&str>, usize) {
        let i = lines
            .iter()
            .position(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("no line for {name}:\n{text}"));
        (lines[i].split_whitespace().collect(), i)
    };
    let (fin, i) = column("fin_contrat");
    assert_eq!(fin[2], "date");
    assert!(
        lines[i].contains("blanks  25.0%  distinct 3"),
        "{}",
        lines[i]
    );
    assert!(
        text.contains("from 2023-06-14 to 2024-12-31 · future 2"),
        "{text}"
    );
    let (debut, i) = column("debut_contrat");
    assert_eq!(debut[2], "date");
    assert!(
        lines[i].contains("blanks   0.0%  distinct 4"),
        "{}",
        lines[i]
    );
    assert!(
        text.contains("from 2022-06-15 to 2024-01-01 · future 0"),
        "{text}"
    );
    let (client, i) = column("client");
    assert_eq!(client[2], "text");
    assert!(lines[i].contains("distinct 3"), "{}", lines[i]);
    assert!(text.contains("top: \"C002\" ×2"), "{text}");

    let text = stdout(&ok(prisme()
        .arg("profile")
        .arg(data.join("fr_excel_ventes.csv"))
        .args(["--today", "2024-02-15"])));
    assert!(text.starts_with("== fr_excel_ventes.csv (CSV)\n"), "{text}");
    assert!(
        text.contains("encoding Windows-1252, separator ;, header yes"),
        "{text}"
    );
    assert!(
        text.contains("5 rows, 0 duplicate rows, 1 negative amounts (refunds), 2 future dates"),
        "{text}"
    );
    let email = text.lines().find(|l| l.contains("] Email")).unwrap();
    assert!(email.contains("blanks  20.0%  distinct 2"), "{email}");
    assert!(
        text.contains("min -12 ·") && text.contains("max 1234.5 ·"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// prisme analyze

/// Column names nothing recognises (k, d, q, v): `--map` says which is which. Customer X1 spent
/// 10,50 + 20,00 = 30,50 in 2 orders and bought 2 + 1 = 3 units; X2 4,00 and 5 units.
#[test]
fn analyze_map_assigns_the_columns() {
    let d = dir("map");
    let tx = write(
        &d,
        "tx.csv",
        "k;d;q;v\nX1;2024-03-01;2;10,50\nX2;2024-03-02;5;4,00\nX1;2024-03-05;1;20,00\n",
    );
    for (amount, x1, x2) in [("v", 30.5, 4.0), ("q", 3.0, 5.0)] {
        let report = d.join(format!("report-{amount}.json"));
        ok(prisme()
            .arg("analyze")
            .arg("--transactions")
            .arg(&tx)
            .args(["--map", "customer_id=k", "--map", "date=d"])
            .args(["--map", &format!("amount={amount}")])
            .arg("--per-customer")
            .arg("--out")
            .arg(&report));
        let r = json_file(&report);
        assert_eq!(r["rfm"]["snapshot"], "2024-03-06");
        let rows = r["customers"].as_array().unwrap();
        let by_id: HashMap<&str, &Value> = rows
            .iter()
            .map(|c| (c["customer_id"].as_str().unwrap(), c))
            .collect();
        assert_eq!(by_id.len(), 2);
        assert_eq!(f(&by_id["X1"]["monetary"]), x1, "amount={amount}");
        assert_eq!(f(&by_id["X2"]["monetary"]), x2, "amount={amount}");
        assert_eq!(by_id["X1"]["frequency"], 2);
        assert_eq!(by_id["X1"]["recency"], 1);
    }
    // A role that does not exist is an error that lists the roles.
    let out = prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .args(["--map", "montant=v"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown role \"montant\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 40 customers who are all still buying on the last day (2024-06-28): customer i first buys
/// 5 + i % 20 weeks earlier and n = 2 + 7i % 9 times in all, evenly spaced, the last purchase
/// on that day. With the snapshot the day after, every repeat buyer's recency equals T, so the
/// data show no dropout (`clv.rs` proves the likelihood's supremum is then at no dropout):
/// P(alive) = 1, and each customer's expected purchases over H periods are the NBD posterior
/// mean (r + x)·H / (α + T), x = n − 1 and T the weeks since the first purchase. With a
/// discount d per period on H constant increments, the value is scaled by
/// (1 − (1+d)^−H) / (d·H). In days instead of weeks the BG/NBD keeps r and multiplies α by 7
/// (rates per day are rates per week / 7); in months α is the days' / 30.4375. Default
/// horizons: 52 weeks, 365 days, 12 months.
#[test]
fn analyze_clv_options_on_data_without_dropout() {
    let d = dir("clv");
    let last = days(2024, 6, 28);
    let mut csv = String::from("customer_id,order_date,amount\n");
    let mut truth: BTreeMap<String, (f64, f64)> = BTreeMap::new(); // id -> (x, T in weeks)
    for i in 0..40i64 {
        let first = last - 7 * (5 + i % 20);
        let n = 2 + (7 * i) % 9;
        let mut days_seen = BTreeSet::new();
        for k in 0..n {
            let day = first + (k * (last - first) + (n - 1) / 2) / (n - 1);
            days_seen.insert(day);
            let amount = 10 + (i * 13 + k * 7) % 17;
            csv.push_str(&format!("K{i:02},{},{amount}.50\n", iso(day)));
        }
        let x = (days_seen.len() - 1) as f64;
        truth.insert(format!("K{i:02}"), (x, (last - first) as f64 / 7.0));
    }
    let tx = write(&d, "tx.csv", &csv);
    let run = |name: &str, extra: &[&str]| -> (Value, String) {
        let report = d.join(format!("{name}.json"));
        let out = ok(prisme()
            .arg("analyze")
            .arg("--transactions")
            .arg(&tx)
            .args(["--snapshot", "2024-06-29"])
            .args(extra)
            .arg("--per-customer")
            .arg("--out")
            .arg(&report));
        (json_file(&report), stdout(&out))
    };
    let (weeks, text) = run("weeks", &["--time-unit", "weeks", "--horizon", "26"]);
    let clv = &weeks["clv"];
    assert_eq!(clv["bgnbd"]["dropout"]["kind"], "not-identified", "{clv}");
    assert!(text.contains("NO DROPOUT IDENTIFIED"), "{text}");
    assert!(text.contains("P(alive) = 1"), "{text}");
    assert_eq!(clv["horizon"], 26);
    assert_eq!(clv["time_unit"], "weeks");
    assert!(
        clv["gamma_gamma"].is_object(),
        "{}",
        clv["gamma_gamma_skipped"]
    );
    let (r, alpha) = (f(&clv["bgnbd"]["r"]), f(&clv["bgnbd"]["alpha"]));
    let rows = weeks["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    for c in rows {
        let id = c["customer_id"].as_str().unwrap();
        let (x, t) = truth[id];
        assert_eq!(f(&c["p_alive"]), 1.0, "{id}");
        let want = (r + x) * 26.0 / (alpha + t);
        assert!(
            rel(f(&c["expected_purchases"]), want) < 1e-9,
            "{id}: {c} vs {want}"
        );
    }

    let (discounted, _) = run(
        "discounted",
        &[
            "--time-unit",
            "weeks",
            "--horizon",
            "26",
            "--discount",
            "0.01",
        ],
    );
    assert_eq!(discounted["clv"]["discount_rate"], 0.01);
    let factor = (1.0 - 1.01f64.powi(-26)) / (0.01 * 26.0);
    for (a, b) in rows.iter().zip(discounted["customers"].as_array().unwrap()) {
        assert_eq!(a["customer_id"], b["customer_id"]);
        let (plain, disc) = (f(&a["clv"]), f(&b["clv"]));
        assert!(rel(disc, plain * factor) < 1e-9, "{a} {b}");
        // Undiscounted expectations are the same.
        assert!(rel(f(&b["expected_purchases"]), f(&a["expected_purchases"])) < 1e-12);
    }

    let (by_day, _) = run("days", &["--time-unit", "days"]);
    let (by_month, _) = run("months", &["--time-unit", "months"]);
    let (default_weeks, _) = run("default", &[]);
    assert_eq!(by_day["clv"]["horizon"], 365);
    assert_eq!(by_month["clv"]["horizon"], 12);
    assert_eq!(default_weeks["clv"]["horizon"], 52);
    assert_eq!(default_weeks["clv"]["time_unit"], "weeks");
    let bg = |v: &Value, k: &str| f(&v["clv"]["bgnbd"][k]);
    assert!(
        rel(bg(&by_day, "r"), r) < 1e-5,
        "{} vs {r}",
        bg(&by_day, "r")
    );
    assert!(rel(bg(&by_day, "alpha"), 7.0 * alpha) < 1e-5);
    assert!(rel(bg(&by_month, "r"), r) < 1e-5);
    assert!(rel(bg(&by_month, "alpha"), 7.0 * alpha / 30.4375) < 1e-5);
}

/// Parses `customer_id,order_date,amount[,quantity,channel,region]` as written by
/// `prisme generate`.
fn read_generated(path: &Path) -> Vec<(String, i64, f64, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let channel = c.get(4).copied().unwrap_or("").to_string();
            (
                c[0].to_string(),
                iso_days(c[1]),
                c[2].parse().unwrap(),
                channel,
            )
        })
        .collect()
}

/// `--calibration-end`: a second fit on purchases up to that day is checked against the later
/// ones. Counted here from the file: the customers who bought by the calibration end, and their
/// repeat purchase days (distinct days, as the model counts occasions) after it and up to the
/// observation end (the day before the snapshot); the holdout lasts (end − calibration end) / 7
/// weeks. Without `--per-customer` the report has no per-customer rows.
#[test]
fn analyze_calibration_end_checks_a_holdout() {
    let d = dir("calibration");
    let tx = d.join("tx.csv");
    ok(prisme()
        .args(["generate", "--rows", "4000", "--seed", "5", "--out"])
        .arg(&tx));
    let report = d.join("report.json");
    let out = ok(prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .args([
            "--snapshot",
            "2024-10-01",
            "--calibration-end",
            "2024-03-31",
        ])
        .arg("--out")
        .arg(&report));
    let (cal, end) = (days(2024, 3, 31), days(2024, 9, 30));
    let mut per: HashMap<String, BTreeSet<i64>> = HashMap::new();
    for (id, day, _, _) in read_generated(&tx) {
        if day <= end {
            per.entry(id).or_default().insert(day);
        }
    }
    let cal_customers: Vec<&BTreeSet<i64>> = per
        .values()
        .filter(|s| *s.first().unwrap() <= cal)
        .collect();
    let actual: usize = cal_customers
        .iter()
        .map(|s| s.iter().filter(|&&d| d > cal).count())
        .sum();
    let r = json_file(&report);
    assert!(r["customers"].is_null());
    let clv = &r["clv"];
    assert_eq!(clv["calibration_end"], cal);
    assert_eq!(clv["observation_end"], end);
    let h = &clv["holdout"];
    assert_eq!(h["customers"], cal_customers.len());
    assert_eq!(h["actual_total"], actual);
    assert_eq!(f(&h["duration"]), (end - cal) as f64 / 7.0);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("repeat purchases, actual {actual}")),
        "{text}"
    );
}

/// `--slice channel`: the indicators per channel and month, against sums over the generated
/// file's rows; and `--per-customer` puts the same rows in the report as in scores.csv.
#[test]
fn analyze_slice_and_per_customer() {
    let d = dir("slice");
    let tx = d.join("tx.csv");
    ok(prisme()
        .args(["generate", "--rows", "3000", "--extra", "--out"])
        .arg(&tx));
    let (report, scores) = (d.join("report.json"), d.join("scores.csv"));
    ok(prisme()
        .arg("analyze")
        .arg("--transactions")
        .arg(&tx)
        .args(["--slice", "channel", "--per-customer"])
        .arg("--out")
        .arg(&report)
        .arg("--scores")
        .arg(&scores));
    // (channel, first day of the month) -> (revenue, orders)
    let mut want: BTreeMap<(String, String), (f64, u64)> = BTreeMap::new();
    for (_, day, amount, channel) in read_generated(&tx) {
        let month = format!("{}-01", &iso(day)[..7]);
        let e = want.entry((channel, month)).or_default();
        e.0 += amount;
        e.1 += 1;
    }
    let r = json_file(&report);
    let slices = r["indicators"]["slices"].as_array().unwrap();
    let names: BTreeSet<&str> = slices
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["marketplace", "phone", "store", "web"])
    );
    let mut seen = 0;
    for s in slices {
        let channel = s["value"].as_str().unwrap();
        for p in s["periods"].as_array().unwrap() {
            let key = (
                channel.to_string(),
                p["start"].as_str().unwrap().to_string(),
            );
            let (revenue, orders) = want.get(&key).copied().unwrap_or_default();
            assert!(
                (f(&p["revenue"]) - revenue).abs() < 1e-6,
                "{key:?}: {} vs {revenue}",
                p["revenue"]
            );
            assert_eq!(p["orders"], orders, "{key:?}");
            seen += usize::from(orders > 0);
        }
    }
    assert_eq!(
        seen,
        want.len(),
        "every (channel, month) with sales is reported"
    );

    let rows = r["customers"].as_array().unwrap();
    let csv = scores_by_id(&scores);
    assert_eq!(rows.len(), csv.len());
    for c in rows {
        let id = c["customer_id"].as_str().unwrap();
        let s = &csv[id];
        assert_eq!(c["recency"].to_string(), s[0], "{id}");
        assert_eq!(c["frequency"].to_string(), s[1], "{id}");
        assert_eq!(format!("{:.2}", f(&c["monetary"])), s[2], "{id}");
        for (k, col) in [("r", 3), ("f", 4), ("m", 5)] {
            assert_eq!(c[k].to_string(), s[col], "{id} {k}");
        }
        assert_eq!(c["segment"].as_str().unwrap(), s[6], "{id}");
        assert_eq!(format!("{:.6}", f(&c["p_alive"])), s[8], "{id}");
    }
}

/// `--churn-window`: without a churn label, a customer counts as churned when they buy nothing
/// in the window before the snapshot. Snapshot 2024-07-01. 8 customers bought in January,
/// April and on 15 June; 8 in January, April and on 15 May; 6 in February and March only.
/// With 30 days the model learns from the customers who bought by 31 May (all 22) whether they
/// came back between 1 and 30 June: the 8 of 15 May and the 6 of the winter did not, 14
/// churned. With 60 days, from those who bought by 1 May (all 22) over 2 May – 30 June: only
/// the 6 churned.
#[test]
fn analyze_churn_window_sets_the_label_window() {
    let d = dir("churn_window");
    let mut csv = String::from("customer_id,order_date,amount\n");
    for i in 0..8 {
        for day in ["2024-01-10", "2024-04-10", "2024-06-15"] {
            csv.push_str(&format!("P{i},{day},{}.00\n", 20 + i));
        }
        for day in ["2024-01-10", "2024-04-10", "2024-05-15"] {
            csv.push_str(&format!("Q{i},{day},{}.00\n", 30 + i));
        }
    }
    for i in 0..6 {
        for day in ["2024-02-01", "2024-03-01"] {
            csv.push_str(&format!("R{i},{day},{}.00\n", 15 + i));
        }
    }
    let tx = write(&d, "tx.csv", &csv);
    for (window, from, churners) in [("30", "2024-06-01", 14), ("60", "2024-05-02", 6)] {
        let report = d.join(format!("report-{window}.json"));
        ok(prisme()
            .arg("analyze")
            .arg("--transactions")
            .arg(&tx)
            .args(["--snapshot", "2024-07-01", "--churn-window", window])
            .arg("--out")
            .arg(&report));
        let r = json_file(&report);
        assert_eq!(
            r["params"]["churn_window_days"],
            window.parse::<i64>().unwrap()
        );
        let churn = &r["churn"];
        assert_eq!(churn["label_source"], "holdout-window", "{churn}");
        assert_eq!(churn["window"][0], from, "window {window}");
        assert_eq!(churn["window"][1], "2024-06-30", "window {window}");
        let ds = &churn["result"]["dataset"];
        assert_eq!(ds["labelled"], 22, "window {window}");
        assert_eq!(ds["churners"], churners, "window {window}");
    }
}
