//! Segmentation analyses at realistic sizes: k-means with k selection on 100k customers × 3
//! features, cohorts and indicators on 1M transactions.
//!
//! `cargo bench -p prisme-core --bench segments`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use prisme_core::cluster::{ClusterParams, Features, LogTransform, cluster};
use prisme_core::cohort::{CohortParams, cohorts};
use prisme_core::indicators::{IndicatorParams, Slice, indicators};
use prisme_core::ingest::ReadOptions;
use prisme_core::period::Period;
use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, load_transactions};

fn segments(c: &mut Criterion) {
    let mut group = c.benchmark_group("segments");
    group.sample_size(10);

    // 1M rows, 10 per customer on average: 100k customers.
    let bytes = transactions_csv(&SynthParams::new(1_000_000));
    let (tx, _) = load_transactions(
        "bench.csv",
        &bytes,
        &ReadOptions::default(),
        BadRows::Stop,
        &mut |_| {},
    )
    .expect("generated file loads");
    let scores = rfm(&tx, &RfmParams::default()).expect("scores");
    let features = Features::from_rfm(&scores);
    assert_eq!(features.rows(), 100_000);
    let params = ClusterParams {
        log: LogTransform::All,
        ..ClusterParams::default()
    };
    group.bench_function("kmeans_k2-8_100k", |b| {
        b.iter(|| black_box(cluster(&features, &params).expect("clusters")))
    });

    // The same without the silhouettes (a 2-row sample), to show what they cost.
    let no_silhouette = ClusterParams {
        silhouette_sample: 2,
        ..params.clone()
    };
    group.bench_function("kmeans_k2-8_100k_no_silhouette", |b| {
        b.iter(|| black_box(cluster(&features, &no_silhouette).expect("clusters")))
    });
    // Every restart on all rows (no restart sample), one fixed k.
    let full_k4 = ClusterParams {
        k: Some(4),
        restart_sample: 0,
        ..params.clone()
    };
    group.bench_function("kmeans_k4_full_restarts_100k", |b| {
        b.iter(|| black_box(cluster(&features, &full_k4).expect("clusters")))
    });

    group.bench_function("cohorts_month_1m", |b| {
        b.iter(|| black_box(cohorts(&tx, &CohortParams::default()).expect("cohorts")))
    });
    let weekly = CohortParams {
        period: Period::Week,
        ..CohortParams::default()
    };
    group.bench_function("cohorts_week_1m", |b| {
        b.iter(|| black_box(cohorts(&tx, &weekly).expect("cohorts")))
    });

    group.bench_function("indicators_month_1m", |b| {
        b.iter(|| {
            black_box(indicators(&tx, &IndicatorParams::default(), None, None).expect("indicators"))
        })
    });
    const CHANNELS: [&str; 4] = ["store", "web", "phone", "marketplace"];
    let channel: Vec<Option<&str>> = (0..tx.len()).map(|i| Some(CHANNELS[i % 4])).collect();
    group.bench_function("indicators_month_1m_sliced", |b| {
        b.iter(|| {
            black_box(
                indicators(
                    &tx,
                    &IndicatorParams::default(),
                    Some(Slice::Rows(&channel)),
                    None,
                )
                .expect("indicators"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, segments);
criterion_main!(benches);
