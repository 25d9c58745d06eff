//! Named RFM segments (Champions, Loyal, … Lost), their summary, and migrations between two
//! snapshot dates.
//!
//! The rules work on a 5 × 5 grid of recency score R and a combined frequency–monetary score
//! FM = ⌊(F + M + 1) / 2⌋ (the mean of F and M, halves rounded up). They are the widely used
//! grid of the "RFM segments" practice, made mutually exclusive and exhaustive: every (R, FM)
//! cell belongs to exactly one segment (a test walks all 125 (R, F, M) combinations). Scores on
//! another number of levels are mapped linearly onto 1..=5 first, so the same names apply.
//!
//! | segment | R | FM |
//! | --- | --- | --- |
//! | Champions | 5 | 4–5 |
//! | Loyal | 3–4 | 4–5 |
//! | Potential loyalists | 4–5 | 2–3 |
//! | New | 5 | 1 |
//! | Promising | 4 | 1 |
//! | Need attention | 3 | 3 |
//! | About to sleep | 3 | 1–2 |
//! | At risk | 1–2 | 3–4 |
//! | Can't lose them | 1–2 | 5 |
//! | Hibernating | 2 | 1–2 |
//! | Lost | 1 | 1–2 |

use serde::{Deserialize, Serialize};

use crate::rfm::{Rfm, RfmError, RfmParams, rfm};
use crate::transactions::Transactions;

/// A named segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

/// One rule of the grid: inclusive ranges of R and FM on the 1..=5 scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRule {
    pub segment: Segment,
    pub r: (u8, u8),
    pub fm: (u8, u8),
}

/// The rules, in display order (best customers first).
pub const RULES: [SegmentRule; 11] = [
    rule(Segment::Champions, (5, 5), (4, 5)),
    rule(Segment::Loyal, (3, 4), (4, 5)),
    rule(Segment::PotentialLoyalists, (4, 5), (2, 3)),
    rule(Segment::New, (5, 5), (1, 1)),
    rule(Segment::Promising, (4, 4), (1, 1)),
    rule(Segment::NeedAttention, (3, 3), (3, 3)),
    rule(Segment::AboutToSleep, (3, 3), (1, 2)),
    rule(Segment::AtRisk, (1, 2), (3, 4)),
    rule(Segment::CantLoseThem, (1, 2), (5, 5)),
    rule(Segment::Hibernating, (2, 2), (1, 2)),
    rule(Segment::Lost, (1, 1), (1, 2)),
];

const fn rule(segment: Segment, r: (u8, u8), fm: (u8, u8)) -> SegmentRule {
    SegmentRule { segment, r, fm }
}

impl Segment {
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalists,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// Stable machine name (as in JSON and CSV exports).
    pub fn key(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalists => "potential-loyalists",
            Segment::New => "new",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need-attention",
            Segment::AboutToSleep => "about-to-sleep",
            Segment::AtRisk => "at-risk",
            Segment::CantLoseThem => "cant-lose-them",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    pub fn from_key(key: &str) -> Option<Segment> {
        Segment::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Loyal",
            Segment::PotentialLoyalists => "Potential loyalists",
            Segment::New => "New",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::AtRisk => "At risk",
            Segment::CantLoseThem => "Can't lose them",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Fidèles",
            Segment::PotentialLoyalists => "Fidèles potentiels",
            Segment::New => "Nouveaux",
            Segment::Promising => "Prometteurs",
            Segment::NeedAttention => "À surveiller",
            Segment::AboutToSleep => "En train de s'endormir",
            Segment::AtRisk => "À risque",
            Segment::CantLoseThem => "À ne pas perdre",
            Segment::Hibernating => "En hibernation",
            Segment::Lost => "Perdus",
        }
    }

    /// The rule as the user sees it, e.g. "R 3–4, FM 4–5".
    pub fn rule_text(self) -> String {
        let rule = RULES
            .iter()
            .find(|r| r.segment == self)
            .copied()
            .unwrap_or(RULES[0]);
        let range = |(lo, hi): (u8, u8)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}–{hi}")
            }
        };
        format!("R {}, FM {}", range(rule.r), range(rule.fm))
    }
}

/// Maps a score on `1..=levels` linearly onto `1..=5` (identity for quintiles).
pub fn to_five(score: u8, levels: u32) -> u8 {
    if levels == 5 || levels < 2 {
        return score.clamp(1, 5);
    }
    let s = f64::from(score.max(1) - 1) * 4.0 / f64::from(levels - 1);
    (1.0 + s.round()).clamp(1.0, 5.0) as u8
}

