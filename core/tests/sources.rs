//! The Data page's pipeline on the corpus: corrections, anonymization, profile, kind and the
//! consolidated base. Expected values come from reading the fixture files by hand (see
//! `consolidate.rs` for the derived columns themselves).

#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use prisme_core::IngestError;
use prisme_core::anonymize::{AnonymizeOptions, PiiAction};
use prisme_core::consolidate::TableKind;
use prisme_core::ingest::ReadOptions;
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::encoding::TextEncoding;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::tokenizer::Delimiter;
use prisme_core::key::Secret;
use prisme_core::sources::{
    Corrections, Fate, PreparedSource, SourceError, consolidate_sources, prepare_source,
};

const SECRET: &str = "5eb63bbbe01eeed093cb22bb8f5acdc3c7b5a2f2bd0d2d0d7b1f0c2a9e8d7f61";

fn secret() -> Secret {
    Secret::from_hex(SECRET).unwrap()
}

fn pseudonym(id: &str) -> String {
    secret().pseudonym(id)
}

fn options() -> AnonymizeOptions {
    AnonymizeOptions {
        secret: secret(),
        pseudonymize_ids: true,
        pii: PiiAction::Drop,
    }
}

fn prepare(
    name: &str,
    bytes: &[u8],
    corrections: &Corrections,
    anonymize: bool,
) -> Result<PreparedSource, SourceError> {
    let opts = options();
    prepare_source(
        name,
        bytes,
        &ReadOptions::default(),
        corrections,
        anonymize.then_some(&opts),
        Some(days_from_civil(2024, 3, 1)),
        &mut |_| {},
    )
}

fn corpus(anonymize: bool) -> Vec<PreparedSource> {
    let none = Corrections::default();
    [
        ("customers.json", &include_bytes!("data/customers.json")[..]),
        (
            "customers_crm.csv",
            include_bytes!("data/customers_crm.csv"),
        ),
        (
            "fr_excel_ventes.csv",
            include_bytes!("data/fr_excel_ventes.csv"),
        ),
        ("events.jsonl", include_bytes!("data/events.jsonl")),
        ("contracts.csv", include_bytes!("data/contracts.csv")),
    ]
    .into_iter()
    .map(|(n, b)| prepare(n, b, &none, anonymize).unwrap_or_else(|e| panic!("{e}")))
    .collect()
}

