//! A file read as a stream of chunks gives the same table as the file read whole: every file
//! of the reader corpus and generated files built to put record ends, `\r\n` pairs, quoted
//! line breaks, a BOM and late Windows-1252 accents across chunk boundaries.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use prisme_core::error::IngestError;
use prisme_core::ingest::stream::{ChunkedRead, Finished, Selection};
use prisme_core::ingest::{self, ReadOptions, Table};
use prisme_core::transactions::{
    BadRows, load_transactions, transactions_from_read, transactions_stream,
};

fn whole(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Table, IngestError> {
    ingest::load(name, bytes, opts, &mut |_| {})
}

/// What the worker does: push the chunks, read again when the whole text's encoding differs.
fn streamed(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    chunk: usize,
) -> Result<(Table, usize), IngestError> {
    let mut encoding = None;
    let mut reads = 0;
    loop {
        reads += 1;
        let mut r = ChunkedRead::<IngestError>::new(name, bytes.len() as u64, opts, |_| {
            Ok(Selection::default())
        })?;
        if let Some(e) = encoding {
            r = r.detected_as(e);
        }
        for c in bytes.chunks(chunk.max(1)) {
            r.push(c, &mut |_| {})?;
        }
        match r.finish(&mut |_| {})? {
            Finished::Table(t) => return Ok((t, reads)),
            Finished::Reread(e) => {
                assert!(reads < 2, "{name}: a second read asked for a third");
                encoding = Some(e);
            }
        }
    }
}

/// Everything but the arrays as text (Arrow's `Debug` elides long arrays), and the arrays
/// compared value by value.
fn fingerprint(r: &Result<Table, IngestError>) -> (String, Vec<arrow_array::ArrayRef>) {
    match r {
        Err(e) => (format!("error: {e}"), Vec::new()),
        Ok(t) => {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| {
                    format!(
                        "{:?} {:?} {:?} {:?} {} {:?} {}",
                        c.plan,
                        c.kind,
                        c.format,
                        c.invalid,
                        c.nulls,
                        c.first_blank_line,
                        c.array.len()
                    )
                })
                .collect();
            (
                format!(
                    "{:?}\nrows {}\n{:?} {}\n{}",
                    t.plan,
                    t.rows,
                    t.row_problems,
                    t.row_problem_count,
                    columns.join("\n")
                ),
                t.columns.iter().map(|c| c.array.clone()).collect(),
            )
        }
    }
}

fn same(name: &str, bytes: &[u8], opts: &ReadOptions, chunks: &[usize]) -> usize {
    let (expected, expected_arrays) = fingerprint(&whole(name, bytes, opts));
    let mut reads = 0;
    for &chunk in chunks {
        let got = streamed(name, bytes, opts, chunk);
        reads = got.as_ref().map_or(1, |(_, n)| *n);
        let (got, arrays) = fingerprint(&got.map(|(t, _)| t));
        assert!(
            got == expected,
            "{name} in chunks of {chunk} bytes differs from the whole read:\n{got}\n---\n{expected}"
        );
        for (i, (a, b)) in arrays.iter().zip(&expected_arrays).enumerate() {
            assert!(
                a.as_ref() == b.as_ref(),
                "{name}, chunks of {chunk}: column {i} differs"
            );
        }
    }
    reads
}

// Lists the corpus directory: native only (the other tests run in the browser too).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_corpus_file_reads_the_same_in_chunks() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() || path.extension().is_some_and(|e| e == "py") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let chunks: &[usize] = if bytes.len() < 50_000 {
            &[1, 2, 3, 7, 64, 4096, usize::MAX]
        } else {
            &[7, 4096, usize::MAX]
        };
        same(&name, &bytes, &ReadOptions::default(), chunks);
        seen += 1;
    }
    assert!(seen >= 15, "{seen} corpus files");
}

