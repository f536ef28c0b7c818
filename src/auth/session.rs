//! Server-side sessions: the cookie carries a random 256-bit token, the
//! table only its SHA-256, so a leaked table row cannot be replayed.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::model::{Scope, SessionUser};
use super::queries;
use crate::config::Config;
use crate::random::{sha256, token_hex};

/// Only touch `last_seen_at` when it is older than this, so that a busy
/// user does not cost a write per request.
const TOUCH_AFTER_SECS: i64 = 60;

fn duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The oldest `last_seen_at` and `created_at` a live session may have.
fn live_since(now: DateTime<Utc>, config: &Config) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - duration(config.session_idle),
        now - duration(config.session_absolute),
    )
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
    let (idle_since, created_since) = live_since(now, config);
    let Some(row) =
        queries::session(db, &sha256(token.as_bytes()), idle_since, created_since).await?
    else {
        return Ok(None);
    };
    if (now - row.last_seen_at).num_seconds() >= TOUCH_AFTER_SECS {
        queries::touch_session(db, row.session_id, now).await?;
    }
    let Some(scope) = Scope::of(row.role, row.station_id, row.department_id) else {
        // An officer without a station cannot act anywhere.
        return Ok(None);
    };
    Ok(Some(SessionUser {
        session_id: row.session_id,
        csrf_token: row.csrf_token,
        user_id: row.user_id,
        username: row.username,
        display_name: row.display_name,
        role: row.role,
        lang: row.lang,
        scope,
        scope_name: row.scope_name,
        scope_name_en: row.scope_name_en,
    }))
}

/// Whether the session is still live, without touching it.
pub async fn is_live(
    db: &PgPool,
    session_id: i64,
    now: DateTime<Utc>,
    config: &Config,
) -> sqlx::Result<bool> {
    let (idle_since, created_since) = live_since(now, config);
    queries::session_live(db, session_id, idle_since, created_since).await
}

/// Start a session for `user_id`; returns the cookie token.
pub async fn create(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let token = token_hex(32);
    queries::insert_session(
        conn,
        &sha256(token.as_bytes()),
        user_id,
        &token_hex(32),
        now,
    )
    .await?;
    Ok(token)
}

/// End the session holding `token` (if any).
pub async fn delete_by_token(conn: &mut PgConnection, token: &str) -> sqlx::Result<()> {
    queries::delete_session_by_hash(conn, &sha256(token.as_bytes())).await
}

pub async fn delete(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    queries::delete_session(conn, session_id).await
}

/// End every session of a user but `keep` (disabled account, password
/// changed); how many ended.
pub async fn delete_all_for_user(
    conn: &mut PgConnection,
    user_id: i64,
    keep: Option<i64>,
) -> sqlx::Result<u64> {
    queries::delete_sessions_of(conn, user_id, keep).await
}

/// Remove sessions that can no longer be used, failures older than the
/// throttling windows and devices unused for a year.
pub async fn purge_expired(db: &PgPool, now: DateTime<Utc>, config: &Config) -> sqlx::Result<u64> {
    let (idle_since, created_since) = live_since(now, config);
    queries::purge(
        db,
        idle_since,
        created_since,
        now - chrono::Duration::days(1),
        now - chrono::Duration::days(365),
    )
    .await
}
