//! Table tests, continued: thresholds, deductions, vetoes and limits.

use super::*;

// -------------------------------------------------------------- thresholds

#[test]
fn threshold_boundaries_through_safety() {
    // (passed, applicable, total, level): 40 × p ÷ a + 60.
    let table = [
        (5, 8, 85, Level::Green),  // safety 25
        (3, 5, 84, Level::Yellow), // safety 24
        (1, 4, 70, Level::Yellow), // safety 10
        (9, 40, 69, Level::Red),   // safety 9
    ];
    for (passed, applicable, total, level) in table {
        let a = run(&with_safety(passed, applicable));
        assert_eq!(
            (a.total, a.computed),
            (total, rated(level)),
            "{passed}/{applicable}"
        );
        let last = a.reasons.last().unwrap();
        assert_eq!(
            last.kind,
            ReasonKind::Threshold {
                total,
                level,
                green_min: 85,
                yellow_min: 70
            }
        );
    }
}

#[test]
fn threshold_boundaries_through_deductions() {
    // 85: criminal −10 and public order −5.
    let mut inputs = clean();
    inputs.incidents = vec![
        incident(1, IncidentCategory::Criminal, false),
        incident(2, IncidentCategory::PublicOrder, false),
    ];
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (85, rated(Level::Green)));

    // 84: and a general hazard open, not yet due (−1).
    inputs.hazards = vec![hazard(3, HazardSeverity::General, d(2026, 12, 1), None)];
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (84, rated(Level::Yellow)));

    // 70: five general hazards overdue (−30), hazards at exactly 0 (no floor).
    let mut inputs = clean();
    inputs.hazards = (1..=5)
        .map(|id| hazard(id, HazardSeverity::General, d(2026, 9, 1), None))
        .collect();
    let a = run(&inputs);
    assert_eq!(
        (a.hazards, a.total, a.computed),
        (0, 70, rated(Level::Yellow))
    );
    assert!(
        !kinds(&a)
            .iter()
            .any(|k| matches!(k, ReasonKind::Floor { .. }))
    );

    // 68: and a fraud (−2): red.
    inputs.incidents = vec![incident(9, IncidentCategory::Fraud, false)];
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (68, rated(Level::Red)));

    // 69 exactly: safety 39 (39/40) and hazards at 0.
    let mut inputs = with_safety(39, 40);
    inputs.hazards = (1..=5)
        .map(|id| hazard(id, HazardSeverity::General, d(2026, 9, 1), None))
        .collect();
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (69, rated(Level::Red)));
}

// ----------------------------------------------------------------- hazards

#[test]
fn each_hazard_deduction() {
    use HazardSeverity::{General, Major};
    let deadline = d(2026, 8, 31);
    // (severity, deadline, rectified_on, points, vetoed)
    let table = [
        (General, deadline, Some(d(2026, 8, 31)), 0, false), // on the deadline: on time
        (Major, deadline, Some(d(2026, 7, 1)), 0, false),
        (General, deadline, Some(d(2026, 9, 1)), -3, false), // a day late
        (Major, deadline, Some(d(2026, 9, 30)), -8, false),
        (General, d(2026, 9, 30), None, -1, false), // due on the last day: not overdue
        (Major, d(2026, 9, 30), None, -4, false),
        (General, d(2027, 1, 15), None, -1, false),
        (General, d(2026, 9, 29), None, -6, false), // due the day before: overdue
        (Major, d(2026, 9, 29), None, -15, true),
        (General, deadline, Some(d(2026, 10, 1)), -6, false), // rectified after the quarter: open at its end
        (Major, deadline, Some(d(2026, 12, 1)), -15, true),
        (Major, d(2026, 12, 1), Some(d(2026, 10, 5)), -4, false),
    ];
    for (i, (severity, deadline, rectified_on, points, vetoed)) in table.into_iter().enumerate() {
        let mut inputs = clean();
        inputs.hazards = vec![hazard(412, severity, deadline, rectified_on)];
        let a = run(&inputs);
        assert_eq!(a.hazards, 30 + points, "row {i}");
        assert_eq!(a.reasons[1].points, points, "row {i}");
        assert_eq!(a.reasons[1].indicator, Indicator::Hazards);
        assert_eq!(a.vetoed, vetoed, "row {i}");
        if vetoed {
            assert_eq!(a.computed, rated(Level::Red), "row {i}");
            assert!(has_veto(&a, VetoRule::MajorHazardOverdue, 412));
        }
    }
}