/// About `rows` purchases, in `;`-separated French Excel style with `\r\n` line ends, quoted
/// names (some with a line break or a doubled quote), blank lines and a ragged row.
fn messy(rows: usize, late_accent: Option<&[u8]>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBFcustomer_id;name;order_date;amount\r\n".to_vec();
    for i in 0..rows {
        let name: Vec<u8> = match i % 7 {
            0 => format!("\"Dupont \"\"{i}\"\"\"").into_bytes(),
            1 => format!("\"Line\r\nbreak {i}\"").into_bytes(),
            2 => b"".to_vec(),
            _ => format!("Client {i}").into_bytes(),
        };
        out.extend_from_slice(format!("C{:06};", i % 997).as_bytes());
        out.extend_from_slice(&name);
        out.extend_from_slice(
            format!(
                ";{:02}/{:02}/2024;{},{:02}\r\n",
                1 + i % 28,
                1 + i % 12,
                i % 500,
                i % 100
            )
            .as_bytes(),
        );
        if i % 1000 == 17 {
            out.extend_from_slice(b"\r\n");
        }
        if i == rows / 2 {
            out.extend_from_slice(b"C000001;x;01/01/2024;1,00;extra;fields\r\n");
            if let Some(a) = late_accent {
                for _ in 0..40 {
                    out.extend_from_slice(b"C000002;");
                    out.extend_from_slice(a);
                    out.extend_from_slice(b";02/01/2024;2,00\r\n");
                }
            }
        }
    }
    out
}

#[test]
fn generated_files_read_the_same_in_chunks() {
    let chunks = [1000, 4093, 65_536, 1 << 20];
    // Bigger than a head, so that the plan comes from the head.
    let utf8 = messy(60_000, Some("Hélène".as_bytes()));
    assert!(utf8.len() > 2 << 20);
    assert_eq!(same("utf8.csv", &utf8, &ReadOptions::default(), &chunks), 1);
    // The BOM gone: a UTF-8 file whose first accent comes after the head is still UTF-8.
    assert_eq!(
        same("no_bom.csv", &utf8[3..], &ReadOptions::default(), &chunks),
        1
    );
    // Windows-1252 accents only after the head: planned as UTF-8, read again.
    let w1252 = messy(60_000, Some(b"H\xE9l\xE8ne"));
    assert_eq!(
        same("w1252.csv", &w1252[3..], &ReadOptions::default(), &chunks),
        2
    );
    // Chosen by the user: read once.
    let chosen = ReadOptions {
        encoding: Some(prisme_core::ingest::encoding::TextEncoding::Windows1252),
        ..ReadOptions::default()
    };
    assert_eq!(same("w1252.csv", &w1252[3..], &chosen, &chunks), 1);
    // Small files (read in one head) with every chunk size.
    let small = messy(300, Some(b"H\xE9l\xE8ne"));
    same(
        "small.csv",
        &small[3..],
        &ReadOptions::default(),
        &[1, 2, 5, 13, 100],
    );
}

