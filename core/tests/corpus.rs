//! The reader corpus: small files shaped like real exports (written by other tools, see
//! `data/make_fixtures.py`), each with its expected format, dialect, roles and values.
//! Runs natively and in headless Chromium.
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMillisecondType, UInt32Type,
};
use arrow_array::{Array, ArrayRef};
use prisme_core::IngestError;
use prisme_core::ingest::column::{ColumnKind, Decision, FormatReport};
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::encoding::TextEncoding;
use prisme_core::ingest::format::SourceFormat;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::tokenizer::Delimiter;
use prisme_core::ingest::{ReadOptions, Table, load};

fn read(name: &str, bytes: &[u8]) -> Table {
    load(name, bytes, &ReadOptions::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn col<'a>(t: &'a Table, name: &str) -> &'a ArrayRef {
    &t.columns
        .iter()
        .find(|c| c.plan.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .array
}

fn role_of(t: &Table, name: &str) -> Option<Role> {
    t.columns
        .iter()
        .find(|c| c.plan.name == name)
        .and_then(|c| c.plan.role)
        .map(|r| r.role)
}

fn texts(a: &ArrayRef) -> Vec<Option<String>> {
    if let Some(d) = a.as_dictionary_opt::<UInt32Type>() {
        let values = d.values().as_string::<i32>();
        return (0..d.len())
            .map(|i| {
                d.is_valid(i)
                    .then(|| values.value(d.keys().value(i) as usize).to_string())
            })
            .collect();
    }
    a.as_string::<i32>()
        .iter()
        .map(|v| v.map(String::from))
        .collect()
}

fn floats(a: &ArrayRef) -> Vec<Option<f64>> {
    if let Some(i) = a.as_primitive_opt::<Int64Type>() {
        return i.iter().map(|v| v.map(|v| v as f64)).collect();
    }
    a.as_primitive::<Float64Type>().iter().collect()
}

fn days(a: &ArrayRef) -> Vec<Option<i32>> {
    if let Some(ts) = a.as_primitive_opt::<TimestampMillisecondType>() {
        return ts
            .iter()
            .map(|v| v.map(|ms| ms.div_euclid(86_400_000) as i32))
            .collect();
    }
    a.as_primitive::<Date32Type>().iter().collect()
}

fn d(y: i32, m: u32, day: u32) -> Option<i32> {
    Some(days_from_civil(y, m, day))
}

#[test]
fn french_excel_csv_in_windows_1252() {
    let t = read(
        "fr_excel_ventes.csv",
        include_bytes!("data/fr_excel_ventes.csv"),
    );
    let p = &t.plan;
    assert_eq!(p.format, SourceFormat::Delimited);
    assert_eq!(p.encoding.encoding, TextEncoding::Windows1252);
    assert_eq!(p.delimiter, Delimiter::Semicolon);
    assert!(p.has_header);
    assert_eq!(t.rows, 5);
    assert_eq!(role_of(&t, "N° client"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "Date de vente"), Some(Role::Date));
    assert_eq!(role_of(&t, "Montant TTC"), Some(Role::Amount));
    assert_eq!(role_of(&t, "Quantité"), Some(Role::Quantity));
    assert_eq!(role_of(&t, "Magasin"), Some(Role::Region));
    assert_eq!(role_of(&t, "Email"), Some(Role::Email));
    assert_eq!(
        floats(col(&t, "Montant TTC")),
        vec![Some(1234.5), Some(12.0), Some(-12.0), Some(99.9), Some(7.5)]
    );
    assert_eq!(
        days(col(&t, "Date de vente")),
        vec![
            d(2024, 1, 5),
            d(2024, 1, 13),
            d(2024, 2, 1),
            d(2024, 2, 28),
            d(2024, 3, 1)
        ]
    );
    let amount = t
        .columns
        .iter()
        .find(|c| c.plan.name == "Montant TTC")
        .unwrap();
    assert!(matches!(
        amount.format,
        FormatReport::Number {
            decision: Decision::Evidence,
            ..
        }
    ));
    assert_eq!(
        texts(col(&t, "Magasin"))[1].as_deref(),
        Some("Paris; Opéra")
    );
    assert_eq!(texts(col(&t, "Email"))[3], None);
}

#[test]
fn us_csv_with_bom_quotes_and_month_first_times() {
    let t = read("us_orders.csv", include_bytes!("data/us_orders.csv"));
    assert_eq!(t.plan.encoding.encoding, TextEncoding::Utf8);
    assert_eq!(t.plan.encoding.bom_len, 3);
    assert_eq!(t.plan.delimiter, Delimiter::Comma);
    assert_eq!(t.rows, 3);
    assert_eq!(role_of(&t, "Order ID"), Some(Role::OrderId));
    assert_eq!(role_of(&t, "Customer ID"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "Order Date"), Some(Role::Date));
    assert_eq!(role_of(&t, "Sales"), Some(Role::Amount));
    assert_eq!(
        days(col(&t, "Order Date")),
        vec![d(2010, 12, 1), d(2010, 12, 13), d(2011, 1, 5)]
    );
    assert_eq!(
        floats(col(&t, "Sales")),
        vec![Some(1015.3), Some(3.75), Some(20.0)]
    );
    assert_eq!(
        texts(col(&t, "Note")),
        vec![
            Some("gift, wrapped".into()),
            Some("two\r\nlines".into()),
            None
        ]
    );
}

#[test]
fn whitespace_separated_yyyymmdd_without_header() {
    let t = read(
        "legacy_whitespace.txt",
        include_bytes!("data/legacy_whitespace.txt"),
    );
    assert_eq!(t.plan.delimiter, Delimiter::Whitespace);
    assert!(!t.plan.has_header);
    assert_eq!(t.rows, 3);
    assert_eq!(role_of(&t, "column_1"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "column_2"), Some(Role::Date));
    assert_eq!(role_of(&t, "column_3"), Some(Role::Amount));
    // Leading zeros survive: identifiers stay text.
    assert_eq!(
        texts(col(&t, "column_1")),
        vec![
            Some("000123".into()),
            Some("000456".into()),
            Some("000123".into())
        ]
    );
    assert_eq!(
        days(col(&t, "column_2")),
        vec![d(2024, 1, 15), d(2024, 1, 16), d(2024, 2, 1)]
    );
}

#[test]
fn header_less_columns_can_be_mapped_by_the_user() {
    let opts = ReadOptions {
        roles: vec![("column_3".into(), Role::Quantity)],
        ..ReadOptions::default()
    };
    let t = load(
        "legacy_whitespace.txt",
        include_bytes!("data/legacy_whitespace.txt"),
        &opts,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(role_of(&t, "column_3"), Some(Role::Quantity));
}

#[test]
fn excel_unicode_text_is_utf16() {
    let t = read(
        "excel_unicode_text.txt",
        include_bytes!("data/excel_unicode_text.txt"),
    );
    assert_eq!(t.plan.encoding.encoding, TextEncoding::Utf16Le);
    assert_eq!(t.plan.delimiter, Delimiter::Tab);
    assert_eq!(
        texts(col(&t, "client")),
        vec![Some("Élise".into()), Some("Zoé".into())]
    );
    assert_eq!(floats(col(&t, "montant")), vec![Some(10.5), Some(3.0)]);
}

#[test]
fn encoding_can_be_overridden() {
    let opts = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..ReadOptions::default()
    };
    let t = load(
        "fr_excel_ventes.csv",
        include_bytes!("data/fr_excel_ventes.csv"),
        &opts,
        &mut |_| {},
    )
    .unwrap();
    // Read as UTF-8, the accents are replacement characters: the user sees why to switch back.
    assert_eq!(t.plan.encoding.encoding, TextEncoding::Utf8);
    assert!(t.columns[0].plan.name.contains('\u{FFFD}'));
}

#[test]
fn xlsx_with_a_title_row_typed_cells_and_a_text_number() {
    let t = read("accounting.xlsx", include_bytes!("data/accounting.xlsx"));
    assert_eq!(t.plan.format, SourceFormat::Spreadsheet);
    assert_eq!(t.plan.sheet.as_deref(), Some("Ventes"));
    let sheets: Vec<&str> = t.plan.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sheets, vec!["Ventes", "Notes"]);
    assert_eq!(t.rows, 4);
    assert_eq!(role_of(&t, "Client"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "Date facture"), Some(Role::Date));
    assert_eq!(role_of(&t, "Montant HT"), Some(Role::Amount));
    assert_eq!(
        days(col(&t, "Date facture")),
        vec![d(2024, 1, 5), d(2024, 1, 13), d(2024, 2, 1), d(2024, 2, 28)]
    );
    // 1234.5 and 12 are numbers; "99,90" is text in the sheet; the formula has no value.
    assert_eq!(
        floats(col(&t, "Montant HT")),
        vec![Some(1234.5), Some(12.0), Some(99.9), None]
    );
    let paid = col(&t, "Payé").as_boolean();
    assert!(paid.value(0) && !paid.value(1));
}

