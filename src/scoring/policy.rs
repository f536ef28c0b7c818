//! The scoring policy: data, versioned and stored as JSON.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Weights, deductions, thresholds and rules used to score a quarter.
///
/// Deductions are points taken off the indicator they belong to (positive
/// numbers). Stored as JSON; unknown fields are refused so that a mistyped
/// name is an error rather than a silently ignored setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub version: i32,

    pub safety_weight: i32,
    pub hazard_weight: i32,
    pub case_weight: i32,

    /// Lowest total that is green.
    pub green_min: i32,
    /// Lowest total that is yellow; below it is red.
    pub yellow_min: i32,

    /// Rectified within the quarter but after the deadline.
    pub hazard_late_general: i32,
    pub hazard_late_major: i32,
    /// Open at quarter end, deadline not passed.
    pub hazard_open_general: i32,
    pub hazard_open_major: i32,
    /// Open at quarter end, deadline passed.
    pub hazard_overdue_general: i32,
    pub hazard_overdue_major: i32,

    pub incident_criminal: i32,
    pub incident_public_order: i32,
    pub incident_fire_safety: i32,
    pub incident_fraud: i32,
    pub incident_theft: i32,
    pub incident_other: i32,

    pub dispute_unresolved: i32,
    pub dispute_unresolved_mass: i32,
    /// People involved from which a dispute is a mass dispute.
    pub mass_dispute_threshold: i32,

    /// Days an enterprise's demand may wait for a response (used by demands,
    /// not by scoring).
    pub demand_response_days: i32,
    /// Days after publication during which an enterprise may object (used by
    /// evaluations, not by scoring).
    pub objection_days: i32,
    /// Days a department has to acknowledge a push before the station sees
    /// it as overdue (used by pushes, not by scoring). Policies stored
    /// before it existed read as 5.
    #[serde(default = "default_push_ack_days")]
    pub push_ack_days: i32,

    pub veto_major_hazard_overdue: bool,
    pub veto_major_criminal: bool,
    pub veto_mass_dispute_unresolved: bool,

    /// A previous published level of red rises at most to yellow.
    pub step_limit: bool,
}

fn default_push_ack_days() -> i32 {
    5
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::default_v1()
    }
}

/// The largest deduction a policy may set: all the points there are.
const MAX_DEDUCTION: i32 = 100;

impl Policy {
    /// DESIGN.md's version 1.
    pub fn default_v1() -> Policy {
        Policy {
            version: 1,
            safety_weight: 40,
            hazard_weight: 30,
            case_weight: 30,
            green_min: 85,
            yellow_min: 70,
            hazard_late_general: 3,
            hazard_late_major: 8,
            hazard_open_general: 1,
            hazard_open_major: 4,
            hazard_overdue_general: 6,
            hazard_overdue_major: 15,
            incident_criminal: 10,
            incident_public_order: 5,
            incident_fire_safety: 8,
            incident_fraud: 2,
            incident_theft: 2,
            incident_other: 0,
            dispute_unresolved: 4,
            dispute_unresolved_mass: 10,
            mass_dispute_threshold: 30,
            demand_response_days: 15,
            objection_days: 15,
            push_ack_days: default_push_ack_days(),
            veto_major_hazard_overdue: true,
            veto_major_criminal: true,
            veto_mass_dispute_unresolved: true,
            step_limit: true,
        }
    }