#[test]
fn errors_are_the_same_in_chunks() {
    let mut open = messy(60_000, None);
    // A quote opened after the head and never closed.
    // At the start of the last record, which has no quote of its own.
    let at = open[..open.len() - 2]
        .windows(2)
        .rposition(|w| w == b"\r\n")
        .unwrap()
        + 2;
    assert!(!open[at..].contains(&b'"'));
    open.insert(at, b'"');
    let expected = whole("open.csv", &open, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(expected, IngestError::UnterminatedQuote { .. }),
        "{expected}"
    );
    for chunk in [999, 65_536] {
        let got = streamed("open.csv", &open, &ReadOptions::default(), chunk).unwrap_err();
        assert_eq!(got.to_string(), expected.to_string());
    }
    // Too large, before any byte is read.
    let small = ReadOptions {
        max_bytes: Some(1000),
        ..ReadOptions::default()
    };
    let err =
        ChunkedRead::<IngestError>::new("big.csv", 1001, &small, |_| Ok(Selection::default()))
            .err()
            .unwrap();
    assert!(
        matches!(
            err,
            IngestError::TooLarge {
                size: 1001,
                limit: 1000,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn purchases_read_in_chunks_are_the_purchases_read_whole() {
    let bytes = messy(60_000, None);
    let opts = ReadOptions::default();
    let (tx, report) =
        load_transactions("t.csv", &bytes, &opts, BadRows::Skip, &mut |_| {}).unwrap();
    let mut r = transactions_stream("t.csv", bytes.len() as u64, &opts).unwrap();
    for c in bytes.chunks(65_536) {
        r.push(c, &mut |_| {}).unwrap();
    }
    let Finished::Table(t) = r.finish(&mut |_| {}).unwrap() else {
        panic!("read again")
    };
    let (tx2, report2) = transactions_from_read(t, BadRows::Skip).unwrap();
    assert_eq!(format!("{tx:?}"), format!("{tx2:?}"));
    assert_eq!(format!("{report:?}"), format!("{report2:?}"));
    assert!(tx.len() > 59_000);
}

/// The Data page's preparation of a streamed file (corrections, anonymization, profile) is the
/// preparation of the file read whole.
#[test]
fn prepared_sources_read_in_chunks_are_those_read_whole() {
    use prisme_core::anonymize::AnonymizeOptions;
    use prisme_core::ingest::roles::Role;
    use prisme_core::sources::{Corrections, StreamedSource, prepare_source, source_stream};
    let key = prisme_core::key::Secret::from_hex(&"ab".repeat(32)).unwrap();
    let anonymize = AnonymizeOptions::new(key);
    let bytes = messy(60_000, Some(b"H\xE9l\xE8ne"));
    let bytes = &bytes[3..];
    let corrections = Corrections {
        roles: vec![(1, Some(Role::Name))],
        ..Corrections::default()
    };
    for anonymization in [None, Some(&anonymize)] {
        let whole = prepare_source(
            "p.csv",
            bytes,
            &ReadOptions::default(),
            &corrections,
            anonymization,
            Some(20_000),
            &mut |_| {},
        )
        .unwrap();
        let mut encoding = None;
        let streamed = loop {
            let mut s = source_stream(
                "p.csv",
                bytes.len() as u64,
                &ReadOptions::default(),
                &corrections,
            )
            .unwrap();
            if let Some(e) = encoding {
                s = s.detected_as(e);
            }
            push_chunks(&mut s, bytes).unwrap();
            match s
                .finish(&corrections, anonymization, Some(20_000), &mut |_| {})
                .unwrap()
            {
                StreamedSource::Prepared(p) => break p,
                StreamedSource::Reread(e) => encoding = Some(e),
            }
        };
        assert!(encoding.is_some(), "the late accents make a second read");
        assert_eq!(whole.view, streamed.view);
        assert_eq!(
            fingerprint(&Ok(whole.table)),
            fingerprint(&Ok(streamed.table)),
        );
    }
    // A correction naming a column the file does not have: the same error.
    let bad = Corrections {
        roles: vec![(9, Some(Role::Name))],
        ..Corrections::default()
    };
    let whole = prepare_source(
        "p.csv",
        bytes,
        &ReadOptions::default(),
        &bad,
        None,
        None,
        &mut |_| {},
    )
    .unwrap_err();
    let mut s = source_stream("p.csv", bytes.len() as u64, &ReadOptions::default(), &bad).unwrap();
    let streamed = push_chunks(&mut s, bytes).unwrap_err();
    assert_eq!(whole, streamed);
}

/// Hands `bytes` to a source's stream in 64 KiB chunks, as the worker does with a `File`.
fn push_chunks(
    s: &mut prisme_core::sources::SourceStream,
    bytes: &[u8],
) -> Result<(), prisme_core::sources::SourceError> {
    bytes.chunks(65_536).try_for_each(|c| {
        s.push_with(
            c.len(),
            |b| {
                b.copy_from_slice(c);
                c.len()
            },
            &mut |_| {},
        )
    })
}
