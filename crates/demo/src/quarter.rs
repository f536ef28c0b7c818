//! Calendar quarters as the evaluations name them (`2026-Q3`), for the
//! history's publication dates.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A calendar quarter, counted from year 0 (`year * 4 + quarter - 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter(i32);

impl Quarter {
    pub fn containing(day: NaiveDate) -> Quarter {
        Quarter(day.year() * 4 + (day.month0() / 3) as i32)
    }

    fn first_day_of(count: i32) -> NaiveDate {
        let month = (count.rem_euclid(4) * 3 + 1) as u32;
        NaiveDate::from_ymd_opt(count.div_euclid(4), month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn start(self) -> NaiveDate {
        Quarter::first_day_of(self.0)
    }

    pub fn end(self) -> NaiveDate {
        Quarter::first_day_of(self.0 + 1)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Quarter {
        Quarter(self.0 + 1)
    }

    pub fn previous(self) -> Quarter {
        Quarter(self.0 - 1)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.0.div_euclid(4), self.0.rem_euclid(4) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let q = Quarter::containing(d("2026-02-14"));
        assert_eq!(q.to_string(), "2026-Q1");
        assert_eq!((q.start(), q.end()), (d("2026-01-01"), d("2026-03-31")));
        assert_eq!(q.previous().to_string(), "2025-Q4");
        assert_eq!(q.previous().end(), d("2025-12-31"));
        assert_eq!(
            Quarter::containing(d("2026-12-31")).next().to_string(),
            "2027-Q1"
        );
    }
}