#[test]
fn xlsx_other_sheet_and_missing_sheet() {
    let opts = ReadOptions {
        sheet: Some("Notes".into()),
        ..ReadOptions::default()
    };
    let t = load(
        "accounting.xlsx",
        include_bytes!("data/accounting.xlsx"),
        &opts,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(t.plan.sheet.as_deref(), Some("Notes"));
    let opts = ReadOptions {
        sheet: Some("Nope".into()),
        ..ReadOptions::default()
    };
    let err = load(
        "accounting.xlsx",
        include_bytes!("data/accounting.xlsx"),
        &opts,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::NoSuchSheet { .. }), "{err}");
}

#[test]
fn legacy_xls() {
    let t = read("legacy.xls", include_bytes!("data/legacy.xls"));
    assert_eq!(t.plan.format, SourceFormat::LegacyExcel);
    assert_eq!(
        days(col(&t, "order_date")),
        vec![d(2010, 12, 1), d(2010, 12, 13)]
    );
    assert_eq!(floats(col(&t, "amount")), vec![Some(15.3), Some(3.75)]);
    assert_eq!(
        texts(col(&t, "customer_id")),
        vec![Some("17850".into()), Some("13047".into())]
    );
}

#[test]
fn ods_contact_log() {
    let t = read("contacts.ods", include_bytes!("data/contacts.ods"));
    assert_eq!(t.plan.format, SourceFormat::Spreadsheet);
    assert_eq!(role_of(&t, "Client"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "Date contact"), Some(Role::Date));
    assert_eq!(role_of(&t, "Type contact"), Some(Role::ContactType));
    assert_eq!(role_of(&t, "Résultat"), Some(Role::ContactOutcome));
    // A duration is not an amount.
    assert_eq!(role_of(&t, "Durée (min)"), None);
    assert_eq!(
        days(col(&t, "Date contact")),
        vec![d(2024, 1, 5), d(2024, 1, 9), d(2024, 2, 2)]
    );
}

