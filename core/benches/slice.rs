//! The foundation slice: ingest (bytes -> Arrow) and RFM scoring, at several sizes.
//!
//! `cargo bench -p prisme-core --bench slice`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use prisme_core::ingest::ReadOptions;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, load_transactions};

fn slice(c: &mut Criterion) {
    let mut group = c.benchmark_group("slice");
    group.sample_size(10);
    for rows in [100_000usize, 1_000_000] {
        let bytes = transactions_csv(&SynthParams::new(rows));
        let load = || {
            load_transactions(
                "bench.csv",
                &bytes,
                &ReadOptions::default(),
                BadRows::Stop,
                &mut |_| {},
            )
            .expect("generated file loads")
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("ingest", rows), &rows, |b, _| {
            b.iter(|| black_box(load()))
        });
        let (tx, _) = load();
        group.bench_with_input(BenchmarkId::new("rfm", rows), &rows, |b, _| {
            b.iter(|| black_box(rfm(&tx, &RfmParams::default()).expect("scores")))
        });
        group.bench_with_input(BenchmarkId::new("total", rows), &rows, |b, _| {
            b.iter(|| {
                let (tx, _) = load();
                black_box(rfm(&tx, &RfmParams::default()).expect("scores"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, slice);
criterion_main!(benches);
