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

mod deductions;
