//! Writing pushes: called inside the transaction that publishes an
//! evaluation or one of its revisions, so that the pushes (and the webhook
//! deliveries that carry them to partner systems) commit or roll back with
//! the publication — a transactional outbox.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// The channel on which a new push is announced to every Sanse instance;
/// the payload is `{"push_id": …, "department_id": …}`.
pub const PUSH_CHANNEL: &str = "sanse_push";
/// The channel that wakes the webhook workers.
pub const WEBHOOK_CHANNEL: &str = "sanse_webhook";

/// A push just written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub push_id: i64,
    pub department_id: i64,
}

/// Write one push per department subscribed to the evaluation's station,
/// carrying the enterprises its subscriptions select at their final levels
/// (an enterprise not yet rated is never pushed). The first publication
/// (`revision` 0) is pushed to every subscribed department, even when its
/// list is empty, so that the department knows the quarter is out; a
/// revision is pushed only to the departments whose list it changes.
///
/// Each push records its changes against the department's previous push
/// from the station; departments with a webhook get a delivery row. The
/// announcements (`NOTIFY`) reach listeners when the transaction commits.
pub async fn write_pushes(
    conn: &mut PgConnection,
    evaluation_id: i64,
    revision: i32,
    reason: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Written>> {
    let written = sqlx::query_as!(
        Written,
        r#"with ev as (
               select evaluation_id, station_id, quarter from evaluation where evaluation_id = $1
           ),
           subs as (
               select s.department_id, s.levels, s.industries
               from subscription s join department d using (department_id), ev
               where d.disabled_at is null
                 and (s.station_id is null or s.station_id = ev.station_id)
           ),
           depts as (select distinct department_id from subs),
           routed as (
               select distinct s.department_id, a.enterprise_id, a.final_level as level
               from assessment a
               join enterprise e on e.enterprise_id = a.enterprise_id
               join subs s on a.final_level = any(s.levels)
                          and (cardinality(s.industries) = 0 or e.industry_code = any(s.industries))
               where a.evaluation_id = $1 and a.final_level is not null
           ),
           prev as (
               select distinct on (p.department_id) p.department_id, p.push_id
               from push p, ev
               where p.station_id = ev.station_id
                 and p.department_id in (select department_id from depts)
               order by p.department_id, p.push_id desc
           ),
           prev_items as (
               select prev.department_id, pi.enterprise_id, pi.level
               from prev join push_item pi using (push_id)
           ),
           compared as (
               select coalesce(r.department_id, pv.department_id) as department_id,
                      r.enterprise_id, r.level, pv.enterprise_id as prev_enterprise_id,
                      pv.level as prev_level
               from routed r
               full join prev_items pv
                 on pv.department_id = r.department_id and pv.enterprise_id = r.enterprise_id
           ),
           counted as (
               select d.department_id,
                      count(c.enterprise_id) filter (where c.level = 'green')::int as green,
                      count(c.enterprise_id) filter (where c.level = 'yellow')::int as yellow,
                      count(c.enterprise_id) filter (where c.level = 'red')::int as red,
                      count(c.enterprise_id) filter (where c.prev_enterprise_id is null)::int as added,
                      count(c.enterprise_id) filter (where c.level <> c.prev_level)::int as changed,
                      count(c.prev_enterprise_id) filter (where c.enterprise_id is null)::int as removed
               from depts d left join compared c using (department_id)
               group by d.department_id
           ),
           pushed as (
               insert into push (department_id, station_id, evaluation_id, quarter, revision, reason,
                                 created_at, green, yellow, red, added, changed, removed,
                                 previous_push_id)
               select c.department_id, ev.station_id, ev.evaluation_id, ev.quarter, $2, $3, $4,
                      c.green, c.yellow, c.red, c.added, c.changed, c.removed, prev.push_id
               from counted c cross join ev left join prev using (department_id)
               where $2 = 0 or c.added + c.changed + c.removed > 0
               returning push_id, department_id
           ),
           -- (data-modifying parts run to completion whether read or not)
           items as (
               insert into push_item (push_id, enterprise_id, name, credit_code, address,
                                      industry_code, level, previous_level, safety, hazards,
                                      cases, total, reasons)
               select p.push_id, r.enterprise_id, e.name, e.credit_code, e.address,
                      e.industry_code, r.level, pv.level, a.safety, a.hazards, a.cases, a.total,
                      a.reasons
               from pushed p
               join routed r using (department_id)
               join enterprise e on e.enterprise_id = r.enterprise_id
               join assessment a on a.evaluation_id = $1 and a.enterprise_id = r.enterprise_id
               left join prev_items pv
                 on pv.department_id = r.department_id and pv.enterprise_id = r.enterprise_id
               returning 1
           ),
           deliveries as (
               insert into webhook_delivery (push_id, department_id, next_attempt_at)
               select p.push_id, p.department_id, $4
               from pushed p join department d using (department_id)
               where d.webhook_url is not null
               returning 1
           )
           select p.push_id as "push_id!", p.department_id as "department_id!"
           from pushed p
           order by p.department_id"#,
        evaluation_id,
        revision,
        reason,
        now
    )
    .fetch_all(&mut *conn)
    .await?;

    if written.is_empty() {
        return Ok(written);
    }
    sqlx::query!(
        r#"select pg_notify($3, json_build_object('push_id', push_id,
                                               'department_id', department_id)::text)
           from push where evaluation_id = $1 and revision = $2"#,
        evaluation_id,
        revision,
        PUSH_CHANNEL
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, '')", WEBHOOK_CHANNEL)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"insert into audit_event (at, actor_user_id, actor_label, station_id, action, entity,
                                   entity_id, summary)
           select $3, $4, 'system', p.station_id, 'push.create', 'push', p.push_id,
                  format('%s rev %s → %s: %s red, %s yellow, %s green; +%s ~%s −%s',
                         p.quarter, p.revision, d.code, p.red, p.yellow, p.green,
                         p.added, p.changed, p.removed)
           from push p join department d using (department_id)
           where p.evaluation_id = $1 and p.revision = $2"#,
        evaluation_id,
        revision,
        now,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(written)
}
