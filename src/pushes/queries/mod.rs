//! The SQL of pushes. This file: the department pages (every query takes
//! the department, so a push of another department is simply not found);
//! `api`: the JSON API's; `outbox`: writing pushes at publication;
//! `webhook`: the delivery worker's; `receivers`: a department's tokens,
//! webhook and deliveries, for its admin page.

pub mod api;
pub mod outbox;
pub mod receivers;
pub mod webhook;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::auth::{DepartmentScope, StationScope};
use crate::level::Level;

#[derive(Debug, Clone)]
pub struct PushRow {
    pub push_id: i64,
    pub quarter: String,
    pub revision: i32,
    pub reason: String,
    pub station_name: String,
    pub station_name_en: String,
    pub created_at: DateTime<Utc>,
    pub green: i32,
    pub yellow: i32,
    pub red: i32,
    pub added: i32,
    pub changed: i32,
    pub removed: i32,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by_name: Option<String>,
    /// A later push of the same evaluation replaced it.
    pub superseded: bool,
}

/// The department's pushes, the latest quarter first.
pub async fn pushes(
    db: &PgPool,
    department: DepartmentScope,
    limit: i64,
) -> sqlx::Result<Vec<PushRow>> {
    sqlx::query_as!(
        PushRow,
        r#"select p.push_id, p.quarter, p.revision, p.reason, s.name as station_name,
                  s.name_en as station_name_en, p.created_at, p.green, p.yellow, p.red,
                  p.added, p.changed, p.removed, p.acknowledged_at,
                  u.display_name as "acknowledged_by_name?",
                  exists(select 1 from push later
                         where later.department_id = p.department_id
                           and later.evaluation_id = p.evaluation_id
                           and later.revision > p.revision) as "superseded!"
           from push p
           join station s using (station_id)
           left join app_user u on u.user_id = p.acknowledged_by
           where p.department_id = $1
           order by p.quarter desc, p.push_id desc
           limit $2"#,
        department.id(),
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn push(
    db: &PgPool,
    department: DepartmentScope,
    push_id: i64,
) -> sqlx::Result<Option<PushRow>> {
    sqlx::query_as!(
        PushRow,
        r#"select p.push_id, p.quarter, p.revision, p.reason, s.name as station_name,
                  s.name_en as station_name_en, p.created_at, p.green, p.yellow, p.red,
                  p.added, p.changed, p.removed, p.acknowledged_at,
                  u.display_name as "acknowledged_by_name?",
                  exists(select 1 from push later
                         where later.department_id = p.department_id
                           and later.evaluation_id = p.evaluation_id
                           and later.revision > p.revision) as "superseded!"
           from push p
           join station s using (station_id)
           left join app_user u on u.user_id = p.acknowledged_by
           where p.department_id = $1 and p.push_id = $2"#,
        department.id(),
        push_id
    )
    .fetch_optional(db)
    .await
}

/// The push the dashboard opens on: the latest quarter's newest.
pub async fn latest_push_id(db: &PgPool, department: DepartmentScope) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select push_id from push where department_id = $1
         order by quarter desc, push_id desc limit 1",
        department.id()
    )
    .fetch_optional(db)
    .await
}

/// The list's filters, already checked.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// `%…%` for ILIKE on name and credit code, or empty.
    pub pattern: String,
    pub level: Option<Level>,
    pub industry: String,
    /// "new", "changed", "same" or empty.
    pub change: String,
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub industry: String,
    pub industry_en: String,
    pub level: Level,
    pub previous_level: Option<Level>,
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub reasons: serde_json::Value,
    pub actions: i64,
}

pub async fn items_count(db: &PgPool, push_id: i64, f: &ItemFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from push_item pi
           where pi.push_id = $1
             and ($2 = '' or pi.name ilike $2 or pi.credit_code ilike $2)
             and ($3::tier_level is null or pi.level = $3)
             and ($4 = '' or pi.industry_code = $4)
             and ($5 = '' or ($5 = 'new' and pi.previous_level is null)
                  or ($5 = 'changed' and pi.level <> pi.previous_level)
                  or ($5 = 'same' and pi.level = pi.previous_level))"#,
        push_id,
        f.pattern,
        f.level as Option<Level>,
        f.industry,
        f.change
    )
    .fetch_one(db)
    .await
}

/// A page of a push's enterprises (red first, then yellow, green; by name);
/// `limit` None for all (the CSV).
pub async fn items(
    db: &PgPool,
    push_id: i64,
    f: &ItemFilter,
    limit: Option<i64>,
    offset: i64,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select pi.enterprise_id, pi.name, pi.credit_code, pi.address,
                  i.name as industry, i.name_en as industry_en,
                  pi.level as "level: Level", pi.previous_level as "previous_level: Level",
                  pi.safety, pi.hazards, pi.cases, pi.total, pi.reasons,
                  (select count(*) from coordinated_action ca
                   where ca.push_id = pi.push_id and ca.enterprise_id = pi.enterprise_id) as "actions!"
           from push_item pi join industry i on i.code = pi.industry_code
           where pi.push_id = $1
             and ($2 = '' or pi.name ilike $2 or pi.credit_code ilike $2)
             and ($3::tier_level is null or pi.level = $3)
             and ($4 = '' or pi.industry_code = $4)
             and ($5 = '' or ($5 = 'new' and pi.previous_level is null)
                  or ($5 = 'changed' and pi.level <> pi.previous_level)
                  or ($5 = 'same' and pi.level = pi.previous_level))
           order by pi.level desc, pi.name, pi.enterprise_id
           limit $6 offset $7"#,
        push_id,
        f.pattern,
        f.level as Option<Level>,
        f.industry,
        f.change,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// One enterprise of a push (of this department).
pub async fn item(
    db: &PgPool,
    department: DepartmentScope,
    push_id: i64,
    enterprise_id: i64,
) -> sqlx::Result<Option<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select pi.enterprise_id, pi.name, pi.credit_code, pi.address,
                  i.name as industry, i.name_en as industry_en,
                  pi.level as "level: Level", pi.previous_level as "previous_level: Level",
                  pi.safety, pi.hazards, pi.cases, pi.total, pi.reasons,
                  (select count(*) from coordinated_action ca
                   where ca.push_id = pi.push_id and ca.enterprise_id = pi.enterprise_id) as "actions!"
           from push_item pi
           join push p using (push_id)
           join industry i on i.code = pi.industry_code
           where p.department_id = $1 and pi.push_id = $2 and pi.enterprise_id = $3"#,
        department.id(),
        push_id,
        enterprise_id
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone)]
pub struct RemovedRow {
    pub name: String,
    pub level: Level,
}

