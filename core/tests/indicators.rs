//! Commercial indicators: a hand-computed case, slices adding up to the total, snapshot.

use arrow_array::Array;
use prisme_core::indicators::{IndicatorError, IndicatorParams, Indicators, Slice, indicators};
use prisme_core::ingest::date::days_from_civil;
use prisme_core::period::Period;
use prisme_core::transactions::Transactions;

fn d(y: i32, m: u32, day: u32) -> i32 {
    days_from_civil(y, m, day)
}

/// The cohort test's six customers (a to f) over January to April 2024, with a channel per row.
fn small() -> (Transactions, Vec<Option<&'static str>>) {
    let rows = [
        ("a", d(2024, 1, 5), 10.0, Some("web")),
        ("b", d(2024, 1, 31), 7.0, Some("store")),
        ("c", d(2024, 2, 10), 4.0, Some("web")),
        ("a", d(2024, 1, 20), 5.0, Some("store")),
        ("d", d(2024, 2, 28), 8.0, None),
        ("b", d(2024, 2, 1), 3.0, Some("web")),
        ("c", d(2024, 2, 10), 6.0, Some("store")),
        ("e", d(2024, 3, 15), 9.0, Some("web")),
        ("a", d(2024, 3, 2), 20.0, Some("web")),
        ("f", d(2024, 3, 31), 12.0, Some("store")),
        ("d", d(2024, 4, 1), 2.0, Some("web")),
        ("e", d(2024, 4, 30), 1.0, None),
        ("e", d(2024, 4, 30), 1.0, Some("store")),
    ];
    let tx = Transactions::from_rows(
        &rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect(),
        rows.iter().map(|r| r.2).collect(),
    );
    (tx, rows.iter().map(|r| r.3).collect())
}

/// A per-customer value for each id, in the transactions' dictionary order.
fn per_customer<T: Copy>(tx: &Transactions, f: impl Fn(&str) -> T) -> Vec<T> {
    let ids = tx.customer_ids();
    (0..ids.len()).map(|i| f(ids.value(i))).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn monthly_totals_by_hand() {
    let (tx, _) = small();
    let clv = per_customer(&tx, |id| match id {
        "a" => 100.0,
        "b" => 200.0,
        "c" => 300.0,
        "d" => 400.0,
        "e" => 500.0,
        _ => 600.0,
    });
    let out = indicators(&tx, &IndicatorParams::default(), None, Some(&clv)).unwrap();
    assert!(out.slices.is_empty());
    let t = &out.total;
    let labels: Vec<&str> = t.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["2024-01", "2024-02", "2024-03", "2024-04"]);
    // January: a 10 + 5, b 7. Both new.
    assert_eq!(t[0].revenue, 22.0);
    assert_eq!(t[0].orders, 3);
    assert_eq!(t[0].active_customers, 2);
    assert_eq!((t[0].new_customers, t[0].returning_customers), (2, 0));
    assert_eq!(t[0].average_basket, Some(22.0 / 3.0));
    assert_eq!(t[0].purchase_frequency, Some(1.5));
    assert_eq!(t[0].churn_rate, None);
    assert_eq!(t[0].clv, Some(300.0));
    assert_eq!(t[0].change.revenue, None);
    // February: b 3, c 4 + 6, d 8. c and d new, b returning; a (January) lost: churn 1/2.
    assert_eq!(t[1].revenue, 21.0);
    assert_eq!(t[1].orders, 4);
    assert_eq!(t[1].active_customers, 3);
    assert_eq!((t[1].new_customers, t[1].returning_customers), (2, 1));
    assert_eq!(t[1].average_basket, Some(5.25));
    assert_eq!(t[1].churn_rate, Some(0.5));
    assert_eq!(t[1].clv, Some(900.0));
    let rev = t[1].change.revenue.unwrap();
    assert_eq!(rev.absolute, -1.0);
    assert_eq!(rev.relative, Some(-1.0 / 22.0));
    // March: a 20, e 9, f 12. Nobody from February came back: churn 3/3.
    assert_eq!(t[2].revenue, 41.0);
    assert_eq!((t[2].new_customers, t[2].returning_customers), (2, 1));
    assert_eq!(t[2].churn_rate, Some(1.0));
    assert_eq!(t[2].purchase_frequency, Some(1.0));
    // April: d 2, e 1 + 1. a and f lost of {a, e, f}: 2/3.
    assert_eq!(t[3].revenue, 4.0);
    assert_eq!(t[3].orders, 3);
    assert_eq!((t[3].new_customers, t[3].returning_customers), (0, 2));
    assert_eq!(t[3].churn_rate, Some(2.0 / 3.0));
    assert_eq!(t[3].clv, Some(900.0));
    let new = t[3].change.new_customers.unwrap();
    assert_eq!((new.absolute, new.relative), (-2.0, Some(-1.0)));
    let churn = t[3].change.churn_rate.unwrap();
    assert!(close(churn.absolute, 2.0 / 3.0 - 1.0));
}

