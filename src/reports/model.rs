//! The monthly service list as numbers: the month, its columns and sort
//! keys, the rows and their totals.

use std::cmp::Ordering;

use chrono::{Datelike, Months, NaiveDate};

use crate::i18n::Lang;
use crate::level::Level;

use super::text::text;

/// A calendar month, held as its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub(super) first: NaiveDate,
}

impl Month {
    /// The month `day` falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    /// `YYYY-MM` (years 1900 to 9999); anything else is `None`.
    pub fn parse(raw: &str) -> Option<Month> {
        let raw = raw.trim();
        let (y, m) = raw.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.chars().chain(m.chars())).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        if year < 1900 {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(|first| Month { first })
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    /// The month's last day.
    pub fn last(self) -> NaiveDate {
        self.next().first.pred_opt().unwrap_or(self.first)
    }

    pub fn next(self) -> Month {
        Month {
            first: self
                .first
                .checked_add_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    pub fn prev(self) -> Month {
        Month {
            first: self
                .first
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first),
        }
    }

    /// `YYYY-MM`.
    pub fn code(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    /// "2026年3月" / "March 2026".
    pub fn label(self, lang: Lang) -> String {
        (text(lang).month_label)(self.first.year(), self.first.month())
    }
}

/// The month to show for a `month` parameter: the current month when it is
/// missing, and also (with `true`: tell the user) when it is malformed or in
/// the future.
pub fn choose_month(raw: Option<&str>, today: NaiveDate) -> (Month, bool) {
    let current = Month::of(today);
    match raw.map(str::trim) {
        None | Some("") => (current, false),
        Some(raw) => match Month::parse(raw) {
            Some(m) if m <= current => (m, false),
            _ => (current, true),
        },
    }
}

/// A counted column of the list, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Visits,
    Inspections,
    HazardsFound,
    HazardsRectified,
    DisputesResolved,
    Incidents,
    DemandsReceived,
    DemandsResolved,
    Trainings,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Visits,
        Column::Inspections,
        Column::HazardsFound,
        Column::HazardsRectified,
        Column::DisputesResolved,
        Column::Incidents,
        Column::DemandsReceived,
        Column::DemandsResolved,
        Column::Trainings,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Column::Visits => "visits",
            Column::Inspections => "inspections",
            Column::HazardsFound => "hazards_found",
            Column::HazardsRectified => "hazards_rectified",
            Column::DisputesResolved => "disputes_resolved",
            Column::Incidents => "incidents",
            Column::DemandsReceived => "demands_received",
            Column::DemandsResolved => "demands_resolved",
            Column::Trainings => "trainings",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let t = text(lang);
        match self {
            Column::Visits => t.col_visits,
            Column::Inspections => t.col_inspections,
            Column::HazardsFound => t.col_hazards_found,
            Column::HazardsRectified => t.col_hazards_rectified,
            Column::DisputesResolved => t.col_disputes_resolved,
            Column::Incidents => t.col_incidents,
            Column::DemandsReceived => t.col_demands_received,
            Column::DemandsResolved => t.col_demands_resolved,
            Column::Trainings => t.col_trainings,
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// Whether the column adds to a row's total service (inspections are
    /// already among the visits).
    pub(super) fn in_total(self) -> bool {
        self != Column::Inspections
    }

    /// The record list showing exactly the records this column counts, for
    /// one enterprise or (with `None`) the whole station.
    pub fn href(self, enterprise: Option<i64>, month: Month) -> String {
        let (path, filter) = match self {
            Column::Visits => ("/visits", ""),
            Column::Inspections => ("/visits", "kind=inspection&"),
            Column::HazardsFound => ("/hazards", "on=found&"),
            Column::HazardsRectified => ("/hazards", "on=rectified&"),
            Column::DisputesResolved => ("/disputes", "on=resolved&"),
            Column::Incidents => ("/incidents", ""),
            Column::DemandsReceived => ("/demands", "on=received&"),
            Column::DemandsResolved => ("/demands", "on=resolved&"),
            Column::Trainings => ("/trainings", ""),
        };
        let enterprise = enterprise
            .map(|id| format!("enterprise={id}&"))
            .unwrap_or_default();
        format!(
            "{path}?{enterprise}{filter}from={}&to={}",
            month.first(),
            month.last()
        )
    }
}

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Level,
    Liaison,
    Count(Column),
    Total,
    Change,
}

impl SortKey {
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Level => "level",
            SortKey::Liaison => "liaison",
            SortKey::Count(c) => c.code(),
            SortKey::Total => "total",
            SortKey::Change => "change",
        }
    }

