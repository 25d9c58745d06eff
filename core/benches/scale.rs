//! How the RFM workload's cost grows with the file: ingest (the three columns RFM reads) and
//! RFM on 1M, 5M and 20M rows of the same generator (10 rows a customer, text ids `C0000123`,
//! six columns). Throughput is in rows, so Criterion's rows per second show the curve: the cost
//! per row at 20M should stay within 1.2× of 1M (issue 15).
//!
//! `cargo bench -p prisme-core --bench scale` (about 1 GB of memory at 20M; `-- 1000000` for
//! one size).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use prisme_core::ingest::ReadOptions;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, load_transactions};

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    for rows in [1_000_000usize, 5_000_000, 20_000_000] {
        let mut p = SynthParams::new(rows);
        p.extra_columns = true;
        let bytes = transactions_csv(&p);
        let load = || {
            load_transactions(
                "bench.csv",
                &bytes,
                &ReadOptions::default(),
                BadRows::Stop,
                &mut |_| {},
            )
            .expect("the generated file reads")
            .0
        };
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_function(BenchmarkId::new("ingest", rows), |b| {
            b.iter(|| black_box(load()))
        });
        let tx = load();
        group.bench_function(BenchmarkId::new("rfm", rows), |b| {
            b.iter(|| black_box(rfm(&tx, &RfmParams::default()).expect("rfm")))
        });
    }
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