/// The combined frequency–monetary score on 1..=5.
pub fn fm_score(f: u8, m: u8) -> u8 {
    (f + m).div_ceil(2)
}

/// The segment of one customer's scores on `1..=levels`.
pub fn segment_of(r: u8, f: u8, m: u8, levels: u32) -> Segment {
    let r = to_five(r, levels);
    let fm = fm_score(to_five(f, levels), to_five(m, levels));
    RULES
        .iter()
        .find(|rule| (rule.r.0..=rule.r.1).contains(&r) && (rule.fm.0..=rule.fm.1).contains(&fm))
        .map_or(Segment::Lost, |rule| rule.segment)
}

/// Each customer's segment, in the RFM's customer order.
pub fn segments(rfm: &Rfm) -> Vec<Segment> {
    (0..rfm.customers())
        .map(|i| segment_of(rfm.r[i], rfm.f[i], rfm.m[i], rfm.tiles))
        .collect()
}

/// One segment's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    pub segment: Segment,
    pub label: String,
    pub rule: String,
    pub customers: u64,
    /// Share of all customers, 0..=1.
    pub share: f64,
    pub mean_recency: Option<f64>,
    pub mean_frequency: Option<f64>,
    pub mean_monetary: Option<f64>,
    /// Sum of the customers' monetary values.
    pub revenue: f64,
    /// Share of the total monetary value, 0..=1 (0 when the total is not positive).
    pub revenue_share: f64,
}

/// Figures per segment, every segment listed (empty ones with zero customers), in rule order.
pub fn summarize(rfm: &Rfm, segments: &[Segment]) -> Vec<SegmentSummary> {
    let n = segments.len();
    let mut count = [0u64; 11];
    let mut rec = [0f64; 11];
    let mut freq = [0f64; 11];
    let mut money = [0f64; 11];
    for (i, s) in segments.iter().enumerate() {
        let k = *s as usize;
        count[k] += 1;
        rec[k] += f64::from(rfm.recency[i]);
        freq[k] += f64::from(rfm.frequency[i]);
        money[k] += rfm.monetary[i];
    }
    let total: f64 = money.iter().sum();
    Segment::ALL
        .iter()
        .map(|&s| {
            let k = s as usize;
            let c = count[k] as f64;
            let mean = |x: f64| (count[k] > 0).then(|| x / c);
            SegmentSummary {
                segment: s,
                label: s.label_en().to_string(),
                rule: s.rule_text(),
                customers: count[k],
                share: if n > 0 { c / n as f64 } else { 0.0 },
                mean_recency: mean(rec[k]),
                mean_frequency: mean(freq[k]),
                mean_monetary: mean(money[k]),
                revenue: money[k],
                revenue_share: if total > 0.0 { money[k] / total } else { 0.0 },
            }
        })
        .collect()
}

/// Customers moving between segments from one snapshot to a later one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    pub from_snapshot: i32,
    pub to_snapshot: i32,
    /// Row and column labels: the segments in rule order.
    pub segments: Vec<Segment>,
    /// `matrix[i][j]`: customers in `segments[i]` at the first snapshot and `segments[j]` at
    /// the second.
    pub matrix: Vec<Vec<u64>>,
    /// Customers whose first purchase falls between the two snapshots, by segment at the second.
    pub new: Vec<u64>,
    /// Customers that kept their segment, over those present at both snapshots.
    pub stable_share: f64,
}

/// Errors of the migration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MigrationError {
    #[error("the first snapshot ({from}) must come before the second ({to})")]
    Order { from: String, to: String },
    #[error(transparent)]
    Rfm(#[from] RfmError),
}

/// Segments at `from` and at `to` (both snapshot days, purchases before each counted) with the
/// same RFM parameters, and the customers' moves between them.
pub fn migration(
    tx: &Transactions,
    params: &RfmParams,
    from: i32,
    to: i32,
) -> Result<Migration, MigrationError> {
    order(from, to)?;
    let at = |day: i32| {
        rfm(
            tx,
            &RfmParams {
                snapshot: Some(day),
                ..params.clone()
            },
        )
    };
    // Scoring at `to` fails only where scoring at `from` fails too: that error is the one told
    // (the earlier snapshot is the one with nothing before it).
    let after = match at(to) {
        Ok(a) => a,
        Err(e) => return Err(at(from).err().unwrap_or(e).into()),
    };
    let seg_after = segments(&after);
    migration_onto(tx, params, from, &after, &seg_after).map(|(m, _)| m)
}

