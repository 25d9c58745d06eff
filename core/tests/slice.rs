//! The foundation slice end to end in the core: bytes in, RFM cells or a precise error out.
//! Runs natively and, through wasm-bindgen-test, in headless Chromium.
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use prisme_core::IngestError;
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::{Locale, ReadOptions};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::summary::RfmSummary;
use prisme_core::synth::{SplitMix64, SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, Transactions, load_transactions};

fn load(name: &str, bytes: &[u8]) -> Result<Transactions, IngestError> {
    load_transactions(
        name,
        bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .map(|r| r.0)
}

fn summary(name: &str, bytes: &[u8]) -> RfmSummary {
    let (tx, report) = load_transactions(
        name,
        bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap();
    RfmSummary::new(&rfm(&tx, &RfmParams::default()).unwrap(), &report)
}

#[test]
fn generated_file_round_trips() {
    let params = SynthParams::new(5_000);
    let s = summary("tx.csv", &transactions_csv(&params));
    assert_eq!(s.rows, 5_000);
    assert_eq!(s.customers, 500);
    assert_eq!(s.cells.iter().map(|c| c[3]).sum::<u64>(), 500);
    // Quintiles of 500 customers: 100 per R score and per F score.
    for tile in 0..5 {
        assert_eq!(s.rf_grid[tile].iter().sum::<u64>(), 100);
        assert_eq!(s.rf_grid.iter().map(|row| row[tile]).sum::<u64>(), 100);
    }
}

#[test]
fn extra_columns_do_not_change_the_answer() {
    let mut params = SynthParams::new(3_000);
    let plain = summary("a.csv", &transactions_csv(&params));
    params.extra_columns = true;
    let extra = summary("b.csv", &transactions_csv(&params));
    assert_eq!(plain.cells, extra.cells);
    assert_eq!(extra.amount_column, "amount");
}

#[test]
fn french_excel_export() {
    // `;`, decimal comma with thousands point, € suffix, dd/mm/yyyy, Windows-1252 accents,
    // CRLF, a BOM-less header with a degree sign.
    let text = "N\u{b0} client;Date;Montant TTC\r\n\
                \u{c9}LODIE;05/03/2024;1.234,50 \u{20ac}\r\n\
                BRUNO;13/03/2024;12,00 \u{20ac}\r\n\
                \u{c9}LODIE;01/02/2024;7,5 \u{20ac}\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let (tx, report) = load_transactions(
        "ventes.csv",
        &bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.customer_column, "N\u{b0} client");
    assert_eq!(report.date_column, "Date");
    assert_eq!(report.amount_column, "Montant TTC");
    assert_eq!(
        tx.day,
        vec![
            days_from_civil(2024, 3, 5),
            days_from_civil(2024, 3, 13),
            days_from_civil(2024, 2, 1)
        ]
    );
    assert_eq!(tx.amount, vec![1234.5, 12.0, 7.5]);
    let ids: Vec<&str> = tx.customer_ids().iter().flatten().collect();
    assert_eq!(ids, vec!["\u{c9}LODIE", "BRUNO"]);
}

#[test]
fn us_export_with_month_first_dates() {
    let text = "CustomerID,InvoiceDate,Sales\n17850,12/01/2010 08:26,\"$1,015.30\"\n13047,12/13/2010 09:01,$3.75\n";
    let tx = load("us.csv", text.as_bytes()).unwrap();
    assert_eq!(
        tx.day,
        vec![days_from_civil(2010, 12, 1), days_from_civil(2010, 12, 13)]
    );
    assert_eq!(tx.amount, vec![1015.3, 3.75]);
}

#[test]
fn ambiguous_dates_follow_the_locale() {
    let text = "client,date,amount\nA,05/04/2024,1.5\nB,06/04/2024,2.5\n";
    let fr = load("fr.csv", text.as_bytes()).unwrap();
    assert_eq!(fr.day[0], days_from_civil(2024, 4, 5));
    let en = load_transactions(
        "en.csv",
        text.as_bytes(),
        &ReadOptions {
            locale: Locale::En,
            ..ReadOptions::default()
        },
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap()
    .0;
    assert_eq!(en.day[0], days_from_civil(2024, 5, 4));
}

#[test]
fn empty_file() {
    assert_eq!(
        load("empty.csv", b"").err(),
        Some(IngestError::Empty {
            file: "empty.csv".into()
        })
    );
    assert!(matches!(
        load("blank.csv", b" \r\n\n"),
        Err(IngestError::Empty { .. })
    ));
}

#[test]
fn header_only() {
    assert!(matches!(
        load("h.csv", b"customer_id,date,amount\n"),
        Err(IngestError::NoRows { .. }) | Err(IngestError::MissingRole { .. })
    ));
}

#[test]
fn no_date_column() {
    let err = load("no_date.csv", b"customer,name,amount\n1,Ann,3.5\n2,Bob,4\n").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("no_date.csv: no date column found among: customer (integer), name (text), amount (number)."),
        "{msg}"
    );
}

#[test]
fn malformed_number_names_line_and_column() {
    let text = "customer_id,date,amount\nA,2024-01-01,3.50\nB,2024-01-02,4.25\nC,2024-01-03,2.00\nD,2024-01-04,12.3x\nE,2024-01-05,1.00\n";
    let err = load("bad.csv", text.as_bytes()).unwrap_err();
    assert_eq!(err.line(), Some(5));
    assert_eq!(err.column(), Some(3));
    assert!(
        err.to_string()
            .starts_with("bad.csv, line 5, column 3 (amount): \"12.3x\" is not a number."),
        "{err}"
    );
}

#[test]
fn malformed_date_after_a_multiline_field_names_the_physical_line() {
    let text = "customer_id,note,date,amount\nA,\"two\nlines\",2024-01-01,1\nB,x,2024-13-45,2\n";
    let err = load("bad_date.csv", text.as_bytes()).unwrap_err();
    assert_eq!((err.line(), err.column()), (Some(4), Some(3)));
}

#[test]
fn missing_customer_id() {
    let err = load(
        "m.csv",
        b"customer_id,date,amount\nA,2024-01-01,3.50\n,2024-01-02,4.25\n",
    )
    .unwrap_err();
    assert_eq!((err.line(), err.column()), (Some(3), Some(1)));
}

#[test]
fn unterminated_quote() {
    let err = load(
        "q.csv",
        b"customer_id,date,amount\nA,2024-01-01,3.50\n\"B,2024-01-02,4.25\nC,2024-01-03,1\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        IngestError::UnterminatedQuote {
            file: "q.csv".into(),
            line: 3
        }
    );
}

