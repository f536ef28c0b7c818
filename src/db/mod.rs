//! Database access: the pool and the migrations.

pub mod list;
pub mod types;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A pool that fails fast when the server is away (so pages answer 503
/// quickly) and reconnects by itself when it returns.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(600))
        // Check a pooled connection before use only if it sat idle a while
        // (a ping on every checkout costs a round trip per request); a
        // connection that breaks in use is dropped by the pool when its
        // query fails, and the request answers 503.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// How long a pooled connection may sit unused before it is pinged on checkout.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

pub async fn connect(options: PgConnectOptions, max_connections: u32) -> sqlx::Result<PgPool> {
    pool_options(max_connections).connect_with(options).await
}

/// The database answers a query.
pub async fn ping(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query_scalar!(r#"select 1 as "one!""#)
        .fetch_one(pool)
        .await
        .map(|_| ())
}

/// Whether the database holds any enterprise or account (a restore asks
/// before it replaces them).
pub async fn holds_data(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select (exists(select 1 from enterprise) or exists(select 1 from app_user)) as "held!""#
    )
    .fetch_one(pool)
    .await
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// A write that a unique constraint refused (SQLSTATE 23505): which one, so
/// that the handler can say which field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unique constraint {constraint} refused the write")]
pub struct DbConflict {
    pub constraint: String,
}

impl DbConflict {
    /// The conflict `err` is, if it is one.
    pub fn of(err: &sqlx::Error) -> Option<DbConflict> {
        match err {
            sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
                Some(DbConflict {
                    constraint: db.constraint().unwrap_or_default().to_owned(),
                })
            }
            _ => None,
        }
    }
}

/// What a write that may conflict returns: a conflict the caller answers,
/// or any other database error.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Conflict(DbConflict),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        match DbConflict::of(&err) {
            Some(conflict) => WriteError::Conflict(conflict),
            None => WriteError::Db(err),
        }
    }
}

/// Whether `err` is PostgreSQL giving up a deadlock (SQLSTATE 40P01) or a
/// serialization failure (40001): the transaction may simply run again.
pub fn is_retryable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001"))
    )
}

/// How many times a transaction runs before a deadlock is given up on.
pub const ATTEMPTS: u32 = 3;

/// Run `work` in a transaction and commit; run it again (up to
/// [`ATTEMPTS`] times) when the database chose it as a deadlock's victim.
pub async fn transaction<T, E>(
    pool: &PgPool,
    mut work: impl AsyncFnMut(&mut sqlx::PgConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<sqlx::Error> + AsDbError,
{
    let mut attempt = 1;
    loop {
        let mut tx = pool.begin().await?;
        let result = match work(&mut tx).await {
            Ok(value) => tx.commit().await.map(|()| value).map_err(E::from),
            Err(err) => Err(err),
        };
        match result {
            Err(err) if attempt < ATTEMPTS && err.db_error().is_some_and(is_retryable) => {
                tracing::warn!(
                    attempt,
                    "transaction chosen as a deadlock victim; running it again"
                );
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Errors that may carry a database error (so that [`transaction`] can tell
/// a deadlock).
pub trait AsDbError {
    fn db_error(&self) -> Option<&sqlx::Error>;
}

impl AsDbError for sqlx::Error {
    fn db_error(&self) -> Option<&sqlx::Error> {
        Some(self)
    }
}
