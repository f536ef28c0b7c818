//! Reports of the station's work: the monthly service list.
//!
//! `GET /reports/monthly?month=YYYY-MM&sort=<column>&dir=asc|desc` and its
//! CSV twin `GET /reports/monthly.csv`, for officers and chiefs of a station.
//!
//! # What is counted
//!
//! For month M (its first to its last day) and every enterprise of the
//! station that is not deleted: visits (any kind) and, among them, security
//! inspections by `visited_on`; hazards by `found_on` and by `rectified_on`;
//! disputes by `resolved_on`; incidents by `occurred_on`; demands by
//! `received_on` and by `resolved_on`; trainings held in M that the enterprise
//! attended. Deleted records are never counted. Every count links to the
//! record list filtered to exactly those records (the shared contract of
//! issue 6: `enterprise`, `from`, `to`, `on`, `kind`).
//!
//! # Which rows
//!
//! One row per enterprise with at least one count above zero in M, closed
//! enterprises included; a line under the table says how many active
//! enterprises had none. A row's "total service" is the sum of its columns
//! except inspections (already among the visits); its change is against the
//! same sum for the previous month. The totals row sums the rows, and its
//! changes are against every enterprise of the previous month (including
//! those with nothing this month).
//!
//! # How
//!
//! One set-based statement reads both months (each record table once, grouped
//! by enterprise, joined onto the enterprise), plus one count of active
//! enterprises; totals and sorting are done on the rows in Rust.

mod queries;
mod text;

use std::cmp::Ordering;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::StationUser;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::level::{self, Level};
use crate::web::{PageCtx, RequestCtx};

pub use text::{ReportText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/monthly", get(monthly))
        .route("/reports/monthly.csv", get(monthly_csv))
}

