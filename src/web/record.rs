//! What every record module shares: the enterprise a record belongs to,
//! station officers for pickers, timeline and open-item entries, today's date.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::clock::Clock;
use crate::level::Level;

/// Today in China Standard Time, where every station is.
pub fn today(clock: &Clock) -> NaiveDate {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    clock.now().with_timezone(&cst).date_naive()
}

pub use crate::enterprises::EnterpriseBrief;

/// The enterprise `enterprise_id` of `station_id`, if it exists there and is
/// not deleted. Every record route starts here, so a record of another
/// station's enterprise is a 404.
pub async fn enterprise_brief(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
) -> sqlx::Result<Option<EnterpriseBrief>> {
    sqlx::query_as!(
        EnterpriseBrief,
        r#"select enterprise_id, name, credit_code, liaison_officer_id,
                  current_level as "current_level: Level"
           from enterprise
           where enterprise_id = $1 and station_id = $2 and deleted_at is null"#,
        enterprise_id,
        station_id
    )
    .fetch_optional(db)
    .await
}

pub use crate::users::Officer;

/// The station's officers (kept here until the record modules ask `users`).
pub async fn station_officers(db: &PgPool, station_id: i64) -> sqlx::Result<Vec<Officer>> {
    #[allow(clippy::disallowed_methods)]
    let station = crate::auth::StationScope::for_operator(crate::ids::StationId(station_id));
    crate::users::officers(db, station).await
}

pub async fn is_station_officer(db: &PgPool, station_id: i64, user_id: i64) -> sqlx::Result<bool> {
    #[allow(clippy::disallowed_methods)]
    let station = crate::auth::StationScope::for_operator(crate::ids::StationId(station_id));
    crate::users::is_officer(db, station, user_id).await
}

pub use crate::enterprises::{OpenItem, TimelineEntry};

/// Cut a text for a one-line summary.
pub fn snippet(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out.replace('\n', " ")
}

/// The end of every write: the audit event in the write's own transaction,
/// the commit, and a redirect (303) that shows `flash` on the next page.
pub async fn commit_audited(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    event: crate::audit::Event<'_>,
    to: &str,
    flash: super::Flash,
) -> crate::error::AppResult<axum::response::Response> {
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    Ok(super::redirect_with_flash(to, flash))
}

/// A list narrowed to one enterprise: the link that clears that filter
/// (keeping the `others`), and the enterprise's name — only for the
/// station's own enterprise: another station's id lists nothing and names
/// nothing.
pub async fn enterprise_scope(
    db: &PgPool,
    station_id: i64,
    enterprise: Option<i64>,
    list: &str,
    others: &[(&str, &str)],
) -> sqlx::Result<(String, Option<String>)> {
    let clear = match crate::web::paging::query_string(others) {
        rest if rest.is_empty() => list.to_owned(),
        rest => format!("{list}?{rest}"),
    };
    let name = match enterprise {
        Some(id) => enterprise_brief(db, station_id, id).await?.map(|e| e.name),
        None => None,
    };
    Ok((clear, name))
}
