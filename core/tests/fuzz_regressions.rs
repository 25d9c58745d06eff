//! Nothing panics on any bytes: every reader runs over the fuzz regressions, the reader corpus,
//! and a bounded, seeded mutation pass over the corpus (bit flips, truncations, splices,
//! duplicated and deleted chunks). The cargo-fuzz targets in `core/fuzz/` explore further; this
//! pass keeps what they found fixed and catches regressions in the normal test run.
//!
//! Runs natively and in headless Chromium: the files are embedded (`include_bytes!`), and a
//! native test checks that the embedded lists are exactly the folders' files. In wasm32 a
//! panic is a trap nothing can catch, so the regressions that panic inside a third-party
//! decoder (caught by `ingest::guarded` natively; in the browser the worker reports the crash
//! and restarts) are left out of the wasm run: [`TRAP_IN_WASM`] and
//! [`MUTATIONS_TRAP_IN_WASM`], kept honest by a native test that finds exactly those panicking.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::panic::{AssertUnwindSafe, catch_unwind};

use prisme_core::ingest::{self, Locale, ReadOptions, columnar, json};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::transactions::{BadRows, load_transactions};

macro_rules! entry {
    ($dir:literal, $name:literal) => {
        (
            $name,
            include_bytes!(concat!("../", $dir, "/", $name)) as &[u8],
        )
    };
}

/// `fuzz/regressions/`: inputs that once crashed (or hung) a reader.
const REGRESSIONS: &[(&str, &[u8])] = &[
    entry!("fuzz/regressions", "columnar-arrow-ipc-buffer-61feaa65"),
    entry!("fuzz/regressions", "delimited-arrow-ipc-buffer-b5b1b420"),
    entry!("fuzz/regressions", "extract.arrow.mut112"),
    entry!("fuzz/regressions", "extract.arrow.mut66"),
    entry!("fuzz/regressions", "extract_snappy.parquet.mut126"),
    entry!("fuzz/regressions", "json-arrow-ipc-buffer-c55accd4"),
    entry!("fuzz/regressions", "legacy.xls.fat-loop-oom"),
    entry!("fuzz/regressions", "spreadsheet-arrow-ipc-buffer-a052eff1"),
    entry!("fuzz/regressions", "transactions-arrow-ipc-buffer-f55593fa"),
];

/// `tests/data/`: the reader corpus, also the mutation pass's seeds.
const CORPUS: &[(&str, &[u8])] = &[
    entry!("tests/data", "accounting.xlsx"),
    entry!("tests/data", "broken_quote.csv"),
    entry!("tests/data", "broken_ragged.csv"),
    entry!("tests/data", "broken_truncated.parquet"),
    entry!("tests/data", "broken_values.csv"),
    entry!("tests/data", "churn_synth.csv"),
    entry!("tests/data", "cluster_points.csv"),
    entry!("tests/data", "cohort_rows.csv"),
    entry!("tests/data", "contacts.ods"),
    entry!("tests/data", "contracts.csv"),
    entry!("tests/data", "customers.json"),
    entry!("tests/data", "customers_crm.csv"),
    entry!("tests/data", "events.jsonl"),
    entry!("tests/data", "excel_unicode_text.txt"),
    entry!("tests/data", "extract.arrow"),
    entry!("tests/data", "extract_snappy.parquet"),
    entry!("tests/data", "extract_zstd.parquet"),
    entry!("tests/data", "fr_excel_ventes.csv"),
    entry!("tests/data", "legacy.xls"),
    entry!("tests/data", "legacy_whitespace.txt"),
    entry!("tests/data", "us_orders.csv"),
];

/// Regressions that make arrow-rs's IPC or the parquet decoder panic (caught natively by
/// `ingest::guarded`, a trap in wasm32).
const TRAP_IN_WASM: &[&str] = &[
    "columnar-arrow-ipc-buffer-61feaa65",
    "delimited-arrow-ipc-buffer-b5b1b420",
    "extract.arrow.mut112",
    "extract.arrow.mut66",
    "extract_snappy.parquet.mut126",
    "json-arrow-ipc-buffer-c55accd4",
    "spreadsheet-arrow-ipc-buffer-a052eff1",
    "transactions-arrow-ipc-buffer-f55593fa",
];