#[test]
fn hazards_outside_the_window_are_ignored() {
    let mut inputs = clean();
    inputs.hazards = vec![
        // Rectified before the quarter began.
        hazard(
            1,
            HazardSeverity::Major,
            d(2026, 6, 1),
            Some(d(2026, 6, 30)),
        ),
        // Found after the quarter.
        HazardIn {
            found_on: d(2026, 10, 1),
            ..hazard(2, HazardSeverity::Major, d(2026, 10, 2), None)
        },
    ];
    let a = run(&inputs);
    assert_eq!(a, run(&clean()));

    // Found before the quarter, still open and overdue: counted.
    inputs.hazards = vec![HazardIn {
        found_on: d(2025, 11, 1),
        ..hazard(3, HazardSeverity::General, d(2025, 12, 1), None)
    }];
    assert_eq!(run(&inputs).hazards, 24);
    // Rectified on the quarter's first day, late: counted.
    inputs.hazards = vec![hazard(
        4,
        HazardSeverity::General,
        d(2026, 6, 1),
        Some(d(2026, 7, 1)),
    )];
    assert_eq!(run(&inputs).hazards, 27);
}

#[test]
fn hazard_texts() {
    let mut inputs = clean();
    inputs.hazards = vec![
        hazard(412, HazardSeverity::Major, d(2026, 9, 2), None),
        hazard(
            5,
            HazardSeverity::General,
            d(2026, 8, 10),
            Some(d(2026, 8, 20)),
        ),
        hazard(
            6,
            HazardSeverity::General,
            d(2026, 8, 10),
            Some(d(2026, 8, 1)),
        ),
        hazard(7, HazardSeverity::Major, d(2026, 10, 15), None),
    ];
    let a = run(&inputs);
    let text = |id: i64| {
        a.reasons
            .iter()
            .find(|r| match &r.kind {
                ReasonKind::HazardOverdue { hazard_id, .. }
                | ReasonKind::HazardOpen { hazard_id, .. }
                | ReasonKind::HazardRectifiedLate { hazard_id, .. }
                | ReasonKind::HazardRectifiedOnTime { hazard_id, .. } => *hazard_id == id,
                _ => false,
            })
            .map(|r| (r.text_zh(), r.text_en()))
            .unwrap()
    };
    assert_eq!(
        text(412),
        (
            "−15：重大隐患 #412 于 2026-09-02 到期，季度末仍未整改".to_owned(),
            "−15: major hazard #412 overdue since 2026-09-02, still open at quarter end".to_owned()
        )
    );
    assert_eq!(
        text(5).1,
        "−3: general hazard #5 rectified late on 2026-08-20 (deadline 2026-08-10)"
    );
    assert_eq!(
        text(6).1,
        "0: general hazard #6 rectified on time on 2026-08-01 (deadline 2026-08-10)"
    );
    assert_eq!(
        text(7).0,
        "−4：重大隐患 #7 季度末未整改，整改期限 2026-10-15，尚未到期"
    );
    let veto = a
        .reasons
        .iter()
        .find(|r| matches!(r.kind, ReasonKind::Veto { .. }))
        .unwrap();
    assert_eq!(
        veto.text_zh(),
        "一票否决：重大隐患 #412 季度末逾期未整改，定为红色"
    );
    assert_eq!(
        veto.text_en(),
        "veto: major hazard #412 open and overdue at quarter end, red"
    );
}