#[test]
fn skipping_bad_rows() {
    let text = "customer_id,date,amount\nA,2024-01-01,3.50\nB,2024-01-02,oops\n,2024-01-03,1\nA,2024-01-04,2\n";
    let (tx, report) = load_transactions(
        "s.csv",
        text.as_bytes(),
        &ReadOptions::default(),
        BadRows::Skip,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.rows_skipped, 2);
    assert_eq!(tx.amount, vec![3.5, 2.0]);
}

#[test]
fn binary_input_is_refused() {
    // A damaged workbook is named as such; other binary data is refused as not text.
    let mut xlsx = b"PK\x03\x04".to_vec();
    xlsx.extend_from_slice(&[0u8; 64]);
    assert!(matches!(
        load("book.xlsx", &xlsx),
        Err(IngestError::Unreadable { .. })
    ));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    assert!(matches!(
        load("image.csv", &png),
        Err(IngestError::NotText { .. })
    ));
}

#[test]
fn too_large_is_refused_up_front() {
    let err = load_transactions(
        "big.csv",
        b"customer_id,date,amount\nA,2024-01-01,1\n",
        &ReadOptions {
            max_bytes: Some(10),
            ..ReadOptions::default()
        },
        BadRows::Stop,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::TooLarge {
                size: 39,
                limit: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn progress_is_reported_and_ends_at_one() {
    let bytes = transactions_csv(&SynthParams::new(200_000));
    let mut seen = Vec::new();
    load_transactions(
        "p.csv",
        &bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |p| seen.push(p.fraction),
    )
    .unwrap();
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(seen.last(), Some(&1.0));
}

/// Random and mutated inputs never panic: every outcome is a value or an error.
#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = SplitMix64::new(2024);
    let seed = transactions_csv(&SynthParams::new(50));
    let alphabet = b",;\t|\"\r\n 0123456789-/.:e\xC3\xA9\x80\xFF\x00ab";
    for round in 0..1500 {
        let bytes: Vec<u8> = if round % 2 == 0 {
            let len = rng.below(200) as usize;
            (0..len)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect()
        } else {
            let mut b = seed.clone();
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = alphabet[rng.below(alphabet.len() as u64) as usize];
            }
            b
        };
        if let Ok(tx) = load("fuzz.csv", &bytes) {
            let _ = rfm(&tx, &RfmParams::default());
        }
    }
}
