//! Calendar periods (ISO weeks, months, quarters, years) as consecutive integers.
//!
//! Cohort and indicator tables need "the next period" and "k periods later" as plain
//! arithmetic, so each period maps to an ordinal where consecutive periods differ by one; the
//! label is only made for output. Weeks are ISO 8601: they start on Monday and belong to the
//! year of their Thursday, so 2020-12-31 is in 2020-W53 and 2021-01-03 too.

use serde::{Deserialize, Serialize};

use crate::ingest::date::{civil_from_days, days_from_civil};

/// A calendar period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// ISO 8601 week, Monday to Sunday, labelled `2024-W05`.
    Week,
    /// Calendar month, labelled `2024-01`.
    #[default]
    Month,
    /// Calendar quarter, labelled `2024-Q1`.
    Quarter,
    /// Calendar year, labelled `2024`.
    Year,
}

impl Period {
    /// Periods in a year, for "the same period last year" (an ISO year has 52 or 53 weeks:
    /// retail compares with 52 weeks earlier, the same weekday).
    pub fn per_year(self) -> usize {
        match self {
            Period::Week => 52,
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }

    /// Ordinal of the period containing `day` (days since 1970-01-01); consecutive periods
    /// have consecutive ordinals.
    pub fn index(self, day: i32) -> i32 {
        match self {
            // 1970-01-01 was a Thursday: its week started on day -3.
            Period::Week => (day + 3).div_euclid(7),
            _ => {
                let (y, m, _) = civil_from_days(day);
                match self {
                    Period::Month => y * 12 + m as i32 - 1,
                    Period::Quarter => y * 4 + (m as i32 - 1) / 3,
                    _ => y,
                }
            }
        }
    }

    /// First day of the period with this ordinal.
    pub fn start(self, index: i32) -> i32 {
        match self {
            Period::Week => index * 7 - 3,
            Period::Month => {
                days_from_civil(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
            }
            Period::Quarter => {
                days_from_civil(index.div_euclid(4), index.rem_euclid(4) as u32 * 3 + 1, 1)
            }
            Period::Year => days_from_civil(index, 1, 1),
        }
    }

    /// `2024-W05`, `2024-01`, `2024-Q1` or `2024`.
    pub fn label(self, index: i32) -> String {
        match self {
            Period::Week => {
                let (year, week) = iso_week(self.start(index));
                format!("{year:04}-W{week:02}")
            }
            Period::Month => format!(
                "{:04}-{:02}",
                index.div_euclid(12),
                index.rem_euclid(12) + 1
            ),
            Period::Quarter => format!("{:04}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
            Period::Year => format!("{index:04}"),
        }
    }
}

/// ISO 8601 (year, week) of a day.
pub fn iso_week(day: i32) -> (i32, u32) {
    // Thursday of the same Monday-to-Sunday week decides the year.
    let thursday = (day + 3).div_euclid(7) * 7;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// Period ordinal per day over `[min, max]`: rows look their period up instead of each
/// converting a date.
pub(crate) struct PeriodTable {
    first_day: i32,
    index: Vec<i32>,
}

impl PeriodTable {
    pub(crate) fn new(period: Period, min: i32, max: i32) -> Self {
        PeriodTable {
            first_day: min,
            index: (min..=max).map(|d| period.index(d)).collect(),
        }
    }

    #[inline]
    pub(crate) fn get(&self, day: i32) -> i32 {
        self.index[(day - self.first_day) as usize]
    }
}
