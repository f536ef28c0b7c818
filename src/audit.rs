//! The append-only audit log. Every write path calls [`record`].

use sqlx::PgConnection;

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
        user: &'a crate::auth::SessionUser,
        req: &'a crate::web::RequestCtx,
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
}

fn clip(s: &str, max_chars: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect()
}

pub async fn record(conn: &mut PgConnection, event: Event<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_event
            (actor_user_id, actor_label, station_id, action, entity, entity_id, summary, addr, request_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        event.actor_user_id,
        clip(event.actor_label, 64),
        event.station_id,
        event.action,
        event.entity,
        event.entity_id,
        clip(event.summary, 500),
        event.addr.map(|a| clip(a, 64)),
        event.request_id.map(|r| clip(r, 64)),
    )
    .execute(conn)
    .await?;
    Ok(())
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