fn order(from: i32, to: i32) -> Result<(), MigrationError> {
    if from >= to {
        return Err(MigrationError::Order {
            from: crate::ingest::date::format_days(from),
            to: crate::ingest::date::format_days(to),
        });
    }
    Ok(())
}

/// [`migration`] onto RFM scores already computed (`after`, with its segments) by the same
/// parameters, from `from` to `after`'s snapshot: the analysis has them, and scoring them again
/// cost a second pass over the purchases. Also returns each of `after`'s customers' segment at
/// `from` (`None` for those who had not bought yet), in `after`'s order.
pub fn migration_onto(
    tx: &Transactions,
    params: &RfmParams,
    from: i32,
    after: &Rfm,
    seg_after: &[Segment],
) -> Result<(Migration, Vec<Option<Segment>>), MigrationError> {
    let to = after.snapshot;
    order(from, to)?;
    let before = rfm(
        tx,
        &RfmParams {
            snapshot: Some(from),
            ..params.clone()
        },
    )?;
    let seg_before = segments(&before);
    let index: hashbrown::HashMap<&str, Segment> = before
        .customer_id
        .iter()
        .flatten()
        .zip(seg_before.iter().copied())
        .collect();
    let mut matrix = vec![vec![0u64; 11]; 11];
    let mut new = vec![0u64; 11];
    let (mut both, mut stable) = (0u64, 0u64);
    let mut previous = Vec::with_capacity(seg_after.len());
    for (id, &s) in after.customer_id.iter().flatten().zip(seg_after) {
        let b = index.get(id).copied();
        match b {
            Some(b) => {
                matrix[b as usize][s as usize] += 1;
                both += 1;
                stable += u64::from(b == s);
            }
            None => new[s as usize] += 1,
        }
        previous.push(b);
    }
    let migration = Migration {
        from_snapshot: from,
        to_snapshot: to,
        segments: Segment::ALL.to_vec(),
        matrix,
        new,
        stable_share: if both > 0 {
            stable as f64 / both as f64
        } else {
            0.0
        },
    };
    Ok((migration, previous))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_combination_has_exactly_one_segment() {
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                for m in 1..=5u8 {
                    let fm = fm_score(f, m);
                    let matching = RULES
                        .iter()
                        .filter(|rule| {
                            (rule.r.0..=rule.r.1).contains(&r)
                                && (rule.fm.0..=rule.fm.1).contains(&fm)
                        })
                        .count();
                    assert_eq!(matching, 1, "R{r} F{f} M{m} (FM {fm})");
                }
            }
        }
        // Every segment is reachable.
        for s in Segment::ALL {
            let reachable = (1..=5u8)
                .any(|r| (1..=5u8).any(|f| (1..=5u8).any(|m| segment_of(r, f, m, 5) == s)));
            assert!(reachable, "{s:?}");
        }
    }

    #[test]
    fn hand_checked_cells() {
        assert_eq!(segment_of(5, 5, 5, 5), Segment::Champions);
        assert_eq!(segment_of(5, 4, 3, 5), Segment::Champions); // FM = ceil(7/2) = 4
        assert_eq!(segment_of(5, 1, 1, 5), Segment::New);
        assert_eq!(segment_of(5, 2, 1, 5), Segment::PotentialLoyalists); // FM 2
        assert_eq!(segment_of(4, 1, 1, 5), Segment::Promising);
        assert_eq!(segment_of(3, 5, 4, 5), Segment::Loyal);
        assert_eq!(segment_of(3, 3, 2, 5), Segment::NeedAttention); // FM 3
        assert_eq!(segment_of(3, 2, 2, 5), Segment::AboutToSleep);
        assert_eq!(segment_of(2, 4, 3, 5), Segment::AtRisk);
        assert_eq!(segment_of(1, 5, 5, 5), Segment::CantLoseThem);
        assert_eq!(segment_of(2, 1, 2, 5), Segment::Hibernating);
        assert_eq!(segment_of(1, 1, 1, 5), Segment::Lost);
    }

    #[test]
    fn other_scales_map_onto_five() {
        assert_eq!(
            (1..=3).map(|s| to_five(s, 3)).collect::<Vec<_>>(),
            [1, 3, 5]
        );
        assert_eq!(
            (1..=10).map(|s| to_five(s, 10)).collect::<Vec<_>>(),
            [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(segment_of(3, 3, 3, 3), Segment::Champions);
        assert_eq!(segment_of(1, 1, 1, 3), Segment::Lost);
    }

    #[test]
    fn keys_round_trip() {
        for s in Segment::ALL {
            assert_eq!(Segment::from_key(s.key()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.key()));
        }
    }
}
