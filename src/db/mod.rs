//! Database access: the pool and the migrations.

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

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}
