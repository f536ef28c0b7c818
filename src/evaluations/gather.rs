//! Gathering the scoring inputs of a whole station for one quarter: the
//! set-based queries of `queries::runs`, assembled into one `Inputs` per
//! enterprise in Rust.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::queries::runs;
use crate::auth::StationScope;
use crate::scoring::{DisputeIn, HazardIn, IncidentIn, Inputs, Inspection, Quarter};

/// Every active enterprise of the station with its scoring inputs, by id.
pub(super) async fn gather(
    conn: &mut PgConnection,
    station: StationScope,
    quarter: Quarter,
) -> sqlx::Result<Vec<(i64, Inputs)>> {
    let (start, end) = (quarter.start(), quarter.end());
    let enterprises = runs::active_enterprises(conn, station, quarter.previous()).await?;
    let mut inputs: HashMap<i64, Inputs> = enterprises
        .into_iter()
        .map(|e| {
            let empty = Inputs {
                quarter,
                inspection_in_quarter: None,
                earlier_inspection: None,
                hazards: Vec::new(),
                incidents: Vec::new(),
                disputes: Vec::new(),
                previous_level: e.previous_level,
            };
            (e.enterprise_id, empty)
        })
        .collect();

    for row in runs::latest_inspections(conn, station, start, end).await? {
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

    for h in runs::hazards_in(conn, station, start, end).await? {
        if let Some(entry) = inputs.get_mut(&h.enterprise_id) {
            entry.hazards.push(HazardIn {
                hazard_id: h.hazard_id,
                severity: h.severity,
                found_on: h.found_on,
                deadline: h.deadline,
                // A rectification after the quarter does not count for it.
                rectified_on: h.rectified_on.filter(|d| *d <= end),
            });
        }
    }

    for i in runs::incidents_in(conn, station, start, end).await? {
        if let Some(entry) = inputs.get_mut(&i.enterprise_id) {
            entry.incidents.push(IncidentIn {
                incident_id: i.incident_id,
                occurred_on: i.occurred_on,
                category: i.category,
                severity: i.severity,
                victim: i.enterprise_victim,
            });
        }
    }

    // Disputes whose status at the end of the quarter (China time) was
    // still reported or mediating.
    for d in runs::disputes_open_at(conn, station, end, end_of_day_cst(end)).await? {
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
