//! The SQL of a department's receiving ends, for the administrator's
//! department page: API tokens, the webhook address and secret, and the
//! webhook deliveries with their attempts. Every query takes the
//! department, so an id of another department finds nothing.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

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

pub async fn tokens(db: &PgPool, department_id: i64) -> sqlx::Result<Vec<TokenRow>> {
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

pub async fn insert_token(
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
pub async fn lock_token(
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

/// Revoke a token of the department (once).
pub async fn revoke_token(
    conn: &mut PgConnection,
    department_id: i64,
    token_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update api_token set revoked_at = $3, revoked_by = $2
         where api_token_id = $1 and department_id = $4 and revoked_at is null",
        token_id,
        user_id,
        now,
        department_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_webhook(
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
pub async fn cancel_pending(conn: &mut PgConnection, department_id: i64) -> sqlx::Result<u64> {
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
pub struct DeliveryRaw {
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
pub async fn deliveries(
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
pub async fn attempts(
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
pub async fn lock_delivery(
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

/// Make a pending (or dead) delivery of the department due now, and wake
/// the webhook workers (when the transaction commits).
pub async fn retry_now(
    conn: &mut PgConnection,
    department_id: i64,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update webhook_delivery set next_attempt_at = $2, status = 'pending'
         where webhook_delivery_id = $1 and department_id = $3
           and status in ('pending', 'dead')",
        delivery_id,
        now,
        department_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, '')", crate::pushes::WEBHOOK_CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}
