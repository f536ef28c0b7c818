//! The append-only audit log. Every write path records an [`Event`] in its
//! own transaction; [`commit`] is the end of every page's write.

mod queries;

use axum::response::Response;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::auth::SessionUser;
use crate::error::AppResult;
use crate::web::{Flash, RequestCtx, redirect_with_flash};

pub use queries::AuditRow;

/// One audit event. `actor_label` is the user name as known or as typed
/// (for failed logins of unknown users), cut to a safe length.
#[derive(Debug, Default)]
pub struct Event<'a> {
    pub actor_user_id: Option<i64>,
    pub actor_label: &'a str,
    pub station_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub summary: &'a str,
    pub addr: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

impl<'a> Event<'a> {
    /// An event done by a signed-in user in a request; the request gives the
    /// address and request id.
    pub fn by(
        user: &'a SessionUser,
        req: &'a RequestCtx,
        action: &'a str,
        entity: &'a str,
        entity_id: Option<i64>,
    ) -> Event<'a> {
        Event {
            actor_user_id: Some(user.user_id),
            actor_label: &user.username,
            station_id: user.station_id(),
            action,
            entity,
            entity_id,
            summary: "",
            addr: req.audit_addr(),
            request_id: Some(&req.request_id),
        }
    }

    /// The same event with a summary.
    pub fn with(self, summary: &'a str) -> Event<'a> {
        Event { summary, ..self }
    }
}

fn clip(s: &str, max_chars: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}

pub async fn record(conn: &mut PgConnection, event: Event<'_>) -> sqlx::Result<()> {
    queries::insert(
        conn,
        &queries::Insert {
            actor_user_id: event.actor_user_id,
            actor_label: clip(event.actor_label, 64),
            station_id: event.station_id,
            action: event.action,
            entity: event.entity,
            entity_id: event.entity_id,
            summary: clip(event.summary, 500),
            addr: event.addr.map(|a| clip(a, 64)),
            request_id: event.request_id.map(|r| clip(r, 64)),
        },
    )
    .await
}

/// The end of every write: the audit event in the write's own transaction,
/// the commit, and a redirect (303) that shows `flash` on the next page.
pub async fn commit(
    mut tx: Transaction<'_, Postgres>,
    event: Event<'_>,
    to: &str,
    flash: Flash,
) -> AppResult<Response> {
    record(&mut tx, event).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(to, flash))
}

/// The latest events, newest first.
pub async fn recent(db: &PgPool, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    queries::recent(db, limit).await
}

/// "field: old → new; …" for the fields that changed.
pub fn changes(fields: &[(&str, String, String)]) -> String {
    fields
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(name, old, new)| format!("{name}: {} → {}", clip(old, 60), clip(new, 60)))
        .collect::<Vec<_>>()
        .join("; ")
}