/// A calendar month, held as its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
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

    fn index(self) -> usize {
        self as usize
    }

    /// Whether the column adds to a row's total service (inspections are
    /// already among the visits).
    fn in_total(self) -> bool {
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
    fn default_dir(self) -> Dir {
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

    fn parse(raw: &str) -> Option<Dir> {
        match raw.trim() {
            "asc" => Some(Dir::Asc),
            "desc" => Some(Dir::Desc),
            _ => None,
        }
    }

    fn flip(self) -> Dir {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }

    fn apply(self, o: Ordering) -> Ordering {
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

fn service_total(counts: &[i64; 9]) -> i64 {
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

/// The monthly service list of `station_id` for `month`, sorted by name.
pub async fn monthly_report(db: &PgPool, station_id: i64, month: Month) -> sqlx::Result<Report> {
    let (read, active) = tokio::try_join!(
        queries::month_counts(
            db,
            station_id,
            month.prev().first(),
            month.first(),
            month.next().first(),
        ),
        queries::active_enterprises(db, station_id),
    )?;
    let mut totals = [0; 9];
    let mut prev_totals = [0; 9];
    let mut rows = Vec::with_capacity(read.len());
    for r in read {
        let counts = [
            r.visits,
            r.inspections,
            r.hazards_found,
            r.hazards_rectified,
            r.disputes_resolved,
            r.incidents,
            r.demands_received,
            r.demands_resolved,
            r.trainings,
        ];
        let prev = [
            r.p_visits,
            r.p_inspections,
            r.p_hazards_found,
            r.p_hazards_rectified,
            r.p_disputes_resolved,
            r.p_incidents,
            r.p_demands_received,
            r.p_demands_resolved,
            r.p_trainings,
        ];
        for i in 0..9 {
            totals[i] += counts[i];
            prev_totals[i] += prev[i];
        }
        if counts.iter().any(|n| *n > 0) {
            rows.push(Row {
                enterprise_id: r.enterprise_id,
                name: r.name,
                credit_code: r.credit_code,
                closed: r.closed,
                current_level: r.current_level,
                liaison: r.liaison,
                counts,
                prev,
            });
        }
    }
    let served_active = rows.iter().filter(|r| !r.closed).count() as i64;
    let mut report = Report {
        month,
        rows,
        totals,
        prev_totals,
        quiet_active: (active - served_active).max(0),
    };
    report.sort(SortKey::Name, Dir::Asc);
    Ok(report)
}

/// The query string, read leniently: unknown keys are ignored and the first
/// of repeated keys wins, so no query string is ever an error.
#[derive(Debug, Default)]
struct MonthlyQuery {
    month: Option<String>,
    sort: String,
    dir: String,
}

impl MonthlyQuery {
    fn from_pairs(pairs: Vec<(String, String)>) -> MonthlyQuery {
        let mut q = MonthlyQuery::default();
        let (mut sort, mut dir) = (None, None);
        for (k, v) in pairs {
            match k.as_str() {
                "month" if q.month.is_none() => q.month = Some(v),
                "sort" if sort.is_none() => sort = Some(v),
                "dir" if dir.is_none() => dir = Some(v),
                _ => {}
            }
        }
        q.sort = sort.unwrap_or_default();
        q.dir = dir.unwrap_or_default();
        q
    }

    fn sort(&self) -> (SortKey, Dir) {
        let key = SortKey::parse(&self.sort);
        (key, Dir::parse(&self.dir).unwrap_or(key.default_dir()))
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

/// A column heading: a link that sorts by it.
#[derive(Debug)]
struct Header {
    label: &'static str,
    href: String,
    /// `ascending` / `descending` on the sorted column, empty elsewhere.
    aria_sort: &'static str,
    arrow: &'static str,
    numeric: bool,
}

/// A count in a row.
#[derive(Debug)]
struct Cell {
    n: i64,
    href: String,
}

/// A count in the totals row, with its change.
#[derive(Debug)]
struct TotalCell {
    n: i64,
    href: String,
    change: String,
    change_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/monthly.html")]
struct MonthlyPage {
    ctx: PageCtx,
    tx: &'static ReportText,
    report: Report,
    sort: SortKey,
    dir: Dir,
    notice: Option<String>,
    printed_at: String,
    /// The current month: the latest that can be shown.
    current: Month,
}

impl MonthlyPage {
    fn station_name(&self) -> &str {
        self.ctx.scope_name()
    }

    fn month_label(&self) -> String {
        self.report.month.label(self.ctx.lang)
    }

    fn month_code(&self) -> String {
        self.report.month.code()
    }

    fn current_code(&self) -> String {
        self.current.code()
    }

    fn sort_query(&self) -> String {
        format!("sort={}&dir={}", self.sort.code(), self.dir.code())
    }

    fn month_href(&self, month: Month) -> String {
        format!(
            "/reports/monthly?month={}&{}",
            month.code(),
            self.sort_query()
        )
    }

    fn prev_href(&self) -> String {
        self.month_href(self.report.month.prev())
    }

    /// `None` when the month shown is the current one.
    fn next_href(&self) -> Option<String> {
        (self.report.month < self.current).then(|| self.month_href(self.report.month.next()))
    }

    /// Only when the current month is not already the next one.
    fn this_month_href(&self) -> Option<String> {
        (self.report.month.next() < self.current).then(|| self.month_href(self.current))
    }

    fn csv_href(&self) -> String {
        format!(
            "/reports/monthly.csv?month={}&{}",
            self.report.month.code(),
            self.sort_query()
        )
    }

    fn header(&self, key: SortKey, label: &'static str, numeric: bool) -> Header {
        let sorted = self.sort == key;
        let dir = if sorted {
            self.dir.flip()
        } else {
            key.default_dir()
        };
        Header {
            label,
            href: format!(
                "/reports/monthly?month={}&sort={}&dir={}",
                self.report.month.code(),
                key.code(),
                dir.code()
            ),
            aria_sort: match (sorted, self.dir) {
                (false, _) => "",
                (true, Dir::Asc) => "ascending",
                (true, Dir::Desc) => "descending",
            },
            arrow: match (sorted, self.dir) {
                (false, _) => "",
                (true, Dir::Asc) => "▲",
                (true, Dir::Desc) => "▼",
            },
            numeric,
        }
    }

    /// Headings after the enterprise's own (name is rendered first).
    fn name_header(&self) -> Header {
        self.header(SortKey::Name, self.tx.enterprise, false)
    }

    fn headers(&self) -> Vec<Header> {
        let lang = self.ctx.lang;
        let mut h = vec![
            self.header(SortKey::Level, self.tx.level, false),
            self.header(SortKey::Liaison, self.tx.liaison_officer, false),
        ];
        for c in Column::ALL {
            h.push(self.header(SortKey::Count(c), c.label(lang), true));
        }
        h.push(self.header(SortKey::Total, self.tx.col_total, true));
        h.push(self.header(SortKey::Change, self.tx.col_change, true));
        h
    }

    fn cells(&self, row: &Row) -> Vec<Cell> {
        Column::ALL
            .iter()
            .map(|c| Cell {
                n: row.count(*c),
                href: c.href(Some(row.enterprise_id), self.report.month),
            })
            .collect()
    }

    fn total_cells(&self) -> Vec<TotalCell> {
        Column::ALL
            .iter()
            .map(|c| {
                let change = self.report.total(*c) - self.report.prev_total(*c);
                TotalCell {
                    n: self.report.total(*c),
                    href: c.href(None, self.report.month),
                    change: signed(change),
                    change_text: self.change_text(change),
                }
            })
            .collect()
    }

    fn grand_change(&self) -> i64 {
        self.report.grand_total() - self.report.prev_grand_total()
    }

    fn signed(&self, n: i64) -> String {
        signed(n)
    }

    /// What a change means, for screen readers.
    fn change_text(&self, n: i64) -> String {
        let prev = self.report.month.prev().label(self.ctx.lang);
        match n.cmp(&0) {
            Ordering::Greater => (self.tx.change_more)(n, &prev),
            Ordering::Less => (self.tx.change_less)(-n, &prev),
            Ordering::Equal => (self.tx.change_same)(&prev),
        }
    }

    fn badge(&self, l: &Option<Level>) -> level::Badge {
        level::badge(*l, self.ctx.lang)
    }

    fn served(&self) -> String {
        (self.tx.served)(self.report.rows.len())
    }

    fn quiet_active(&self) -> String {
        (self.tx.quiet_active)(self.report.quiet_active)
    }
}

async fn monthly(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<MonthlyPage> {
    let q = MonthlyQuery::from_pairs(pairs);
    let today = crate::web::record::today(&state.clock);
    let (month, bad) = choose_month(q.month.as_deref(), today);
    let (sort, dir) = q.sort();
    let mut report = monthly_report(&state.db, me.scope.id(), month).await?;
    report.sort(sort, dir);
    let tx = text(ctx.lang);
    Ok(MonthlyPage {
        notice: bad.then(|| (tx.bad_month)(q.month.as_deref().unwrap_or("").trim())),
        printed_at: crate::web::local_time(&state.clock.now()),
        current: Month::of(today),
        tx,
        ctx,
        report,
        sort,
        dir,
    })
}

async fn monthly_csv(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let q = MonthlyQuery::from_pairs(pairs);
    let today = crate::web::record::today(&state.clock);
    let (month, _) = choose_month(q.month.as_deref(), today);
    let (sort, dir) = q.sort();
    let mut report = monthly_report(&state.db, me.scope.id(), month).await?;
    report.sort(sort, dir);
    let body = csv_body(&report, req.lang);
    let summary = format!(
        "month={} sort={} dir={}",
        month.code(),
        sort.code(),
        dir.code()
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "report.export", "monthly_report", None)
    };
    let mut conn = state.db.acquire().await?;
    audit::record(&mut conn, event).await?;
    let filename = format!("monthly-service-{}.csv", month.code());
    Ok(crate::web::csv::download(&filename, body))
}

/// The CSV: a heading row, one row per enterprise, the totals row, and the
/// previous month's totals (so the changes can be worked out; no negative
/// numbers, which spreadsheet-safety would otherwise prefix with a quote).
fn csv_body(report: &Report, lang: Lang) -> Vec<u8> {
    let tx = text(lang);
    let t = lang.t();
    let prev_label = report.month.prev().label(lang);
    let mut headers: Vec<String> = vec![
        tx.enterprise.to_owned(),
        tx.credit_code.to_owned(),
        tx.level.to_owned(),
        tx.liaison_officer.to_owned(),
    ];
    headers.extend(Column::ALL.iter().map(|c| c.label(lang).to_owned()));
    headers.push(tx.col_total.to_owned());
    headers.push(format!("{} ({prev_label})", tx.col_total));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(report.rows.len() + 2);
    for r in &report.rows {
        let mut row = vec![
            if r.closed {
                format!("{} ({})", r.name, tx.closed)
            } else {
                r.name.clone()
            },
            r.credit_code.clone(),
            level::badge(r.current_level, t).label.to_owned(),
            r.liaison.clone().unwrap_or_default(),
        ];
        row.extend(r.counts.iter().map(i64::to_string));
        row.push(r.total().to_string());
        row.push(r.prev_total().to_string());
        rows.push(row);
    }
    let mut totals = vec![
        format!("{} ({})", tx.totals, report.month.label(lang)),
        String::new(),
        String::new(),
        String::new(),
    ];
    totals.extend(report.totals.iter().map(i64::to_string));
    totals.push(report.grand_total().to_string());
    totals.push(report.prev_grand_total().to_string());
    rows.push(totals);
    let mut prev = vec![
        format!("{} ({prev_label})", tx.totals),
        String::new(),
        String::new(),
        String::new(),
    ];
    prev.extend(report.prev_totals.iter().map(i64::to_string));
    prev.push(report.prev_grand_total().to_string());
    prev.push(String::new());
    rows.push(prev);
    crate::web::csv::write(&headers, rows)
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
