//! The SQL of the webhook worker: claiming due deliveries, recording each
//! attempt, cancelling, and when the next one is due.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// How long a claimed row is left to its worker before another may retry it.
pub const LEASE_SECS: i64 = 120;

/// A row claimed for delivery, with where it goes.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub webhook_delivery_id: i64,
    pub push_id: i64,
    pub department_id: i64,
    pub event_id: String,
    /// Attempts before this one.
    pub attempts: i32,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub department_disabled: bool,
}

/// Claim up to `limit` due rows: move their next attempt one lease ahead
/// and commit (a statement of its own), so that no other worker takes them
/// while they are being delivered, and a worker that dies leaves them to be
/// retried when the lease is over.
pub async fn claim_due(db: &PgPool, now: DateTime<Utc>, limit: i64) -> sqlx::Result<Vec<Claimed>> {
    let lease_end = now + chrono::Duration::seconds(LEASE_SECS);
    sqlx::query_as!(
        Claimed,
        r#"with due as (
               select webhook_delivery_id from webhook_delivery
               where status = 'pending' and next_attempt_at <= $1
               order by next_attempt_at, webhook_delivery_id
               limit $3
               for update skip locked
           )
           update webhook_delivery w set next_attempt_at = $2
           from due, department d
           where w.webhook_delivery_id = due.webhook_delivery_id
             and d.department_id = w.department_id
           returning w.webhook_delivery_id as "webhook_delivery_id!", w.push_id as "push_id!",
                     w.department_id as "department_id!", w.event_id::text as "event_id!",
                     w.attempts as "attempts!", d.webhook_url as "webhook_url?",
                     d.webhook_secret as "webhook_secret?",
                     d.disabled_at is not null as "department_disabled!""#,
        now,
        lease_end,
        limit
    )
    .fetch_all(db)
    .await
}

/// The outcome of one attempt, as recorded.
#[derive(Debug)]
pub struct Attempt<'a> {
    pub at: DateTime<Utc>,
    pub status: Option<i32>,
    pub error: Option<&'a str>,
    pub duration_ms: i32,
    pub delivered: bool,
    pub next_attempt_at: DateTime<Utc>,
    /// Out of attempts: the delivery is given up.
    pub dead: bool,
}

/// Record an attempt on its delivery: delivered, dead, or due again at
/// `next_attempt_at`.
pub async fn record_attempt(
    db: &PgPool,
    webhook_delivery_id: i64,
    a: &Attempt<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"with attempt as (
               insert into webhook_attempt (webhook_delivery_id, at, status, error, duration_ms)
               values ($1, $2, $3, $4, $5)
           )
           update webhook_delivery
           set attempts = attempts + 1,
               last_attempt_at = $2,
               last_status = $3,
               last_error = $4,
               status = case when $6 then 'delivered'::delivery_status
                             when $8 then 'dead'::delivery_status else status end,
               delivered_at = case when $6 then $2 else delivered_at end,
               next_attempt_at = case when $6 then next_attempt_at else $7 end
           where webhook_delivery_id = $1"#,
        webhook_delivery_id,
        a.at,
        a.status,
        a.error,
        a.duration_ms,
        a.delivered,
        a.next_attempt_at,
        a.dead
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Cancel a pending delivery, saying why.
pub async fn cancel(db: &PgPool, webhook_delivery_id: i64, why: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update webhook_delivery set status = 'cancelled', last_error = $2
         where webhook_delivery_id = $1 and status = 'pending'",
        webhook_delivery_id,
        why
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the next pending delivery is due.
pub async fn next_due(db: &PgPool) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select min(next_attempt_at) from webhook_delivery where status = 'pending'"
    )
    .fetch_one(db)
    .await
}
