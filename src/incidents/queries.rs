//! The SQL of incidents. Every query takes the station it is scoped to.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use super::model::{Category, Incident, IncidentInput, Severity};
use crate::auth::StationScope;
use crate::ids::{EnterpriseId, IncidentId, UserId};

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise_id: i64,
    user: UserId,
    i: &IncidentInput,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity,
                               enterprise_victim, summary, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning incident_id",
        station.id(),
        enterprise_id,
        i.occurred_on,
        i.category as Category,
        i.severity as Severity,
        i.enterprise_victim,
        i.summary,
        user.get()
    )
    .fetch_one(conn)
    .await
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: IncidentId,
) -> sqlx::Result<Option<Incident>> {
    sqlx::query_as!(
        Incident,
        r#"select i.incident_id, i.enterprise_id, e.name as enterprise_name, i.occurred_on,
                  i.category as "category: Category", i.severity as "severity: Severity",
                  i.enterprise_victim, i.summary, i.version, u.display_name as created_by_name
           from incident i
           join enterprise e on e.enterprise_id = i.enterprise_id
           join app_user u on u.user_id = i.created_by
           where i.incident_id = $1 and i.station_id = $2 and i.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// Save if `version` is still the stored one; false when it is not (or the
/// incident is gone).
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: IncidentId,
    version: i32,
    i: &IncidentInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update incident set occurred_on = $4, category = $5, severity = $6,
                enterprise_victim = $7, summary = $8, version = version + 1
         where incident_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        i.occurred_on,
        i.category as Category,
        i.severity as Severity,
        i.enterprise_victim,
        i.summary
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) struct Deleted {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub occurred_on: chrono::NaiveDate,
    pub category: Category,
    pub summary: String,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: IncidentId,
    user: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update incident i set deleted_at = now(), deleted_by = $3
           from enterprise e
           where i.incident_id = $1 and i.station_id = $2 and i.deleted_at is null
             and e.enterprise_id = i.enterprise_id
           returning i.enterprise_id, e.name as enterprise_name, i.occurred_on,
                     i.category as "category: Category", i.summary"#,
        id.get(),
        station.id(),
        user.get()
    )
    .fetch_optional(conn)
    .await
}

/// The list's filters, already parsed; `None` filters nothing.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Filter {
    pub category: Option<Category>,
    pub enterprise: Option<EnterpriseId>,
    /// Inclusive range on `occurred_on`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from incident
           where station_id = $1 and deleted_at is null
             and ($2::incident_category is null or category = $2)
             and ($3::bigint is null or enterprise_id = $3)
             and ($4::date is null or occurred_on >= $4)
             and ($5::date is null or occurred_on <= $5)"#,
        station.id(),
        f.category as Option<Category>,
        f.enterprise.map(EnterpriseId::get),
        f.from,
        f.to
    )
    .fetch_one(db)
    .await
}

pub(super) async fn list(
    db: &PgPool,
    station: StationScope,
    f: Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Incident>> {
    sqlx::query_as!(
        Incident,
        r#"select i.incident_id, i.enterprise_id, e.name as enterprise_name, i.occurred_on,
                  i.category as "category: Category", i.severity as "severity: Severity",
                  i.enterprise_victim, i.summary, i.version, u.display_name as created_by_name
           from incident i
           join enterprise e on e.enterprise_id = i.enterprise_id
           join app_user u on u.user_id = i.created_by
           where i.station_id = $1 and i.deleted_at is null
             and ($2::incident_category is null or i.category = $2)
             and ($3::bigint is null or i.enterprise_id = $3)
             and ($4::date is null or i.occurred_on >= $4)
             and ($5::date is null or i.occurred_on <= $5)
           order by i.occurred_on desc, i.incident_id desc
           limit $6 offset $7"#,
        station.id(),
        f.category as Option<Category>,
        f.enterprise.map(EnterpriseId::get),
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub(super) struct TimelineRow {
    pub incident_id: i64,
    pub occurred_on: chrono::NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub summary: String,
}

pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as!(
        TimelineRow,
        r#"select incident_id, occurred_on, category as "category: Category",
                  severity as "severity: Severity", summary
           from incident
           where station_id = $1 and enterprise_id = $2 and deleted_at is null
           order by occurred_on desc"#,
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}
