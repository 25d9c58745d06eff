//! The app's flow on the demo dataset: four French files prepared as the Data page does
//! (anonymized), then the whole analysis on the consolidated base, with slices taken from the
//! customer table and the purchases, and the customer table the pages query.

use prisme_core::analysis::Step;
use prisme_core::anonymize::{AnonymizeOptions, PiiAction};
use prisme_core::consolidate::TableKind;
use prisme_core::datamart::{Cmp, Filter};
use prisme_core::demo::{DemoParams, demo_files};
use prisme_core::explore::{SortBy, TableQuery, Value, query};
use prisme_core::ingest::{Locale, ReadOptions};
use prisme_core::key::Secret;
use prisme_core::sources::{Corrections, PreparedSource, prepare_source};
use prisme_core::workbench::{WorkbenchSettings, analyze_sources};

fn prepare(params: &DemoParams, anonymize: bool) -> Vec<PreparedSource> {
    let read = ReadOptions {
        locale: Locale::Fr,
        ..ReadOptions::default()
    };
    let anon = AnonymizeOptions {
        secret: Secret::from_bytes([7; 32]).unwrap(),
        pseudonymize_ids: true,
        pii: PiiAction::Drop,
    };
    demo_files(params)
        .iter()
        .map(|f| {
            prepare_source(
                f.name,
                &f.bytes,
                &read,
                &Corrections::default(),
                anonymize.then_some(&anon),
                None,
                &mut |_| {},
            )
            .unwrap_or_else(|e| panic!("{}: {e}", f.name))
        })
        .collect()
}

#[test]
fn demo_files_are_read_as_their_kinds() {
    let sources = prepare(&DemoParams::default(), true);
    let kinds: Vec<TableKind> = sources.iter().map(|s| s.view.kind).collect();
    assert_eq!(
        kinds,
        [
            TableKind::Customers,
            TableKind::Transactions,
            TableKind::Contracts,
            TableKind::Interactions
        ]
    );
    // About 100k purchases over three years, French dates and decimal commas read.
    let rows = sources[1].table.rows;
    assert!((80_000..=130_000).contains(&rows), "{rows} purchases");
}

#[test]
fn whole_analysis_on_the_base() {
    let params = DemoParams {
        customers: 3_000,
        ..DemoParams::default()
    };
    let sources = prepare(&params, true);
    let mut steps = Vec::new();
    let wb = analyze_sources(&sources, &WorkbenchSettings::default(), 0, &mut |s| {
        steps.push(s)
    })
    .unwrap();
    assert_eq!(
        steps,
        [
            Step::Rfm,
            Step::Clusters,
            Step::Clv,
            Step::Cohorts,
            Step::Indicators,
            Step::Churn
        ]
    );
    let r = &wb.analysis.report;
    assert!(r.rfm.is_some() && r.clv.is_some() && r.clusters.is_some());
    assert_eq!(r.churn.as_ref().unwrap().label_source, "holdout-window");
    // Slices: the customer table's agency, region and acquisition channel (per customer),
    // then the purchases' channel.
    let slices: Vec<(&str, bool)> = r
        .charts
        .slices
        .iter()
        .map(|s| (s.column.as_str(), s.per_customer))
        .collect();
    assert_eq!(
        slices,
        [
            ("agence", true),
            ("région", true),
            ("canal_acquisition", true),
            ("canal", false)
        ]
    );
    // Every slice's revenue adds up to the total, period by period.
    let total = &r.indicators.as_ref().unwrap().total;
    for s in &r.charts.slices {
        for (p, t) in total.iter().enumerate() {
            let sum: f64 = s.values.iter().map(|v| v.periods[p].revenue).sum();
            assert!(
                (sum - t.revenue).abs() < 1e-6 * t.revenue.max(1.0),
                "{}",
                s.column
            );
        }
    }
    // Chart aggregates cover every scored customer.
    let n = wb.analysis.scores.rows.len() as u64;
    let h = r.charts.p_alive.as_ref().unwrap();
    assert_eq!(h.counts.iter().sum::<u64>() + h.above, h.count);
    assert_eq!(
        r.charts.by_segment.iter().map(|s| s.customers).sum::<u64>(),
        r.rfm.as_ref().unwrap().customers as u64
    );
    assert!(h.count <= n);
    assert_eq!(r.charts.more_cohorts.len(), 2);
    // The customer table: scores joined with the base's attributes and contracts.
    let names: Vec<String> = wb
        .table
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    for c in [
        "customer_id",
        "segment",
        "clv",
        "agence",
        "next_expiry",
        "contacts",
    ] {
        assert!(names.iter().any(|n| n == c), "{c} missing from {names:?}");
    }
    // Ids are pseudonyms: no CL000123 left.
    let page = query(
        &wb.table,
        &TableQuery {
            filter: Some(Filter::Compare {
                column: "churn_score".into(),
                cmp: Cmp::Ge,
                value: 0.5,
            }),
            sort: Some(SortBy {
                column: "churn_score".into(),
                descending: true,
            }),
            limit: 20,
            ..TableQuery::default()
        },
    )
    .unwrap();
    assert!(page.matched > 0);
    for row in &page.rows {
        let Value::Text(id) = &row[0] else {
            panic!("id is text")
        };
        assert!(!id.starts_with("CL"), "{id}");
        assert_eq!(id.len(), 20);
    }
}

/// Pseudonyms change the customers' order, hence how NTILE breaks ties between equal
/// recencies (a property of NTILE, in SQL too): segments may move by a few customers. What
/// does not depend on the ids must not move.
#[test]
fn same_result_without_anonymization_except_ids() {
    let params = DemoParams {
        customers: 800,
        ..DemoParams::default()
    };
    let a = analyze_sources(
        &prepare(&params, true),
        &WorkbenchSettings::default(),
        0,
        &mut |_| {},
    )
    .unwrap();
    let b = analyze_sources(
        &prepare(&params, false),
        &WorkbenchSettings::default(),
        0,
        &mut |_| {},
    )
    .unwrap();
    let (ra, rb) = (&a.analysis.report, &b.analysis.report);
    assert_eq!(
        ra.rfm.as_ref().unwrap().customers,
        rb.rfm.as_ref().unwrap().customers
    );
    assert_eq!(ra.cohorts, rb.cohorts);
    assert_eq!(ra.indicators, rb.indicators);
    assert_eq!(ra.charts.slices, rb.charts.slices);
}
