//! The SQL of the web layer's own state: the one-time form tokens.

use sqlx::PgConnection;

use crate::ids::StationId;

/// The record that `token` made, if this station's form of this kind was
/// already submitted.
pub(super) async fn submitted(
    conn: &mut PgConnection,
    station: StationId,
    entity: &str,
    token: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select entity_id from form_submission
         where station_id = $1 and entity = $2 and token = $3",
        station.get(),
        entity,
        token
    )
    .fetch_optional(conn)
    .await
}

/// Remember that `token` made `entity_id`; a concurrent submit of the same
/// form waits here for the first and then fails on the key.
pub(super) async fn remember(
    conn: &mut PgConnection,
    station: StationId,
    entity: &str,
    token: &str,
    entity_id: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into form_submission (station_id, entity, token, entity_id)
         values ($1, $2, $3, $4)",
        station.get(),
        entity,
        token,
        entity_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
