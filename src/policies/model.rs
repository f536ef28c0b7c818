//! A scoring policy version as stored and as typed: its parameters (one
//! table of names, groups and ranges), the rules for its first quarter,
//! the form and its validation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::audit;
use crate::i18n::Lang;
use crate::scoring::{Policy, Quarter};
use crate::web::form::{FieldErrors, Fields};

use super::text::{ParamWords, text};

/// How many quarters ahead a new version may start: far enough to plan,
/// near enough that a mistyped year does not block every later version
/// (which may not start before it).
pub(super) const QUARTERS_AHEAD: u32 = 8;

/// A stored version.
#[derive(Debug, Clone)]
pub struct StoredPolicy {
    pub scoring_policy_id: i64,
    pub version: i32,
    pub effective_from: Quarter,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    /// `None` for the version the system was installed with.
    pub created_by_name: Option<String>,
    pub policy: Policy,
}

impl StoredPolicy {
    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }
}

/// Where a version stands against the current quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The version the current quarter is scored with.
    InForce,
    /// Starts in a later quarter.
    Upcoming,
    /// Replaced by a later version.
    Superseded,
}

impl Status {
    /// The status of `p` among `all` versions in quarter `current`, as the
    /// evaluation service chooses: the newest version whose first quarter is
    /// not after the quarter.
    pub(super) fn of(p: &StoredPolicy, all: &[StoredPolicy], current: Quarter) -> Status {
        let in_force = all
            .iter()
            .filter(|q| q.effective_from <= current)
            .max_by_key(|q| (q.effective_from, q.version))
            .map(|q| q.version);
        let replaced = all
            .iter()
            .any(|q| q.version > p.version && q.effective_from <= p.effective_from);
        if in_force == Some(p.version) {
            Status::InForce
        } else if p.effective_from > current && !replaced {
            Status::Upcoming
        } else {
            Status::Superseded
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Status::InForce => t.status_in_force,
            Status::Upcoming => t.status_upcoming,
            Status::Superseded => t.status_superseded,
        }
    }
}

/// The groups parameters are shown and edited in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Weights,
    Thresholds,
    HazardDeductions,
    IncidentDeductions,
    Disputes,
    Deadlines,
    Vetoes,
    StepLimit,
}

impl Group {
    pub const ALL: [Group; 8] = [
        Group::Weights,
        Group::Thresholds,
        Group::HazardDeductions,
        Group::IncidentDeductions,
        Group::Disputes,
        Group::Deadlines,
        Group::Vetoes,
        Group::StepLimit,
    ];

    /// For element ids.
    pub fn code(self) -> &'static str {
        match self {
            Group::Weights => "weights",
            Group::Thresholds => "thresholds",
            Group::HazardDeductions => "hazards",
            Group::IncidentDeductions => "incidents",
            Group::Disputes => "disputes",
            Group::Deadlines => "deadlines",
            Group::Vetoes => "vetoes",
            Group::StepLimit => "step-limit",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Group::Weights => t.group_weights,
            Group::Thresholds => t.group_thresholds,
            Group::HazardDeductions => t.group_hazards,
            Group::IncidentDeductions => t.group_incidents,
            Group::Disputes => t.group_disputes,
            Group::Deadlines => t.group_deadlines,
            Group::Vetoes => t.group_vetoes,
            Group::StepLimit => t.group_step_limit,
        }
    }

    pub fn intro(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Group::Weights => t.group_weights_intro,
            Group::Thresholds => t.group_thresholds_intro,
            Group::HazardDeductions => t.group_hazards_intro,
            Group::IncidentDeductions => t.group_incidents_intro,
            Group::Disputes => t.group_disputes_intro,
            Group::Deadlines => t.group_deadlines_intro,
            Group::Vetoes => t.group_vetoes_intro,
            Group::StepLimit => t.group_step_limit_intro,
        }
    }
}

/// How a parameter is read from and written to a `Policy`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Access {
    Number {
        get: fn(&Policy) -> i32,
        set: fn(&mut Policy, i32),
    },
    Flag {
        get: fn(&Policy) -> bool,
        set: fn(&mut Policy, bool),
    },
}

/// One parameter of the policy: its JSON and form name, its group, and how
/// to reach it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Param {
    pub(super) name: &'static str,
    pub(super) group: Group,
    pub(super) access: Access,
}

impl Param {
    pub(super) fn is_flag(self) -> bool {
        matches!(self.access, Access::Flag { .. })
    }

    /// The value in `policy`, as the form carries it.
    pub(super) fn form_value(self, policy: &Policy) -> String {
        match self.access {
            Access::Number { get, .. } => get(policy).to_string(),
            Access::Flag { get, .. } => get(policy).to_string(),
        }
    }