fn fate(s: &PreparedSource, column: &str) -> Fate {
    s.view
        .columns
        .iter()
        .find(|c| c.name == column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .fate
}

#[test]
fn anonymized_sources_consolidate_with_pseudonyms() {
    let sources = corpus(true);
    let kinds: Vec<TableKind> = sources.iter().map(|s| s.view.kind).collect();
    assert_eq!(
        kinds,
        [
            TableKind::Customers,
            TableKind::Customers,
            TableKind::Transactions,
            TableKind::Interactions,
            TableKind::Contracts
        ]
    );
    assert_eq!(fate(&sources[0], "id"), Fate::Pseudonymize);
    assert_eq!(fate(&sources[0], "name"), Fate::Drop);
    assert_eq!(fate(&sources[0], "region"), Fate::Keep);
    assert_eq!(fate(&sources[2], "Email"), Fate::Drop);
    assert_eq!(sources[2].view.anonymization.dropped, ["Email"]);
    assert_eq!(sources[2].view.anonymization.pseudonymized, ["N° client"]);
    // The profile describes what is kept: no e-mail column, pseudonyms as ids.
    let profile = &sources[2].view.profile;
    assert_eq!(profile.rows, 5);
    assert!(profile.columns.iter().all(|c| c.name != "Email"));
    let ids = profile
        .columns
        .iter()
        .find(|c| c.name == "N° client")
        .unwrap();
    assert!(
        ids.top
            .iter()
            .any(|(v, n)| *v == pseudonym("C001") && *n == 2),
        "{:?}",
        ids.top
    );

    let base = consolidate_sources(&sources, days_from_civil(2024, 3, 1), 3).unwrap();
    let r = &base.report;
    assert_eq!(r.customers, 5);
    assert_eq!(r.orphans.len(), 1);
    assert_eq!(r.orphans[0].file, "contracts.csv");
    assert_eq!(r.orphans[0].examples, [pseudonym("C004")]);
    assert_eq!(r.duplicate_ids.len(), 1);
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(base.rows.len(), 3);
    assert_eq!(base.columns[0], "customer_id");
    assert!(base.columns.iter().any(|c| c == "next_expiry"));
    assert!(
        base.columns.iter().all(|c| c != "name"),
        "{:?}",
        base.columns
    );
    // Customer files come first, in their order: C001 is the first row.
    assert_eq!(base.rows[0][0].as_deref(), Some(pseudonym("C001").as_str()));
}

#[test]
fn without_anonymization_everything_is_kept() {
    let sources = corpus(false);
    assert_eq!(fate(&sources[0], "name"), Fate::Keep);
    assert!(sources[0].view.anonymization.pseudonymized.is_empty());
    let base = consolidate_sources(&sources, days_from_civil(2024, 3, 1), 10).unwrap();
    assert_eq!(base.rows.len(), 5);
    let id = base
        .columns
        .iter()
        .position(|c| c == "customer_id")
        .unwrap();
    let name = base.columns.iter().position(|c| c == "name").unwrap();
    assert_eq!(base.rows[0][id].as_deref(), Some("C001"));
    assert_eq!(base.rows[0][name].as_deref(), Some("Jean Dupont"));
    let orders = base.columns.iter().position(|c| c == "orders").unwrap();
    // C001: two rows of fr_excel_ventes.csv (a sale and a refund).
    assert_eq!(base.rows[0][orders].as_deref(), Some("2"));
}

#[test]
fn role_corrections_change_the_kind_and_what_is_dropped() {
    let bytes = include_bytes!("data/fr_excel_ventes.csv");
    let detected = prepare("ventes.csv", bytes, &Corrections::default(), true).unwrap();
    let amount = detected
        .view
        .columns
        .iter()
        .find(|c| c.role.is_some_and(|r| r.role == Role::Amount))
        .unwrap();
    assert_eq!(amount.name, "Montant TTC");
    assert!(!amount.corrected);

    // Without an amount it is no longer a transactions file.
    let no_amount = Corrections {
        roles: vec![(amount.index, None)],
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &no_amount, true).unwrap();
    assert_ne!(s.view.kind, TableKind::Transactions);
    let col = &s.view.columns[amount.index];
    assert_eq!(col.role, None);
    assert!(col.corrected);

    // An analytic role moves: the quantity column becomes the amount.
    let quantity = detected
        .view
        .columns
        .iter()
        .position(|c| c.name == "Quantité")
        .unwrap();
    let moved = Corrections {
        roles: vec![(quantity, Some(Role::Amount))],
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &moved, true).unwrap();
    assert_eq!(s.view.columns[quantity].role.unwrap().role, Role::Amount);
    assert_eq!(s.view.columns[quantity].role.unwrap().confidence, 1.0);
    assert_eq!(s.view.columns[amount.index].role, None);
    assert_eq!(s.view.kind, TableKind::Transactions);

    // Marking the shop as a person's name drops it under anonymization.
    let shop = detected
        .view
        .columns
        .iter()
        .position(|c| c.name == "Magasin")
        .unwrap();
    let pii = Corrections {
        roles: vec![(shop, Some(Role::Name))],
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &pii, true).unwrap();
    assert_eq!(s.view.columns[shop].fate, Fate::Drop);
    assert!(
        s.view
            .anonymization
            .dropped
            .contains(&"Magasin".to_string())
    );
}

#[test]
fn reading_corrections_encoding_header_and_sheet() {
    // Read as UTF-8, the Windows-1252 bytes of "N° client" are not valid: the user says.
    let bytes = include_bytes!("data/fr_excel_ventes.csv");
    let forced = Corrections {
        encoding: Some(TextEncoding::Utf8),
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &forced, false).unwrap();
    assert_eq!(s.view.profile.encoding, Some(TextEncoding::Utf8));
    assert_eq!(s.view.columns[0].name, "N\u{fffd} client");
    let s = prepare("ventes.csv", bytes, &Corrections::default(), false).unwrap();
    assert_eq!(s.view.profile.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(s.view.columns[0].name, "N° client");

    // Header said absent: the header line becomes a data row and columns are numbered.
    let no_header = Corrections {
        has_header: Some(false),
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &no_header, false).unwrap();
    assert_eq!(s.view.profile.rows, 6);
    assert_eq!(s.view.columns[0].name, "column_1");
    assert!(!s.view.profile.has_header);

    // Another separator: one column per line.
    let pipe = Corrections {
        delimiter: Some(Delimiter::Pipe),
        ..Corrections::default()
    };
    let s = prepare("ventes.csv", bytes, &pipe, false).unwrap();
    assert_eq!(s.view.columns.len(), 1);

    // Spreadsheets list their sheets; another one can be chosen.
    let xlsx = include_bytes!("data/accounting.xlsx");
    let s = prepare("accounting.xlsx", xlsx, &Corrections::default(), false).unwrap();
    assert!(s.view.sheets.len() >= 2, "{:?}", s.view.sheets);
    assert_eq!(s.view.profile.sheet.as_deref(), Some("Ventes"));
    let other = s
        .view
        .sheets
        .iter()
        .find(|n| *n != "Ventes")
        .unwrap()
        .clone();
    let chosen = Corrections {
        sheet: Some(other.clone()),
        ..Corrections::default()
    };
    let s = prepare("accounting.xlsx", xlsx, &chosen, false).unwrap();
    assert_eq!(s.view.profile.sheet.as_deref(), Some(other.as_str()));
}

#[test]
fn kind_correction_and_bad_corrections() {
    let bytes = include_bytes!("data/events.jsonl");
    let s = prepare(
        "events.jsonl",
        bytes,
        &Corrections {
            kind: Some(TableKind::Customers),
            ..Corrections::default()
        },
        true,
    )
    .unwrap();
    assert_eq!(s.view.kind, TableKind::Customers);
    assert!(s.view.kind_corrected);
    assert_eq!(s.view.kind_confidence, 1.0);

    let err = prepare(
        "events.jsonl",
        bytes,
        &Corrections {
            roles: vec![(99, Some(Role::Date))],
            ..Corrections::default()
        },
        true,
    )
    .unwrap_err();
    assert!(matches!(err, SourceError::NoSuchColumn { index: 99, .. }));
    assert!(
        err.to_string()
            .starts_with("events.jsonl: there is no column")
    );

    let err = prepare(
        "broken_quote.csv",
        include_bytes!("data/broken_quote.csv"),
        &Corrections::default(),
        true,
    )
    .unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert!(matches!(
        err,
        SourceError::Ingest(IngestError::UnterminatedQuote { .. })
    ));
}

/// The key derived from a passphrase is the reference implementation's (argon2-cffi, see
/// `tests/reference/argon2_reference.py`), natively and in the browser, so two machines —
/// and the app and the CLI — agree.
#[test]
fn passphrase_keys_match_the_reference_argon2() {
    use prisme_core::key::Salt;
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/reference/argon2_reference.json")).unwrap();
    for case in reference.as_array().unwrap() {
        let text = |k: &str| case[k].as_str().unwrap();
        let salt = Salt::from_hex(text("salt")).unwrap();
        let key = Secret::from_passphrase(text("passphrase"), &salt).unwrap();
        assert_eq!(key.to_hex(), text("key"));
        assert_eq!(key.fingerprint(), text("fingerprint"));
        assert_eq!(key.pseudonym("C001"), text("pseudonym_C001"));
    }
}
