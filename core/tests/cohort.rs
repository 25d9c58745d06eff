//! Acquisition cohorts on a hand-computed case, and period labelling edge cases.

use prisme_core::cohort::{CohortError, CohortParams, cohorts};
use prisme_core::ingest::date::days_from_civil;
use prisme_core::period::{Period, iso_week};
use prisme_core::transactions::Transactions;

fn d(y: i32, m: u32, day: u32) -> i32 {
    days_from_civil(y, m, day)
}

/// Six customers over January to April 2024, thirteen rows:
/// - a: Jan 5 (10), Jan 20 (5), Mar 2 (20)
/// - b: Jan 31 (7), Feb 1 (3)
/// - c: Feb 10 (4), Feb 10 (6) — two baskets on one day: not a repeat customer
/// - d: Feb 28 (8), Apr 1 (2)
/// - e: Mar 15 (9), Apr 30 (1), Apr 30 (1)
/// - f: Mar 31 (12)
pub fn small() -> Transactions {
    let rows = [
        ("a", d(2024, 1, 5), 10.0),
        ("b", d(2024, 1, 31), 7.0),
        ("c", d(2024, 2, 10), 4.0),
        ("a", d(2024, 1, 20), 5.0),
        ("d", d(2024, 2, 28), 8.0),
        ("b", d(2024, 2, 1), 3.0),
        ("c", d(2024, 2, 10), 6.0),
        ("e", d(2024, 3, 15), 9.0),
        ("a", d(2024, 3, 2), 20.0),
        ("f", d(2024, 3, 31), 12.0),
        ("d", d(2024, 4, 1), 2.0),
        ("e", d(2024, 4, 30), 1.0),
        ("e", d(2024, 4, 30), 1.0),
    ];
    Transactions::from_rows(
        &rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect(),
        rows.iter().map(|r| r.2).collect(),
    )
}

#[test]
fn monthly_cohorts_by_hand() {
    let out = cohorts(&small(), &CohortParams::default()).unwrap();
    assert_eq!(out.customers, 6);
    assert_eq!(out.rows, 13);
    assert_eq!(out.offsets, 4);
    let labels: Vec<&str> = out.cohorts.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["2024-01", "2024-02", "2024-03"]);
    let [jan, feb, mar] = &out.cohorts[..] else {
        panic!("three cohorts")
    };
    // January: a and b. Active Jan a,b; Feb b; Mar a; Apr nobody.
    assert_eq!(jan.start, "2024-01-01");
    assert_eq!(jan.size, 2);
    assert_eq!(jan.active, [2, 1, 1, 0]);
    assert_eq!(jan.retention, [1.0, 0.5, 0.5, 0.0]);
    assert_eq!(jan.revenue, [22.0, 3.0, 20.0, 0.0]);
    assert_eq!(
        jan.cumulative_revenue_per_customer,
        [11.0, 12.5, 22.5, 22.5]
    );
    assert_eq!((jan.repeat_customers, jan.repeat_rate), (2, 1.0));
    // February: c and d. Active Feb c,d; Mar nobody; Apr d. c bought twice on one day.
    assert_eq!(feb.active, [2, 0, 1]);
    assert_eq!(feb.retention, [1.0, 0.0, 0.5]);
    assert_eq!(feb.revenue, [18.0, 0.0, 2.0]);
    assert_eq!(feb.cumulative_revenue_per_customer, [9.0, 9.0, 10.0]);
    assert_eq!((feb.repeat_customers, feb.repeat_rate), (1, 0.5));
    // March: e and f. e again in April (twice, one day).
    assert_eq!(mar.active, [2, 1]);
    assert_eq!(mar.revenue, [21.0, 2.0]);
    assert_eq!(mar.cumulative_revenue_per_customer, [10.5, 11.5]);
    assert_eq!((mar.repeat_customers, mar.repeat_rate), (1, 0.5));
    insta::assert_snapshot!(serde_json::to_string_pretty(&out).unwrap());
}

