//! The SQL of the audit log.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

pub(super) struct Insert<'a> {
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub station_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub summary: String,
    pub addr: Option<String>,
    pub request_id: Option<String>,
}

pub(super) async fn insert(conn: &mut PgConnection, e: &Insert<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_event
            (actor_user_id, actor_label, station_id, action, entity, entity_id, summary, addr, request_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        e.actor_user_id,
        e.actor_label,
        e.station_id,
        e.action,
        e.entity,
        e.entity_id,
        e.summary,
        e.addr,
        e.request_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An event as the administrator's page lists it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub action: String,
    pub summary: String,
}

impl AuditRow {
    /// When, in the stations' local time.
    pub fn when(&self) -> String {
        crate::web::local_time(&self.at)
    }
}

pub(super) async fn recent(db: &PgPool, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as!(
        AuditRow,
        "select at, actor_label, action, summary from audit_event
         order by audit_event_id desc limit $1",
        limit
    )
    .fetch_all(db)
    .await
}
