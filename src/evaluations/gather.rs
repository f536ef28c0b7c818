//! Gathering the scoring inputs of a whole station for one quarter:
//! a handful of set-based queries (never one per enterprise), assembled
//! into one `Inputs` per enterprise in Rust.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::scoring::{
    DisputeIn, HazardIn, HazardSeverity, IncidentCategory, IncidentIn, IncidentSeverity, Inputs,
    Inspection, Level, Quarter,
};

/// Every active enterprise of the station with its scoring inputs.
pub(super) async fn gather(
    conn: &mut PgConnection,
    station_id: i64,
    quarter: Quarter,
) -> sqlx::Result<Vec<(i64, Inputs)>> {
    let (start, end) = (quarter.start(), quarter.end());
    let previous = quarter.previous().to_string();

    // Enterprises and the previous quarter's published final level.
    let enterprises = sqlx::query!(
        r#"select e.enterprise_id, a.final_level::text as previous_level
           from enterprise e
           left join evaluation ev on ev.station_id = e.station_id and ev.quarter = $2
                                   and ev.status = 'published'
           left join assessment a on a.evaluation_id = ev.evaluation_id
                                  and a.enterprise_id = e.enterprise_id
           where e.station_id = $1 and e.deleted_at is null and e.status = 'active'
           order by e.enterprise_id"#,
        station_id,
        previous
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut inputs: HashMap<i64, Inputs> = HashMap::with_capacity(enterprises.len());
    for e in &enterprises {
        inputs.insert(
            e.enterprise_id,
            Inputs {
                quarter,
                inspection_in_quarter: None,
                earlier_inspection: None,
                hazards: Vec::new(),
                incidents: Vec::new(),
                disputes: Vec::new(),
                previous_level: e.previous_level.as_deref().and_then(Level::parse),
            },
        );
    }

    // The latest inspection in the quarter and the latest before it, each
    // with its pass and applicable counts.
    let inspections = sqlx::query!(
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
        station_id,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in inspections {
        let Some(entry) = inputs.get_mut(&row.enterprise_id) else {
            continue;
        };
        let inspection = Inspection {
            visit_id: row.visit_id,
            date: row.visited_on,
            passed: i32::try_from(row.passed).unwrap_or(i32::MAX),
            applicable: i32::try_from(row.applicable).unwrap_or(i32::MAX),
        };
        if row.in_quarter {
            entry.inspection_in_quarter = Some(inspection);
        } else {
            entry.earlier_inspection = Some(inspection);
        }
    }

    // Hazards found by quarter end, open at its end or rectified within it.
    let hazards = sqlx::query!(
        r#"select enterprise_id, hazard_id, severity::text as "severity!", found_on, deadline,
                  rectified_on
           from hazard
           where station_id = $1 and deleted_at is null and found_on <= $3
             and (rectified_on is null or rectified_on >= $2)"#,
        station_id,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for h in hazards {
        if let Some(entry) = inputs.get_mut(&h.enterprise_id) {
            entry.hazards.push(HazardIn {
                hazard_id: h.hazard_id,
                severity: if h.severity == "major" {
                    HazardSeverity::Major
                } else {
                    HazardSeverity::General
                },
                found_on: h.found_on,
                deadline: h.deadline,
                // A rectification after the quarter does not count for it.
                rectified_on: h.rectified_on.filter(|d| *d <= end),
            });
        }
    }

    let incidents = sqlx::query!(
        r#"select enterprise_id, incident_id, occurred_on, category::text as "category!",
                  severity::text as "severity!", enterprise_victim
           from incident
           where station_id = $1 and deleted_at is null and occurred_on between $2 and $3"#,
        station_id,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for i in incidents {
        if let Some(entry) = inputs.get_mut(&i.enterprise_id) {
            entry.incidents.push(IncidentIn {
                incident_id: i.incident_id,
                occurred_on: i.occurred_on,
                category: match i.category.as_str() {
                    "criminal" => IncidentCategory::Criminal,
                    "public_order" => IncidentCategory::PublicOrder,
                    "fire_safety" => IncidentCategory::FireSafety,
                    "fraud" => IncidentCategory::Fraud,
                    "theft" => IncidentCategory::Theft,
                    _ => IncidentCategory::Other,
                },
                severity: match i.severity.as_str() {
                    "major" => IncidentSeverity::Major,
                    "serious" => IncidentSeverity::Serious,
                    _ => IncidentSeverity::Minor,
                },
                victim: i.enterprise_victim,
            });
        }
    }

    // Disputes reported by quarter end whose status at the end of the
    // quarter (the last status change up to then, China time) was still
    // reported or mediating.
    let quarter_end_instant = end_of_day_cst(end);
    let disputes = sqlx::query!(
        r#"select d.enterprise_id, d.dispute_id, d.reported_on, d.people_involved
           from dispute d
           where d.station_id = $1 and d.deleted_at is null and d.reported_on <= $2
             and coalesce((select ev.to_status from dispute_event ev
                           where ev.dispute_id = d.dispute_id and ev.at < $3
                           order by ev.at desc, ev.dispute_event_id desc limit 1),
                          'reported') in ('reported', 'mediating')"#,
        station_id,
        end,
        quarter_end_instant
    )
    .fetch_all(&mut *conn)
    .await?;
    for d in disputes {
        if let Some(entry) = inputs.get_mut(&d.enterprise_id) {
            entry.disputes.push(DisputeIn {
                dispute_id: d.dispute_id,
                reported_on: d.reported_on,
                people_involved: d.people_involved,
                unresolved_at_quarter_end: true,
            });
        }
    }

    let mut out: Vec<(i64, Inputs)> = inputs.into_iter().collect();
    out.sort_by_key(|(id, _)| *id);
    Ok(out)
}

/// The first instant after `day` ends in China Standard Time.
fn end_of_day_cst(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let next = day.succ_opt().unwrap_or(day);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono::DateTime::from_naive_utc_and_offset(midnight - chrono::Duration::hours(8), chrono::Utc)
}