fn check_columnar(t: &Table) {
    assert_eq!(t.rows, 4);
    assert_eq!(role_of(t, "customer_id"), Some(Role::CustomerId));
    assert_eq!(role_of(t, "invoice_date"), Some(Role::Date));
    assert_eq!(role_of(t, "amount"), Some(Role::Amount));
    assert_eq!(
        texts(col(t, "customer_id")),
        vec![
            Some("17850".into()),
            Some("13047".into()),
            Some("17850".into()),
            None
        ]
    );
    assert_eq!(
        floats(col(t, "amount")),
        vec![Some(15.3), Some(3.75), Some(-2.0), Some(1.0)]
    );
    assert_eq!(
        days(col(t, "invoice_date")),
        vec![
            d(2010, 12, 1),
            d(2010, 12, 13),
            d(2011, 1, 5),
            d(2011, 1, 6)
        ]
    );
    assert_eq!(
        texts(col(t, "channel")),
        vec![
            Some("web".into()),
            Some("store".into()),
            Some("web".into()),
            None
        ]
    );
    let created = t
        .columns
        .iter()
        .find(|c| c.plan.name == "created_at")
        .unwrap();
    assert_eq!(created.kind, ColumnKind::DateTime);
    let ms = created
        .array
        .as_primitive::<TimestampMillisecondType>()
        .value(0);
    assert_eq!(
        ms,
        i64::from(days_from_civil(2010, 12, 1)) * 86_400_000 + (8 * 60 + 26) * 60_000
    );
}

