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

/// A user of the department.
#[derive(Debug, Clone)]
pub struct DeptUser {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl DeptUser {
    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }
}

pub(super) async fn users(db: &PgPool, department_id: i64) -> sqlx::Result<Vec<DeptUser>> {
    sqlx::query_as!(
        DeptUser,
        "select user_id, username, display_name, disabled_at, created_at
         from app_user
         where department_id = $1 and role = 'department'
         order by disabled_at is not null, username",
        department_id
    )
    .fetch_all(db)
    .await
}

pub(super) async fn username_taken(db: &PgPool, username: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from app_user where username = $1) as "taken!""#,
        username
    )
    .fetch_one(db)
    .await
}

/// Insert a department user; `None` when the user name is taken.
pub(super) async fn insert_user(
    conn: &mut PgConnection,
    department_id: i64,
    username: &str,
    display_name: &str,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into app_user (username, display_name, role, department_id, password_hash)
         values ($1, $2, 'department', $3, $4)
         on conflict (username) do nothing
         returning user_id",
        username,
        display_name,
        department_id,
        password_hash
    )
    .fetch_optional(conn)
    .await
}

/// Disable (`Some(now)`) or enable (`None`) a user of the department; the
/// user's name, or `None` when the department has no such user.
pub(super) async fn set_user_disabled(
    conn: &mut PgConnection,
    department_id: i64,
    user_id: i64,
    disabled_at: Option<DateTime<Utc>>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "update app_user
         set disabled_at = case when $3::timestamptz is null then null
                                else coalesce(disabled_at, $3) end
         where user_id = $1 and department_id = $2 and role = 'department'
         returning username",
        user_id,
        department_id,
        disabled_at
    )
    .fetch_optional(conn)
    .await
}

/// An API token as listed (never its hash).
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub api_token_id: i64,
    pub label: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub created_by_name: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by_name: Option<String>,
}

impl TokenRow {
    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }

    pub fn last_used(&self) -> Option<String> {
        self.last_used_at.as_ref().map(crate::web::local_time)
    }

    pub fn revoked(&self) -> Option<String> {
        self.revoked_at.as_ref().map(crate::web::local_time)
    }
}

pub(super) async fn tokens(db: &PgPool, department_id: i64) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"select t.api_token_id, t.label, t.prefix, t.created_at,
                  c.display_name as "created_by_name?", t.last_used_at, t.revoked_at,
                  r.display_name as "revoked_by_name?"
           from api_token t
           left join app_user c on c.user_id = t.created_by
           left join app_user r on r.user_id = t.revoked_by
           where t.department_id = $1
           order by t.revoked_at is not null, t.api_token_id desc"#,
        department_id
    )
    .fetch_all(db)
    .await
}

pub(super) async fn insert_token(
    conn: &mut PgConnection,
    department_id: i64,
    label: &str,
    hash: &[u8],
    prefix: &str,
    user_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into api_token (department_id, label, token_hash, prefix, created_by)
         values ($1, $2, $3, $4, $5)
         returning api_token_id",
        department_id,
        label,
        hash,
        prefix,
        user_id
    )
    .fetch_one(conn)
    .await
}

/// A token of the department, locked: (label, prefix, revoked already).
pub(super) async fn lock_token(
    conn: &mut PgConnection,
    department_id: i64,
    token_id: i64,
) -> sqlx::Result<Option<(String, String, bool)>> {
    let row = sqlx::query!(
        r#"select label, prefix, revoked_at is not null as "revoked!"
           from api_token where api_token_id = $1 and department_id = $2 for update"#,
        token_id,
        department_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.label, r.prefix, r.revoked)))
}

pub(super) async fn revoke_token(
    conn: &mut PgConnection,
    token_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update api_token set revoked_at = $3, revoked_by = $2
         where api_token_id = $1 and revoked_at is null",
        token_id,
        user_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn set_webhook(
    conn: &mut PgConnection,
    department_id: i64,
    url: Option<&str>,
    secret: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update department set webhook_url = $2, webhook_secret = $3 where department_id = $1",
        department_id,
        url,
        secret
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Cancel the department's deliveries not yet accepted; how many.
pub(super) async fn cancel_pending(
    conn: &mut PgConnection,
    department_id: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update webhook_delivery set status = 'cancelled'
         where department_id = $1 and status = 'pending'",
        department_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A delivery with the push it carries.
#[derive(Debug, Clone)]
pub(super) struct DeliveryRaw {
    pub webhook_delivery_id: i64,
    pub event_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub quarter: String,
    pub revision: i32,
    pub station_name: String,
    pub station_name_en: String,
}

/// The department's latest `limit` deliveries, newest first.
pub(super) async fn deliveries(
    db: &PgPool,
    department_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<DeliveryRaw>> {
    sqlx::query_as!(
        DeliveryRaw,
        r#"select w.webhook_delivery_id, w.event_id::text as "event_id!",
                  w.status::text as "status!", w.attempts, w.next_attempt_at, w.last_attempt_at,
                  w.last_status, w.last_error, w.delivered_at, p.quarter, p.revision, st.name as station_name, st.name_en as station_name_en
           from webhook_delivery w
           join push p on p.push_id = w.push_id
           join station st on st.station_id = p.station_id
           where w.department_id = $1
           order by w.webhook_delivery_id desc
           limit $2"#,
        department_id,
        limit
    )
    .fetch_all(db)
    .await
}

/// One attempt at a delivery.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub webhook_delivery_id: i64,
    pub at: DateTime<Utc>,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl AttemptRow {
    pub fn when(&self) -> String {
        crate::web::local_time(&self.at)
    }
}

/// The latest `per_delivery` attempts of each of the deliveries, newest
/// first.
pub(super) async fn attempts(
    db: &PgPool,
    delivery_ids: &[i64],
    per_delivery: i64,
) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as!(
        AttemptRow,
        r#"select webhook_delivery_id as "webhook_delivery_id!", at as "at!", status, error,
                  duration_ms as "duration_ms!"
           from (select a.*, row_number() over (partition by a.webhook_delivery_id
                                                order by a.webhook_attempt_id desc) as n
                 from webhook_attempt a
                 where a.webhook_delivery_id = any($1)) ranked
           where n <= $2
           order by webhook_delivery_id desc, n"#,
        delivery_ids,
        per_delivery
    )
    .fetch_all(db)
    .await
}

/// A delivery of the department, locked: (event id, status).
pub(super) async fn lock_delivery(
    conn: &mut PgConnection,
    department_id: i64,
    delivery_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        r#"select event_id::text as "event_id!", status::text as "status!"
           from webhook_delivery
           where webhook_delivery_id = $1 and department_id = $2 for update"#,
        delivery_id,
        department_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.event_id, r.status)))
}

/// Make a pending (or dead) delivery due now, and wake the webhook workers (when the
/// transaction commits).
pub(super) async fn retry_now(
    conn: &mut PgConnection,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update webhook_delivery set next_attempt_at = $2, status = 'pending'
         where webhook_delivery_id = $1 and status in ('pending', 'dead')",
        delivery_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, '')", crate::pushes::WEBHOOK_CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}
