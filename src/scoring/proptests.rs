//! Properties that hold for every input and every valid policy.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::Index;

use super::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        // Keep failures in the test output rather than in files in the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A day relative to the quarter's start; quarters are about 91 days long,
/// so offsets from −150 to 250 fall before, within and after it.
fn day(quarter: Quarter, offset: i64) -> NaiveDate {
    let start = quarter.start();
    if offset >= 0 {
        start + Days::new(offset.unsigned_abs())
    } else {
        start - Days::new(offset.unsigned_abs())
    }
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::Green), Just(Level::Yellow), Just(Level::Red)]
}

fn hazard_severity() -> impl Strategy<Value = HazardSeverity> {
    prop_oneof![Just(HazardSeverity::General), Just(HazardSeverity::Major)]
}

fn category() -> impl Strategy<Value = IncidentCategory> {
    proptest::sample::select(IncidentCategory::ALL)
}

fn incident_severity() -> impl Strategy<Value = IncidentSeverity> {
    proptest::sample::select(IncidentSeverity::ALL)
}

fn inspection(quarter: Quarter) -> impl Strategy<Value = Option<Inspection>> {
    proptest::option::weighted(
        0.8,
        (1..10_000i64, -150..250i64, 0..=40i32, 0..=40i32).prop_map(
            move |(visit_id, offset, passed, applicable)| Inspection {
                visit_id,
                date: day(quarter, offset),
                passed: passed.min(applicable),
                applicable,
            },
        ),
    )
}

fn hazard(quarter: Quarter) -> impl Strategy<Value = HazardIn> {
    (
        1..1_000i64,
        hazard_severity(),
        -150..120i64,
        0..120i64,
        proptest::option::of(0..200i64),
    )
        .prop_map(
            move |(hazard_id, severity, found, due_in, rectified_in)| HazardIn {
                hazard_id,
                severity,
                found_on: day(quarter, found),
                deadline: day(quarter, found + due_in),
                rectified_on: rectified_in.map(|r| day(quarter, found + r)),
            },
        )
}

fn incident(quarter: Quarter) -> impl Strategy<Value = IncidentIn> {
    (
        1..1_000i64,
        -30..120i64,
        category(),
        incident_severity(),
        any::<bool>(),
    )
        .prop_map(
            move |(incident_id, offset, category, severity, victim)| IncidentIn {
                incident_id,
                occurred_on: day(quarter, offset),
                category,
                severity,
                victim,
            },
        )
}

fn dispute(quarter: Quarter) -> impl Strategy<Value = DisputeIn> {
    (1..1_000i64, -150..120i64, 1..80i32, any::<bool>()).prop_map(
        move |(dispute_id, offset, people_involved, unresolved)| DisputeIn {
            dispute_id,
            reported_on: day(quarter, offset),
            people_involved,
            unresolved_at_quarter_end: unresolved,
        },
    )
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (2024..=2027i32, 1..=4u8).prop_flat_map(|(year, q)| {
        let quarter = Quarter { year, q };
        (
            inspection(quarter),
            inspection(quarter),
            proptest::collection::vec(hazard(quarter), 0..8),
            proptest::collection::vec(incident(quarter), 0..6),
            proptest::collection::vec(dispute(quarter), 0..4),
            proptest::option::of(level()),
        )
            .prop_map(
                move |(in_quarter, earlier, hazards, incidents, disputes, previous_level)| Inputs {
                    quarter,
                    inspection_in_quarter: in_quarter,
                    earlier_inspection: earlier,
                    hazards,
                    incidents,
                    disputes,
                    previous_level,
                },
            )
    })
}

