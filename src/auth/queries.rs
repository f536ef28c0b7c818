//! The SQL of accounts, sessions and sign-in throttling.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::model::Role;
use crate::i18n::Lang;

/// A session's row joined with its user, as the middleware loads it.
pub(super) struct SessionRow {
    pub session_id: i64,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub lang: Lang,
    pub station_id: Option<i64>,
    pub department_id: Option<i64>,
    pub scope_name: Option<String>,
    pub scope_name_en: Option<String>,
}

/// The live session whose token hashes to `hash`: not idle since
/// `idle_since`, not older than `created_since`, its user (and the user's
/// department) not disabled.
pub(super) async fn session(
    db: &PgPool,
    hash: &[u8],
    idle_since: DateTime<Utc>,
    created_since: DateTime<Utc>,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        r#"select s.session_id, s.csrf_token, s.last_seen_at,
                  u.user_id, u.username, u.display_name,
                  u.role as "role: Role", u.lang as "lang: Lang",
                  u.station_id, u.department_id,
                  coalesce(st.name, d.name) as scope_name,
                  coalesce(st.name_en, d.name_en) as scope_name_en
           from session s
           join app_user u on u.user_id = s.user_id
           left join station st on st.station_id = u.station_id
           left join department d on d.department_id = u.department_id
           where s.token_hash = $1
             and u.disabled_at is null
             and d.disabled_at is null
             and s.last_seen_at > $2
             and s.created_at > $3"#,
        hash,
        idle_since,
        created_since,
    )
    .fetch_optional(db)
    .await
}

/// Whether the session is still live (the check a long-lived stream makes).
pub(super) async fn session_live(
    db: &PgPool,
    session_id: i64,
    idle_since: DateTime<Utc>,
    created_since: DateTime<Utc>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(
               select 1 from session s
               join app_user u on u.user_id = s.user_id
               left join department d on d.department_id = u.department_id
               where s.session_id = $1 and u.disabled_at is null and d.disabled_at is null
                 and s.last_seen_at > $2 and s.created_at > $3) as "live!""#,
        session_id,
        idle_since,
        created_since
    )
    .fetch_one(db)
    .await
}

