//! The data-quality profile's counts against an independent tool: for fixtures of
//! `tests/data/`, the rows and each column's kind, blank cells and distinct values as pandas
//! counts them (`tests/reference/profile_pandas.py`, output committed in
//! `tests/reference/profile_pandas.json`). The page and the CLI share the profile code, so
//! comparing them with each other could not catch a wrong count; this does.
//! Runs natively and in headless Chromium (the files are embedded).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use prisme_core::ingest::{ReadOptions, load};
use prisme_core::profile::profile;
use serde_json::Value;

const FILES: &[(&str, &[u8])] = &[
    (
        "fr_excel_ventes.csv",
        include_bytes!("data/fr_excel_ventes.csv"),
    ),
    ("contracts.csv", include_bytes!("data/contracts.csv")),
    (
        "customers_crm.csv",
        include_bytes!("data/customers_crm.csv"),
    ),
    ("us_orders.csv", include_bytes!("data/us_orders.csv")),
    ("customers.json", include_bytes!("data/customers.json")),
    ("cohort_rows.csv", include_bytes!("data/cohort_rows.csv")),
    ("churn_synth.csv", include_bytes!("data/churn_synth.csv")),
];

#[test]
fn profile_counts_match_pandas() {
    let reference: Value =
        serde_json::from_str(include_str!("../../tests/reference/profile_pandas.json")).unwrap();
    let files = reference["files"].as_object().unwrap();
    assert_eq!(files.len(), FILES.len());
    for (name, bytes) in FILES {
        let want = &files[*name];
        // Default options: the reader finds each file's conventions itself.
        let table = load(name, bytes, &ReadOptions::default(), &mut |_| {})
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // No reference day: future dates are not compared here.
        let p = profile(&table, None);
        assert_eq!(p.rows, want["rows"].as_u64().unwrap(), "{name}: rows");
        let columns = want["columns"].as_array().unwrap();
        let names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
        let want_names: Vec<&str> = columns
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, want_names, "{name}: columns");
        for (c, w) in p.columns.iter().zip(columns) {
            let what = format!("{name}, column {:?}", c.name);
            assert_eq!(c.kind.label(), w["kind"].as_str().unwrap(), "{what}: kind");
            assert_eq!(c.nulls, w["blanks"].as_u64().unwrap(), "{what}: blanks");
            assert_eq!(
                c.distinct,
                w["distinct"].as_u64().unwrap(),
                "{what}: distinct"
            );
            let share = c.nulls as f64 / p.rows as f64;
            assert!((c.null_share - share).abs() < 1e-15, "{what}: blank share");
        }
    }
}