    /// The value in `policy`, as a person reads it.
    pub(super) fn display(self, policy: &Policy, lang: Lang) -> String {
        match self.access {
            Access::Number { get, .. } => get(policy).to_string(),
            Access::Flag { get, .. } => {
                let t = text(lang);
                if get(policy) { t.enabled } else { t.disabled }.to_owned()
            }
        }
    }
}

macro_rules! number {
    ($group:ident, $field:ident) => {
        Param {
            name: stringify!($field),
            group: Group::$group,
            access: Access::Number {
                get: |p| p.$field,
                set: |p, v| p.$field = v,
            },
        }
    };
}

macro_rules! flag {
    ($group:ident, $field:ident) => {
        Param {
            name: stringify!($field),
            group: Group::$group,
            access: Access::Flag {
                get: |p| p.$field,
                set: |p, v| p.$field = v,
            },
        }
    };
}

/// Every parameter of [`Policy`] but its version, in display order. A test
/// holds this list to the policy's fields.
pub(super) static PARAMS: [Param; 27] = [
    number!(Weights, safety_weight),
    number!(Weights, hazard_weight),
    number!(Weights, case_weight),
    number!(Thresholds, green_min),
    number!(Thresholds, yellow_min),
    number!(HazardDeductions, hazard_late_general),
    number!(HazardDeductions, hazard_late_major),
    number!(HazardDeductions, hazard_open_general),
    number!(HazardDeductions, hazard_open_major),
    number!(HazardDeductions, hazard_overdue_general),
    number!(HazardDeductions, hazard_overdue_major),
    number!(IncidentDeductions, incident_criminal),
    number!(IncidentDeductions, incident_public_order),
    number!(IncidentDeductions, incident_fire_safety),
    number!(IncidentDeductions, incident_fraud),
    number!(IncidentDeductions, incident_theft),
    number!(IncidentDeductions, incident_other),
    number!(Disputes, dispute_unresolved),
    number!(Disputes, dispute_unresolved_mass),
    number!(Disputes, mass_dispute_threshold),
    number!(Deadlines, demand_response_days),
    number!(Deadlines, objection_days),
    number!(Deadlines, push_ack_days),
    flag!(Vetoes, veto_major_hazard_overdue),
    flag!(Vetoes, veto_major_criminal),
    flag!(Vetoes, veto_mass_dispute_unresolved),
    flag!(StepLimit, step_limit),
];

pub(super) fn param(name: &str) -> Option<Param> {
    PARAMS.iter().copied().find(|p| p.name == name)
}

/// Whether two policies have the same parameters (whatever their versions).
pub(super) fn same_parameters(a: &Policy, b: &Policy) -> bool {
    Policy {
        version: 0,
        ..a.clone()
    } == Policy {
        version: 0,
        ..b.clone()
    }
}

/// "field: old → new; …" for the parameters that differ.
pub(super) fn differences(old: &Policy, new: &Policy) -> String {
    let fields: Vec<(&str, String, String)> = PARAMS
        .iter()
        .map(|p| (p.name, p.form_value(old), p.form_value(new)))
        .collect();
    audit::changes(&fields)
}

/// The validated form: a policy (its version still to be assigned) and the
/// quarter it applies from.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub policy: Policy,
    pub effective_from: Quarter,
}

/// What the quarter may be, given the versions there are and today.
#[derive(Debug, Clone, Copy)]
pub(super) struct QuarterRules {
    pub(super) current: Quarter,
    /// The newest version's first quarter and number.
    pub(super) newest: Option<(Quarter, i32)>,
    pub(super) latest: Quarter,
}

impl QuarterRules {
    pub(super) fn new(current: Quarter, newest: Option<&StoredPolicy>) -> QuarterRules {
        let newest = newest.map(|n| (n.effective_from, n.version));
        let mut latest = current;
        for _ in 0..QUARTERS_AHEAD {
            latest = latest.next();
        }
        // A version stored further ahead (by hand) must not leave no quarter.
        if let Some((from, _)) = newest {
            latest = latest.max(from);
        }
        QuarterRules {
            current,
            newest,
            latest,
        }
    }

    /// The quarter a new form proposes: the next one, unless the newest
    /// version starts later.
    pub(super) fn default_quarter(self) -> Quarter {
        let next = self.current.next();
        match self.newest {
            Some((from, _)) => next.max(from),
            None => next,
        }
    }

    pub(super) fn check(self, quarter: Quarter, lang: Lang) -> Result<Quarter, String> {
        let t = text(lang);
        if quarter < self.current {
            return Err((t.err_before_current)(&self.current.to_string()));
        }
        if let Some((from, version)) = self.newest
            && quarter < from
        {
            return Err((t.err_before_newest)(&from.to_string(), version));
        }
        if quarter > self.latest {
            return Err((t.err_too_far_ahead)(&self.latest.to_string()));
        }
        Ok(quarter)
    }
}

