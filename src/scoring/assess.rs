//! The scoring itself.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::inputs::{
    HazardIn, HazardSeverity, IncidentCategory, IncidentSeverity, Inputs, Inspection,
};
use super::level::{Level, Rating};
use super::policy::Policy;
use super::reason::{Indicator, Reason, ReasonKind, VetoRule};

/// The outcome for one enterprise and quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub computed: Rating,
    /// A veto rule applied (the level is then red).
    pub vetoed: bool,
    /// No inspection in the quarter; an earlier one's score was used.
    pub stale_inspection: bool,
    pub reasons: Vec<Reason>,
}

impl Assessment {
    /// The computed level, `None` when unrated.
    pub fn level(&self) -> Option<Level> {
        self.computed.level()
    }
}

/// Clamps an `i64` into `i32`. Only an invalid policy or absurd input sizes
/// get anywhere near the limits; valid ones stay exact.
fn sat(x: i64) -> i32 {
    i32::try_from(x).unwrap_or(if x < 0 { i32::MIN } else { i32::MAX })
}

/// `weight × passed ÷ applicable`, rounded half up; no applicable item gives
/// the full weight.
fn inspection_score(weight: i32, passed: i32, applicable: i32) -> i32 {
    if applicable <= 0 {
        return weight;
    }
    let a = i128::from(applicable);
    let p = i128::from(passed).clamp(0, a);
    let w = i128::from(weight);
    let score = (2 * w * p + a).div_euclid(2 * a);
    i32::try_from(score).unwrap_or(weight)
}

/// Where a hazard stands at quarter end, for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HazardState {
    /// Found after the quarter, or rectified before it began.
    NotCounted,
    OnTime(NaiveDate),
    Late(NaiveDate),
    /// Open at quarter end, deadline on or after the quarter's last day.
    Open,
    /// Open at quarter end, deadline before the quarter's last day.
    Overdue,
}

fn hazard_state(h: &HazardIn, start: NaiveDate, end: NaiveDate) -> HazardState {
    if h.found_on > end {
        return HazardState::NotCounted;
    }
    match h.rectified_on {
        Some(r) if r <= end => {
            if r < start {
                HazardState::NotCounted
            } else if r <= h.deadline {
                HazardState::OnTime(r)
            } else {
                HazardState::Late(r)
            }
        }
        // Not rectified, or rectified after the quarter: open at its end.
        _ => {
            if h.deadline < end {
                HazardState::Overdue
            } else {
                HazardState::Open
            }
        }
    }
}

/// Adds the floor line when deductions exceed the indicator's points, and
/// returns the indicator's score.
fn floored(indicator: Indicator, weight: i32, deducted: i64, reasons: &mut Vec<Reason>) -> i32 {
    let raw = i64::from(weight) - deducted;
    if raw < 0 {
        reasons.push(Reason {
            indicator,
            points: sat(-raw),
            kind: ReasonKind::Floor {
                indicator,
                deducted: sat(deducted),
                max: weight,
            },
        });
        0
    } else {
        sat(raw)
    }
}

/// The latest of the given inspections by date (then visit id, then content,
/// so that the choice never depends on argument order).
fn latest<'a>(candidates: impl Iterator<Item = &'a Inspection>) -> Option<&'a Inspection> {
    candidates.max_by(|a, b| {
        (a.date, a.visit_id)
            .cmp(&(b.date, b.visit_id))
            .then_with(|| a.cmp(b))
    })
}

