//! The whole analysis (RFM and segments, migration, clustering with k selection, BG/NBD and
//! Gamma-Gamma with per-customer forecasts, churn from a holdout window with both models,
//! cohorts, indicators) on transactions already in memory, at several sizes, plus each step
//! alone on the largest size to show where the time goes.
//!
//! `cargo bench -p prisme-core --bench analysis`
//! Target (issue 4): 1M transactions / 100k customers in ≤ 1.5 s natively on one core.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use prisme_core::analysis::{AnalysisParams, Inputs, TransactionsInput, analyze};
use prisme_core::ingest::ReadOptions;
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, Transactions, load_transactions};

fn transactions(rows: usize) -> Transactions {
    let bytes = transactions_csv(&SynthParams::new(rows));
    load_transactions(
        "bench.csv",
        &bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .expect("generated file loads")
    .0
}

fn whole(c: &mut Criterion) {
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    for rows in [100_000usize, 1_000_000] {
        let tx = transactions(rows);
        let params = AnalysisParams::default();
        group.bench_with_input(BenchmarkId::new("whole", rows), &rows, |b, _| {
            b.iter(|| {
                let inputs = Inputs {
                    summary: None,
                    transactions: Some(TransactionsInput {
                        file: "bench.csv",
                        tx: &tx,
                    }),
                    ..Inputs::default()
                };
                black_box(analyze(&inputs, &params).expect("analysis runs"))
            })
        });
    }
    group.finish();

    // Each step alone on 1M rows / 100k customers.
    let tx = transactions(1_000_000);
    let p = AnalysisParams::default();
    let mut group = c.benchmark_group("analysis-steps-1m");
    group.sample_size(10);
    let scored = prisme_core::rfm::rfm(&tx, &p.rfm).expect("rfm");
    group.bench_function("rfm+segments", |b| {
        b.iter(|| {
            let r = prisme_core::rfm::rfm(&tx, &p.rfm).expect("rfm");
            black_box(prisme_core::segment::segments(&r))
        })
    });
    group.bench_function("migration", |b| {
        b.iter(|| {
            black_box(prisme_core::segment::migration(
                &tx,
                &p.rfm,
                scored.snapshot - 90,
                scored.snapshot,
            ))
        })
    });
    let features = prisme_core::cluster::Features::from_rfm(&scored);
    group.bench_function("cluster", |b| {
        b.iter(|| black_box(prisme_core::cluster::cluster(&features, &p.cluster)))
    });
    group.bench_function("clv", |b| {
        b.iter(|| black_box(prisme_core::clv::analyze(&tx, &p.clv)))
    });
    group.bench_function("churn-holdout", |b| {
        b.iter(|| {
            black_box(prisme_core::churn::holdout::analyze_holdout(
                &tx,
                scored.snapshot - 91,
                90,
                &p.churn,
            ))
        })
    });
    group.bench_function("cohorts", |b| {
        b.iter(|| black_box(prisme_core::cohort::cohorts(&tx, &p.cohorts)))
    });
    group.bench_function("indicators", |b| {
        b.iter(|| {
            black_box(prisme_core::indicators::indicators(
                &tx,
                &p.indicators,
                None,
                None,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, whole);
criterion_main!(benches);