/// The form as typed. Numbers are kept as strings so that nothing is lost;
/// a ticked box is present, an unticked one sends nothing.
#[derive(Debug, Clone, Default)]
pub struct PolicyForm {
    pub(super) numbers: BTreeMap<&'static str, String>,
    pub(super) flags: BTreeSet<&'static str>,
    pub effective_from: String,
    /// The newest version when the form was shown; a save based on an older
    /// one is refused (and a second click of the same save finds its first).
    pub base_version: String,
}

impl PolicyForm {
    pub(super) fn from_policy(
        policy: &Policy,
        effective_from: Quarter,
        base_version: i32,
    ) -> PolicyForm {
        let mut form = PolicyForm {
            effective_from: effective_from.to_string(),
            base_version: base_version.to_string(),
            ..PolicyForm::default()
        };
        for p in PARAMS {
            match p.access {
                Access::Number { get, .. } => {
                    form.numbers.insert(p.name, get(policy).to_string());
                }
                Access::Flag { get, .. } => {
                    if get(policy) {
                        form.flags.insert(p.name);
                    }
                }
            }
        }
        form
    }

    /// From the posted fields; unknown names (the CSRF token) are ignored.
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> PolicyForm {
        let mut form = PolicyForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "effective_from" => form.effective_from = value,
                "base_version" => form.base_version = value,
                other => match param(other) {
                    Some(p) if p.is_flag() => {
                        form.flags.insert(p.name);
                    }
                    Some(p) => {
                        form.numbers.insert(p.name, value);
                    }
                    None => {}
                },
            }
        }
        form
    }

    pub fn value(&self, name: &str) -> &str {
        self.numbers.get(name).map_or("", String::as_str)
    }

    pub fn checked(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    pub(super) fn base_version(&self) -> Option<i32> {
        self.base_version.trim().parse().ok()
    }

    /// Every number must be a whole number; then the policy's own rules
    /// (`Policy::validate`, with its messages) and the quarter's.
    pub(super) fn validate(
        &self,
        lang: Lang,
        rules: QuarterRules,
    ) -> Result<PolicyInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        // Placeholder: the version is assigned when it is stored.
        let mut policy = Policy {
            version: 1,
            ..Policy::default_v1()
        };
        for p in PARAMS {
            match p.access {
                Access::Number { set, .. } => {
                    // The range only keeps the number an `i32`; the policy's
                    // rules say what is sensible.
                    let parsed = f.int(self.value(p.name), -99_999, 99_999);
                    if let Some(n) = e.check(p.name, parsed).and_then(|n| i32::try_from(n).ok()) {
                        set(&mut policy, n);
                    }
                }
                Access::Flag { set, .. } => set(&mut policy, self.checked(p.name)),
            }
        }
        // The policy's rules relate fields to each other: run them only on
        // numbers that were all read, so that no message rests on a guess.
        if e.is_empty()
            && let Err(problems) = policy.validate()
        {
            for problem in problems {
                let message = match lang {
                    Lang::Zh => problem.message_zh(),
                    Lang::En => problem.message_en(),
                };
                e.add(problem.field, message);
            }
        }
        let quarter = match Quarter::parse(&self.effective_from) {
            // The column holds four-digit years.
            Some(q) if (1000..=9999).contains(&q.year) => {
                e.check("effective_from", rules.check(q, lang))
            }
            _ => {
                e.add("effective_from", text(lang).err_quarter);
                None
            }
        };
        match quarter {
            Some(effective_from) if e.is_empty() => Ok(PolicyInput {
                policy,
                effective_from,
            }),
            _ => Err(e),
        }
    }
}

/// One field of the form, ready to show.
#[derive(Debug)]
pub struct FieldView {
    pub name: &'static str,
    pub words: &'static ParamWords,
    pub flag: bool,
    pub value: String,
    pub checked: bool,
    /// On a conflict: the newest version's value, when it differs.
    pub newest: Option<String>,
}

/// One group of fields or values, ready to show.
#[derive(Debug)]
pub struct GroupView<T> {
    pub code: &'static str,
    pub label: &'static str,
    pub intro: &'static str,
    pub items: Vec<T>,
}