#[test]
fn hazard_floor_gives_back_the_excess() {
    let mut inputs = clean();
    inputs.hazards = (1..=6)
        .map(|id| hazard(id, HazardSeverity::General, d(2026, 9, 1), None))
        .collect();
    let a = run(&inputs);
    assert_eq!((a.hazards, a.total), (0, 70));
    let floor = a
        .reasons
        .iter()
        .find(|r| matches!(r.kind, ReasonKind::Floor { .. }))
        .unwrap();
    assert_eq!(floor.points, 6);
    assert_eq!(floor.indicator, Indicator::Hazards);
    assert_eq!(
        floor.kind,
        ReasonKind::Floor {
            indicator: Indicator::Hazards,
            deducted: 36,
            max: 30
        }
    );
    assert_eq!(
        floor.text_en(),
        "+6: hazard governance deductions total 36, more than its 30 points: the score stops at 0"
    );
    assert_eq!(
        floor.text_zh(),
        "+6：隐患治理扣分合计 36 分，超过该项满分 30 分，按 0 分计"
    );
}

// ------------------------------------------------------------------- cases

#[test]
fn each_incident_deduction_and_halving() {
    use IncidentCategory::*;
    // (category, victim, points, halved)
    let table = [
        (Criminal, false, -10, false),
        (Criminal, true, -5, true),
        (PublicOrder, false, -5, false),
        (PublicOrder, true, -2, true), // 5 ÷ 2 rounded down
        (FireSafety, false, -8, false),
        (FireSafety, true, -8, false), // only criminal and public-order cases are halved
        (Fraud, false, -2, false),
        (Fraud, true, -2, false),
        (Theft, false, -2, false),
        (Theft, true, -2, false),
        (Other, false, 0, false),
        (Other, true, 0, false),
    ];
    for (category, victim, points, halved) in table {
        let mut inputs = clean();
        inputs.incidents = vec![incident(7, category, victim)];
        let a = run(&inputs);
        assert_eq!(a.cases, 30 + points, "{category:?} {victim}");
        let line = &a.reasons[1];
        assert_eq!(line.points, points);
        assert_eq!(line.indicator, Indicator::Cases);
        let ReasonKind::Incident {
            victim_halved,
            incident_id,
            ..
        } = line.kind
        else {
            panic!("not an incident line: {line:?}")
        };
        assert_eq!((victim_halved, incident_id), (halved, 7));
        assert!(!a.vetoed);
    }
}

#[test]
fn incident_texts() {
    let mut inputs = clean();
    inputs.incidents = vec![IncidentIn {
        severity: IncidentSeverity::Serious,
        ..incident(7, IncidentCategory::Criminal, true)
    }];
    let a = run(&inputs);
    assert_eq!(
        a.reasons[1].text_en(),
        "−5: criminal case #7 on 2026-08-15 (serious); the enterprise was the victim, deduction halved"
    );
    assert_eq!(
        a.reasons[1].text_zh(),
        "−5：刑事案件 #7（2026-08-15，较重），企业为受害方，扣分减半"
    );
    inputs.incidents = vec![incident(8, IncidentCategory::Other, false)];
    assert_eq!(
        run(&inputs).reasons[1].text_en(),
        "0: other incident #8 on 2026-08-15 (minor)"
    );
}

#[test]
fn incidents_outside_the_quarter_are_ignored() {
    let mut inputs = clean();
    inputs.incidents = vec![
        IncidentIn {
            occurred_on: d(2026, 6, 30),
            ..incident(1, IncidentCategory::Criminal, false)
        },
        IncidentIn {
            occurred_on: d(2026, 10, 1),
            ..incident(2, IncidentCategory::Criminal, false)
        },
    ];
    assert_eq!(run(&inputs), run(&clean()));
    inputs.incidents = vec![
        IncidentIn {
            occurred_on: d(2026, 7, 1),
            ..incident(1, IncidentCategory::Theft, false)
        },
        IncidentIn {
            occurred_on: d(2026, 9, 30),
            ..incident(2, IncidentCategory::Theft, false)
        },
    ];
    assert_eq!(run(&inputs).cases, 26);
}