/// Seeded mutations that do the same (the calamine one is an assertion in its XLS reader):
/// found by the native test below, left out of the wasm run.
const MUTATIONS_TRAP_IN_WASM: &[&str] = &["extract.arrow.mut147", "legacy.xls.mut129"];

fn every_reader(name: &str, data: &[u8]) {
    let _ = ingest::load(name, data, &ReadOptions::default(), &mut |_| {});
    let en = ReadOptions {
        has_header: Some(false),
        locale: Locale::En,
        ..ReadOptions::default()
    };
    let _ = ingest::load(name, data, &en, &mut |_| {});
    let _ = columnar::parquet(name, data);
    let _ = columnar::arrow_ipc(name, data);
    let _ = json::parse(name, data);
    if let Ok(mut wb) = ingest::sheet::Workbook::open(name, data) {
        let _ = wb.sheets();
    }
    if let Ok((tx, _)) = load_transactions(
        name,
        data,
        &ReadOptions::default(),
        BadRows::Skip,
        &mut |_| {},
    ) {
        let _ = rfm(&tx, &RfmParams::default());
    }
}

/// Runs the readers; on a panic, saves the input under target/fuzz-failures/ and reports it.
fn check(label: &str, data: &[u8], failures: &mut Vec<String>) {
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("PRISME_FUZZ_VERBOSE").is_some() {
        // An abort or an out-of-memory kill cannot be caught: leave the input behind.
        let _ = save("last-input", data);
        eprintln!("{label}");
    }
    // In wasm32 a panic aborts the test instead: the failure is as loud, the input is the
    // label's (a named file, or a seeded mutation that runs again natively).
    if catch_unwind(AssertUnwindSafe(|| every_reader(label, data))).is_err() {
        failures.push(format!("{label} (saved as {})", save(label, data)));
    }
}

/// Saves an input under target/fuzz-failures/ natively; says where.
fn save(label: &str, data: &[u8]) -> String {
    let safe: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    #[cfg(not(target_arch = "wasm32"))]
    {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(&safe);
        let _ = std::fs::write(&path, data);
        path.display().to_string()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = data;
        format!("nowhere in wasm32: {safe}")
    }
}

/// SplitMix64: a tiny seeded generator, so the pass is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b";",
    b",",
    b"\t",
    b"\r\n",
    b"\n",
    b"\0",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"-",
    b"(",
    b"1e308",
    b"99/99/9999",
    b"31/02/2024",
    b"\xe9",
    b"\xc3",
    b"PK\x03\x04",
    b"PAR1",
    b"ARROW1",
    b"{",
    b"[",
    b"}",
    b"]",
    b"1.234,5",
    b"NaN",
    b"-0",
    b"0x",
    b"9999999999999999999",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = d.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                d[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => d.truncate(rng.below(len)),
            2 => {
                let i = rng.below(len + 1);
                let tok = INTERESTING[rng.below(INTERESTING.len())];
                d.splice(i..i, tok.iter().copied());
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk = d[a..b].to_vec();
                let at = rng.below(len + 1);
                d.splice(at..at, chunk);
            }
            4 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                d.drain(a..b);
            }
            5 if !other.is_empty() => {
                // Splice: our head, another file's tail.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                d.truncate(cut);
                d.extend_from_slice(&other[from..]);
            }
            _ if len > 0 => {
                let i = rng.below(len);
                d[i] = rng.next() as u8;
            }
            _ => d.push(rng.next() as u8),
        }
    }
    d
}

/// What runs here: natively every file; in wasm32 all but [`TRAP_IN_WASM`].
fn runnable() -> impl Iterator<Item = &'static (&'static str, &'static [u8])> {
    REGRESSIONS
        .iter()
        .filter(|(name, _)| !cfg!(target_arch = "wasm32") || !TRAP_IN_WASM.contains(name))
        .chain(CORPUS)
}

