//! Churn model fitting on Telco-sized (7,043 rows) and 100k-row synthetic customer tables.
//!
//! `cargo bench -p prisme-core --bench churn -- --measurement-time 3`

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use prisme_core::churn::{
    ChurnDataset, ChurnModel, ChurnParams, Encoder, GbtModel, LogisticModel, SplitMix64,
};

/// A Telco-like table: 3 numbers, 13 categorical columns (2–4 levels), an id and a label drawn
/// from a known logistic model.
fn synthetic(rows: usize, seed: u64) -> RecordBatch {
    let mut rng = SplitMix64::new(seed);
    let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut fields = vec![Field::new(
        "customer_id",
        arrow_schema::DataType::Utf8,
        false,
    )];
    let mut cols: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
        (0..rows).map(|i| format!("C{i:07}")),
    ))];
    let mut z = vec![-1.0; rows];
    let tenure: Vec<f64> = (0..rows).map(|_| (unit() * 72.0).floor()).collect();
    let monthly: Vec<f64> = (0..rows).map(|_| 18.0 + unit() * 100.0).collect();
    let total: Vec<f64> = (0..rows)
        .map(|i| (tenure[i] * monthly[i] * (0.9 + 0.2 * unit())).round())
        .collect();
    for i in 0..rows {
        z[i] += -0.04 * tenure[i] + 0.015 * monthly[i] - 0.5;
    }
    for (name, v) in [
        ("tenure", tenure),
        ("MonthlyCharges", monthly),
        ("TotalCharges", total),
    ] {
        fields.push(Field::new(name, arrow_schema::DataType::Float64, false));
        cols.push(Arc::new(Float64Array::from(v)));
    }
    let levels: [&[&str]; 4] = [
        &["Yes", "No"],
        &["Month-to-month", "One year", "Two year"],
        &["DSL", "Fiber optic", "No"],
        &[
            "Electronic check",
            "Mailed check",
            "Bank transfer",
            "Credit card",
        ],
    ];
    for c in 0..13 {
        let lv = levels[c % 4];
        let effect: Vec<f64> = (0..lv.len()).map(|_| unit() - 0.5).collect();
        let v: Vec<&str> = (0..rows)
            .map(|i| {
                let k = ((unit() * lv.len() as f64) as usize).min(lv.len() - 1);
                z[i] += effect[k];
                lv[k]
            })
            .collect();
        fields.push(Field::new(
            format!("cat{c}"),
            arrow_schema::DataType::Utf8,
            false,
        ));
        cols.push(Arc::new(StringArray::from(v)));
    }
    let label: Vec<&str> = z
        .iter()
        .map(|&z| {
            if unit() < 1.0 / (1.0 + (-z).exp()) {
                "Yes"
            } else {
                "No"
            }
        })
        .collect();
    fields.push(Field::new("Churn", arrow_schema::DataType::Utf8, false));
    cols.push(Arc::new(StringArray::from(label)));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("columns match the schema")
}

fn churn(c: &mut Criterion) {
    let mut group = c.benchmark_group("churn");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    let params = ChurnParams::default();
    for rows in [7_043usize, 100_000] {
        let batch = synthetic(rows, 7);
        let data = ChurnDataset::from_batch(&batch, &params).expect("dataset builds");
        let all = data.labelled_rows();
        let encoder = Encoder::fit(&data, &all);
        let x = encoder.transform(&data, &all);
        let y: Vec<bool> = all.iter().map(|&r| data.label[r] == Some(true)).collect();
        group.bench_with_input(BenchmarkId::new("logistic", rows), &rows, |b, _| {
            b.iter(|| black_box(LogisticModel::fit(&x, &y, &params.logistic).expect("fits")))
        });
        group.bench_with_input(BenchmarkId::new("gbt", rows), &rows, |b, _| {
            b.iter(|| black_box(GbtModel::fit(&x, &y, &params.gbt).expect("fits")))
        });
        // Scoring alone: 200 trees over every row (the analysis scores every customer).
        let model = GbtModel::fit(&x, &y, &params.gbt).expect("fits");
        group.bench_with_input(BenchmarkId::new("gbt-predict", rows), &rows, |b, _| {
            b.iter(|| black_box(model.predict_proba(&x)))
        });
        group.bench_with_input(
            BenchmarkId::new("dataset+split+both+eval", rows),
            &rows,
            |b, _| {
                b.iter(|| {
                    let data = ChurnDataset::from_batch(&batch, &params).expect("dataset builds");
                    black_box(ChurnModel::fit(&data, &params).expect("fits"))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, churn);
criterion_main!(benches);