/// A valid policy: often the default, otherwise random within the rules.
fn policy() -> impl Strategy<Value = Policy> {
    let random = (
        (0..=100i32, 0..=100i32, 2..=100i32, 0..=100i32),
        (
            0..=20i32,
            0..=20i32,
            0..=20i32,
            0..=20i32,
            0..=20i32,
            0..=20i32,
        ),
        proptest::array::uniform6(0..=15i32),
        (0..=10i32, 0..=10i32, 1..=60i32),
        proptest::array::uniform4(any::<bool>()),
    )
        .prop_map(
            |((safety, hazard, green, yellow), (og, d1, d2, d3, d4, d5), inc, disp, flags)| {
                let hazard = hazard.min(100 - safety);
                let yellow_min = 1 + yellow % (green - 1);
                // Worse never costs less: open, late ≤ overdue; general ≤ major.
                let overdue_general = og;
                let open_general = d1.min(og);
                let late_general = d2.min(og);
                let overdue_major = og + d3;
                let open_major = open_general.max(d4.min(overdue_major));
                let late_major = late_general.max(d5.min(overdue_major));
                Policy {
                    version: 2,
                    safety_weight: safety,
                    hazard_weight: hazard,
                    case_weight: 100 - safety - hazard,
                    green_min: green,
                    yellow_min,
                    hazard_late_general: late_general,
                    hazard_late_major: late_major,
                    hazard_open_general: open_general,
                    hazard_open_major: open_major,
                    hazard_overdue_general: overdue_general,
                    hazard_overdue_major: overdue_major,
                    incident_criminal: inc[0],
                    incident_public_order: inc[1],
                    incident_fire_safety: inc[2],
                    incident_fraud: inc[3],
                    incident_theft: inc[4],
                    incident_other: inc[5],
                    dispute_unresolved: disp.0,
                    dispute_unresolved_mass: disp.0 + disp.1,
                    mass_dispute_threshold: disp.2,
                    demand_response_days: 15,
                    objection_days: 10,
                    push_ack_days: 5,
                    veto_major_hazard_overdue: flags[0],
                    veto_major_criminal: flags[1],
                    veto_mass_dispute_unresolved: flags[2],
                    step_limit: flags[3],
                }
            },
        );
    prop_oneof![Just(Policy::default_v1()), random]
}

/// `after` is no better than `before`: a level can only stay or fall, and
/// an unrated enterprise can only stay unrated or become red (a veto).
fn no_better(before: Rating, after: Rating) -> bool {
    match (before, after) {
        (Rating::Rated(b), Rating::Rated(a)) => a >= b,
        (Rating::Unrated, Rating::Unrated | Rating::Rated(Level::Red)) => true,
        _ => false,
    }
}