    fn deductions(&self) -> [(&'static str, i32); 14] {
        [
            ("hazard_late_general", self.hazard_late_general),
            ("hazard_late_major", self.hazard_late_major),
            ("hazard_open_general", self.hazard_open_general),
            ("hazard_open_major", self.hazard_open_major),
            ("hazard_overdue_general", self.hazard_overdue_general),
            ("hazard_overdue_major", self.hazard_overdue_major),
            ("incident_criminal", self.incident_criminal),
            ("incident_public_order", self.incident_public_order),
            ("incident_fire_safety", self.incident_fire_safety),
            ("incident_fraud", self.incident_fraud),
            ("incident_theft", self.incident_theft),
            ("incident_other", self.incident_other),
            ("dispute_unresolved", self.dispute_unresolved),
            ("dispute_unresolved_mass", self.dispute_unresolved_mass),
        ]
    }

    /// Every problem with the policy, each naming its field.
    ///
    /// Besides the ranges, deductions must be ordered so that a worse state
    /// never costs less than a better one: a general hazard never more than
    /// a major one in the same state, an open (not yet due) or late-rectified
    /// hazard never more than an overdue one, an ordinary unresolved dispute
    /// never more than a mass one. With a valid policy, more or worse records
    /// never raise a level.
    pub fn validate(&self) -> Result<(), Vec<PolicyError>> {
        use PolicyErrorKind as K;
        let mut errors = Vec::new();
        let mut push = |field: &'static str, kind: PolicyErrorKind| {
            errors.push(PolicyError { field, kind });
        };

        if self.version < 1 {
            push("version", K::AtLeastOne);
        }

        let weights = [
            ("safety_weight", self.safety_weight),
            ("hazard_weight", self.hazard_weight),
            ("case_weight", self.case_weight),
        ];
        for (field, value) in weights {
            if value < 0 {
                push(field, K::Negative);
            }
        }
        let sum: i64 = weights.iter().map(|(_, w)| i64::from(*w)).sum();
        if sum != 100 {
            push("safety_weight", K::WeightsSum { sum });
        }

        if self.yellow_min <= 0 {
            push("yellow_min", K::YellowMinNotPositive);
        }
        if self.green_min <= self.yellow_min {
            push("green_min", K::GreenMinNotAboveYellowMin);
        }
        if self.green_min > 100 {
            push("green_min", K::TooLarge { max: 100 });
        }

        for (field, value) in self.deductions() {
            if value < 0 {
                push(field, K::Negative);
            } else if value > MAX_DEDUCTION {
                push(field, K::TooLarge { max: MAX_DEDUCTION });
            }
        }
        let ordered = [
            (
                "hazard_late_general",
                self.hazard_late_general,
                "hazard_late_major",
                self.hazard_late_major,
            ),
            (
                "hazard_open_general",
                self.hazard_open_general,
                "hazard_open_major",
                self.hazard_open_major,
            ),
            (
                "hazard_overdue_general",
                self.hazard_overdue_general,
                "hazard_overdue_major",
                self.hazard_overdue_major,
            ),
            (
                "hazard_open_general",
                self.hazard_open_general,
                "hazard_overdue_general",
                self.hazard_overdue_general,
            ),
            (
                "hazard_late_general",
                self.hazard_late_general,
                "hazard_overdue_general",
                self.hazard_overdue_general,
            ),
            (
                "hazard_open_major",
                self.hazard_open_major,
                "hazard_overdue_major",
                self.hazard_overdue_major,
            ),
            (
                "hazard_late_major",
                self.hazard_late_major,
                "hazard_overdue_major",
                self.hazard_overdue_major,
            ),
            (
                "dispute_unresolved",
                self.dispute_unresolved,
                "dispute_unresolved_mass",
                self.dispute_unresolved_mass,
            ),
        ];
        for (field, value, other, limit) in ordered {
            if value > limit {
                push(field, K::MoreThan { other });
            }
        }

        let at_least_one = [
            ("mass_dispute_threshold", self.mass_dispute_threshold),
            ("demand_response_days", self.demand_response_days),
            ("objection_days", self.objection_days),
            ("push_ack_days", self.push_ack_days),
        ];
        for (field, value) in at_least_one {
            if value < 1 {
                push(field, K::AtLeastOne);
            }
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// One problem with a policy, naming the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The policy field (its JSON and form name), e.g. `"green_min"`.
    pub field: &'static str,
    pub kind: PolicyErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyErrorKind {
    /// Must be 0 or more.
    Negative,
    /// Must be 1 or more.
    AtLeastOne,
    /// Must be at most `max`.
    TooLarge { max: i32 },
    /// The three weights must add up to 100 (reported on `safety_weight`).
    WeightsSum { sum: i64 },
    /// `yellow_min` must be more than 0.
    YellowMinNotPositive,
    /// `green_min` must be more than `yellow_min`.
    GreenMinNotAboveYellowMin,
    /// Must not be more than the field `other`.
    MoreThan { other: &'static str },
}

fn label_zh(field: &str) -> &'static str {
    match field {
        "version" => "版本号",
        "safety_weight" => "安全管理权重",
        "hazard_weight" => "隐患治理权重",
        "case_weight" => "案事件情况权重",
        "green_min" => "绿色最低分",
        "yellow_min" => "黄色最低分",
        "hazard_late_general" => "一般隐患逾期整改扣分",
        "hazard_late_major" => "重大隐患逾期整改扣分",
        "hazard_open_general" => "一般隐患未整改（未到期）扣分",
        "hazard_open_major" => "重大隐患未整改（未到期）扣分",
        "hazard_overdue_general" => "一般隐患逾期未整改扣分",
        "hazard_overdue_major" => "重大隐患逾期未整改扣分",
        "incident_criminal" => "刑事案件扣分",
        "incident_public_order" => "治安案件扣分",
        "incident_fire_safety" => "火灾或安全事故扣分",
        "incident_fraud" => "诈骗扣分",
        "incident_theft" => "盗窃扣分",
        "incident_other" => "其他警情扣分",
        "dispute_unresolved" => "未化解纠纷扣分",
        "dispute_unresolved_mass" => "未化解群体性纠纷扣分",
        "mass_dispute_threshold" => "群体性纠纷人数标准",
        "demand_response_days" => "诉求答复期限（天）",
        "objection_days" => "异议期限（天）",
        "push_ack_days" => "推送确认期限（天）",
        _ => "字段",
    }
}

fn label_en(field: &str) -> &'static str {
    match field {
        "version" => "Version",
        "safety_weight" => "Safety management weight",
        "hazard_weight" => "Hazard governance weight",
        "case_weight" => "Case situation weight",
        "green_min" => "Lowest green total",
        "yellow_min" => "Lowest yellow total",
        "hazard_late_general" => "General hazard rectified late",
        "hazard_late_major" => "Major hazard rectified late",
        "hazard_open_general" => "General hazard open, not yet due",
        "hazard_open_major" => "Major hazard open, not yet due",
        "hazard_overdue_general" => "General hazard overdue",
        "hazard_overdue_major" => "Major hazard overdue",
        "incident_criminal" => "Criminal case",
        "incident_public_order" => "Public-order case",
        "incident_fire_safety" => "Fire or safety accident",
        "incident_fraud" => "Fraud",
        "incident_theft" => "Theft",
        "incident_other" => "Other incident",
        "dispute_unresolved" => "Unresolved dispute",
        "dispute_unresolved_mass" => "Unresolved mass dispute",
        "mass_dispute_threshold" => "Mass dispute threshold (people)",
        "demand_response_days" => "Demand response deadline (days)",
        "objection_days" => "Objection period (days)",
        "push_ack_days" => "Push acknowledgement period (days)",
        _ => "Field",
    }
}

impl PolicyError {
    pub fn message_zh(&self) -> String {
        let label = label_zh(self.field);
        let field = self.field;
        match &self.kind {
            PolicyErrorKind::Negative => format!("{label}（{field}）不能小于 0"),
            PolicyErrorKind::AtLeastOne => format!("{label}（{field}）至少为 1"),
            PolicyErrorKind::TooLarge { max } => format!("{label}（{field}）不能大于 {max}"),
            PolicyErrorKind::WeightsSum { sum } => format!(
                "三项权重（safety_weight、hazard_weight、case_weight）之和必须为 100，现为 {sum}"
            ),
            PolicyErrorKind::YellowMinNotPositive => format!("{label}（{field}）必须大于 0"),
            PolicyErrorKind::GreenMinNotAboveYellowMin => {
                format!("{label}（{field}）必须大于黄色最低分（yellow_min）")
            }
            PolicyErrorKind::MoreThan { other } => {
                format!("{label}（{field}）不能大于{}（{other}）", label_zh(other))
            }
        }
    }

    pub fn message_en(&self) -> String {
        let label = label_en(self.field);
        let field = self.field;
        match &self.kind {
            PolicyErrorKind::Negative => format!("{label} ({field}) must be 0 or more"),
            PolicyErrorKind::AtLeastOne => format!("{label} ({field}) must be at least 1"),
            PolicyErrorKind::TooLarge { max } => format!("{label} ({field}) must be at most {max}"),
            PolicyErrorKind::WeightsSum { sum } => format!(
                "The three weights (safety_weight, hazard_weight, case_weight) must add up to 100; they add up to {sum}"
            ),
            PolicyErrorKind::YellowMinNotPositive => {
                format!("{label} ({field}) must be more than 0")
            }
            PolicyErrorKind::GreenMinNotAboveYellowMin => {
                format!("{label} ({field}) must be more than the lowest yellow total (yellow_min)")
            }
            PolicyErrorKind::MoreThan { other } => format!(
                "{label} ({field}) must not be more than {} ({other})",
                label_en(other).to_lowercase()
            ),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for PolicyError {}
