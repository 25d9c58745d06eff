//! Named segments, their summary and migrations on hand-computed examples.

use prisme_core::rfm::{RfmParams, rfm};
use prisme_core::segment::{Segment, migration, segments, summarize};
use prisme_core::transactions::Transactions;

/// Five customers (see the RFM unit test of the same data for the scores):
///   a: day 105, 10.25          -> R3 F1 M3, FM 2 -> About to sleep
///   b: days 108, 110, 30.00    -> R4 F4 M4, FM 4 -> Loyal
///   c: days 98, 99, 100, 5.00  -> R1 F5 M2, FM 4 -> At risk
///   d: day 110, 30.00          -> R5 F2 M5, FM 4 -> Champions
///   e: day 101, 1.00           -> R2 F3 M1, FM 2 -> Hibernating
fn example() -> Transactions {
    Transactions::from_rows(
        &["b", "a", "c", "c", "b", "c", "d", "e"],
        vec![108, 105, 100, 99, 110, 98, 110, 101],
        vec![10.0, 10.25, 1.0, 2.0, 20.0, 2.0, 30.0, 1.0],
    )
}

#[test]
fn segments_and_summary_by_hand() {
    let out = rfm(&example(), &RfmParams::default()).unwrap();
    let seg = segments(&out);
    assert_eq!(
        seg,
        vec![
            Segment::AboutToSleep,
            Segment::Loyal,
            Segment::AtRisk,
            Segment::Champions,
            Segment::Hibernating
        ]
    );
    let summary = summarize(&out, &seg);
    assert_eq!(summary.len(), 11);
    assert_eq!(summary.iter().map(|s| s.customers).sum::<u64>(), 5);
    let loyal = summary
        .iter()
        .find(|s| s.segment == Segment::Loyal)
        .unwrap();
    assert_eq!(loyal.customers, 1);
    assert_eq!(loyal.share, 0.2);
    assert_eq!(loyal.mean_recency, Some(1.0));
    assert_eq!(loyal.mean_frequency, Some(2.0));
    assert_eq!(loyal.revenue, 30.0);
    // Total monetary 10.25 + 30 + 5 + 30 + 1 = 76.25.
    assert!((loyal.revenue_share - 30.0 / 76.25).abs() < 1e-15);
    assert_eq!(loyal.rule, "R 3–4, FM 4–5");
    let lost = summary.iter().find(|s| s.segment == Segment::Lost).unwrap();
    assert_eq!((lost.customers, lost.mean_monetary), (0, None));
}

#[test]
fn migration_by_hand() {
    // At day 106 only a (day 105), c (98-100) and e (101) have bought; three customers, five
    // tiles, so NTILE gives 1, 2, 3:
    //   R (recency desc): c 6 -> 1, e 5 -> 2, a 1 -> 3
    //   F (asc, id ties): a 1 -> 1, e 1 -> 2, c 3 -> 3
    //   M (asc): e 1 -> 1, c 5 -> 2, a 10.25 -> 3
    //   a R3 FM2 About to sleep; c R1 FM3 At risk; e R2 FM2 Hibernating.
    // At day 111 (all purchases): as in the example above; b and d are new.
    let m = migration(&example(), &RfmParams::default(), 106, 111).unwrap();
    let at = |from: Segment, to: Segment| m.matrix[from as usize][to as usize];
    assert_eq!(at(Segment::AboutToSleep, Segment::AboutToSleep), 1);
    assert_eq!(at(Segment::AtRisk, Segment::AtRisk), 1);
    assert_eq!(at(Segment::Hibernating, Segment::Hibernating), 1);
    assert_eq!(m.matrix.iter().flatten().sum::<u64>(), 3);
    assert_eq!(m.new[Segment::Loyal as usize], 1);
    assert_eq!(m.new[Segment::Champions as usize], 1);
    assert_eq!(m.new.iter().sum::<u64>(), 2);
    assert_eq!(m.stable_share, 1.0);
    assert!(migration(&example(), &RfmParams::default(), 111, 106).is_err());
}