/// Enterprises of the previous push that this one no longer lists.
pub async fn removed(db: &PgPool, push_id: i64) -> sqlx::Result<Vec<RemovedRow>> {
    sqlx::query_as!(
        RemovedRow,
        r#"select old.name, old.level as "level: Level"
           from push p join push_item old on old.push_id = p.previous_push_id
           where p.push_id = $1
             and not exists (select 1 from push_item now
                             where now.push_id = p.push_id and now.enterprise_id = old.enterprise_id)
           order by old.name
           limit 200"#,
        push_id
    )
    .fetch_all(db)
    .await
}

/// A coordinated action, as the department and the station see it.
#[derive(Debug, Clone)]
pub struct ActionRow {
    pub coordinated_action_id: i64,
    pub department_name: String,
    pub department_name_en: String,
    pub quarter: String,
    pub kind: String,
    pub acted_on: NaiveDate,
    pub note: String,
    pub recorded_by_name: String,
}

/// Whose view of an enterprise's coordinated actions.
#[derive(Debug, Clone, Copy)]
pub enum ActionsOf {
    /// A department sees its own, over all its pushes.
    Department(DepartmentScope),
    /// A station sees every department's about its enterprise.
    Station(StationScope),
}

pub async fn actions(
    db: &PgPool,
    of: ActionsOf,
    enterprise_id: i64,
) -> sqlx::Result<Vec<ActionRow>> {
    let (department_id, station_id) = match of {
        ActionsOf::Department(d) => (Some(d.id()), None),
        ActionsOf::Station(s) => (None, Some(s.id())),
    };
    sqlx::query_as!(
        ActionRow,
        r#"select ca.coordinated_action_id, d.name as department_name,
                  d.name_en as department_name_en, p.quarter, ca.kind::text as "kind!",
                  ca.acted_on, ca.note, u.display_name as recorded_by_name
           from coordinated_action ca
           join push p using (push_id)
           join department d on d.department_id = ca.department_id
           join app_user u on u.user_id = ca.recorded_by
           where ca.enterprise_id = $3
             and (ca.department_id = $1 or ca.station_id = $2)
           order by ca.acted_on desc, ca.coordinated_action_id desc"#,
        department_id,
        station_id,
        enterprise_id
    )
    .fetch_all(db)
    .await
}

/// Set the acknowledgement once; false when it was already acknowledged.
pub async fn acknowledge(
    conn: &mut PgConnection,
    department: DepartmentScope,
    push_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update push set acknowledged_at = $3, acknowledged_by = $4
         where department_id = $1 and push_id = $2 and acknowledged_at is null",
        department.id(),
        push_id,
        now,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone)]
pub struct WaitingPush {
    pub push_id: i64,
    pub department_name: String,
    pub department_name_en: String,
    pub quarter: String,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
}

/// The station's pushes not acknowledged by `before`.
pub async fn unacknowledged(
    db: &PgPool,
    station: StationScope,
    before: DateTime<Utc>,
) -> sqlx::Result<Vec<WaitingPush>> {
    sqlx::query_as!(
        WaitingPush,
        r#"select p.push_id, d.name as department_name, d.name_en as department_name_en,
                  p.quarter, p.revision, p.created_at
           from push p join department d using (department_id)
           where p.station_id = $1 and p.acknowledged_at is null and p.created_at < $2
           order by p.created_at, d.name
           limit 100"#,
        station.id(),
        before
    )
    .fetch_all(db)
    .await
}

/// The station a push of the department came from.
pub async fn station_of_push(
    conn: &mut PgConnection,
    department: DepartmentScope,
    push_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select station_id from push where push_id = $1 and department_id = $2",
        push_id,
        department.id()
    )
    .fetch_one(conn)
    .await
}

/// A coordinated action as recorded by a department user.
#[derive(Debug)]
pub struct NewAction<'a> {
    pub push_id: i64,
    pub enterprise_id: i64,
    pub department_id: i64,
    pub station_id: i64,
    pub kind: &'a str,
    pub acted_on: NaiveDate,
    pub note: &'a str,
    pub recorded_by: i64,
}

/// Record a coordinated action; returns its id.
pub async fn insert_action(conn: &mut PgConnection, a: &NewAction<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into coordinated_action (push_id, enterprise_id, department_id, station_id, kind,
                                         acted_on, note, recorded_by)
         values ($1, $2, $3, $4, $5::text::action_kind, $6, $7, $8)
         returning coordinated_action_id",
        a.push_id,
        a.enterprise_id,
        a.department_id,
        a.station_id,
        a.kind,
        a.acted_on,
        a.note,
        a.recorded_by
    )
    .fetch_one(conn)
    .await
}