#[test]
fn max_periods_cuts_rows_not_repeat_rate() {
    let out = cohorts(
        &small(),
        &CohortParams {
            max_periods: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(out.offsets, 2);
    let jan = &out.cohorts[0];
    assert_eq!(jan.active, [2, 1]);
    assert_eq!(jan.revenue, [22.0, 3.0]);
    assert_eq!(jan.repeat_rate, 1.0);
    assert_eq!(out.cohorts[2].active, [2, 1]);
}

#[test]
fn quarterly_and_weekly_cohorts() {
    let q = cohorts(
        &small(),
        &CohortParams {
            period: Period::Quarter,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(q.cohorts.len(), 1);
    assert_eq!(q.cohorts[0].label, "2024-Q1");
    assert_eq!(q.cohorts[0].size, 6);
    // Q2: d and e.
    assert_eq!(q.cohorts[0].active, [6, 2]);
    assert_eq!(q.cohorts[0].revenue, [84.0, 4.0]);

    // ISO week 53 across a year boundary: Monday 2020-12-28 is 2020-W53, so is Sunday
    // 2021-01-03; Monday 2021-01-04 starts 2021-W01.
    let tx = Transactions::from_rows(
        &["x", "x", "y", "x"],
        vec![d(2020, 12, 28), d(2021, 1, 3), d(2021, 1, 3), d(2021, 1, 4)],
        vec![1.0, 2.0, 4.0, 8.0],
    );
    let w = cohorts(
        &tx,
        &CohortParams {
            period: Period::Week,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(w.cohorts.len(), 1);
    let c = &w.cohorts[0];
    assert_eq!(c.label, "2020-W53");
    assert_eq!(c.start, "2020-12-28");
    assert_eq!(c.size, 2);
    assert_eq!(c.active, [2, 1]);
    assert_eq!(c.revenue, [7.0, 8.0]);
    assert_eq!(c.repeat_customers, 1);
}

#[test]
fn period_labels_at_year_boundaries() {
    let label = |p: Period, day: i32| p.label(p.index(day));
    // ISO weeks: 2019-12-30 (Monday) is already 2020-W01; 2024-01-01 is a Monday, W01.
    assert_eq!(label(Period::Week, d(2019, 12, 30)), "2020-W01");
    assert_eq!(label(Period::Week, d(2019, 12, 29)), "2019-W52");
    assert_eq!(label(Period::Week, d(2020, 12, 31)), "2020-W53");
    assert_eq!(label(Period::Week, d(2021, 1, 3)), "2020-W53");
    assert_eq!(label(Period::Week, d(2021, 1, 4)), "2021-W01");
    assert_eq!(label(Period::Week, d(2024, 1, 1)), "2024-W01");
    assert_eq!(label(Period::Week, d(2024, 2, 1)), "2024-W05");
    // 2026 starts on a Thursday: 53 weeks, the last one reaching into 2027.
    assert_eq!(label(Period::Week, d(2027, 1, 3)), "2026-W53");
    assert_eq!(label(Period::Week, d(2027, 1, 4)), "2027-W01");
    assert_eq!(iso_week(d(2008, 12, 29)), (2009, 1));
    assert_eq!(iso_week(d(2010, 1, 3)), (2009, 53));
    // Before 1970 too.
    assert_eq!(label(Period::Week, d(1969, 12, 29)), "1970-W01");
    assert_eq!(label(Period::Month, d(1969, 12, 31)), "1969-12");
    // Months, quarters and years: consecutive ordinals across the boundary.
    for p in [Period::Week, Period::Month, Period::Quarter, Period::Year] {
        let (a, b) = (p.index(d(2023, 12, 31)), p.index(d(2024, 1, 1)));
        assert_eq!(b, a + 1, "{p:?}");
        assert_eq!(p.start(b), d(2024, 1, 1), "{p:?}");
    }
    assert_eq!(label(Period::Quarter, d(2023, 12, 31)), "2023-Q4");
    assert_eq!(label(Period::Quarter, d(2024, 4, 1)), "2024-Q2");
    assert_eq!(label(Period::Month, d(2024, 2, 29)), "2024-02");
    assert_eq!(label(Period::Year, d(2024, 2, 29)), "2024");
    // Every day of four centuries: start(index(day)) ≤ day < start(index(day) + 1).
    for p in [Period::Week, Period::Month, Period::Quarter, Period::Year] {
        for day in (d(1900, 1, 1)..d(2300, 1, 1)).step_by(3) {
            let i = p.index(day);
            assert!(p.start(i) <= day && day < p.start(i + 1), "{p:?} {day}");
        }
    }
}

#[test]
fn errors_and_params() {
    let empty = Transactions::from_rows::<&str>(&[], vec![], vec![]);
    assert_eq!(
        cohorts(&empty, &CohortParams::default()),
        Err(CohortError::NoTransactions)
    );
    assert_eq!(
        cohorts(
            &small(),
            &CohortParams {
                max_periods: Some(0),
                ..Default::default()
            }
        ),
        Err(CohortError::BadMaxPeriods)
    );
    // Weekly cohorts over five centuries would need ~340 million cells.
    let tx = Transactions::from_rows(
        &["a", "b"],
        vec![d(1500, 1, 1), d(2000, 1, 1)],
        vec![1.0; 2],
    );
    assert!(matches!(
        cohorts(
            &tx,
            &CohortParams {
                period: Period::Week,
                ..Default::default()
            }
        ),
        Err(CohortError::TooManyCells { .. })
    ));
    let p: CohortParams = serde_json::from_str(r#"{"period": "week"}"#).unwrap();
    assert_eq!(p.period, Period::Week);
    assert_eq!(p.max_periods, None);
}

#[test]
fn agrees_with_pandas() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/reference/cohort_pandas.json")).unwrap();
    let (tx, _) = prisme_core::transactions::load_transactions(
        "cohort_rows.csv",
        include_bytes!("data/cohort_rows.csv"),
        &Default::default(),
        prisme_core::transactions::BadRows::Stop,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(reference["rows"].as_u64(), Some(tx.len() as u64));
    for (name, period) in [
        ("month", Period::Month),
        ("week", Period::Week),
        ("quarter", Period::Quarter),
    ] {
        let out = cohorts(
            &tx,
            &CohortParams {
                period,
                ..Default::default()
            },
        )
        .unwrap();
        let want = reference[name].as_array().unwrap();
        assert_eq!(out.cohorts.len(), want.len(), "{name}");
        for (got, want) in out.cohorts.iter().zip(want) {
            assert_eq!(got.label, want["label"].as_str().unwrap(), "{name}");
            assert_eq!(got.size, want["size"].as_u64().unwrap(), "{}", got.label);
            let active: Vec<u64> = want["active"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(got.active, active, "{}", got.label);
            let revenue = want["revenue"].as_array().unwrap();
            assert_eq!(got.revenue.len(), revenue.len());
            for (g, w) in got.revenue.iter().zip(revenue) {
                let w = w.as_f64().unwrap();
                assert!(
                    (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                    "{}: {g} vs {w}",
                    got.label
                );
            }
            assert_eq!(
                got.repeat_customers,
                want["repeat_customers"].as_u64().unwrap(),
                "{}",
                got.label
            );
        }
    }
}
