//! The SQL of running, publishing and re-scoring an evaluation, and of
//! gathering a station's scoring inputs (a handful of set-based queries,
//! never one per enterprise). Every query takes the station.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::auth::StationScope;
use crate::ids::{EvaluationId, UserId};
use crate::scoring::{HazardSeverity, IncidentCategory, IncidentSeverity, Level, Quarter};

/// A stored scoring policy version.
#[derive(Debug, Clone)]
pub struct PolicyRow {
    pub scoring_policy_id: i64,
    pub version: i32,
    pub params: Option<Value>,
    pub mass_dispute_threshold: i32,
    pub demand_response_days: i32,
}

/// The newest policy version whose first quarter is not after `quarter`.
pub async fn policy_in_force(
    conn: &mut PgConnection,
    quarter: Quarter,
) -> sqlx::Result<Option<PolicyRow>> {
    sqlx::query_as!(
        PolicyRow,
        "select scoring_policy_id, version, params, mass_dispute_threshold, demand_response_days
         from scoring_policy where effective_from <= $1
         order by effective_from desc, version desc limit 1",
        quarter.to_string()
    )
    .fetch_optional(conn)
    .await
}

/// The policy version an evaluation of the station was scored with.
pub async fn policy_of_evaluation(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<Option<PolicyRow>> {
    sqlx::query_as!(
        PolicyRow,
        "select p.scoring_policy_id, p.version, p.params, p.mass_dispute_threshold,
                p.demand_response_days
         from evaluation e join scoring_policy p using (scoring_policy_id)
         where e.evaluation_id = $1 and e.station_id = $2",
        evaluation.get(),
        station.id()
    )
    .fetch_optional(conn)
    .await
}

/// The station's evaluation of a quarter, locked for this transaction.
#[derive(Debug, Clone, Copy)]
pub struct Claimed {
    pub evaluation: EvaluationId,
    pub published: bool,
    /// Made by this claim (no earlier draft to replace).
    pub fresh: bool,
}

/// Make the station's evaluation of `quarter` or lock the one there is. Two
/// runs at once: the second waits on the key until the first commits, then
/// finds and locks its row (where a `select … for update` alone finds
/// nothing to lock and both would insert).
pub async fn claim(
    conn: &mut PgConnection,
    station: StationScope,
    quarter: Quarter,
    policy_id: i64,
    at: DateTime<Utc>,
    by: Option<UserId>,
) -> sqlx::Result<Claimed> {
    let quarter = quarter.to_string();
    let made = sqlx::query_scalar!(
        "insert into evaluation (station_id, quarter, scoring_policy_id, run_at, run_by)
         values ($1, $2, $3, $4, $5)
         on conflict (station_id, quarter) do nothing
         returning evaluation_id",
        station.id(),
        quarter,
        policy_id,
        at,
        by.map(UserId::get)
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = made {
        return Ok(Claimed {
            evaluation: EvaluationId(id),
            published: false,
            fresh: true,
        });
    }
    let row = sqlx::query!(
        r#"select evaluation_id, status = 'published' as "published!" from evaluation
           where station_id = $1 and quarter = $2 for update"#,
        station.id(),
        quarter
    )
    .fetch_one(conn)
    .await?;
    Ok(Claimed {
        evaluation: EvaluationId(row.evaluation_id),
        published: row.published,
        fresh: false,
    })
}

/// Clear a draft's assessments and stamp its new run.
pub async fn restart(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    policy_id: i64,
    at: DateTime<Utc>,
    by: Option<UserId>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from assessment where evaluation_id = $1 and station_id = $2",
        evaluation.get(),
        station.id()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update evaluation set run_at = $3, run_by = $4, scoring_policy_id = $5,
                version = version + 1
         where evaluation_id = $1 and station_id = $2 and status = 'draft'",
        evaluation.get(),
        station.id(),
        at,
        by.map(UserId::get),
        policy_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The columns of a run's assessments, one entry per enterprise.
#[derive(Debug, Default)]
pub struct AssessmentColumns {
    pub enterprise_ids: Vec<i64>,
    pub safety: Vec<i32>,
    pub hazards: Vec<i32>,
    pub cases: Vec<i32>,
    pub total: Vec<i32>,
    pub computed: Vec<Option<Level>>,
    pub vetoed: Vec<bool>,
    pub stale: Vec<bool>,
    pub previous: Vec<Option<Level>>,
    pub movements: Vec<String>,
    /// JSON as text: binding large jsonb[] arrays is far slower.
    pub reasons: Vec<String>,
    pub inputs: Vec<String>,
}

/// All of a run's assessments in one statement.
pub async fn insert_assessments(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    c: &AssessmentColumns,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into assessment (station_id, evaluation_id, enterprise_id, safety, hazards, cases,
                                  total, computed_level, vetoed, stale, previous_level, final_level,
                                  movement, reasons, inputs)
           select $1, $2, u.id, u.safety, u.hazards, u.cases, u.total, u.computed,
                  u.vetoed, u.stale, u.previous, u.computed, u.movement,
                  u.reasons::jsonb, u.inputs::jsonb
           from unnest($3::bigint[], $4::int[], $5::int[], $6::int[], $7::int[],
                       $8::tier_level[], $9::bool[], $10::bool[], $11::tier_level[], $12::text[],
                       $13::text[], $14::text[])
                as u(id, safety, hazards, cases, total, computed, vetoed, stale, previous,
                     movement, reasons, inputs)"#,
        station.id(),
        evaluation.get(),
        &c.enterprise_ids,
        &c.safety,
        &c.hazards,
        &c.cases,
        &c.total,
        &c.computed as &[Option<Level>],
        &c.vetoed,
        &c.stale,
        &c.previous as &[Option<Level>],
        &c.movements,
        &c.reasons,
        &c.inputs
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Refresh the planner's statistics of the assessments. A quarter's
/// assessments are a fresh share of the table that the planner knows
/// nothing of until autovacuum gets round to it; publishing right after a
/// run then joined them row by row (30 s instead of 0.7 s at 20,000
/// enterprises, bench/load.sh). Sampling costs a fraction of a second.
pub async fn analyze_assessments(db: &PgPool) -> sqlx::Result<()> {
    sqlx::query!("analyze assessment").execute(db).await?;
    Ok(())
}

/// The same for pushes just written: the departments' dashboards compare
/// them with the last ones at once (30 s instead of milliseconds with no
/// statistics on them, bench/load.sh).
pub async fn analyze_pushes(db: &PgPool) -> sqlx::Result<()> {
    sqlx::query!("analyze push, push_item").execute(db).await?;
    Ok(())
}

/// The station's evaluation of `quarter` (id, published), locked.
pub async fn lock(
    conn: &mut PgConnection,
    station: StationScope,
    quarter: Quarter,
) -> sqlx::Result<Option<(EvaluationId, bool)>> {
    let row = sqlx::query!(
        r#"select evaluation_id, status = 'published' as "published!" from evaluation
           where station_id = $1 and quarter = $2 for update"#,
        station.id(),
        quarter.to_string()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (EvaluationId(r.evaluation_id), r.published)))
}

/// Mark a draft published.
pub async fn mark_published(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    at: DateTime<Utc>,
    by: UserId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update evaluation set status = 'published', published_at = $3, published_by = $4,
                version = version + 1
         where evaluation_id = $1 and station_id = $2",
        evaluation.get(),
        station.id(),
        at,
        by.get()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Record revision `revision` of a published evaluation (0: publication).
pub async fn insert_revision(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    revision: i32,
    reason: &str,
    at: DateTime<Utc>,
    by: UserId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into evaluation_revision (station_id, evaluation_id, revision, reason, at, by_user)
         values ($1, $2, $3, $4, $5, $6)",
        station.id(),
        evaluation.get(),
        revision,
        reason,
        at,
        by.get()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a quarter of the station after `quarter` is published.
pub async fn later_published(
    conn: &mut PgConnection,
    station: StationScope,
    quarter: Quarter,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from evaluation where station_id = $1 and status = 'published'
                         and quarter > $2) as "later!""#,
        station.id(),
        quarter.to_string()
    )
    .fetch_one(conn)
    .await
}

/// Copy the evaluation's final levels to the enterprises whose level
/// changes (most keep theirs from one quarter to the next). Returns how many.
pub async fn copy_final_levels(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update enterprise e set current_level = a.final_level
         from assessment a
         where a.evaluation_id = $1 and a.station_id = $2
           and a.enterprise_id = e.enterprise_id and e.station_id = $2
           and e.current_level is distinct from a.final_level",
        evaluation.get(),
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A re-inspection, due 30 days after `today`, for every enterprise that
/// ends red or moved down, with the items its latest inspection failed.
/// Returns how many were scheduled.
pub async fn schedule_reinspections(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    today: NaiveDate,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"insert into reinspection (station_id, enterprise_id, evaluation_id, assigned_to, due_on, failed_items)
           select a.station_id, a.enterprise_id, a.evaluation_id, e.liaison_officer_id, $2::date + 30,
                  coalesce((select array_agg(ci.text order by ci.position)
                            from visit_check vc join checklist_item ci using (checklist_item_id)
                            where vc.answer = 'fail' and vc.visit_id = (
                                select v.visit_id from visit v
                                where v.station_id = a.station_id and v.enterprise_id = a.enterprise_id
                                  and v.kind = 'inspection'
                                  and v.deleted_at is null
                                order by v.visited_on desc, v.visit_id desc limit 1)), '{}')
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id
           where a.evaluation_id = $1 and a.station_id = $3
             and (a.final_level = 'red' or a.movement = 'down')
           order by a.enterprise_id
           on conflict (evaluation_id, enterprise_id) do nothing"#,
        evaluation.get(),
        today,
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// An assessment as stored, for re-scoring.
#[derive(Debug, Clone)]
pub struct StoredAssessment {
    pub enterprise_id: i64,
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub computed: Option<Level>,
    pub vetoed: bool,
    pub reasons: Value,
    pub inputs: Value,
}

/// The station's evaluation of `quarter` with its policy, if it was run.
pub async fn evaluation_policy(
    conn: &mut PgConnection,
    station: StationScope,
    quarter: Quarter,
) -> sqlx::Result<Option<(EvaluationId, PolicyRow)>> {
    let row = sqlx::query!(
        "select e.evaluation_id, p.scoring_policy_id, p.version, p.params,
                p.mass_dispute_threshold, p.demand_response_days
         from evaluation e join scoring_policy p using (scoring_policy_id)
         where e.station_id = $1 and e.quarter = $2",
        station.id(),
        quarter.to_string()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            EvaluationId(r.evaluation_id),
            PolicyRow {
                scoring_policy_id: r.scoring_policy_id,
                version: r.version,
                params: r.params,
                mass_dispute_threshold: r.mass_dispute_threshold,
                demand_response_days: r.demand_response_days,
            },
        )
    }))
}

pub async fn stored_assessments(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<Vec<StoredAssessment>> {
    sqlx::query_as!(
        StoredAssessment,
        r#"select enterprise_id, safety, hazards, cases, total,
                  computed_level as "computed: Level", vetoed, reasons, inputs
           from assessment where evaluation_id = $1 and station_id = $2
           order by enterprise_id"#,
        evaluation.get(),
        station.id()
    )
    .fetch_all(conn)
    .await
}

/// An active enterprise and its previous quarter's published final level.
pub struct ActiveEnterprise {
    pub enterprise_id: i64,
    pub previous_level: Option<Level>,
}

pub async fn active_enterprises(
    conn: &mut PgConnection,
    station: StationScope,
    previous: Quarter,
) -> sqlx::Result<Vec<ActiveEnterprise>> {
    sqlx::query_as!(
        ActiveEnterprise,
        r#"select e.enterprise_id, a.final_level as "previous_level?: Level"
           from enterprise e
           left join evaluation ev on ev.station_id = e.station_id and ev.quarter = $2
                                   and ev.status = 'published'
           left join assessment a on a.evaluation_id = ev.evaluation_id
                                  and a.enterprise_id = e.enterprise_id
           where e.station_id = $1 and e.deleted_at is null and e.status = 'active'
           order by e.enterprise_id"#,
        station.id(),
        previous.to_string()
    )
    .fetch_all(conn)
    .await
}

/// An inspection with its pass and applicable counts.
pub struct InspectionRow {
    pub enterprise_id: i64,
    pub visit_id: i64,
    pub visited_on: NaiveDate,
    pub in_quarter: bool,
    pub passed: i64,
    pub applicable: i64,
}

/// Per enterprise, the latest inspection in `start..=end` and the latest
/// before `start`.
pub async fn latest_inspections(
    conn: &mut PgConnection,
    station: StationScope,
    start: NaiveDate,
    end: NaiveDate,
) -> sqlx::Result<Vec<InspectionRow>> {
    sqlx::query_as!(
        InspectionRow,
        r#"with latest as (
               select distinct on (v.enterprise_id, v.visited_on >= $2)
                      v.enterprise_id, v.visit_id, v.visited_on, v.visited_on >= $2 as in_quarter
               from visit v
               where v.station_id = $1 and v.kind = 'inspection' and v.deleted_at is null
                 and v.visited_on <= $3
               order by v.enterprise_id, v.visited_on >= $2, v.visited_on desc, v.visit_id desc)
           select l.enterprise_id, l.visit_id, l.visited_on, l.in_quarter as "in_quarter!",
                  c.passed as "passed!", c.applicable as "applicable!"
           from latest l
           cross join lateral (
               select count(*) filter (where c.answer = 'pass') as passed,
                      count(*) filter (where c.answer in ('pass', 'fail')) as applicable
               from visit_check c where c.visit_id = l.visit_id) c"#,
        station.id(),
        start,
        end
    )
    .fetch_all(conn)
    .await
}

pub struct HazardRow {
    pub enterprise_id: i64,
    pub hazard_id: i64,
    pub severity: HazardSeverity,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
}

/// Hazards found by `end`, open at its end or rectified from `start` on.
pub async fn hazards_in(
    conn: &mut PgConnection,
    station: StationScope,
    start: NaiveDate,
    end: NaiveDate,
) -> sqlx::Result<Vec<HazardRow>> {
    sqlx::query_as!(
        HazardRow,
        r#"select enterprise_id, hazard_id, severity as "severity: HazardSeverity", found_on,
                  deadline, rectified_on
           from hazard
           where station_id = $1 and deleted_at is null and found_on <= $3
             and (rectified_on is null or rectified_on >= $2)"#,
        station.id(),
        start,
        end
    )
    .fetch_all(conn)
    .await
}

pub struct IncidentRow {
    pub enterprise_id: i64,
    pub incident_id: i64,
    pub occurred_on: NaiveDate,
    pub category: IncidentCategory,
    pub severity: IncidentSeverity,
    pub enterprise_victim: bool,
}

/// Incidents that occurred in `start..=end`.
pub async fn incidents_in(
    conn: &mut PgConnection,
    station: StationScope,
    start: NaiveDate,
    end: NaiveDate,
) -> sqlx::Result<Vec<IncidentRow>> {
    sqlx::query_as!(
        IncidentRow,
        r#"select enterprise_id, incident_id, occurred_on,
                  category as "category: IncidentCategory",
                  severity as "severity: IncidentSeverity", enterprise_victim
           from incident
           where station_id = $1 and deleted_at is null and occurred_on between $2 and $3"#,
        station.id(),
        start,
        end
    )
    .fetch_all(conn)
    .await
}

pub struct DisputeRow {
    pub enterprise_id: i64,
    pub dispute_id: i64,
    pub reported_on: NaiveDate,
    pub people_involved: i32,
}

/// Disputes reported by `end` whose status just before `instant` (the last
/// status change up to then) was still reported or mediating.
pub async fn disputes_open_at(
    conn: &mut PgConnection,
    station: StationScope,
    end: NaiveDate,
    instant: DateTime<Utc>,
) -> sqlx::Result<Vec<DisputeRow>> {
    sqlx::query_as!(
        DisputeRow,
        r#"select d.enterprise_id, d.dispute_id, d.reported_on, d.people_involved
           from dispute d
           where d.station_id = $1 and d.deleted_at is null and d.reported_on <= $2
             and coalesce((select ev.to_status from dispute_event ev
                           where ev.dispute_id = d.dispute_id and ev.at < $3
                           order by ev.at desc, ev.dispute_event_id desc limit 1),
                          'reported') in ('reported', 'mediating')"#,
        station.id(),
        end,
        instant
    )
    .fetch_all(conn)
    .await
}