#[test]
fn disputes() {
    // (people, unresolved, points, vetoed)
    let table = [
        (2, true, -4, false),
        (29, true, -4, false),
        (30, true, -10, true), // the threshold itself is a mass dispute
        (200, true, -10, true),
        (200, false, 0, false), // resolved by quarter end: not counted
    ];
    for (people, unresolved, points, vetoed) in table {
        let mut inputs = clean();
        inputs.disputes = vec![dispute(3, people, unresolved)];
        let a = run(&inputs);
        assert_eq!(a.cases, 30 + points, "{people}");
        assert_eq!(a.vetoed, vetoed, "{people}");
        if vetoed {
            assert_eq!(a.computed, rated(Level::Red));
            assert!(has_veto(&a, VetoRule::MassDisputeUnresolved, 3));
        }
    }
    let mut inputs = clean();
    inputs.disputes = vec![dispute(3, 45, true), dispute(4, 5, true)];
    let a = run(&inputs);
    assert_eq!(
        a.reasons[1].text_zh(),
        "−10：群体性纠纷 #3（涉及 45 人）季度末未化解"
    );
    assert_eq!(
        a.reasons[2].text_en(),
        "−4: dispute #4 (5 people) unresolved at quarter end"
    );
    // Reported after the quarter: not counted.
    inputs.disputes = vec![DisputeIn {
        reported_on: d(2026, 10, 1),
        ..dispute(5, 50, true)
    }];
    assert_eq!(run(&inputs), run(&clean()));
}

#[test]
fn cases_floor() {
    let mut inputs = clean();
    inputs.incidents = (1..=4)
        .map(|id| incident(id, IncidentCategory::Criminal, false))
        .collect();
    inputs.disputes = vec![dispute(9, 3, true)];
    let a = run(&inputs);
    assert_eq!((a.cases, a.total), (0, 70));
    let floor = a
        .reasons
        .iter()
        .find(|r| matches!(r.kind, ReasonKind::Floor { .. }))
        .unwrap();
    assert_eq!(floor.points, 14);
    assert_eq!(
        floor.kind,
        ReasonKind::Floor {
            indicator: Indicator::Cases,
            deducted: 44,
            max: 30
        }
    );
}

// ------------------------------------------------------------------- vetoes

#[test]
fn major_criminal_case_vetoes() {
    let mut inputs = clean();
    inputs.incidents = vec![IncidentIn {
        severity: IncidentSeverity::Major,
        ..incident(7, IncidentCategory::Criminal, false)
    }];
    let a = run(&inputs);
    assert_eq!(
        (a.total, a.computed, a.vetoed),
        (90, rated(Level::Red), true)
    );
    assert!(has_veto(&a, VetoRule::MajorCriminalCase, 7));
    let veto = a.reasons.last().unwrap();
    assert_eq!(
        veto.text_en(),
        "veto: major criminal case #7 in the quarter, red"
    );

    // Also when the enterprise was the victim (halved deduction, veto stands).
    inputs.incidents[0].victim = true;
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (95, rated(Level::Red)));

    // A serious (not major) criminal case, or a major public-order case: no veto.
    inputs.incidents = vec![
        IncidentIn {
            severity: IncidentSeverity::Serious,
            ..incident(8, IncidentCategory::Criminal, false)
        },
        IncidentIn {
            severity: IncidentSeverity::Major,
            ..incident(9, IncidentCategory::PublicOrder, false)
        },
    ];
    let a = run(&inputs);
    assert_eq!(
        (a.total, a.computed, a.vetoed),
        (85, rated(Level::Green), false)
    );
}

