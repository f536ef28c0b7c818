//! The SQL of the monthly service list. Every query takes the station it is
//! scoped to.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::auth::StationScope;
use crate::level::Level;

/// One enterprise's counts for a month and the month before, as read.
pub(super) struct CountRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub closed: bool,
    pub current_level: Option<Level>,
    pub liaison: Option<String>,
    pub visits: i64,
    pub inspections: i64,
    pub hazards_found: i64,
    pub hazards_rectified: i64,
    pub disputes_resolved: i64,
    pub incidents: i64,
    pub demands_received: i64,
    pub demands_resolved: i64,
    pub trainings: i64,
    pub p_visits: i64,
    pub p_inspections: i64,
    pub p_hazards_found: i64,
    pub p_hazards_rectified: i64,
    pub p_disputes_resolved: i64,
    pub p_incidents: i64,
    pub p_demands_received: i64,
    pub p_demands_resolved: i64,
    pub p_trainings: i64,
}

/// Every enterprise of the station (not deleted) with at least one counted
/// record in the month `[month, next)` or the month before `[prev, month)`,
/// with both months' counts. One statement: each record type is read once
/// over the two months (one row per counted record, tagged with its column
/// and month), the tagged rows are grouped by enterprise, and the groups are
/// joined onto the enterprise. Deleted records are never counted.
///
/// (A union of tagged rows rather than one grouped subquery per record type
/// left-joined together: that shape makes the planner multiply its row
/// estimates join after join, past the point where it JIT-compiles the
/// query, which then costs more than the query itself.)
pub(super) async fn month_counts(
    db: &PgPool,
    station: StationScope,
    prev: NaiveDate,
    month: NaiveDate,
    next: NaiveDate,
) -> sqlx::Result<Vec<CountRow>> {
    sqlx::query_as!(
        CountRow,
        r#"with
           r (enterprise_id, col, cur, inspection) as (
               select enterprise_id, 0, visited_on >= $3, kind = 'inspection'
               from visit
               where station_id = $1 and deleted_at is null
                 and visited_on >= $2 and visited_on < $4
               union all
               select enterprise_id, 1, found_on >= $3, false
               from hazard
               where station_id = $1 and deleted_at is null
                 and found_on >= $2 and found_on < $4
               union all
               select enterprise_id, 2, rectified_on >= $3, false
               from hazard
               where station_id = $1 and deleted_at is null
                 and rectified_on >= $2 and rectified_on < $4
               union all
               select enterprise_id, 3, resolved_on >= $3, false
               from dispute
               where station_id = $1 and deleted_at is null
                 and resolved_on >= $2 and resolved_on < $4
               union all
               select enterprise_id, 4, occurred_on >= $3, false
               from incident
               where station_id = $1 and deleted_at is null
                 and occurred_on >= $2 and occurred_on < $4
               union all
               select enterprise_id, 5, received_on >= $3, false
               from demand
               where station_id = $1 and deleted_at is null
                 and received_on >= $2 and received_on < $4
               union all
               select enterprise_id, 6, resolved_on >= $3, false
               from demand
               where station_id = $1 and deleted_at is null
                 and resolved_on >= $2 and resolved_on < $4
               union all
               select te.enterprise_id, 7, tr.held_on >= $3, false
               from training tr
               join training_enterprise te on te.training_id = tr.training_id
               where tr.station_id = $1 and tr.deleted_at is null
                 and tr.held_on >= $2 and tr.held_on < $4),
           c as (
               select enterprise_id,
                      count(*) filter (where col = 0 and cur) as visits,
                      count(*) filter (where col = 0 and cur and inspection) as inspections,
                      count(*) filter (where col = 1 and cur) as hazards_found,
                      count(*) filter (where col = 2 and cur) as hazards_rectified,
                      count(*) filter (where col = 3 and cur) as disputes_resolved,
                      count(*) filter (where col = 4 and cur) as incidents,
                      count(*) filter (where col = 5 and cur) as demands_received,
                      count(*) filter (where col = 6 and cur) as demands_resolved,
                      count(*) filter (where col = 7 and cur) as trainings,
                      count(*) filter (where col = 0 and not cur) as p_visits,
                      count(*) filter (where col = 0 and not cur and inspection) as p_inspections,
                      count(*) filter (where col = 1 and not cur) as p_hazards_found,
                      count(*) filter (where col = 2 and not cur) as p_hazards_rectified,
                      count(*) filter (where col = 3 and not cur) as p_disputes_resolved,
                      count(*) filter (where col = 4 and not cur) as p_incidents,
                      count(*) filter (where col = 5 and not cur) as p_demands_received,
                      count(*) filter (where col = 6 and not cur) as p_demands_resolved,
                      count(*) filter (where col = 7 and not cur) as p_trainings
               from r
               group by enterprise_id)
           select e.enterprise_id, e.name, e.credit_code,
                  e.status = 'closed' as "closed!",
                  e.current_level as "current_level: Level",
                  u.display_name as "liaison?",
                  c.visits as "visits!",
                  c.inspections as "inspections!",
                  c.hazards_found as "hazards_found!",
                  c.hazards_rectified as "hazards_rectified!",
                  c.disputes_resolved as "disputes_resolved!",
                  c.incidents as "incidents!",
                  c.demands_received as "demands_received!",
                  c.demands_resolved as "demands_resolved!",
                  c.trainings as "trainings!",
                  c.p_visits as "p_visits!",
                  c.p_inspections as "p_inspections!",
                  c.p_hazards_found as "p_hazards_found!",
                  c.p_hazards_rectified as "p_hazards_rectified!",
                  c.p_disputes_resolved as "p_disputes_resolved!",
                  c.p_incidents as "p_incidents!",
                  c.p_demands_received as "p_demands_received!",
                  c.p_demands_resolved as "p_demands_resolved!",
                  c.p_trainings as "p_trainings!"
           from c
           join enterprise e on e.enterprise_id = c.enterprise_id
                            and e.station_id = $1 and e.deleted_at is null
           left join app_user u on u.user_id = e.liaison_officer_id"#,
        station.id(),
        prev,
        month,
        next
    )
    .fetch_all(db)
    .await
}

/// Active enterprises of the station (not deleted).
pub(super) async fn active_enterprises(db: &PgPool, station: StationScope) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from enterprise
           where station_id = $1 and deleted_at is null and status = 'active'"#,
        station.id()
    )
    .fetch_one(db)
    .await
}
