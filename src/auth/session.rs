//! Server-side sessions: the cookie carries a random 256-bit token, the
//! table only its SHA-256, so a leaked table row cannot be replayed.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::{Role, SessionUser};
use crate::config::Config;
use crate::i18n::Lang;
use crate::random::{sha256, token_hex};

/// Only touch `last_seen_at` when it is older than this, so that a busy
/// user does not cost a write per request.
const TOUCH_AFTER_SECS: i64 = 60;

fn duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The live session for `token`, or `None` when it is unknown, idle too
/// long, past its absolute lifetime, or its user (or the user's department)
/// is disabled.
pub async fn lookup(
    db: &PgPool,
    token: &str,
    now: DateTime<Utc>,
    config: &Config,
) -> sqlx::Result<Option<SessionUser>> {
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = sha256(token.as_bytes());
    let idle_since = now - duration(config.session_idle);
    let created_since = now - duration(config.session_absolute);
    let row = sqlx::query!(
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
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if (now - row.last_seen_at).num_seconds() >= TOUCH_AFTER_SECS {
        sqlx::query!(
            "update session set last_seen_at = $2 where session_id = $1",
            row.session_id,
            now
        )
        .execute(db)
        .await?;
    }
    Ok(Some(SessionUser {
        session_id: row.session_id,
        csrf_token: row.csrf_token,
        user_id: row.user_id,
        username: row.username,
        display_name: row.display_name,
        role: row.role,
        lang: row.lang,
        station_id: row.station_id,
        department_id: row.department_id,
        scope_name: row.scope_name,
        scope_name_en: row.scope_name_en,
    }))
}

/// Start a session for `user_id`; returns the cookie token.
pub async fn create(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let token = token_hex(32);
    let csrf = token_hex(32);
    sqlx::query!(
        "insert into session (token_hash, user_id, csrf_token, created_at, last_seen_at)
         values ($1, $2, $3, $4, $4)",
        sha256(token.as_bytes()),
        user_id,
        csrf,
        now
    )
    .execute(conn)
    .await?;
    Ok(token)
}

/// End the session holding `token` (if any).
pub async fn delete_by_token(conn: &mut PgConnection, token: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from session where token_hash = $1",
        sha256(token.as_bytes())
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from session where session_id = $1", session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// End every session of a user (disabled account, password changed).
pub async fn delete_all_for_user(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from session where user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Remove sessions that can no longer be used, and old throttling records.
pub async fn purge_expired(db: &PgPool, now: DateTime<Utc>, config: &Config) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from session where last_seen_at <= $1 or created_at <= $2",
        now - duration(config.session_idle),
        now - duration(config.session_absolute),
    )
    .execute(db)
    .await?;
    sqlx::query!(
        "delete from login_attempt where attempted_at < $1",
        now - chrono::Duration::hours(1)
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