#[test]
fn per_row_slices_by_hand_and_summing_to_total() {
    let (tx, channel) = small();
    let out = indicators(
        &tx,
        &IndicatorParams::default(),
        Some(Slice::Rows(&channel)),
        None,
    )
    .unwrap();
    let values: Vec<Option<&str>> = out.slices.iter().map(|s| s.value.as_deref()).collect();
    assert_eq!(values, [Some("store"), Some("web"), None]);
    // Web: Jan a 10; Feb c 4, b 3; Mar e 9, a 20; Apr d 2.
    let web = &out.slices[1].periods;
    assert_eq!(
        web.iter().map(|p| p.revenue).collect::<Vec<_>>(),
        [10.0, 7.0, 29.0, 2.0]
    );
    assert_eq!(
        web.iter().map(|p| p.active_customers).collect::<Vec<_>>(),
        [1, 2, 2, 1]
    );
    // New to the business, not to the channel: d first bought in February (no channel).
    assert_eq!(
        web.iter().map(|p| p.new_customers).collect::<Vec<_>>(),
        [1, 1, 1, 0]
    );
    assert_eq!(
        web.iter().map(|p| p.churn_rate).collect::<Vec<_>>(),
        [None, Some(1.0), Some(1.0), Some(1.0)]
    );
    assert_additive(&out, false);
    insta::assert_snapshot!(serde_json::to_string_pretty(&out).unwrap());
}

#[test]
fn per_customer_slices_by_hand_and_summing_to_total() {
    let (tx, _) = small();
    let region = per_customer(&tx, |id| match id {
        "a" | "b" | "c" => Some("north"),
        "d" | "e" => Some("south"),
        _ => None,
    });
    let out = indicators(
        &tx,
        &IndicatorParams::default(),
        Some(Slice::Customers(&region)),
        None,
    )
    .unwrap();
    let north = &out.slices[0].periods;
    assert_eq!(out.slices[0].value.as_deref(), Some("north"));
    // North = a, b, c: Jan 22 (a, b); Feb 13 (b, c; c new); Mar 20 (a); Apr nothing.
    assert_eq!(
        north.iter().map(|p| p.revenue).collect::<Vec<_>>(),
        [22.0, 13.0, 20.0, 0.0]
    );
    assert_eq!(
        north.iter().map(|p| p.churn_rate).collect::<Vec<_>>(),
        [None, Some(0.5), Some(1.0), Some(1.0)]
    );
    assert_eq!(north[3].average_basket, None);
    assert_eq!(north[3].change.average_basket, None);
    assert_eq!(north[3].change.revenue.unwrap().relative, Some(-1.0));
    assert_additive(&out, true);
}

/// Revenue and orders of the slices add up to the total; customer counts too when each
/// customer is in one slice.
fn assert_additive(out: &Indicators, customers_too: bool) {
    for (p, total) in out.total.iter().enumerate() {
        let sum = |f: &dyn Fn(&prisme_core::indicators::PeriodIndicators) -> f64| {
            out.slices.iter().map(|s| f(&s.periods[p])).sum::<f64>()
        };
        assert!(close(sum(&|x| x.revenue), total.revenue));
        assert_eq!(sum(&|x| x.orders as f64), total.orders as f64);
        if customers_too {
            assert_eq!(
                sum(&|x| x.active_customers as f64),
                total.active_customers as f64
            );
            assert_eq!(sum(&|x| x.new_customers as f64), total.new_customers as f64);
        } else {
            assert!(sum(&|x| x.active_customers as f64) >= total.active_customers as f64);
        }
    }
}

