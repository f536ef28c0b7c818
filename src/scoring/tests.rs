//! Table tests: every threshold boundary and every rule.

use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 2026-Q3: 2026-07-01 to 2026-09-30.
fn q3() -> Quarter {
    Quarter::new(2026, 3).unwrap()
}

fn inspection(visit_id: i64, date: NaiveDate, passed: i32, applicable: i32) -> Inspection {
    Inspection {
        visit_id,
        date,
        passed,
        applicable,
    }
}

/// A perfect inspection in the quarter and nothing else: 100, green.
fn clean() -> Inputs {
    Inputs {
        inspection_in_quarter: Some(inspection(1, d(2026, 8, 1), 20, 20)),
        ..Inputs::empty(q3())
    }
}

fn with_safety(passed: i32, applicable: i32) -> Inputs {
    Inputs {
        inspection_in_quarter: Some(inspection(1, d(2026, 8, 1), passed, applicable)),
        ..Inputs::empty(q3())
    }
}

fn hazard(
    id: i64,
    severity: HazardSeverity,
    deadline: NaiveDate,
    rectified_on: Option<NaiveDate>,
) -> HazardIn {
    HazardIn {
        hazard_id: id,
        severity,
        found_on: d(2026, 7, 1),
        deadline,
        rectified_on,
    }
}

fn incident(id: i64, category: IncidentCategory, victim: bool) -> IncidentIn {
    IncidentIn {
        incident_id: id,
        occurred_on: d(2026, 8, 15),
        category,
        severity: IncidentSeverity::Minor,
        victim,
    }
}

fn dispute(id: i64, people: i32, unresolved: bool) -> DisputeIn {
    DisputeIn {
        dispute_id: id,
        reported_on: d(2026, 8, 1),
        people_involved: people,
        unresolved_at_quarter_end: unresolved,
    }
}

fn run(inputs: &Inputs) -> Assessment {
    let a = assess(inputs, &Policy::default_v1());
    check_invariants(&a);
    a
}

/// What every assessment must satisfy with the default policy.
fn check_invariants(a: &Assessment) {
    let sum: i32 = a.reasons.iter().map(|r| r.points).sum();
    assert_eq!(sum, a.total - 100, "reasons {:#?}", a.reasons);
    assert_eq!(a.total, a.safety + a.hazards + a.cases);
    for r in &a.reasons {
        assert!(!r.text_zh().is_empty() && !r.text_en().is_empty());
    }
}

fn rated(level: Level) -> Rating {
    Rating::Rated(level)
}

fn kinds(a: &Assessment) -> Vec<&ReasonKind> {
    a.reasons.iter().map(|r| &r.kind).collect()
}

fn has_veto(a: &Assessment, rule: VetoRule, record_id: i64) -> bool {
    a.reasons
        .iter()
        .any(|r| r.kind == ReasonKind::Veto { rule, record_id })
}

// ---------------------------------------------------------------- quarters

#[test]
fn quarter_parse_display_and_dates() {
    let q = Quarter::parse("2026-Q3").unwrap();
    assert_eq!(q, Quarter { year: 2026, q: 3 });
    assert_eq!(q.to_string(), "2026-Q3");
    assert_eq!("2026-q3".parse::<Quarter>().unwrap(), q);
    assert_eq!(q.start(), d(2026, 7, 1));
    assert_eq!(q.end(), d(2026, 9, 30));
    let ends = [
        (1, d(2026, 1, 1), d(2026, 3, 31)),
        (2, d(2026, 4, 1), d(2026, 6, 30)),
        (4, d(2026, 10, 1), d(2026, 12, 31)),
    ];
    for (n, start, end) in ends {
        let q = Quarter::new(2026, n).unwrap();
        assert_eq!((q.start(), q.end()), (start, end));
    }
    for bad in [
        "2026-Q0", "2026-Q5", "2026Q3", "2026-3", "-Q3", "2026-Q", "x-Q1", "2026-Q33", "+2026-Q1",
    ] {
        assert_eq!(Quarter::parse(bad), None, "{bad}");
    }
    assert!(Quarter::new(2026, 0).is_none());
    assert!(Quarter::new(2026, 5).is_none());
}