/// An overdue version of `h` at the end of `quarter`.
fn made_overdue(h: &HazardIn, quarter: Quarter, days_late: u64) -> HazardIn {
    let end = quarter.end();
    let found_on = h.found_on.min(end - Days::new(days_late));
    HazardIn {
        found_on,
        deadline: end - Days::new(days_late),
        rectified_on: None,
        ..h.clone()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_policies_are_valid(policy in policy()) {
        prop_assert_eq!(policy.validate(), Ok(()));
    }

    #[test]
    fn points_in_reasons_add_up_to_the_total(inputs in inputs(), policy in policy()) {
        let a = assess(&inputs, &policy);
        let sum: i32 = a.reasons.iter().map(|r| r.points).sum();
        prop_assert_eq!(sum, a.total - 100);
        prop_assert_eq!(a.total, a.safety + a.hazards + a.cases);
        prop_assert!((0..=policy.safety_weight).contains(&a.safety));
        prop_assert!((0..=policy.hazard_weight).contains(&a.hazards));
        prop_assert!((0..=policy.case_weight).contains(&a.cases));
        for indicator in [Indicator::Safety, Indicator::Hazards, Indicator::Cases] {
            let (score, weight) = match indicator {
                Indicator::Safety => (a.safety, policy.safety_weight),
                Indicator::Hazards => (a.hazards, policy.hazard_weight),
                _ => (a.cases, policy.case_weight),
            };
            let lines: i32 = a.reasons.iter().filter(|r| r.indicator == indicator).map(|r| r.points).sum();
            prop_assert_eq!(lines, score - weight, "{:?}", indicator);
        }
        prop_assert!(a.reasons.iter().filter(|r| r.indicator == Indicator::Level).all(|r| r.points == 0));
        for r in &a.reasons {
            prop_assert!(!r.text_zh().is_empty() && !r.text_en().is_empty());
        }
    }

    #[test]
    fn adding_an_incident_never_raises_the_level(
        inputs in inputs(),
        policy in policy(),
        extra in (0..91i64, category(), incident_severity(), any::<bool>(), 1..1_000i64),
    ) {
        let before = assess(&inputs, &policy);
        let (offset, category, severity, victim, incident_id) = extra;
        let mut worse = inputs.clone();
        worse.incidents.push(IncidentIn {
            incident_id,
            occurred_on: day(inputs.quarter, offset).min(inputs.quarter.end()),
            category,
            severity,
            victim,
        });
        let after = assess(&worse, &policy);
        prop_assert!(after.total <= before.total);
        prop_assert!(no_better(before.computed, after.computed), "{:?} → {:?}", before.computed, after.computed);
    }

    #[test]
    fn making_a_hazard_overdue_never_raises_the_level(
        inputs in inputs(),
        policy in policy(),
        which in any::<Index>(),
        days_late in 1..100u64,
        new in hazard(Quarter { year: 2026, q: 1 }),
    ) {
        let before = assess(&inputs, &policy);
        let mut worse = inputs.clone();
        if worse.hazards.is_empty() {
            // Add one that is overdue at quarter end.
            worse.hazards.push(made_overdue(&new, inputs.quarter, days_late));
        } else {
            let i = which.index(worse.hazards.len());
            worse.hazards[i] = made_overdue(&worse.hazards[i], inputs.quarter, days_late);
        }
        let after = assess(&worse, &policy);
        prop_assert!(after.total <= before.total);
        prop_assert!(no_better(before.computed, after.computed), "{:?} → {:?}", before.computed, after.computed);
    }

    #[test]
    fn any_veto_gives_red(inputs in inputs(), policy in policy()) {
        let a = assess(&inputs, &policy);
        let (start, end) = (inputs.quarter.start(), inputs.quarter.end());
        // The veto rules read straight from the design.
        let hazard_veto = policy.veto_major_hazard_overdue && inputs.hazards.iter().any(|h| {
            h.severity == HazardSeverity::Major
                && h.found_on <= end
                && h.rectified_on.is_none_or(|r| r > end)
                && h.deadline < end
        });
        let criminal_veto = policy.veto_major_criminal && inputs.incidents.iter().any(|i| {
            i.category == IncidentCategory::Criminal
                && i.severity == IncidentSeverity::Major
                && start <= i.occurred_on && i.occurred_on <= end
        });
        let dispute_veto = policy.veto_mass_dispute_unresolved && inputs.disputes.iter().any(|d| {
            d.unresolved_at_quarter_end && d.reported_on <= end && d.people_involved >= policy.mass_dispute_threshold
        });
        prop_assert_eq!(a.vetoed, hazard_veto || criminal_veto || dispute_veto);
        prop_assert_eq!(a.vetoed, a.reasons.iter().any(|r| matches!(r.kind, ReasonKind::Veto { .. })));
        if a.vetoed {
            prop_assert_eq!(a.computed, Rating::Rated(Level::Red));
        }
    }

    #[test]
    fn red_never_jumps_to_green(inputs in inputs(), policy in policy()) {
        let inputs = Inputs { previous_level: Some(Level::Red), ..inputs };
        let policy = Policy { step_limit: true, ..policy };
        let a = assess(&inputs, &policy);
        prop_assert_ne!(a.computed, Rating::Rated(Level::Green));
    }

    #[test]
    fn unrated_only_when_never_inspected_and_never_green(inputs in inputs(), policy in policy()) {
        let a = assess(&inputs, &policy);
        let end = inputs.quarter.end();
        let inspected = [&inputs.inspection_in_quarter, &inputs.earlier_inspection]
            .into_iter()
            .flatten()
            .any(|i| i.date <= end);
        prop_assert_eq!(a.computed == Rating::Unrated, !inspected && !a.vetoed);
        if !inspected {
            prop_assert_eq!(a.safety, 0);
            prop_assert_ne!(a.computed, Rating::Rated(Level::Green));
        }
    }

    #[test]
    fn same_input_same_output(inputs in inputs(), policy in policy()) {
        let a = assess(&inputs, &policy);
        prop_assert_eq!(&assess(&inputs, &policy), &a);

        // The order of the records does not matter.
        let mut reversed = inputs.clone();
        reversed.hazards.reverse();
        reversed.incidents.reverse();
        reversed.disputes.reverse();
        prop_assert_eq!(&assess(&reversed, &policy), &a);

        // Stored as JSON and read back, everything re-scores identically.
        let stored_inputs: Inputs = serde_json::from_str(&serde_json::to_string(&inputs).unwrap()).unwrap();
        let stored_policy: Policy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
        prop_assert_eq!(&stored_inputs, &inputs);
        prop_assert_eq!(&stored_policy, &policy);
        prop_assert_eq!(&assess(&stored_inputs, &stored_policy), &a);
        let stored: Assessment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        prop_assert_eq!(&stored, &a);
    }
}
