//! The monthly service list's page and CSV.

use std::cmp::Ordering;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{StationScope, StationUser};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::level::{self, Level};
use crate::web::{PageCtx, RequestCtx};

use super::model::*;
use super::queries;
use super::text::{ReportText, text};

/// The monthly service list of the station for `month`, sorted by name.
pub async fn monthly_report(
    db: &PgPool,
    station: StationScope,
    month: Month,
) -> sqlx::Result<Report> {
    let (read, active) = tokio::try_join!(
        queries::month_counts(
            db,
            station,
            month.prev().first(),
            month.first(),
            month.next().first(),
        ),
        queries::active_enterprises(db, station),
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
pub(super) struct MonthlyQuery {
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

/// A column heading: a link that sorts by it.
#[derive(Debug)]
pub(super) struct Header {
    label: &'static str,
    href: String,
    /// `ascending` / `descending` on the sorted column, empty elsewhere.
    aria_sort: &'static str,
    arrow: &'static str,
    numeric: bool,
}

/// A count in a row.
#[derive(Debug)]
pub(super) struct Cell {
    n: i64,
    href: String,
}

/// A count in the totals row, with its change.
#[derive(Debug)]
pub(super) struct TotalCell {
    n: i64,
    href: String,
    change: String,
    change_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/monthly.html")]
pub(super) struct MonthlyPage {
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

pub(super) async fn monthly(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<MonthlyPage> {
    let q = MonthlyQuery::from_pairs(pairs);
    let today = state.clock.today();
    let (month, bad) = choose_month(q.month.as_deref(), today);
    let (sort, dir) = q.sort();
    let mut report = monthly_report(&state.db, me.scope, month).await?;
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

pub(super) async fn monthly_csv(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let q = MonthlyQuery::from_pairs(pairs);
    let today = state.clock.today();
    let (month, _) = choose_month(q.month.as_deref(), today);
    let (sort, dir) = q.sort();
    let mut report = monthly_report(&state.db, me.scope, month).await?;
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
pub(super) fn csv_body(report: &Report, lang: Lang) -> Vec<u8> {
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
