//! The SQL of the JSON API (and of the webhook events, which carry the
//! same objects). Every query takes the department or a push the caller
//! has checked is the department's.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::auth::DepartmentScope;
use crate::level::Level;

pub struct PushRow {
    pub push_id: i64,
    pub quarter: String,
    pub station_code: String,
    pub station_name: String,
    pub station_name_en: String,
    pub revision: i32,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub green: i32,
    pub yellow: i32,
    pub red: i32,
    pub added: i32,
    pub changed: i32,
    pub removed: i32,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// One push of the department, or None (unknown, or another department's).
pub async fn push(
    db: &PgPool,
    department: DepartmentScope,
    push_id: i64,
) -> sqlx::Result<Option<PushRow>> {
    sqlx::query_as!(
        PushRow,
        r#"select p.push_id, p.quarter, s.code as station_code, s.name as station_name,
                  s.name_en as station_name_en, p.revision, p.reason, p.created_at,
                  p.green, p.yellow, p.red, p.added, p.changed, p.removed, p.acknowledged_at
           from push p join station s using (station_id)
           where p.department_id = $1 and p.push_id = $2"#,
        department.id(),
        push_id
    )
    .fetch_optional(db)
    .await
}

/// A page of the department's pushes, newest first, and how many it has.
pub async fn pushes(
    db: &PgPool,
    department: DepartmentScope,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<PushRow>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from push where department_id = $1"#,
        department.id()
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        PushRow,
        r#"select p.push_id, p.quarter, s.code as station_code, s.name as station_name,
                  s.name_en as station_name_en, p.revision, p.reason, p.created_at,
                  p.green, p.yellow, p.red, p.added, p.changed, p.removed, p.acknowledged_at
           from push p join station s using (station_id)
           where p.department_id = $1
           order by p.push_id desc
           limit $2 offset $3"#,
        department.id(),
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    Ok((rows, total))
}

pub struct ItemRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub industry_code: String,
    pub industry_name: String,
    pub industry_name_en: String,
    pub level: Level,
    pub previous_level: Option<Level>,
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub reasons: serde_json::Value,
}

/// How many enterprises a push carries (of `level`, if given). The caller
/// has checked that the push is the department's.
pub async fn enterprise_count(
    db: &PgPool,
    push_id: i64,
    level: Option<Level>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from push_item
           where push_id = $1 and ($2::tier_level is null or level = $2)"#,
        push_id,
        level as Option<Level>
    )
    .fetch_one(db)
    .await
}

/// A push's enterprises (of `level`, if given): red, yellow, green, then by
/// name; `limit` None for all of them. The caller has checked that the push
/// is the department's.
pub async fn items(
    db: &PgPool,
    push_id: i64,
    level: Option<Level>,
    limit: Option<i64>,
    offset: i64,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"select pi.enterprise_id, pi.name, pi.credit_code, pi.address,
                  pi.industry_code, i.name as industry_name, i.name_en as industry_name_en,
                  pi.level as "level: Level", pi.previous_level as "previous_level: Level",
                  pi.safety, pi.hazards, pi.cases, pi.total, pi.reasons
           from push_item pi join industry i on i.code = pi.industry_code
           where pi.push_id = $1 and ($2::tier_level is null or pi.level = $2)
           order by pi.level desc, pi.name, pi.enterprise_id
           limit $3 offset $4"#,
        push_id,
        level as Option<Level>,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// The department of a live API token found by its hash; notes its last
/// use at most every `every_secs`, in the same statement.
pub async fn token_department(
    db: &PgPool,
    hash: &[u8],
    now: DateTime<Utc>,
    every_secs: f64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"with found as (
               select t.api_token_id, t.department_id, t.last_used_at
               from api_token t join department d using (department_id)
               where t.token_hash = $1 and t.revoked_at is null and d.disabled_at is null
           ),
           touched as (
               update api_token t set last_used_at = $2
               from found f
               where t.api_token_id = f.api_token_id
                 and (f.last_used_at is null
                      or f.last_used_at < $2::timestamptz - make_interval(secs => $3))
               returning 1
           )
           select department_id from found"#,
        hash,
        now,
        every_secs
    )
    .fetch_optional(db)
    .await
}
