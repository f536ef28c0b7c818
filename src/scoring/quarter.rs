//! Calendar quarters: `2026-Q3` runs from 1 July to 30 September 2026.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar quarter. `q` is 1 to 4; [`Quarter::new`], [`Quarter::parse`]
/// and deserialisation never produce another value. A value built by hand
/// with `q` outside 1..=4 is treated as the nearest valid quarter.
///
/// Serialised as `{"year": 2026, "q": 3}`; ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawQuarter")]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuarter {
    year: i32,
    q: u8,
}

impl TryFrom<RawQuarter> for Quarter {
    type Error = String;

    fn try_from(raw: RawQuarter) -> Result<Quarter, String> {
        Quarter::new(raw.year, raw.q)
            .ok_or_else(|| format!("invalid quarter: year {}, q {}", raw.year, raw.q))
    }
}

impl Quarter {
    /// A quarter whose dates exist in the calendar (`q` in 1..=4).
    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        let quarter = Quarter { year, q };
        let in_range = (1..=4).contains(&q)
            && NaiveDate::from_ymd_opt(year, 1, 1).is_some()
            && NaiveDate::from_ymd_opt(year, 12, 31).is_some();
        in_range.then_some(quarter)
    }

    /// Reads `2026-Q3` (a lower-case `q` and surrounding spaces are accepted).
    pub fn parse(s: &str) -> Option<Quarter> {
        let (year, q) = s.trim().split_once('-')?;
        let q = q.strip_prefix('Q').or_else(|| q.strip_prefix('q'))?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year) || !digits(q) || year.len() > 6 || q.len() != 1 {
            return None;
        }
        Quarter::new(year.parse().ok()?, q.parse().ok()?)
    }

    /// The quarter a date falls in.
    pub fn containing(date: NaiveDate) -> Quarter {
        let q = match date.month() {
            1..=3 => 1,
            4..=6 => 2,
            7..=9 => 3,
            _ => 4,
        };
        Quarter {
            year: date.year(),
            q,
        }
    }

    fn q_clamped(self) -> u32 {
        u32::from(self.q.clamp(1, 4))
    }

    fn saturated(self) -> NaiveDate {
        if self.year < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        }
    }

    /// The first day of the quarter.
    pub fn start(self) -> NaiveDate {
        let month = 3 * (self.q_clamped() - 1) + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or_else(|| self.saturated())
    }

    /// The last day of the quarter (inclusive).
    pub fn end(self) -> NaiveDate {
        let q = self.q_clamped();
        let day = if q == 1 || q == 4 { 31 } else { 30 };
        NaiveDate::from_ymd_opt(self.year, 3 * q, day).unwrap_or_else(|| self.saturated())
    }

    /// Whether `date` lies within the quarter.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    pub fn previous(self) -> Quarter {
        match self.q_clamped() {
            1 => Quarter {
                year: self.year.saturating_sub(1),
                q: 4,
            },
            q => Quarter {
                year: self.year,
                q: u8::try_from(q - 1).unwrap_or(1),
            },
        }
    }

    pub fn next(self) -> Quarter {
        match self.q_clamped() {
            4 => Quarter {
                year: self.year.saturating_add(1),
                q: 1,
            },
            q => Quarter {
                year: self.year,
                q: u8::try_from(q + 1).unwrap_or(4),
            },
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = InvalidQuarter;

    fn from_str(s: &str) -> Result<Quarter, InvalidQuarter> {
        Quarter::parse(s).ok_or(InvalidQuarter)
    }
}

/// The text is not a quarter such as `2026-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidQuarter;

impl fmt::Display for InvalidQuarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a quarter such as 2026-Q3")
    }
}

impl std::error::Error for InvalidQuarter {}
