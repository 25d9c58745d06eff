//! BG/NBD fits at a few sizes: the CDNOW calibration summary replicated ×10 (23,570 customers
//! whose (x, t_x, T) repeat, as daily data do), and simulated customers with continuous times
//! (every row distinct: the fit's worst case).
//!
//! `cargo bench -p prisme-core --bench clv` (CDNOW needs `cargo xtask refdata`; skipped when
//! the file is missing).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use prisme_core::clv::{self, BgNbdParams, TimeUnit, simulate};
use prisme_core::ingest::ReadOptions;
use prisme_core::ingest::date::days_from_civil;
use prisme_core::ingest::roles::Role;
use prisme_core::ingest::tokenizer::Delimiter;
use prisme_core::transactions::{BadRows, load_transactions};

/// The CDNOW calibration summary (x, t_x, T), or `None` when the reference file is missing.
fn cdnow() -> Option<(Vec<u32>, Vec<f64>, Vec<f64>)> {
    let dir = std::env::var_os("PRISME_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/refdata"));
    let bytes = std::fs::read(dir.join("CDNOW_sample.txt")).ok()?;
    let opts = ReadOptions {
        has_header: Some(false),
        delimiter: Some(Delimiter::Whitespace),
        roles: vec![
            ("column_2".into(), Role::CustomerId),
            ("column_3".into(), Role::Date),
            ("column_5".into(), Role::Amount),
        ],
        ..ReadOptions::default()
    };
    let (tx, _) = load_transactions(
        "CDNOW_sample.txt",
        &bytes,
        &opts,
        BadRows::Stop,
        &mut |_| {},
    )
    .ok()?;
    let s = clv::summary(&tx, days_from_civil(1997, 9, 30), TimeUnit::Weeks).ok()?;
    Some((s.frequency, s.recency, s.t))
}

fn fits(c: &mut Criterion) {
    let mut group = c.benchmark_group("bgnbd_fit");
    group.sample_size(10);
    let params = BgNbdParams::default();
    match cdnow() {
        Some((x, tx, t)) => {
            for times in [1usize, 10] {
                let rep = |v: &[f64]| v.repeat(times);
                let (xr, txr, tr) = (x.repeat(times), rep(&tx), rep(&t));
                group.bench_with_input(
                    BenchmarkId::new("cdnow_replicated", xr.len()),
                    &xr.len(),
                    |b, _| b.iter(|| black_box(params.fit_data(&xr, &txr, &tr).expect("fits"))),
                );
            }
        }
        None => eprintln!("CDNOW_sample.txt missing (run `cargo xtask refdata`): skipping CDNOW"),
    }
    for n in [23_570usize, 100_000] {
        let sim = simulate::bgnbd(n, 0.25, 4.0, 0.8, 2.5, 52.0, 7);
        group.bench_with_input(BenchmarkId::new("simulated_distinct", n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    params
                        .fit_data(&sim.frequency, &sim.recency, &sim.t)
                        .expect("fits"),
                )
            })
        });
    }
    group.finish();
}

/// Everything `analyze` does on CDNOW: summaries, both fits, 52 weekly steps of forecasts per
/// customer and the holdout check.
fn analyze(c: &mut Criterion) {
    let dir = std::env::var_os("PRISME_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/refdata"));
    let Ok(bytes) = std::fs::read(dir.join("CDNOW_sample.txt")) else {
        return;
    };
    let opts = ReadOptions {
        has_header: Some(false),
        delimiter: Some(Delimiter::Whitespace),
        roles: vec![
            ("column_2".into(), Role::CustomerId),
            ("column_3".into(), Role::Date),
            ("column_5".into(), Role::Amount),
        ],
        ..ReadOptions::default()
    };
    let Ok((tx, _)) = load_transactions(
        "CDNOW_sample.txt",
        &bytes,
        &opts,
        BadRows::Stop,
        &mut |_| {},
    ) else {
        return;
    };
    let params = clv::ClvParams {
        calibration_end: Some(days_from_civil(1997, 9, 30)),
        observation_end: Some(days_from_civil(1998, 6, 30)),
        ..clv::ClvParams::default()
    };
    let mut group = c.benchmark_group("clv_analyze");
    group.sample_size(10);
    group.bench_function("cdnow_2357", |b| {
        b.iter(|| black_box(clv::analyze(&tx, &params).expect("analyzes")))
    });
    group.finish();
}

criterion_group!(benches, fits, analyze);
criterion_main!(benches);