#[test]
fn quarter_previous_next_containing() {
    let q1 = Quarter::new(2026, 1).unwrap();
    assert_eq!(q1.previous(), Quarter::new(2025, 4).unwrap());
    assert_eq!(q1.previous().next(), q1);
    assert_eq!(
        Quarter::new(2026, 4).unwrap().next(),
        Quarter::new(2027, 1).unwrap()
    );
    assert_eq!(q3().previous(), Quarter::new(2026, 2).unwrap());
    assert_eq!(Quarter::containing(d(2026, 7, 1)), q3());
    assert_eq!(Quarter::containing(d(2026, 9, 30)), q3());
    assert_eq!(Quarter::containing(d(2026, 6, 30)), q3().previous());
    assert_eq!(Quarter::containing(d(2026, 12, 31)), q3().next());
    assert!(q3() < q3().next() && Quarter::new(2025, 4).unwrap() < q1);
    assert!(q3().contains(d(2026, 9, 30)) && !q3().contains(d(2026, 10, 1)));
}

#[test]
fn quarter_serde_refuses_invalid() {
    let json = serde_json::to_string(&q3()).unwrap();
    assert_eq!(json, r#"{"year":2026,"q":3}"#);
    assert_eq!(serde_json::from_str::<Quarter>(&json).unwrap(), q3());
    assert!(serde_json::from_str::<Quarter>(r#"{"year":2026,"q":5}"#).is_err());
    assert!(serde_json::from_str::<Quarter>(r#"{"year":2026,"q":0}"#).is_err());
}

// ------------------------------------------------------------ level, rating

#[test]
fn level_and_rating_codes() {
    for &level in Level::ALL {
        assert_eq!(Level::parse(level.code()), Some(level));
        assert_eq!(Rating::parse(level.code()), Some(Rating::Rated(level)));
    }
    assert_eq!(Level::parse("grey"), None);
    assert_eq!(Rating::parse("unrated"), Some(Rating::Unrated));
    assert_eq!(Rating::Unrated.level(), None);
    assert_eq!(Rating::from(Some(Level::Red)), rated(Level::Red));
    assert_eq!(
        serde_json::to_string(&Rating::Unrated).unwrap(),
        r#""unrated""#
    );
    assert_eq!(
        serde_json::to_string(&rated(Level::Yellow)).unwrap(),
        r#""yellow""#
    );
    assert_eq!(
        serde_json::from_str::<Rating>(r#""red""#).unwrap(),
        rated(Level::Red)
    );
    assert!(serde_json::from_str::<Rating>(r#""grey""#).is_err());
    assert!(Level::Green < Level::Yellow && Level::Yellow < Level::Red);
}

// ------------------------------------------------------------------ policy

#[test]
fn default_policy_is_version_1_and_valid() {
    let p = Policy::default_v1();
    assert_eq!(p.version, 1);
    assert_eq!(
        (p.safety_weight, p.hazard_weight, p.case_weight),
        (40, 30, 30)
    );
    assert_eq!((p.green_min, p.yellow_min), (85, 70));
    assert_eq!(
        (
            p.mass_dispute_threshold,
            p.demand_response_days,
            p.objection_days
        ),
        (30, 15, 15)
    );
    assert_eq!(p.validate(), Ok(()));
    assert_eq!(Policy::default(), p);
}

fn errors_of(p: &Policy) -> Vec<(&'static str, PolicyErrorKind)> {
    let errors = p.validate().unwrap_err();
    for e in &errors {
        assert!(e.message_en().contains(e.field), "{}", e.message_en());
        assert!(e.message_zh().contains(e.field), "{}", e.message_zh());
    }
    errors.into_iter().map(|e| (e.field, e.kind)).collect()
}

#[test]
fn policy_validation_names_each_field() {
    use PolicyErrorKind as K;
    let base = Policy::default_v1();

    let p = Policy {
        safety_weight: 50,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![("safety_weight", K::WeightsSum { sum: 110 })]
    );

    let p = Policy {
        hazard_weight: -10,
        case_weight: 70,
        ..base.clone()
    };
    assert_eq!(errors_of(&p), vec![("hazard_weight", K::Negative)]);

    let p = Policy {
        yellow_min: 0,
        ..base.clone()
    };
    assert_eq!(errors_of(&p), vec![("yellow_min", K::YellowMinNotPositive)]);

    let p = Policy {
        green_min: 70,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![("green_min", K::GreenMinNotAboveYellowMin)]
    );

    let p = Policy {
        green_min: 101,
        ..base.clone()
    };
    assert_eq!(errors_of(&p), vec![("green_min", K::TooLarge { max: 100 })]);
    // green_min = 100 is allowed.
    assert_eq!(
        Policy {
            green_min: 100,
            ..base.clone()
        }
        .validate(),
        Ok(())
    );

    let p = Policy {
        incident_fraud: -1,
        ..base.clone()
    };
    assert_eq!(errors_of(&p), vec![("incident_fraud", K::Negative)]);

    let p = Policy {
        incident_criminal: 101,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![("incident_criminal", K::TooLarge { max: 100 })]
    );

    let p = Policy {
        mass_dispute_threshold: 0,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![("mass_dispute_threshold", K::AtLeastOne)]
    );
    let p = Policy {
        demand_response_days: 0,
        objection_days: 0,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![
            ("demand_response_days", K::AtLeastOne),
            ("objection_days", K::AtLeastOne)
        ]
    );
    let p = Policy {
        version: 0,
        ..base.clone()
    };
    assert_eq!(errors_of(&p), vec![("version", K::AtLeastOne)]);

    // A worse state never costs less than a better one.
    let p = Policy {
        hazard_open_general: 7,
        ..base.clone()
    };
    let errors = errors_of(&p);
    assert!(errors.contains(&(
        "hazard_open_general",
        K::MoreThan {
            other: "hazard_overdue_general"
        }
    )));
    assert!(errors.contains(&(
        "hazard_open_general",
        K::MoreThan {
            other: "hazard_open_major"
        }
    )));
    let p = Policy {
        hazard_late_major: 16,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![(
            "hazard_late_major",
            K::MoreThan {
                other: "hazard_overdue_major"
            }
        )]
    );
    let p = Policy {
        dispute_unresolved: 11,
        ..base.clone()
    };
    assert_eq!(
        errors_of(&p),
        vec![(
            "dispute_unresolved",
            K::MoreThan {
                other: "dispute_unresolved_mass"
            }
        )]
    );

    // Several problems at once are all reported.
    let p = Policy {
        yellow_min: -5,
        green_min: -6,
        incident_theft: -1,
        ..base
    };
    assert_eq!(errors_of(&p).len(), 3);
}

#[test]
fn policy_error_messages_read_well() {
    let p = Policy {
        green_min: 60,
        ..Policy::default_v1()
    };
    let e = &p.validate().unwrap_err()[0];
    assert_eq!(
        e.message_en(),
        "Lowest green total (green_min) must be more than the lowest yellow total (yellow_min)"
    );
    assert_eq!(
        e.message_zh(),
        "绿色最低分（green_min）必须大于黄色最低分（yellow_min）"
    );
    assert_eq!(e.to_string(), e.message_en());
}

// ------------------------------------------------------------------ safety

#[test]
fn perfect_quarter_is_green_100() {
    let a = run(&clean());
    assert_eq!((a.safety, a.hazards, a.cases, a.total), (40, 30, 30, 100));
    assert_eq!(a.computed, rated(Level::Green));
    assert!(!a.vetoed && !a.stale_inspection);
    assert_eq!(a.reasons.len(), 2); // the inspection used, and the threshold
    assert_eq!(
        a.reasons[0].text_en(),
        "0: security inspection (visit #1, 2026-08-01): 20 of 20 applicable checklist items passed, 40 of 40 points"
    );
    assert_eq!(
        a.reasons[1].text_en(),
        "total 100: green (green ≥ 85, yellow 70–84, red < 70)"
    );
    assert_eq!(
        a.reasons[1].text_zh(),
        "总分 100：绿色（绿色 ≥ 85，黄色 70–84，红色 < 70）"
    );
}

#[test]
fn safety_rounds_half_up() {
    // (passed, applicable, score)
    let table = [
        (7, 16, 18), // 17.5 → 18
        (1, 3, 13),  // 13.33 → 13
        (2, 3, 27),  // 26.67 → 27
        (1, 80, 1),  // 0.5 → 1
        (1, 81, 0),  // 0.49 → 0
        (39, 40, 39),
        (0, 10, 0),
        (10, 10, 40),
        (0, 0, 40), // nothing applicable: full points
    ];
    for (passed, applicable, score) in table {
        let a = run(&with_safety(passed, applicable));
        assert_eq!(a.safety, score, "{passed}/{applicable}");
        assert_eq!(a.reasons[0].points, score - 40);
    }
}

#[test]
fn safety_counts_are_clamped() {
    assert_eq!(run(&with_safety(12, 10)).safety, 40);
    assert_eq!(run(&with_safety(-3, 10)).safety, 0);
    assert_eq!(run(&with_safety(5, -1)).safety, 40);
}

#[test]
fn safety_line_names_the_inspection() {
    let a = run(&with_safety(34, 40));
    assert_eq!(a.safety, 34);
    assert_eq!(a.reasons[0].points, -6);
    assert_eq!(
        a.reasons[0].text_en(),
        "−6: security inspection (visit #1, 2026-08-01): 34 of 40 applicable checklist items passed, 34 of 40 points"
    );
    assert_eq!(
        a.reasons[0].text_zh(),
        "−6：安全检查（走访 #1，2026-08-01）适用检查项 40 项，合格 34 项，得 34/40 分"
    );
}

#[test]
fn stale_inspection_uses_the_earlier_score() {
    let inputs = Inputs {
        earlier_inspection: Some(inspection(9, d(2026, 3, 2), 30, 40)),
        ..Inputs::empty(q3())
    };
    let a = run(&inputs);
    assert!(a.stale_inspection);
    assert_eq!(a.safety, 30);
    assert_eq!(a.total, 90);
    assert_eq!(a.computed, rated(Level::Green));
    assert_eq!(a.reasons[0].points, 0);
    assert_eq!(
        a.reasons[0].kind,
        ReasonKind::StaleInspection {
            visit_id: 9,
            date: d(2026, 3, 2)
        }
    );
    assert_eq!(
        a.reasons[0].text_en(),
        "no security inspection this quarter: the score of the latest earlier inspection (visit #9, 2026-03-02) is used"
    );
    assert_eq!(a.reasons[1].points, -10);
}

#[test]
fn inspections_are_placed_by_their_dates() {
    // An in-quarter inspection wins over an earlier one.
    let inputs = Inputs {
        inspection_in_quarter: Some(inspection(2, d(2026, 7, 1), 40, 40)),
        earlier_inspection: Some(inspection(1, d(2026, 6, 30), 0, 40)),
        ..Inputs::empty(q3())
    };
    let a = run(&inputs);
    assert_eq!((a.safety, a.stale_inspection), (40, false));

    // Passed in the wrong field: still the in-quarter one is used.
    let swapped = Inputs {
        inspection_in_quarter: inputs.earlier_inspection.clone(),
        earlier_inspection: inputs.inspection_in_quarter.clone(),
        ..inputs
    };
    assert_eq!(run(&swapped), a);

    // An inspection after the quarter is ignored; the earlier one is stale.
    let later = Inputs {
        inspection_in_quarter: Some(inspection(3, d(2026, 10, 1), 40, 40)),
        earlier_inspection: Some(inspection(1, d(2026, 6, 30), 20, 40)),
        ..Inputs::empty(q3())
    };
    let a = run(&later);
    assert_eq!((a.safety, a.stale_inspection), (20, true));

    // Only one after the quarter: never inspected as of this quarter.
    let only_later = Inputs {
        inspection_in_quarter: Some(inspection(3, d(2026, 10, 1), 40, 40)),
        ..Inputs::empty(q3())
    };
    assert_eq!(run(&only_later).computed, Rating::Unrated);
}

#[test]
fn never_inspected_is_unrated_with_scores_shown() {
    let a = run(&Inputs::empty(q3()));
    assert_eq!((a.safety, a.hazards, a.cases, a.total), (0, 30, 30, 60));
    assert_eq!(a.computed, Rating::Unrated);
    assert!(!a.stale_inspection && !a.vetoed);
    assert_eq!(a.reasons[0].points, -40);
    assert_eq!(a.reasons[0].kind, ReasonKind::NeverInspected);
    assert_eq!(
        a.reasons[0].text_zh(),
        "−40：从未进行安全检查，安全管理得 0 分"
    );
    assert_eq!(a.reasons[1].kind, ReasonKind::Unrated { total: 60 });
    assert_eq!(
        a.reasons[1].text_en(),
        "never inspected: not yet rated (total 60 shown for information)"
    );
}

#[test]
fn never_inspected_is_never_green_even_with_a_full_total() {
    // A policy that gives safety no weight: the total can reach 100.
    let policy = Policy {
        safety_weight: 0,
        hazard_weight: 50,
        case_weight: 50,
        ..Policy::default_v1()
    };
    assert_eq!(policy.validate(), Ok(()));
    let a = assess(&Inputs::empty(q3()), &policy);
    assert_eq!(a.total, 100);
    assert_eq!(a.computed, Rating::Unrated);
    let sum: i32 = a.reasons.iter().map(|r| r.points).sum();
    assert_eq!(sum, 0);
}

#[test]
fn veto_beats_unrated() {
    let inputs = Inputs {
        hazards: vec![hazard(412, HazardSeverity::Major, d(2026, 8, 1), None)],
        ..Inputs::empty(q3())
    };
    let a = run(&inputs);
    assert_eq!(a.computed, rated(Level::Red));
    assert!(a.vetoed);
    assert!(has_veto(&a, VetoRule::MajorHazardOverdue, 412));
    assert!(
        !kinds(&a)
            .iter()
            .any(|k| matches!(k, ReasonKind::Unrated { .. }))
    );
}

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