/// Scores one enterprise for one quarter. Pure: the same inputs and policy
/// always give the same assessment, whatever the order of the records.
///
/// The policy should pass [`Policy::validate`]; with an invalid one the
/// function still returns (it never panics) but the result means little.
///
/// Choices where the design leaves room:
/// - the state of a hazard is taken on the quarter's last day: open if not
///   rectified by then (a later rectification does not count), overdue if
///   its deadline is before that day; rectified on the deadline is on time;
/// - halving applies to the deduction of a criminal or public-order case
///   whose victim was the enterprise (integer division, rounding down); the
///   veto for a major criminal case applies whether or not the enterprise
///   was the victim;
/// - a veto gives red even when the enterprise was never inspected (red is a
///   fact; unrated is only the absence of an inspection);
/// - the step limit only lowers green to yellow; it never affects a veto.
pub fn assess(inputs: &Inputs, policy: &Policy) -> Assessment {
    let start = inputs.quarter.start();
    let end = inputs.quarter.end();
    let mut reasons = Vec::new();
    let mut vetoes: Vec<(VetoRule, i64)> = Vec::new();

    // Safety management.
    let candidates = || {
        [
            inputs.inspection_in_quarter.as_ref(),
            inputs.earlier_inspection.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(move |i| i.date <= end)
    };
    let in_quarter = latest(candidates().filter(|i| i.date >= start));
    let (inspection, stale_inspection) = match in_quarter {
        Some(i) => (Some(i), false),
        None => (latest(candidates().filter(|i| i.date < start)), true),
    };
    let inspected = inspection.is_some();
    let stale_inspection = inspected && stale_inspection;
    let safety = match inspection {
        Some(i) => {
            if stale_inspection {
                reasons.push(Reason {
                    indicator: Indicator::Safety,
                    points: 0,
                    kind: ReasonKind::StaleInspection {
                        visit_id: i.visit_id,
                        date: i.date,
                    },
                });
            }
            let score = inspection_score(policy.safety_weight, i.passed, i.applicable);
            let applicable = i.applicable.max(0);
            reasons.push(Reason {
                indicator: Indicator::Safety,
                points: sat(i64::from(score) - i64::from(policy.safety_weight)),
                kind: ReasonKind::InspectionScore {
                    visit_id: i.visit_id,
                    date: i.date,
                    passed: i.passed.clamp(0, applicable),
                    applicable,
                    score,
                    max: policy.safety_weight,
                },
            });
            score
        }
        None => {
            reasons.push(Reason {
                indicator: Indicator::Safety,
                points: sat(-i64::from(policy.safety_weight)),
                kind: ReasonKind::NeverInspected,
            });
            0
        }
    };

    // Hazard governance.
    let mut hazards: Vec<&HazardIn> = inputs.hazards.iter().collect();
    hazards.sort_by(|a, b| {
        (a.found_on, a.hazard_id)
            .cmp(&(b.found_on, b.hazard_id))
            .then_with(|| a.cmp(b))
    });
    let mut deducted: i64 = 0;
    for h in hazards {
        let major = h.severity == HazardSeverity::Major;
        let pick = |general: i32, major_points: i32| if major { major_points } else { general };
        let (points, kind) = match hazard_state(h, start, end) {
            HazardState::NotCounted => continue,
            HazardState::OnTime(rectified_on) => (
                0,
                ReasonKind::HazardRectifiedOnTime {
                    hazard_id: h.hazard_id,
                    severity: h.severity,
                    deadline: h.deadline,
                    rectified_on,
                },
            ),
            HazardState::Late(rectified_on) => (
                pick(policy.hazard_late_general, policy.hazard_late_major),
                ReasonKind::HazardRectifiedLate {
                    hazard_id: h.hazard_id,
                    severity: h.severity,
                    deadline: h.deadline,
                    rectified_on,
                },
            ),
            HazardState::Open => (
                pick(policy.hazard_open_general, policy.hazard_open_major),
                ReasonKind::HazardOpen {
                    hazard_id: h.hazard_id,
                    severity: h.severity,
                    deadline: h.deadline,
                },
            ),
            HazardState::Overdue => {
                if major && policy.veto_major_hazard_overdue {
                    vetoes.push((VetoRule::MajorHazardOverdue, h.hazard_id));
                }
                (
                    pick(policy.hazard_overdue_general, policy.hazard_overdue_major),
                    ReasonKind::HazardOverdue {
                        hazard_id: h.hazard_id,
                        severity: h.severity,
                        deadline: h.deadline,
                    },
                )
            }
        };
        deducted += i64::from(points);
        reasons.push(Reason {
            indicator: Indicator::Hazards,
            points: sat(-i64::from(points)),
            kind,
        });
    }
    let hazard_score = floored(
        Indicator::Hazards,
        policy.hazard_weight,
        deducted,
        &mut reasons,
    );

    // Case situation: incidents in the quarter, then unresolved disputes.
    let mut incidents: Vec<_> = inputs
        .incidents
        .iter()
        .filter(|i| start <= i.occurred_on && i.occurred_on <= end)
        .collect();
    incidents.sort_by(|a, b| {
        (a.occurred_on, a.incident_id)
            .cmp(&(b.occurred_on, b.incident_id))
            .then_with(|| a.cmp(b))
    });
    let mut deducted: i64 = 0;
    for i in incidents {
        let base = match i.category {
            IncidentCategory::Criminal => policy.incident_criminal,
            IncidentCategory::PublicOrder => policy.incident_public_order,
            IncidentCategory::FireSafety => policy.incident_fire_safety,
            IncidentCategory::Fraud => policy.incident_fraud,
            IncidentCategory::Theft => policy.incident_theft,
            IncidentCategory::Other => policy.incident_other,
        };
        let victim_halved = i.victim
            && matches!(
                i.category,
                IncidentCategory::Criminal | IncidentCategory::PublicOrder
            );
        let points = if victim_halved { base / 2 } else { base };
        if i.category == IncidentCategory::Criminal
            && i.severity == IncidentSeverity::Major
            && policy.veto_major_criminal
        {
            vetoes.push((VetoRule::MajorCriminalCase, i.incident_id));
        }
        deducted += i64::from(points);
        reasons.push(Reason {
            indicator: Indicator::Cases,
            points: sat(-i64::from(points)),
            kind: ReasonKind::Incident {
                incident_id: i.incident_id,
                category: i.category,
                severity: i.severity,
                date: i.occurred_on,
                victim_halved,
            },
        });
    }
    let mut disputes: Vec<_> = inputs
        .disputes
        .iter()
        .filter(|d| d.unresolved_at_quarter_end && d.reported_on <= end)
        .collect();
    disputes.sort_by(|a, b| {
        (a.reported_on, a.dispute_id)
            .cmp(&(b.reported_on, b.dispute_id))
            .then_with(|| a.cmp(b))
    });
    for d in disputes {
        let mass = d.people_involved >= policy.mass_dispute_threshold;
        let points = if mass {
            if policy.veto_mass_dispute_unresolved {
                vetoes.push((VetoRule::MassDisputeUnresolved, d.dispute_id));
            }
            policy.dispute_unresolved_mass
        } else {
            policy.dispute_unresolved
        };
        deducted += i64::from(points);
        reasons.push(Reason {
            indicator: Indicator::Cases,
            points: sat(-i64::from(points)),
            kind: ReasonKind::DisputeUnresolved {
                dispute_id: d.dispute_id,
                mass,
                people: d.people_involved,
            },
        });
    }
    let case_score = floored(Indicator::Cases, policy.case_weight, deducted, &mut reasons);

    // The level.
    let total = sat(i64::from(safety) + i64::from(hazard_score) + i64::from(case_score));
    let by_total = if total >= policy.green_min {
        Level::Green
    } else if total >= policy.yellow_min {
        Level::Yellow
    } else {
        Level::Red
    };
    let vetoed = !vetoes.is_empty();
    if inspected {
        reasons.push(Reason {
            indicator: Indicator::Level,
            points: 0,
            kind: ReasonKind::Threshold {
                total,
                level: by_total,
                green_min: policy.green_min,
                yellow_min: policy.yellow_min,
            },
        });
    } else if !vetoed {
        reasons.push(Reason {
            indicator: Indicator::Level,
            points: 0,
            kind: ReasonKind::Unrated { total },
        });
    }
    for (rule, record_id) in vetoes {
        reasons.push(Reason {
            indicator: Indicator::Level,
            points: 0,
            kind: ReasonKind::Veto { rule, record_id },
        });
    }
    let computed = if vetoed {
        Rating::Rated(Level::Red)
    } else if !inspected {
        Rating::Unrated
    } else if policy.step_limit
        && inputs.previous_level == Some(Level::Red)
        && by_total == Level::Green
    {
        reasons.push(Reason {
            indicator: Indicator::Level,
            points: 0,
            kind: ReasonKind::StepLimit {
                from: Level::Green,
                to: Level::Yellow,
            },
        });
        Rating::Rated(Level::Yellow)
    } else {
        Rating::Rated(by_total)
    };

    Assessment {
        safety,
        hazards: hazard_score,
        cases: case_score,
        total,
        computed,
        vetoed,
        stale_inspection,
        reasons,
    }
}