#[test]
fn regressions_and_corpus_never_panic() {
    let mut failures = Vec::new();
    let mut n = 0;
    for (name, data) in runnable() {
        check(name, data, &mut failures);
        n += 1;
    }
    assert!(n >= 22, "corpus went missing: {n} files");
    assert!(failures.is_empty(), "readers panicked on: {failures:#?}");
}

#[test]
fn bounded_mutation_pass_never_panics() {
    let seeds: Vec<(&str, &[u8])> = CORPUS
        .iter()
        // Big seeds make each run slow without finding more.
        .filter(|(_, data)| data.len() <= 64 * 1024)
        .copied()
        .collect();
    assert!(!seeds.is_empty());
    let mut failures = Vec::new();
    mutations(&seeds, |label, m| {
        if !cfg!(target_arch = "wasm32") || !MUTATIONS_TRAP_IN_WASM.contains(&label) {
            check(label, m, &mut failures);
        }
    });
    assert!(failures.is_empty(), "readers panicked on: {failures:#?}");
}

/// Calls `f` on each seeded mutation of each seed, in a fixed order.
fn mutations(seeds: &[(&str, &[u8])], mut f: impl FnMut(&str, &[u8])) {
    #[cfg(not(target_arch = "wasm32"))]
    let per_seed: usize = std::env::var("PRISME_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    #[cfg(target_arch = "wasm32")]
    let per_seed: usize = 150;
    let mut rng = Rng(0x005E_ED0F_F022);
    for (i, (name, data)) in seeds.iter().enumerate() {
        let other = seeds[(i + 1) % seeds.len()].1;
        for round in 0..per_seed {
            let m = mutate(&mut rng, data, other);
            f(&format!("{name}.mut{round}"), &m);
        }
    }
}

/// The embedded lists are the folders' files (fuzz targets and the mutation pass add files
/// there; a file missing here would silently not run).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn embedded_files_are_the_folders() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (dir, list) in [("fuzz/regressions", REGRESSIONS), ("tests/data", CORPUS)] {
        let mut on_disk: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md" && e != "py"))
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
        assert_eq!(embedded, on_disk, "{dir}: update the list in this file");
    }
}

/// Exactly the [`TRAP_IN_WASM`] regressions and [`MUTATIONS_TRAP_IN_WASM`] mutations panic
/// (inside a guarded decoder) natively, and no corpus file does: what the wasm run leaves out
/// is what would trap, no more. Counts panics with a hook, per thread (tests run in parallel).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn guarded_panics_are_exactly_the_listed_regressions() {
    use std::cell::Cell;
    thread_local!(static PANICS: Cell<u32> = const { Cell::new(0) });
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            previous(info);
        }));
    });
    let panics = |data: &[u8], name: &str| {
        PANICS.with(|p| p.set(0));
        let _ = catch_unwind(AssertUnwindSafe(|| every_reader(name, data)));
        PANICS.with(|p| p.get())
    };
    let panicking: Vec<&str> = REGRESSIONS
        .iter()
        .filter(|(name, data)| panics(data, name) > 0)
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        panicking, TRAP_IN_WASM,
        "update TRAP_IN_WASM: these regressions panic in a decoder"
    );
    for (name, data) in CORPUS {
        assert_eq!(panics(data, name), 0, "{name} panics in a decoder");
    }
    let seeds: Vec<(&str, &[u8])> = CORPUS
        .iter()
        .filter(|(_, data)| data.len() <= 64 * 1024)
        .copied()
        .collect();
    let mut trapping = Vec::new();
    mutations(&seeds, |label, m| {
        if panics(m, label) > 0 {
            trapping.push(label.to_string());
        }
    });
    assert_eq!(
        trapping, MUTATIONS_TRAP_IN_WASM,
        "update MUTATIONS_TRAP_IN_WASM: these mutations panic in a decoder"
    );
}
