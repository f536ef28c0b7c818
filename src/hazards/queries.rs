//! The SQL of hazards. Every query takes the station it is scoped to.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use super::model::{Hazard, HazardBrief, HazardInput, Severity, StatusFilter};
use crate::auth::StationScope;
use crate::ids::{EnterpriseId, HazardId, UserId, VisitId};

/// Store a hazard of the enterprise, found on `visit_id` when given. The
/// caller has checked that the enterprise (and visit) belong to the station,
/// and records the audit event in the same transaction.
pub async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise_id: i64,
    visit_id: Option<i64>,
    user: UserId,
    h: &HazardInput,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into hazard (station_id, enterprise_id, visit_id, found_on, severity, description,
                             deadline, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning hazard_id",
        station.id(),
        enterprise_id,
        visit_id,
        h.found_on,
        h.severity as Severity,
        h.description,
        h.deadline,
        user.get()
    )
    .fetch_one(conn)
    .await
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: HazardId,
) -> sqlx::Result<Option<Hazard>> {
    // The visit link is only shown while the visit itself still exists.
    sqlx::query_as!(
        Hazard,
        r#"select h.hazard_id, h.enterprise_id, e.name as enterprise_name,
                  v.visit_id as "visit_id?", v.visited_on as "visited_on?",
                  h.found_on, h.severity as "severity: Severity", h.description, h.deadline,
                  h.rectified_on, h.rectification_note,
                  vu.display_name as "verified_by_name?", h.version,
                  u.display_name as created_by_name
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           join app_user u on u.user_id = h.created_by
           left join app_user vu on vu.user_id = h.verified_by
           left join visit v on v.visit_id = h.visit_id and v.station_id = h.station_id
                            and v.deleted_at is null
           where h.hazard_id = $1 and h.station_id = $2 and h.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// Save if `version` is still the stored one; false when it is not (or the
/// hazard is gone).
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: HazardId,
    version: i32,
    h: &HazardInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hazard set found_on = $4, severity = $5, description = $6, deadline = $7,
                version = version + 1
         where hazard_id = $1 and station_id = $2 and version = $3 and deleted_at is null
           and (rectified_on is null or rectified_on >= $4)",
        id.get(),
        station.id(),
        version,
        h.found_on,
        h.severity as Severity,
        h.description,
        h.deadline
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Mark the hazard rectified; false when it already was (or is gone, or was
/// found after `rectified_on` in the meantime).
pub(super) async fn rectify(
    conn: &mut PgConnection,
    station: StationScope,
    id: HazardId,
    rectified_on: NaiveDate,
    note: &str,
    verified_by: UserId,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hazard set rectified_on = $3, rectification_note = $4, verified_by = $5,
                version = version + 1
         where hazard_id = $1 and station_id = $2 and deleted_at is null
           and rectified_on is null and found_on <= $3",
        id.get(),
        station.id(),
        rectified_on,
        note,
        verified_by.get()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) struct Deleted {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: HazardId,
    user: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update hazard h set deleted_at = now(), deleted_by = $3
           from enterprise e
           where h.hazard_id = $1 and h.station_id = $2 and h.deleted_at is null
             and e.enterprise_id = h.enterprise_id
           returning h.enterprise_id, e.name as enterprise_name, h.found_on,
                     h.severity as "severity: Severity", h.description"#,
        id.get(),
        station.id(),
        user.get()
    )
    .fetch_optional(conn)
    .await
}

/// The list's filters, already parsed; `None` filters nothing.
#[derive(Debug, Clone, Copy)]
pub(super) struct Filter {
    pub status: Option<StatusFilter>,
    pub severity: Option<Severity>,
    pub enterprise: Option<EnterpriseId>,
    /// Which date `from`/`to` apply to: `found` or `rectified`.
    pub on: &'static str,
    /// Inclusive range on that date.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub today: NaiveDate,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from hazard h
           where h.station_id = $1 and h.deleted_at is null
             and ($2::text is null
                  or ($2 = 'open' and h.rectified_on is null)
                  or ($2 = 'overdue' and h.rectified_on is null and h.deadline < $4)
                  or ($2 = 'rectified' and h.rectified_on is not null))
             and ($3::hazard_severity is null or h.severity = $3)
             and ($5::bigint is null or h.enterprise_id = $5)
             and ($7::date is null
                  or (case when $6 = 'rectified' then h.rectified_on else h.found_on end) >= $7)
             and ($8::date is null
                  or (case when $6 = 'rectified' then h.rectified_on else h.found_on end) <= $8)"#,
        station.id(),
        f.status.map(StatusFilter::code),
        f.severity as Option<Severity>,
        f.today,
        f.enterprise.map(EnterpriseId::get),
        f.on,
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
) -> sqlx::Result<Vec<Hazard>> {
    sqlx::query_as!(
        Hazard,
        r#"select h.hazard_id, h.enterprise_id, e.name as enterprise_name,
                  v.visit_id as "visit_id?", v.visited_on as "visited_on?",
                  h.found_on, h.severity as "severity: Severity", h.description, h.deadline,
                  h.rectified_on, h.rectification_note,
                  vu.display_name as "verified_by_name?", h.version,
                  u.display_name as created_by_name
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           join app_user u on u.user_id = h.created_by
           left join app_user vu on vu.user_id = h.verified_by
           left join visit v on v.visit_id = h.visit_id and v.station_id = h.station_id
                            and v.deleted_at is null
           where h.station_id = $1 and h.deleted_at is null
             and ($2::text is null
                  or ($2 = 'open' and h.rectified_on is null)
                  or ($2 = 'overdue' and h.rectified_on is null and h.deadline < $4)
                  or ($2 = 'rectified' and h.rectified_on is not null))
             and ($3::hazard_severity is null or h.severity = $3)
             and ($5::bigint is null or h.enterprise_id = $5)
             and ($7::date is null
                  or (case when $6 = 'rectified' then h.rectified_on else h.found_on end) >= $7)
             and ($8::date is null
                  or (case when $6 = 'rectified' then h.rectified_on else h.found_on end) <= $8)
           order by h.found_on desc, h.hazard_id desc
           limit $9 offset $10"#,
        station.id(),
        f.status.map(StatusFilter::code),
        f.severity as Option<Severity>,
        f.today,
        f.enterprise.map(EnterpriseId::get),
        f.on,
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// The enterprise's hazards, newest first.
pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<HazardBrief>> {
    sqlx::query_as!(
        HazardBrief,
        r#"select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and h.enterprise_id = $2 and h.deleted_at is null
           order by h.found_on desc, h.hazard_id desc"#,
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}

/// The enterprise's hazards not yet rectified, soonest deadline first.
pub(super) async fn open_for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<HazardBrief>> {
    sqlx::query_as!(
        HazardBrief,
        r#"select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and h.enterprise_id = $2 and h.deleted_at is null
             and h.rectified_on is null
           order by h.deadline, h.hazard_id"#,
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}

/// Open hazards at the officer's liaison enterprises due by `until`
/// (overdue ones included), soonest deadline first.
pub(super) async fn due_at_liaison_enterprises(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
    until: NaiveDate,
) -> sqlx::Result<Vec<HazardBrief>> {
    sqlx::query_as!(
        HazardBrief,
        r#"select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and e.station_id = $1 and e.liaison_officer_id = $2
             and e.deleted_at is null and h.deleted_at is null
             and h.rectified_on is null and h.deadline <= $3
           order by h.deadline, h.hazard_id"#,
        station.id(),
        officer.get(),
        until
    )
    .fetch_all(db)
    .await
}

/// The hazards found on a visit.
pub(super) async fn for_visit(
    db: &PgPool,
    station: StationScope,
    visit: VisitId,
) -> sqlx::Result<Vec<HazardBrief>> {
    sqlx::query_as!(
        HazardBrief,
        r#"select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and h.visit_id = $2 and h.deleted_at is null
           order by h.hazard_id"#,
        station.id(),
        visit.get()
    )
    .fetch_all(db)
    .await
}