pub(super) fn grouped<T>(lang: Lang, mut item: impl FnMut(Param) -> T) -> Vec<GroupView<T>> {
    Group::ALL
        .iter()
        .map(|g| GroupView {
            code: g.code(),
            label: g.label(lang),
            intro: g.intro(lang),
            items: PARAMS
                .iter()
                .filter(|p| p.group == *g)
                .map(|p| item(*p))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameter_list_covers_every_field_of_the_policy() {
        let json = serde_json::to_value(Policy::default_v1()).unwrap();
        let fields: BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "version")
            .collect();
        let listed: BTreeSet<&str> = PARAMS.iter().map(|p| p.name).collect();
        assert_eq!(fields, listed);
        assert_eq!(listed.len(), PARAMS.len(), "no parameter twice");
        // and every one reads and writes its own field
        let mut policy = Policy::default_v1();
        for (i, p) in PARAMS.iter().enumerate() {
            match p.access {
                Access::Number { get, set } => {
                    let v = 1000 + i32::try_from(i).unwrap();
                    set(&mut policy, v);
                    assert_eq!(get(&policy), v);
                    assert_eq!(json_of(&policy, p.name), serde_json::json!(v));
                }
                Access::Flag { get, set } => {
                    let v = !get(&policy);
                    set(&mut policy, v);
                    assert_eq!(json_of(&policy, p.name), serde_json::json!(v));
                }
            }
        }
    }

    fn json_of(policy: &Policy, name: &str) -> serde_json::Value {
        serde_json::to_value(policy).unwrap()[name].clone()
    }

    #[test]
    fn every_parameter_and_group_has_words_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let t = text(lang);
            assert_eq!(t.params.len(), PARAMS.len());
            for p in PARAMS {
                assert!(!t.param(p.name).name.is_empty(), "{} in {lang}", p.name);
            }
            for g in Group::ALL {
                assert!(!g.label(lang).is_empty() && !g.intro(lang).is_empty());
            }
        }
    }

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    fn stored(version: i32, from: &str) -> StoredPolicy {
        StoredPolicy {
            scoring_policy_id: i64::from(version),
            version,
            effective_from: q(from),
            created_at: Utc::now(),
            created_by: None,
            created_by_name: None,
            policy: Policy::default_v1(),
        }
    }

    #[test]
    fn statuses_follow_the_evaluation_services_choice() {
        let all = vec![
            stored(4, "2027-Q2"),
            stored(3, "2027-Q1"),
            stored(2, "2027-Q1"),
            stored(1, "2020-Q1"),
        ];
        let now = q("2026-Q4");
        let status: Vec<Status> = all.iter().map(|p| Status::of(p, &all, now)).collect();
        use Status::*;
        assert_eq!(status, [Upcoming, Upcoming, Superseded, InForce]);
        let later: Vec<Status> = all
            .iter()
            .map(|p| Status::of(p, &all, q("2027-Q1")))
            .collect();
        assert_eq!(later, [Upcoming, InForce, Superseded, Superseded]);
    }

    #[test]
    fn quarters_apply_forward_only() {
        let rules = QuarterRules::new(q("2026-Q4"), Some(&stored(2, "2027-Q2")));
        assert_eq!(rules.default_quarter(), q("2027-Q2"));
        assert!(
            rules
                .check(q("2026-Q3"), Lang::En)
                .unwrap_err()
                .contains("2026-Q4")
        );
        assert!(
            rules
                .check(q("2027-Q1"), Lang::En)
                .unwrap_err()
                .contains("2027-Q2")
        );
        assert!(rules.check(q("2027-Q2"), Lang::En).is_ok());
        assert!(rules.check(q("2028-Q4"), Lang::En).is_ok());
        assert!(
            rules
                .check(q("2029-Q1"), Lang::En)
                .unwrap_err()
                .contains("2028-Q4")
        );
        let first = QuarterRules::new(q("2026-Q4"), Some(&stored(1, "2020-Q1")));
        assert_eq!(first.default_quarter(), q("2027-Q1"));
    }

    #[test]
    fn unticked_boxes_are_false_and_unknown_fields_ignored() {
        let mut pairs: Vec<(String, String)> = PARAMS
            .iter()
            .filter(|p| !p.is_flag())
            .map(|p| (p.name.to_owned(), p.form_value(&Policy::default_v1())))
            .collect();
        pairs.push(("veto_major_criminal".into(), "on".into()));
        pairs.push(("csrf".into(), "x".into()));
        pairs.push(("effective_from".into(), "2027-Q1".into()));
        let form = PolicyForm::from_pairs(pairs);
        let rules = QuarterRules::new(q("2026-Q4"), None);
        let input = form.validate(Lang::Zh, rules).unwrap();
        assert!(input.policy.veto_major_criminal);
        assert!(!input.policy.veto_major_hazard_overdue);
        assert!(!input.policy.step_limit);
        assert_eq!(input.effective_from, q("2027-Q1"));
    }
}
