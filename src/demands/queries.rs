//! The SQL of demands. Every query takes the station it is scoped to.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use super::model::{Demand, EditInput, Kind, NewInput, Status};
use crate::auth::StationScope;
use crate::ids::{DemandId, EnterpriseId, UserId};

/// The response period of the newest scoring policy, if there is one.
pub(super) async fn response_days(db: &PgPool) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "select demand_response_days from scoring_policy order by version desc limit 1"
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise_id: EnterpriseId,
    user_id: UserId,
    d: &NewInput,
    due_on: NaiveDate,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id,
                             due_on, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning demand_id",
        station.id(),
        enterprise_id.get(),
        d.received_on,
        d.kind as Kind,
        d.content,
        d.assignee_id,
        due_on,
        user_id.get()
    )
    .fetch_one(conn)
    .await
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: DemandId,
) -> sqlx::Result<Option<Demand>> {
    sqlx::query_as!(
        Demand,
        r#"select d.demand_id, d.enterprise_id, e.name as enterprise_name, d.received_on,
                  d.kind as "kind: Kind", d.content, d.assignee_id,
                  a.display_name as assignee_name, d.due_on, d.status as "status: Status",
                  d.response, d.responded_on, d.resolved_on, d.version,
                  u.display_name as created_by_name
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user a on a.user_id = d.assignee_id
           join app_user u on u.user_id = d.created_by
           where d.demand_id = $1 and d.station_id = $2 and d.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// Save kind, content and assignee if `version` is still the stored one.
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: DemandId,
    version: i32,
    d: &EditInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update demand set kind = $4, content = $5, assignee_id = $6, version = version + 1
         where demand_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        d.kind as Kind,
        d.content,
        d.assignee_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// open → responded, if the demand is still open at `version`.
pub(super) async fn respond(
    conn: &mut PgConnection,
    station: StationScope,
    id: DemandId,
    version: i32,
    response: &str,
    responded_on: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update demand set status = 'responded', response = $4, responded_on = $5,
                version = version + 1
         where demand_id = $1 and station_id = $2 and version = $3 and status = 'open'
           and deleted_at is null",
        id.get(),
        station.id(),
        version,
        response,
        responded_on
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// responded → resolved, if the demand is still responded at `version`.
pub(super) async fn resolve(
    conn: &mut PgConnection,
    station: StationScope,
    id: DemandId,
    version: i32,
    resolved_on: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update demand set status = 'resolved', resolved_on = $4, version = version + 1
         where demand_id = $1 and station_id = $2 and version = $3 and status = 'responded'
           and deleted_at is null",
        id.get(),
        station.id(),
        version,
        resolved_on
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A change of a demand's due date, with its reason.
pub(super) struct Extend<'a> {
    /// The version the change was made on.
    pub version: i32,
    pub old_due_on: NaiveDate,
    pub new_due_on: NaiveDate,
    pub reason: &'a str,
    pub by: UserId,
}

/// Move the due date of an open demand from `old_due_on` to `new_due_on`
/// and record why; false when the demand changed meanwhile.
pub(super) async fn extend(
    conn: &mut PgConnection,
    station: StationScope,
    id: DemandId,
    x: &Extend<'_>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update demand set due_on = $5, version = version + 1
         where demand_id = $1 and station_id = $2 and version = $3 and due_on = $4
           and status = 'open' and deleted_at is null",
        id.get(),
        station.id(),
        x.version,
        x.old_due_on,
        x.new_due_on
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query!(
        "insert into demand_extension (station_id, demand_id, old_due_on, new_due_on, reason, by_user)
         values ($1, $2, $3, $4, $5, $6)",
        station.id(),
        id.get(),
        x.old_due_on,
        x.new_due_on,
        x.reason,
        x.by.get()
    )
    .execute(conn)
    .await?;
    Ok(true)
}

#[derive(Debug, Clone)]
pub(super) struct Extension {
    pub old_due_on: NaiveDate,
    pub new_due_on: NaiveDate,
    pub reason: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

impl Extension {
    pub(super) fn at_local(&self) -> String {
        crate::web::local_time(&self.at)
    }
}

/// The demand's extensions, oldest first.
pub(super) async fn extensions(
    db: &PgPool,
    station: StationScope,
    id: DemandId,
) -> sqlx::Result<Vec<Extension>> {
    sqlx::query_as!(
        Extension,
        "select x.old_due_on, x.new_due_on, x.reason, u.display_name as by_name, x.at
         from demand_extension x
         join app_user u on u.user_id = x.by_user
         where x.demand_id = $1 and x.station_id = $2
         order by x.at, x.demand_extension_id",
        id.get(),
        station.id()
    )
    .fetch_all(db)
    .await
}

pub(super) struct Deleted {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub status: Status,
    pub content: String,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: DemandId,
    user_id: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update demand d set deleted_at = now(), deleted_by = $3
           from enterprise e
           where d.demand_id = $1 and d.station_id = $2 and d.deleted_at is null
             and e.enterprise_id = d.enterprise_id
           returning d.enterprise_id, e.name as enterprise_name, d.received_on,
                     d.kind as "kind: Kind", d.status as "status: Status", d.content"#,
        id.get(),
        station.id(),
        user_id.get()
    )
    .fetch_optional(conn)
    .await
}

/// What the list is narrowed to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Filter {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub assignee_id: Option<i64>,
    pub overdue_only: bool,
    pub today: NaiveDate,
    pub enterprise: Option<EnterpriseId>,
    /// Which date `from`/`to` apply to: `received`, `responded` or `resolved`.
    pub on: &'static str,
    /// Inclusive range on that date.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from demand
           where station_id = $1 and deleted_at is null
             and ($2::demand_status is null or status = $2)
             and ($3::demand_kind is null or kind = $3)
             and ($4::bigint is null or assignee_id = $4)
             and (not $5 or (status = 'open' and due_on < $6))
             and ($7::bigint is null or enterprise_id = $7)
             and ($9::date is null
                  or (case when $8 = 'responded' then responded_on
                           when $8 = 'resolved' then resolved_on
                           else received_on end) >= $9)
             and ($10::date is null
                  or (case when $8 = 'responded' then responded_on
                           when $8 = 'resolved' then resolved_on
                           else received_on end) <= $10)"#,
        station.id(),
        f.status as Option<Status>,
        f.kind as Option<Kind>,
        f.assignee_id,
        f.overdue_only,
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
) -> sqlx::Result<Vec<Demand>> {
    sqlx::query_as!(
        Demand,
        r#"select d.demand_id, d.enterprise_id, e.name as enterprise_name, d.received_on,
                  d.kind as "kind: Kind", d.content, d.assignee_id,
                  a.display_name as assignee_name, d.due_on, d.status as "status: Status",
                  d.response, d.responded_on, d.resolved_on, d.version,
                  u.display_name as created_by_name
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user a on a.user_id = d.assignee_id
           join app_user u on u.user_id = d.created_by
           where d.station_id = $1 and d.deleted_at is null
             and ($2::demand_status is null or d.status = $2)
             and ($3::demand_kind is null or d.kind = $3)
             and ($4::bigint is null or d.assignee_id = $4)
             and (not $5 or (d.status = 'open' and d.due_on < $6))
             and ($7::bigint is null or d.enterprise_id = $7)
             and ($9::date is null
                  or (case when $8 = 'responded' then d.responded_on
                           when $8 = 'resolved' then d.resolved_on
                           else d.received_on end) >= $9)
             and ($10::date is null
                  or (case when $8 = 'responded' then d.responded_on
                           when $8 = 'resolved' then d.resolved_on
                           else d.received_on end) <= $10)
           order by d.received_on desc, d.demand_id desc
           limit $11 offset $12"#,
        station.id(),
        f.status as Option<Status>,
        f.kind as Option<Kind>,
        f.assignee_id,
        f.overdue_only,
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

/// A demand as the timeline and the open-item lists show it.
pub(super) struct ItemRow {
    pub demand_id: i64,
    pub enterprise_name: String,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub status: Status,
    pub content: String,
    pub due_on: NaiveDate,
}

pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
           order by d.received_on desc, d.demand_id desc"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}

/// The enterprise's open and responded demands, soonest due first.
pub(super) async fn unfinished_for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
             and d.status in ('open', 'responded')
           order by d.status, d.due_on, d.demand_id"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}

/// Open demands assigned to `user_id` due on or before `until`.
pub(super) async fn open_for_assignee(
    db: &PgPool,
    station: StationScope,
    user_id: UserId,
    until: NaiveDate,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.assignee_id = $2 and d.deleted_at is null
             and d.status = 'open' and d.due_on <= $3
           order by d.due_on, d.demand_id"#,
        station.id(),
        user_id.get(),
        until
    )
    .fetch_all(db)
    .await
}

/// Every open demand of the station due before `today`.
pub(super) async fn overdue_for_station(
    db: &PgPool,
    station: StationScope,
    today: NaiveDate,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.deleted_at is null
             and d.status = 'open' and d.due_on < $2
           order by d.due_on, d.demand_id"#,
        station.id(),
        today
    )
    .fetch_all(db)
    .await
}
