//! The SQL of the department admin pages. Departments are system-wide (no
//! station); only the admin extractor leads here. Every query about a
//! department's subscriptions, users, tokens or deliveries takes the
//! department, so that an id of another department finds nothing.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// A department as the pages show it (never its webhook secret).
#[derive(Debug, Clone)]
pub struct Department {
    pub department_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub webhook_url: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub(super) async fn department(db: &PgPool, id: i64) -> sqlx::Result<Option<Department>> {
    sqlx::query_as!(
        Department,
        "select department_id, code, name, name_en, webhook_url, disabled_at, created_at
         from department where department_id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// The department, locked until the transaction ends.
pub(super) async fn lock_department(
    conn: &mut PgConnection,
    id: i64,
) -> sqlx::Result<Option<Department>> {
    sqlx::query_as!(
        Department,
        "select department_id, code, name, name_en, webhook_url, disabled_at, created_at
         from department where department_id = $1 for update",
        id
    )
    .fetch_optional(conn)
    .await
}

/// One department of the list, with its counts.
#[derive(Debug, Clone)]
pub(super) struct ListRaw {
    pub department_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub webhook: bool,
    pub disabled: bool,
    pub users: i64,
    pub tokens: i64,
}

/// Every department: enabled ones first, by code.
pub(super) async fn list(db: &PgPool) -> sqlx::Result<Vec<ListRaw>> {
    sqlx::query_as!(
        ListRaw,
        r#"select d.department_id, d.code, d.name, d.name_en,
                  d.webhook_url is not null as "webhook!",
                  d.disabled_at is not null as "disabled!",
                  (select count(*) from app_user u
                    where u.department_id = d.department_id and u.disabled_at is null) as "users!",
                  (select count(*) from api_token t
                    where t.department_id = d.department_id and t.revoked_at is null) as "tokens!"
           from department d
           order by d.disabled_at is not null, d.code"#
    )
    .fetch_all(db)
    .await
}

/// Insert a department; `None` when the code is taken.
pub(super) async fn insert_department(
    conn: &mut PgConnection,
    code: &str,
    name: &str,
    name_en: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into department (code, name, name_en) values ($1, $2, $3)
         on conflict (code) do nothing
         returning department_id",
        code,
        name,
        name_en
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn update_names(
    conn: &mut PgConnection,
    id: i64,
    name: &str,
    name_en: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update department set name = $2, name_en = $3 where department_id = $1",
        id,
        name,
        name_en
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn set_department_disabled(
    conn: &mut PgConnection,
    id: i64,
    disabled_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update department set disabled_at = $2 where department_id = $1",
        id,
        disabled_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A subscription with its station's names.
#[derive(Debug, Clone)]
pub(super) struct SubscriptionRaw {
    pub subscription_id: i64,
    pub department_id: i64,
    pub station_id: Option<i64>,
    pub station_name: Option<String>,
    pub station_name_en: Option<String>,
    pub levels: Vec<String>,
    pub industries: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// The subscriptions of one department, or of every department (`None`).
pub(super) async fn subscriptions(
    db: &PgPool,
    department_id: Option<i64>,
) -> sqlx::Result<Vec<SubscriptionRaw>> {
    sqlx::query_as!(
        SubscriptionRaw,
        r#"select s.subscription_id, s.department_id, s.station_id,
                  st.name as "station_name?", st.name_en as "station_name_en?",
                  s.levels::text[] as "levels!", s.industries, s.created_at
           from subscription s
           left join station st on st.station_id = s.station_id
           where $1::bigint is null or s.department_id = $1
           order by s.department_id, st.code nulls first, s.subscription_id"#,
        department_id
    )
    .fetch_all(db)
    .await
}

pub(super) async fn insert_subscription(
    conn: &mut PgConnection,
    department_id: i64,
    station_id: Option<i64>,
    levels: &[String],
    industries: &[String],
    user_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into subscription (department_id, station_id, levels, industries, created_by)
         values ($1, $2, $3::text[]::tier_level[], $4, $5)
         returning subscription_id",
        department_id,
        station_id,
        levels,
        industries,
        user_id
    )
    .fetch_one(conn)
    .await
}

/// Remove a subscription of the department; whether there was one.
pub(super) async fn delete_subscription(
    conn: &mut PgConnection,
    department_id: i64,
    subscription_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from subscription where subscription_id = $1 and department_id = $2",
        subscription_id,
        department_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A station or an industry, for pickers.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub name: String,
    pub name_en: String,
}

pub(super) async fn stations(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select station_id::text as "value!", name, name_en from station order by code"#
    )
    .fetch_all(db)
    .await
}

pub(super) async fn industries(db: &PgPool) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as!(
        Choice,
        r#"select code as value, name, name_en from industry order by sort_order, code"#
    )
    .fetch_all(db)
    .await
}