#[test]
fn parquet_snappy_and_zstd() {
    let t = read(
        "extract_snappy.parquet",
        include_bytes!("data/extract_snappy.parquet"),
    );
    assert_eq!(t.plan.format, SourceFormat::Parquet);
    check_columnar(&t);
    check_columnar(&read(
        "extract_zstd.parquet",
        include_bytes!("data/extract_zstd.parquet"),
    ));
}

#[test]
fn arrow_ipc_file() {
    let t = read("extract.arrow", include_bytes!("data/extract.arrow"));
    assert_eq!(t.plan.format, SourceFormat::ArrowIpc);
    check_columnar(&t);
}

#[test]
fn json_lines_and_arrays() {
    let t = read("events.jsonl", include_bytes!("data/events.jsonl"));
    assert_eq!(t.plan.format, SourceFormat::Json);
    let names: Vec<&str> = t.columns.iter().map(|c| c.plan.name.as_str()).collect();
    assert_eq!(names, vec!["customer", "ts", "channel", "outcome", "score"]);
    assert_eq!(role_of(&t, "customer"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "ts"), Some(Role::Date));
    // 11:30 at +01:00 is 10:30 UTC, same day.
    assert_eq!(
        days(col(&t, "ts")),
        vec![d(2024, 1, 5), d(2024, 1, 6), d(2024, 2, 1)]
    );
    let t = read("customers.json", include_bytes!("data/customers.json"));
    assert_eq!(role_of(&t, "id"), Some(Role::CustomerId));
    assert_eq!(role_of(&t, "churn"), Some(Role::ChurnLabel));
    assert_eq!(role_of(&t, "name"), Some(Role::Name));
    let churn = col(&t, "churn").as_boolean();
    assert_eq!(
        (0..3).map(|i| churn.value(i)).collect::<Vec<_>>(),
        vec![false, true, false]
    );
    assert_eq!(floats(col(&t, "age")), vec![Some(41.0), Some(35.0), None]);
}

#[test]
fn broken_files_say_where() {
    let err = load(
        "broken_quote.csv",
        include_bytes!("data/broken_quote.csv"),
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        err,
        IngestError::UnterminatedQuote {
            file: "broken_quote.csv".into(),
            line: 3
        }
    );
    let t = read(
        "broken_ragged.csv",
        include_bytes!("data/broken_ragged.csv"),
    );
    assert_eq!(t.columns.len(), 3);
    assert_eq!(t.row_problem_count, 1);
    assert_eq!(t.row_problems[0].line, 3);
    let t = read(
        "broken_values.csv",
        include_bytes!("data/broken_values.csv"),
    );
    let date = t.columns.iter().find(|c| c.plan.name == "date").unwrap();
    assert_eq!(date.invalid.count, 1);
    assert_eq!(date.invalid.examples[0].line, 3);
    assert_eq!(date.invalid.examples[0].value, "2024-02-30");
    assert_eq!(date.first_blank_line, Some(5));
    let amount = t.columns.iter().find(|c| c.plan.name == "amount").unwrap();
    assert_eq!(amount.invalid.examples[0].line, 4);
    assert_eq!(amount.invalid.examples[0].value, "abc");
    let err = load(
        "broken_truncated.parquet",
        include_bytes!("data/broken_truncated.parquet"),
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Unreadable { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("broken_truncated.parquet: this Parquet file cannot be read")
    );
}