#[test]
fn synthetic_slices_add_up() {
    let bytes = prisme_core::synth::transactions_csv(&prisme_core::synth::SynthParams {
        extra_columns: false,
        ..prisme_core::synth::SynthParams::new(20_000)
    });
    let (tx, _) = prisme_core::transactions::load_transactions(
        "s.csv",
        &bytes,
        &Default::default(),
        prisme_core::transactions::BadRows::Stop,
        &mut |_| {},
    )
    .unwrap();
    let keys = tx.customer.keys().values();
    let labels = ["a", "b", "c"];
    let per_row: Vec<Option<&str>> = (0..tx.len())
        .map(|i| (i % 7 != 0).then(|| labels[i % 3]))
        .collect();
    let per_cust: Vec<Option<&str>> = (0..tx.customer_ids().len())
        .map(|c| Some(labels[c % 3]))
        .collect();
    for (slice, customers) in [
        (Slice::Rows(&per_row), false),
        (Slice::Customers(&per_cust), true),
    ] {
        for period in [Period::Month, Period::Quarter, Period::Year, Period::Week] {
            let out = indicators(&tx, &IndicatorParams { period }, Some(slice), None).unwrap();
            assert_additive(&out, customers);
            let rows: u64 = out.total.iter().map(|p| p.orders).sum();
            assert_eq!(rows as usize, keys.len());
        }
    }
}

#[test]
fn errors() {
    let (tx, channel) = small();
    let empty = Transactions::from_rows::<&str>(&[], vec![], vec![]);
    let p = IndicatorParams::default();
    assert_eq!(
        indicators(&empty, &p, None, None),
        Err(IndicatorError::NoTransactions)
    );
    assert!(matches!(
        indicators(&tx, &p, Some(Slice::Rows(&channel[1..])), None),
        Err(IndicatorError::SliceLength { per: "row", .. })
    ));
    assert!(matches!(
        indicators(&tx, &p, Some(Slice::Customers(&channel)), None),
        Err(IndicatorError::SliceLength {
            per: "customer",
            ..
        })
    ));
    assert!(matches!(
        indicators(&tx, &p, None, Some(&[1.0])),
        Err(IndicatorError::ClvLength {
            len: 1,
            expected: 6
        })
    ));
    let q: IndicatorParams = serde_json::from_str(r#"{"period": "quarter"}"#).unwrap();
    let out = indicators(&tx, &q, None, None).unwrap();
    assert_eq!(out.total.len(), 2);
    assert_eq!(out.total[1].label, "2024-Q2");
    assert_eq!(out.total[1].churn_rate, Some(4.0 / 6.0));
}

/// Against the same period a year earlier: months 12 apart, quarters 4, years 1, ISO weeks 52.
#[test]
fn change_against_the_same_period_last_year_by_hand() {
    let tx = Transactions::from_rows(
        &["a", "b", "a", "c", "b"],
        vec![
            d(2023, 1, 10),
            d(2023, 1, 20),
            d(2024, 1, 5),
            d(2024, 1, 6),
            d(2024, 1, 30),
        ],
        vec![100.0, 50.0, 60.0, 90.0, 75.0],
    );
    let monthly = indicators(
        &tx,
        &IndicatorParams {
            period: Period::Month,
        },
        None,
        None,
    )
    .unwrap();
    let jan24 = monthly.total.iter().find(|p| p.label == "2024-01").unwrap();
    let y = &jan24.change_year;
    // January 2023: 150 revenue, 2 orders, 2 customers; January 2024: 225, 3 orders, 3 customers.
    let revenue = y.revenue.as_ref().unwrap();
    assert_eq!(revenue.absolute, 75.0);
    assert_eq!(revenue.relative, Some(0.5));
    assert_eq!(y.orders.as_ref().unwrap().absolute, 1.0);
    assert_eq!(y.active_customers.as_ref().unwrap().relative, Some(0.5));
    // The first year has nothing to compare with.
    let jan23 = &monthly.total[0];
    assert!(jan23.change_year.revenue.is_none());
    // December 2023 is only eleven months after the first month: nothing a year before it.
    let dec23 = monthly.total.iter().find(|p| p.label == "2023-12").unwrap();
    assert!(dec23.change_year.revenue.is_none());
    let quarterly = indicators(
        &tx,
        &IndicatorParams {
            period: Period::Quarter,
        },
        None,
        None,
    )
    .unwrap();
    let q1 = quarterly
        .total
        .iter()
        .find(|p| p.label == "2024-Q1")
        .unwrap();
    assert_eq!(q1.change_year.revenue.as_ref().unwrap().relative, Some(0.5));
    let yearly = indicators(
        &tx,
        &IndicatorParams {
            period: Period::Year,
        },
        None,
        None,
    )
    .unwrap();
    assert_eq!(
        yearly.total[1]
            .change_year
            .revenue
            .as_ref()
            .unwrap()
            .absolute,
        75.0
    );
    assert_eq!(yearly.total[1].change_year, yearly.total[1].change);
}