#[test]
fn vetoes_can_be_switched_off() {
    let mut inputs = clean();
    inputs.hazards = vec![hazard(1, HazardSeverity::Major, d(2026, 8, 1), None)];
    inputs.incidents = vec![IncidentIn {
        severity: IncidentSeverity::Major,
        ..incident(2, IncidentCategory::Criminal, false)
    }];
    inputs.disputes = vec![dispute(3, 40, true)];
    let a = run(&inputs);
    assert_eq!(
        a.reasons
            .iter()
            .filter(|r| matches!(r.kind, ReasonKind::Veto { .. }))
            .count(),
        3
    );
    assert!(has_veto(&a, VetoRule::MajorHazardOverdue, 1));
    assert!(has_veto(&a, VetoRule::MajorCriminalCase, 2));
    assert!(has_veto(&a, VetoRule::MassDisputeUnresolved, 3));

    let policy = Policy {
        veto_major_hazard_overdue: false,
        veto_major_criminal: false,
        veto_mass_dispute_unresolved: false,
        ..Policy::default_v1()
    };
    let a = assess(&inputs, &policy);
    assert!(!a.vetoed);
    assert_eq!(
        (a.total, a.computed),
        (100 - 15 - 10 - 10, rated(Level::Red))
    );
    assert!(
        !a.reasons
            .iter()
            .any(|r| matches!(r.kind, ReasonKind::Veto { .. }))
    );

    // A veto turns even a green total red.
    let mut inputs = clean();
    inputs.disputes = vec![dispute(3, 30, true)];
    let a = run(&inputs);
    assert_eq!((a.total, a.computed), (90, rated(Level::Red)));
}

// -------------------------------------------------------------- step limit

#[test]
fn step_limit() {
    let green = clean();
    let yellow = with_safety(3, 5); // 84
    let red = with_safety(9, 40); // 69
    let with_prev = |inputs: &Inputs, prev: Option<Level>| Inputs {
        previous_level: prev,
        ..inputs.clone()
    };

    // (inputs, previous level, expected, step-limit line)
    let table = [
        (&green, Some(Level::Red), Level::Yellow, true),
        (&green, Some(Level::Yellow), Level::Green, false),
        (&green, Some(Level::Green), Level::Green, false),
        (&green, None, Level::Green, false),
        (&yellow, Some(Level::Red), Level::Yellow, false),
        (&red, Some(Level::Red), Level::Red, false),
        (&red, Some(Level::Green), Level::Red, false), // falling is never limited
    ];
    for (inputs, prev, expected, line) in table {
        let a = run(&with_prev(inputs, prev));
        assert_eq!(a.computed, rated(expected), "{prev:?} → {expected:?}");
        let limited = a
            .reasons
            .iter()
            .any(|r| matches!(r.kind, ReasonKind::StepLimit { .. }));
        assert_eq!(limited, line);
    }

    let a = run(&with_prev(&green, Some(Level::Red)));
    let last = a.reasons.last().unwrap();
    assert_eq!(
        last.kind,
        ReasonKind::StepLimit {
            from: Level::Green,
            to: Level::Yellow
        }
    );
    assert_eq!(last.indicator, Indicator::Level);
    assert_eq!(
        last.text_en(),
        "step limit: the previous published level was red, so this quarter rises at most to yellow (green → yellow)"
    );
    assert_eq!(
        last.text_zh(),
        "升级限制：上期公布等级为红色，本季度最多升至黄色（绿色 → 黄色）"
    );

    let policy = Policy {
        step_limit: false,
        ..Policy::default_v1()
    };
    assert_eq!(
        assess(&with_prev(&green, Some(Level::Red)), &policy).computed,
        rated(Level::Green)
    );
}

// ------------------------------------------------------------ determinism

