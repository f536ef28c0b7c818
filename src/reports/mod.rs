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

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use model::{Column, Dir, Month, Report, Row, SortKey, choose_month, signed};
pub use pages::monthly_report;
pub use text::{ReportText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/monthly", get(pages::monthly))
        .route("/reports/monthly.csv", get(pages::monthly_csv))
}
