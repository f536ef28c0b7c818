//! The SQL of an assessment's override and of objections to a published
//! level. Every query takes the station.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::auth::StationScope;
use crate::evaluations::model::Decision;
use crate::ids::{EnterpriseId, EvaluationId, ObjectionId, UserId};
use crate::level::Level;

/// The evaluation still a draft, locked so that a publish cannot slip in
/// before the change commits (`None`: not the station's).
pub async fn lock_draft(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"select status = 'draft' as "draft!" from evaluation
           where evaluation_id = $1 and station_id = $2 for update"#,
        evaluation.get(),
        station.id()
    )
    .fetch_optional(conn)
    .await
}

/// What an override (or an upheld objection) sets on an assessment.
#[derive(Debug, Clone)]
pub struct Override<'a> {
    /// `None` removes an override.
    pub level: Option<Level>,
    pub reason: &'a str,
    pub by: UserId,
    pub final_level: Option<Level>,
    pub movement: &'a str,
}

pub async fn save_override(
    conn: &mut PgConnection,
    station: StationScope,
    assessment_id: i64,
    o: &Override<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update assessment set override_level = $3,
                override_reason = case when $3::tier_level is null then null else $4 end,
                override_by = case when $3::tier_level is null then null else $5::bigint end,
                override_at = case when $3::tier_level is null then null else now() end,
                final_level = $6, movement = $7, version = version + 1
         where assessment_id = $1 and station_id = $2",
        assessment_id,
        station.id(),
        o.level as Option<Level>,
        o.reason,
        o.by.get(),
        o.final_level as Option<Level>,
        o.movement
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Objection {
    pub objection_id: i64,
    pub received_on: NaiveDate,
    pub grounds: String,
    pub recorded_by_name: String,
    pub status: String,
    pub decided_level: Option<Level>,
    pub decision_reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub async fn for_assessment(
    db: &PgPool,
    station: StationScope,
    assessment_id: i64,
) -> sqlx::Result<Vec<Objection>> {
    sqlx::query_as!(
        Objection,
        r#"select o.objection_id, o.received_on, o.grounds, r.display_name as recorded_by_name,
                  o.status::text as "status!", o.decided_level as "decided_level: Level",
                  o.decision_reason, d.display_name as "decided_by_name?", o.decided_at
           from objection o
           join app_user r on r.user_id = o.recorded_by
           left join app_user d on d.user_id = o.decided_by
           where o.station_id = $1 and o.assessment_id = $2
           order by o.objection_id"#,
        station.id(),
        assessment_id
    )
    .fetch_all(db)
    .await
}

/// Record an objection and put its assessment under review.
pub async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    assessment_id: i64,
    received_on: NaiveDate,
    grounds: &str,
    by: UserId,
) -> sqlx::Result<ObjectionId> {
    let id = sqlx::query_scalar!(
        "insert into objection (station_id, assessment_id, received_on, grounds, recorded_by)
         values ($1, $2, $3, $4, $5) returning objection_id",
        station.id(),
        assessment_id,
        received_on,
        grounds,
        by.get()
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "update assessment set under_review = true where assessment_id = $1 and station_id = $2",
        assessment_id,
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(ObjectionId(id))
}

/// The objection of the assessment, locked: whether it is still open
/// (`None`: no such objection there).
pub async fn lock(
    conn: &mut PgConnection,
    station: StationScope,
    objection: ObjectionId,
    assessment_id: i64,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"select status = 'open' as "open!" from objection
           where objection_id = $1 and station_id = $2 and assessment_id = $3 for update"#,
        objection.get(),
        station.id(),
        assessment_id
    )
    .fetch_optional(conn)
    .await
}

/// Decide an objection (upheld when the decision changes the level), and
/// keep its assessment under review while any other objection to it is open.
pub(in crate::evaluations) async fn decide(
    conn: &mut PgConnection,
    station: StationScope,
    (objection, assessment_id): (ObjectionId, i64),
    decision: &Decision,
    by: UserId,
) -> sqlx::Result<()> {
    let (level, reason) = (decision.level, decision.reason.as_str());
    let upheld = level.is_some();
    sqlx::query!(
        "update objection set status = $3::text::objection_status, decided_level = $4,
                decision_reason = $5, decided_by = $6, decided_at = now()
         where objection_id = $1 and station_id = $2",
        objection.get(),
        station.id(),
        if upheld { "upheld" } else { "rejected" },
        level as Option<Level>,
        reason,
        by.get()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update assessment set under_review = exists(
             select 1 from objection where assessment_id = $1 and status = 'open')
         where assessment_id = $1 and station_id = $2",
        assessment_id,
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Count a revision of a published evaluation; returns its number.
pub async fn next_revision(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "update evaluation set revision = revision + 1, version = version + 1
         where evaluation_id = $1 and station_id = $2 returning revision",
        evaluation.get(),
        station.id()
    )
    .fetch_one(conn)
    .await
}

/// The enterprise's current level, as a revision sets it.
pub async fn set_current_level(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise: EnterpriseId,
    level: Level,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update enterprise set current_level = $3 where enterprise_id = $1 and station_id = $2",
        enterprise.get(),
        station.id(),
        level as Level
    )
    .execute(conn)
    .await?;
    Ok(())
}
