//! Nothing panics on any bytes: every reader runs over the fuzz regressions, the reader corpus,
//! and a bounded, seeded mutation pass over the corpus (bit flips, truncations, splices,
//! duplicated and deleted chunks). The cargo-fuzz targets in `core/fuzz/` explore further; this
//! pass keeps what they found fixed and catches regressions in the normal test run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use prisme_core::ingest::{self, Locale, ReadOptions, columnar, json};
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::transactions::{BadRows, load_transactions};

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
    if std::env::var_os("PRISME_FUZZ_VERBOSE").is_some() {
        // An abort or an out-of-memory kill cannot be caught: leave the input behind.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("last-input"), data);
        eprintln!("{label}");
    }
    if catch_unwind(AssertUnwindSafe(|| every_reader(label, data))).is_err() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
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
        let path = dir.join(safe);
        let _ = std::fs::write(&path, data);
        failures.push(format!("{label} (saved as {})", path.display()));
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file() && p.extension().is_none_or(|e| e != "md" && e != "py"));
    out.sort();
    out
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

#[test]
fn regressions_and_corpus_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut n = 0;
    for dir in ["fuzz/regressions", "tests/data"] {
        for path in files(&root.join(dir)) {
            let data = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            check(&name, &data, &mut failures);
            n += 1;
        }
    }
    assert!(n >= 15, "corpus went missing: {n} files");
    assert!(failures.is_empty(), "readers panicked on: {failures:#?}");
}

#[test]
fn bounded_mutation_pass_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds: Vec<(String, Vec<u8>)> = files(&root.join("tests/data"))
        .into_iter()
        .filter_map(|p| {
            let data = std::fs::read(&p).ok()?;
            // Big seeds make each run slow without finding more.
            let name = p.file_name()?.to_string_lossy().into_owned();
            (data.len() <= 64 * 1024).then_some((name, data))
        })
        .collect();
    assert!(!seeds.is_empty());
    let per_seed: usize = std::env::var("PRISME_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut rng = Rng(0x005E_ED0F_F022);
    let mut failures = Vec::new();
    for (i, (name, data)) in seeds.iter().enumerate() {
        let other = &seeds[(i + 1) % seeds.len()].1;
        for round in 0..per_seed {
            let m = mutate(&mut rng, data, other);
            check(&format!("{name}.mut{round}"), &m, &mut failures);
        }
    }
    assert!(failures.is_empty(), "readers panicked on: {failures:#?}");
}