    /// An unknown key sorts by name.
    pub fn parse(raw: &str) -> SortKey {
        match raw.trim() {
            "level" => SortKey::Level,
            "liaison" => SortKey::Liaison,
            "total" => SortKey::Total,
            "change" => SortKey::Change,
            other => Column::ALL
                .into_iter()
                .find(|c| c.code() == other)
                .map_or(SortKey::Name, SortKey::Count),
        }
    }

    /// Words ascend; numbers start with the largest.
    pub(super) fn default_dir(self) -> Dir {
        match self {
            SortKey::Name | SortKey::Level | SortKey::Liaison => Dir::Asc,
            SortKey::Count(_) | SortKey::Total | SortKey::Change => Dir::Desc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

impl Dir {
    pub fn code(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }

    pub(super) fn parse(raw: &str) -> Option<Dir> {
        match raw.trim() {
            "asc" => Some(Dir::Asc),
            "desc" => Some(Dir::Desc),
            _ => None,
        }
    }

    pub(super) fn flip(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }

    pub(super) fn apply(self, o: Ordering) -> Ordering {
        match self {
            Dir::Asc => o,
            Dir::Desc => o.reverse(),
        }
    }
}

/// One enterprise's line.
#[derive(Debug, Clone)]
pub struct Row {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub closed: bool,
    pub current_level: Option<Level>,
    pub liaison: Option<String>,
    /// This month, per [`Column::ALL`].
    pub counts: [i64; 9],
    /// The previous month, per [`Column::ALL`].
    pub prev: [i64; 9],
}

pub(super) fn service_total(counts: &[i64; 9]) -> i64 {
    Column::ALL
        .iter()
        .filter(|c| c.in_total())
        .map(|c| counts[c.index()])
        .sum()
}

impl Row {
    pub fn count(&self, column: Column) -> i64 {
        self.counts[column.index()]
    }

    /// Total service this month.
    pub fn total(&self) -> i64 {
        service_total(&self.counts)
    }

    pub fn prev_total(&self) -> i64 {
        service_total(&self.prev)
    }

    pub fn change(&self) -> i64 {
        self.total() - self.prev_total()
    }
}

/// The monthly service list of a station.
#[derive(Debug, Clone)]
pub struct Report {
    pub month: Month,
    /// Enterprises with any count this month.
    pub rows: Vec<Row>,
    /// Sums of this month's rows, per [`Column::ALL`].
    pub totals: [i64; 9],
    /// The previous month's sums over every enterprise, per [`Column::ALL`].
    pub prev_totals: [i64; 9],
    /// Active enterprises with no count this month.
    pub quiet_active: i64,
}

impl Report {
    pub fn total(&self, column: Column) -> i64 {
        self.totals[column.index()]
    }

    pub fn prev_total(&self, column: Column) -> i64 {
        self.prev_totals[column.index()]
    }

    pub fn grand_total(&self) -> i64 {
        service_total(&self.totals)
    }

    pub fn prev_grand_total(&self) -> i64 {
        service_total(&self.prev_totals)
    }

    /// Order the rows; ties (and the name order itself) fall back on the
    /// name, then the id, so the order is stable.
    pub fn sort(&mut self, key: SortKey, dir: Dir) {
        fn level_rank(l: Option<Level>) -> Option<u8> {
            l.map(|l| match l {
                Level::Red => 0,
                Level::Yellow => 1,
                Level::Green => 2,
            })
        }
        // Missing values (no level, no liaison officer) last either way.
        fn some_first<T: Ord>(a: Option<T>, b: Option<T>, dir: Dir) -> Ordering {
            match (a, b) {
                (Some(a), Some(b)) => dir.apply(a.cmp(&b)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        self.rows.sort_by(|a, b| {
            let primary = match key {
                SortKey::Name => dir.apply(a.name.cmp(&b.name)),
                SortKey::Level => some_first(
                    level_rank(a.current_level),
                    level_rank(b.current_level),
                    dir,
                ),
                SortKey::Liaison => some_first(a.liaison.as_ref(), b.liaison.as_ref(), dir),
                SortKey::Count(c) => dir.apply(a.count(c).cmp(&b.count(c))),
                SortKey::Total => dir.apply(a.total().cmp(&b.total())),
                SortKey::Change => dir.apply(a.change().cmp(&b.change())),
            };
            primary
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.enterprise_id.cmp(&b.enterprise_id))
        });
    }
}

/// "+3", "−2" (a real minus sign), "±0".
pub fn signed(n: i64) -> String {
    match n.cmp(&0) {
        Ordering::Greater => format!("+{n}"),
        Ordering::Less => format!("\u{2212}{}", n.unsigned_abs()),
        Ordering::Equal => "±0".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!(m.first(), day("2026-02-01"));
        assert_eq!(m.last(), day("2026-02-28"));
        assert_eq!(m.prev().code(), "2026-01");
        assert_eq!(Month::parse("2025-12").unwrap().next().code(), "2026-01");
        assert_eq!(Month::parse("2024-02").unwrap().last(), day("2024-02-29"));
        for bad in [
            "2026-13", "2026-00", "26-01", "2026-1", "2026/01", "", "x", "1899-12",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Month::parse("2026-03").unwrap().label(Lang::Zh),
            "2026年3月"
        );
        assert_eq!(
            Month::parse("2026-03").unwrap().label(Lang::En),
            "March 2026"
        );
    }

    #[test]
    fn bad_or_future_months_fall_back_to_this_month() {
        let today = day("2026-04-20");
        assert_eq!(choose_month(None, today), (Month::of(today), false));
        assert_eq!(choose_month(Some(""), today), (Month::of(today), false));
        assert_eq!(
            choose_month(Some("2026-03"), today),
            (Month::parse("2026-03").unwrap(), false)
        );
        assert_eq!(
            choose_month(Some("2026-04"), today),
            (Month::of(today), false)
        );
        assert_eq!(
            choose_month(Some("2026-05"), today),
            (Month::of(today), true)
        );
        assert_eq!(choose_month(Some("abc"), today), (Month::of(today), true));
    }

    #[test]
    fn links_follow_the_contract() {
        let m = Month::parse("2026-03").unwrap();
        assert_eq!(
            Column::Inspections.href(Some(7), m),
            "/visits?enterprise=7&kind=inspection&from=2026-03-01&to=2026-03-31"
        );
        assert_eq!(
            Column::HazardsRectified.href(None, m),
            "/hazards?on=rectified&from=2026-03-01&to=2026-03-31"
        );
        assert_eq!(
            Column::Trainings.href(Some(3), m),
            "/trainings?enterprise=3&from=2026-03-01&to=2026-03-31"
        );
    }

    #[test]
    fn signs_and_sort_keys() {
        assert_eq!(signed(3), "+3");
        assert_eq!(signed(-2), "\u{2212}2");
        assert_eq!(signed(0), "±0");
        assert_eq!(
            SortKey::parse("hazards_found"),
            SortKey::Count(Column::HazardsFound)
        );
        assert_eq!(SortKey::parse("bogus"), SortKey::Name);
        assert_eq!(SortKey::parse("change"), SortKey::Change);
    }
}