pub(super) async fn touch_session(
    db: &PgPool,
    session_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update session set last_seen_at = $2 where session_id = $1",
        session_id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub(super) async fn insert_session(
    conn: &mut PgConnection,
    hash: &[u8],
    user_id: i64,
    csrf: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into session (token_hash, user_id, csrf_token, created_at, last_seen_at)
         values ($1, $2, $3, $4, $4)",
        hash,
        user_id,
        csrf,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_session_by_hash(
    conn: &mut PgConnection,
    hash: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!("delete from session where token_hash = $1", hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn delete_session(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from session where session_id = $1", session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// End the user's sessions but `keep`; how many ended.
pub(super) async fn delete_sessions_of(
    conn: &mut PgConnection,
    user_id: i64,
    keep: Option<i64>,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from session where user_id = $1 and session_id is distinct from $2",
        user_id,
        keep
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Remove what can no longer be used: ended sessions, failures older than
/// any throttling window, devices unused for a year.
pub(super) async fn purge(
    db: &PgPool,
    idle_since: DateTime<Utc>,
    created_since: DateTime<Utc>,
    failures_before: DateTime<Utc>,
    devices_before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from session where last_seen_at <= $1 or created_at <= $2",
        idle_since,
        created_since,
    )
    .execute(db)
    .await?;
    sqlx::query!(
        "delete from login_failure where failed_at < $1",
        failures_before
    )
    .execute(db)
    .await?;
    sqlx::query!(
        "delete from login_device where last_used_at < $1",
        devices_before
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// An account as the login form needs it.
pub(super) struct LoginRow {
    pub user_id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub lang: Lang,
    pub station_id: Option<i64>,
    pub disabled: bool,
    pub unknown_devices_held_until: Option<DateTime<Utc>>,
}

pub(super) async fn login_row(
    conn: &mut PgConnection,
    username: &str,
) -> sqlx::Result<Option<LoginRow>> {
    sqlx::query_as!(
        LoginRow,
        r#"select u.user_id, u.username, u.password_hash, u.role as "role: Role",
                  u.lang as "lang: Lang", u.station_id,
                  -- a user of a disabled department is disabled with it
                  (u.disabled_at is not null or d.disabled_at is not null) as "disabled!",
                  u.unknown_devices_held_until
           from app_user u left join department d using (department_id)
           where u.username = $1"#,
        username
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn password_hash(
    conn: &mut PgConnection,
    user_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select password_hash from app_user where user_id = $1",
        user_id
    )
    .fetch_optional(conn)
    .await
}

/// How many failures count against an attempt, each in its window.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Failures {
    /// From the address, by unknown devices, since `addr_since`.
    pub addr: i64,
    /// For the account from the address, by unknown devices, since `since`.
    pub pair: i64,
    /// By the known device, since `since`.
    pub device: i64,
}

pub(super) async fn failures(
    conn: &mut PgConnection,
    addr: &str,
    user_id: Option<i64>,
    device_id: Option<i64>,
    addr_since: DateTime<Utc>,
    since: DateTime<Utc>,
) -> sqlx::Result<Failures> {
    let row = sqlx::query!(
        r#"select
             (select count(*) from login_failure
              where addr = $1 and login_device_id is null and failed_at > $4) as "addr!",
             (select count(*) from login_failure
              where user_id = $2 and addr = $1 and login_device_id is null
                and failed_at > $5) as "pair!",
             (select count(*) from login_failure
              where login_device_id = $3 and failed_at > $5) as "device!""#,
        addr,
        user_id,
        device_id,
        addr_since,
        since
    )
    .fetch_one(conn)
    .await?;
    Ok(Failures {
        addr: row.addr,
        pair: row.pair,
        device: row.device,
    })
}

pub(super) async fn insert_failure(
    conn: &mut PgConnection,
    addr: &str,
    user_id: Option<i64>,
    device_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into login_failure (addr, user_id, login_device_id, failed_at)
         values ($1, $2, $3, $4)",
        addr,
        user_id,
        device_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Hold the account for unknown devices until `until` when at least
/// `limit` unknown devices' failures fall after `since` and it is not held
/// already; whether it was held now.
pub(super) async fn hold_for_unknown_devices(
    conn: &mut PgConnection,
    user_id: i64,
    since: DateTime<Utc>,
    limit: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update app_user set unknown_devices_held_until = $5
         where user_id = $1
           and (unknown_devices_held_until is null or unknown_devices_held_until <= $4)
           and (select count(*) from login_failure
                where user_id = $1 and login_device_id is null and failed_at > $2) >= $3",
        user_id,
        since,
        limit,
        now,
        until
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The device of `user_id` whose token hashes to `hash`.
pub(super) async fn device(
    conn: &mut PgConnection,
    user_id: i64,
    hash: &[u8],
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select login_device_id from login_device where user_id = $1 and token_hash = $2",
        user_id,
        hash
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn touch_device(
    conn: &mut PgConnection,
    device_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update login_device set last_used_at = $2 where login_device_id = $1",
        device_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_device(
    conn: &mut PgConnection,
    user_id: i64,
    hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into login_device (user_id, token_hash, created_at, last_used_at)
         values ($1, $2, $3, $3)",
        user_id,
        hash,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revoke every device of the user and lift the hold on unknown devices (a
/// new password, a reset or a disabled account starts afresh).
pub(super) async fn forget_devices(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from login_device where user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "update app_user set unknown_devices_held_until = null where user_id = $1",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn set_password_hash(
    conn: &mut PgConnection,
    user_id: i64,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set password_hash = $2 where user_id = $1",
        user_id,
        hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn set_lang(
    conn: &mut PgConnection,
    user_id: i64,
    lang: Lang,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set lang = $2 where user_id = $1",
        user_id,
        lang as Lang
    )
    .execute(conn)
    .await?;
    Ok(())
}
