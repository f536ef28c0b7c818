//! (being written)

use axum::Router;
use chrono::NaiveDate;
use sqlx::PgPool;

use crate::AppState;
use crate::i18n::Lang;
use crate::web::record::{OpenItem, TimelineEntry};

pub fn router() -> Router<AppState> {
    Router::new()
}

/// The enterprise's records of this kind, for its timeline.
pub async fn timeline(
    _db: &PgPool,
    _station_id: i64,
    _enterprise_id: i64,
    _lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    Ok(Vec::new())
}

/// What is still open about the enterprise.
pub async fn open_items(
    _db: &PgPool,
    _station_id: i64,
    _enterprise_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}

/// What is due or overdue for this officer (assigned to them, or at their
/// liaison enterprises).
pub async fn due_for_officer(
    _db: &PgPool,
    _station_id: i64,
    _user_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}