#[test]
fn record_order_does_not_matter() {
    let mut inputs = clean();
    inputs.hazards = vec![
        hazard(3, HazardSeverity::General, d(2026, 9, 1), None),
        hazard(1, HazardSeverity::Major, d(2026, 12, 1), None),
        hazard(
            2,
            HazardSeverity::General,
            d(2026, 8, 1),
            Some(d(2026, 8, 3)),
        ),
    ];
    inputs.incidents = vec![
        incident(5, IncidentCategory::Fraud, false),
        incident(4, IncidentCategory::Theft, true),
    ];
    inputs.disputes = vec![dispute(8, 3, true), dispute(7, 31, true)];
    let a = run(&inputs);
    let mut reversed = inputs.clone();
    reversed.hazards.reverse();
    reversed.incidents.reverse();
    reversed.disputes.reverse();
    assert_eq!(run(&reversed), a);
}

// ------------------------------------------------------------------- serde

#[test]
fn serde_round_trips() {
    let policy = Policy::default_v1();
    let json = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
    // A mistyped field is refused, not ignored.
    let typo = json.replace("green_min", "gren_min");
    assert!(serde_json::from_str::<Policy>(&typo).is_err());

    let inputs = Inputs {
        quarter: q3(),
        inspection_in_quarter: None,
        earlier_inspection: Some(inspection(9, d(2026, 3, 2), 30, 40)),
        hazards: vec![
            hazard(412, HazardSeverity::Major, d(2026, 9, 2), None),
            hazard(
                5,
                HazardSeverity::General,
                d(2026, 8, 10),
                Some(d(2026, 8, 20)),
            ),
            hazard(
                6,
                HazardSeverity::General,
                d(2026, 8, 10),
                Some(d(2026, 8, 1)),
            ),
            hazard(7, HazardSeverity::General, d(2026, 12, 1), None),
        ],
        incidents: vec![
            IncidentIn {
                severity: IncidentSeverity::Major,
                ..incident(7, IncidentCategory::Criminal, true)
            },
            incident(8, IncidentCategory::PublicOrder, false),
            incident(9, IncidentCategory::FireSafety, false),
            incident(10, IncidentCategory::Fraud, false),
            incident(11, IncidentCategory::Theft, false),
            incident(12, IncidentCategory::Other, false),
        ],
        disputes: vec![dispute(3, 45, true), dispute(4, 2, true)],
        previous_level: Some(Level::Red),
    };
    let json = serde_json::to_string(&inputs).unwrap();
    assert_eq!(serde_json::from_str::<Inputs>(&json).unwrap(), inputs);

    let a = run(&inputs);
    assert!(
        a.reasons
            .iter()
            .any(|r| matches!(r.kind, ReasonKind::Floor { .. }))
    );
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);

    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["computed"], "red");
    assert_eq!(value["reasons"][0]["kind"]["type"], "stale_inspection");

    // Minimal stored inputs: absent lists are empty.
    let minimal: Inputs = serde_json::from_str(r#"{"quarter":{"year":2026,"q":3}}"#).unwrap();
    assert_eq!(minimal, Inputs::empty(q3()));

    // Unrated and step-limit assessments round-trip too.
    let mut green = clean();
    green.previous_level = Some(Level::Red);
    for a in [run(&Inputs::empty(q3())), run(&green)] {
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);
    }
}

#[test]
fn enum_codes_round_trip() {
    for c in IncidentCategory::ALL {
        assert_eq!(IncidentCategory::parse(c.code()), Some(*c));
        assert_eq!(
            serde_json::to_string(c).unwrap(),
            format!("\"{}\"", c.code())
        );
    }
    for s in IncidentSeverity::ALL {
        assert_eq!(IncidentSeverity::parse(s.code()), Some(*s));
    }
    for s in HazardSeverity::ALL {
        assert_eq!(HazardSeverity::parse(s.code()), Some(*s));
    }
    assert_eq!(IncidentCategory::PublicOrder.code(), "public_order");
}
