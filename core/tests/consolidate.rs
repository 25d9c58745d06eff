//! Consolidation of the corpus files into one customer base, and anonymization, with every
//! expected value computed by hand from the fixture files.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use prisme_core::anonymize::{AnonymizeOptions, PiiAction, anonymize};
use prisme_core::consolidate::{Source, TableKind, consolidate, table_kind};
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::{ReadOptions, Table, load};
use prisme_core::key::Secret;

fn read(name: &str, bytes: &[u8]) -> Table {
    load(name, bytes, &ReadOptions::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn corpus() -> Vec<Table> {
    vec![
        read("customers.json", include_bytes!("data/customers.json")),
        read(
            "customers_crm.csv",
            include_bytes!("data/customers_crm.csv"),
        ),
        read(
            "fr_excel_ventes.csv",
            include_bytes!("data/fr_excel_ventes.csv"),
        ),
        read("events.jsonl", include_bytes!("data/events.jsonl")),
        read("contracts.csv", include_bytes!("data/contracts.csv")),
    ]
}

fn by_id(batch: &RecordBatch, id: &str) -> usize {
    let ids = batch
        .column_by_name("customer_id")
        .unwrap()
        .as_string::<i32>();
    (0..ids.len()).find(|&i| ids.value(i) == id).unwrap()
}

fn day(batch: &RecordBatch, col: &str, row: usize) -> Option<i32> {
    let a = batch
        .column_by_name(col)
        .unwrap()
        .as_primitive::<Date32Type>();
    a.is_valid(row).then(|| a.value(row))
}

fn u32_at(batch: &RecordBatch, col: &str, row: usize) -> u32 {
    batch
        .column_by_name(col)
        .unwrap()
        .as_primitive::<UInt32Type>()
        .value(row)
}

fn text(batch: &RecordBatch, col: &str, row: usize) -> Option<String> {
    let a = batch.column_by_name(col).unwrap();
    if a.is_null(row) {
        return None;
    }
    if let Some(d) = a.as_dictionary_opt::<UInt32Type>() {
        return Some(
            d.values()
                .as_string::<i32>()
                .value(d.keys().value(row) as usize)
                .to_string(),
        );
    }
    Some(a.as_string::<i32>().value(row).to_string())
}

#[test]
fn a_summary_s_calibration_end_is_not_a_contract_end() {
    let csv =
        b"customer_id,first_purchase,last_purchase,orders,purchase_days,revenue,repeat_revenue,\
calibration_end,calibration_last_purchase,calibration_purchase_days,holdout_purchase_days\n\
C1,2023-01-05,2024-06-01,4,4,120.5,80.25,2024-01-01,2023-11-02,3,1\n\
C2,2023-03-10,2023-03-10,1,1,35,0,2024-01-01,2023-03-10,1,0\n";
    let t = read("summary.csv", csv);
    assert_eq!(table_kind(&t.plan).0, TableKind::Summary);
    for c in &t.plan.columns {
        let role = c.role.map(|g| g.role);
        assert!(
            !matches!(role, Some(Role::ContractStart | Role::ContractEnd)),
            "{}: {role:?}",
            c.name
        );
    }
    // Contracts keep theirs.
    let contracts = read("contracts.csv", include_bytes!("data/contracts.csv"));
    assert!(contracts.plan.column_for(Role::ContractEnd).is_some());
}

#[test]
fn kinds_are_detected() {
    let kinds: Vec<TableKind> = corpus().iter().map(|t| table_kind(&t.plan).0).collect();
    assert_eq!(
        kinds,
        vec![
            TableKind::Customers,
            TableKind::Customers,
            TableKind::Transactions,
            TableKind::Interactions,
            TableKind::Contracts
        ]
    );
}

#[test]
fn one_row_per_customer_with_derived_columns() {
    let tables = corpus();
    let sources: Vec<Source> = tables
        .iter()
        .map(|t| Source {
            kind: table_kind(&t.plan).0,
            table: t,
        })
        .collect();
    let base = consolidate(&sources, days_from_civil(2024, 3, 1)).unwrap();
    let b = &base.batch;
    assert_eq!(b.num_rows(), 5);
    let d = |y, m, dd| Some(days_from_civil(y, m, dd));

    let c1 = by_id(b, "C001");
    assert_eq!(day(b, "first_purchase", c1), d(2024, 1, 5));
    assert_eq!(day(b, "last_purchase", c1), d(2024, 2, 1));
    assert_eq!(u32_at(b, "orders", c1), 2);
    let revenue = b
        .column_by_name("revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(revenue.value(c1), 1222.5);
    assert_eq!(u32_at(b, "refunds", c1), 1);
    assert_eq!(u32_at(b, "contacts", c1), 2);
    assert_eq!(day(b, "last_contact", c1), d(2024, 2, 1));
    assert_eq!(u32_at(b, "open_contracts", c1), 1);
    assert_eq!(day(b, "next_expiry", c1), d(2024, 12, 31));
    assert_eq!(text(b, "region", c1).as_deref(), Some("Nord"));

    let c2 = by_id(b, "C002");
    assert_eq!(revenue.value(c2), 19.5);
    assert_eq!(u32_at(b, "open_contracts", c2), 1);
    assert_eq!(day(b, "next_expiry", c2), None);
    assert_eq!(u32_at(b, "contacts", c2), 1);
    // The first customer file's value is kept; the other one is a conflict.
    assert_eq!(text(b, "region", c2).as_deref(), Some("Île-de-France"));
    assert_eq!(text(b, "segment", c2).as_deref(), Some("B2C"));

    let c3 = by_id(b, "C003");
    assert_eq!(revenue.value(c3), 99.9);
    assert_eq!(u32_at(b, "contacts", c3), 0);

    let c5 = by_id(b, "C005");
    assert_eq!(u32_at(b, "orders", c5), 0);
    assert_eq!(text(b, "region", c5).as_deref(), Some("Est"));
    assert_eq!(text(b, "name", c5), None);

    let c4 = by_id(b, "C004");
    let known = b.column_by_name("in_customer_file").unwrap().as_boolean();
    assert!(!known.value(c4));
    assert!(known.value(c1));
    assert_eq!(day(b, "next_expiry", c4), d(2024, 6, 30));

    let r = &base.report;
    assert_eq!(r.customers, 5);
    assert_eq!(r.orphans.len(), 1);
    assert_eq!(r.orphans[0].file, "contracts.csv");
    assert_eq!((r.orphans[0].rows, r.orphans[0].customers), (1, 1));
    assert_eq!(r.orphans[0].examples, vec!["C004"]);
    assert_eq!(r.duplicate_ids.len(), 1);
    assert_eq!(r.duplicate_ids[0].file, "customers_crm.csv");
    assert_eq!(
        (r.duplicate_ids[0].ids, r.duplicate_ids[0].extra_rows),
        (1, 1)
    );
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].column, "region");
    assert_eq!(
        r.conflicts[0].examples,
        vec![(
            "C002".to_string(),
            "Île-de-France".to_string(),
            "Paris".to_string()
        )]
    );
}

#[test]
fn pseudonymized_files_still_join() {
    let opts = AnonymizeOptions {
        secret: Secret::from_bytes([0x5e; 32]).unwrap(),
        pseudonymize_ids: true,
        pii: PiiAction::Drop,
    };
    let mut customers = read("customers.json", include_bytes!("data/customers.json"));
    let mut sales = read(
        "fr_excel_ventes.csv",
        include_bytes!("data/fr_excel_ventes.csv"),
    );
    let r1 = anonymize(&mut customers, &opts).unwrap();
    let r2 = anonymize(&mut sales, &opts).unwrap();
    assert_eq!(r1.pseudonymized, vec!["id"]);
    assert_eq!(r1.dropped, vec!["name"]);
    assert_eq!(r2.pseudonymized, vec!["N° client"]);
    assert_eq!(r2.dropped, vec!["Email"]);
    assert!(sales.columns.iter().all(|c| c.plan.name != "Email"));
    let base = consolidate(
        &[
            Source {
                kind: TableKind::Customers,
                table: &customers,
            },
            Source {
                kind: TableKind::Transactions,
                table: &sales,
            },
        ],
        days_from_civil(2024, 3, 1),
    )
    .unwrap();
    assert_eq!(base.batch.num_rows(), 3);
    assert!(base.report.orphans.is_empty());
    let c1 = by_id(&base.batch, &opts.secret.pseudonym("C001"));
    assert_eq!(u32_at(&base.batch, "orders", c1), 2);
}

#[test]
fn masking_keeps_the_kind_of_value_not_the_person() {
    let opts = AnonymizeOptions {
        secret: Secret::from_bytes([0x5e; 32]).unwrap(),
        pseudonymize_ids: false,
        pii: PiiAction::Mask,
    };
    let mut sales = read(
        "fr_excel_ventes.csv",
        include_bytes!("data/fr_excel_ventes.csv"),
    );
    let report = anonymize(&mut sales, &opts).unwrap();
    assert_eq!(report.masked, vec!["Email"]);
    let email = &sales
        .columns
        .iter()
        .find(|c| c.plan.name == "Email")
        .unwrap()
        .array;
    let first = if let Some(d) = email.as_dictionary_opt::<UInt32Type>() {
        d.values()
            .as_string::<i32>()
            .value(d.keys().value(0) as usize)
            .to_string()
    } else {
        email.as_string::<i32>().value(0).to_string()
    };
    // Neither the local part nor a personal domain survives.
    assert_eq!(first, "***@***");
}
