//! Ingest of a 1M-row transactions CSV (~45 MB with the extra columns), plain and in the French
//! Excel variant of the same rows (`;`, decimal comma, dd/mm/yyyy, CRLF, Windows-1252 with an
//! accented header and region name): the three columns the analyses need, and every column.
//!
//! `cargo bench -p prisme-core --bench ingest`
//! Targets (issue 3): plain ≤ 250 ms natively on one core; French within 1.3× of plain.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use prisme_core::ingest::{self, ReadOptions};
use prisme_core::synth::{SynthParams, transactions_csv};
use prisme_core::transactions::{BadRows, load_transactions};

/// The same rows as French Excel writes them.
pub fn french(plain: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(plain);
    let mut out = String::with_capacity(plain.len() + plain.len() / 10);
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str("N° client;Date d'achat;Montant TTC;Quantité;Canal;Région\r\n");
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let date = f[1];
        let (y, m, d) = (&date[0..4], &date[5..7], &date[8..10]);
        // Same text, one accent: the bytes differ only by the format itself.
        let region = if f[5] == "Ile-de-France" {
            "Île-de-France"
        } else {
            f[5]
        };
        out.push_str(&format!(
            "{};{d}/{m}/{y};{};{};{};{region}\r\n",
            f[0],
            f[2].replace('.', ","),
            f[3],
            f[4]
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&out);
    bytes.into_owned()
}

fn ingest_bench(c: &mut Criterion) {
    let mut p = SynthParams::new(1_000_000);
    p.extra_columns = true;
    let plain = transactions_csv(&p);
    let fr = french(&plain);
    let mut group = c.benchmark_group("ingest-1m");
    group.sample_size(10);
    for (name, bytes) in [("plain", &plain), ("french", &fr)] {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("transactions", name), bytes, |b, bytes| {
            b.iter(|| {
                black_box(
                    load_transactions(
                        "bench.csv",
                        bytes,
                        &ReadOptions::default(),
                        BadRows::Stop,
                        &mut |_| {},
                    )
                    .expect("loads"),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("all-columns", name), bytes, |b, bytes| {
            b.iter(|| {
                black_box(
                    ingest::load("bench.csv", bytes, &ReadOptions::default(), &mut |_| {})
                        .expect("loads"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ingest_bench);
criterion_main!(benches);
