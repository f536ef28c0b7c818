//! Reason lines: one per point lost and per rule applied, each naming the
//! record it comes from, readable in Chinese and English.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::inputs::{HazardSeverity, IncidentCategory, IncidentSeverity};
use super::level::Level;

/// What a reason line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Safety,
    Hazards,
    Cases,
    /// Rules that decide the level (threshold, veto, step limit, unrated).
    Level,
}

impl Indicator {
    pub fn code(self) -> &'static str {
        match self {
            Indicator::Safety => "safety",
            Indicator::Hazards => "hazards",
            Indicator::Cases => "cases",
            Indicator::Level => "level",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Indicator::Safety => "安全管理",
            Indicator::Hazards => "隐患治理",
            Indicator::Cases => "案事件情况",
            Indicator::Level => "等级",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Indicator::Safety => "safety management",
            Indicator::Hazards => "hazard governance",
            Indicator::Cases => "case situation",
            Indicator::Level => "level",
        }
    }
}

/// The veto rules (一票否决).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoRule {
    /// A major hazard open and overdue at quarter end (record: hazard).
    MajorHazardOverdue,
    /// A criminal case of major severity in the quarter (record: incident).
    MajorCriminalCase,
    /// A mass dispute unresolved at quarter end (record: dispute).
    MassDisputeUnresolved,
}

impl VetoRule {
    pub fn code(self) -> &'static str {
        match self {
            VetoRule::MajorHazardOverdue => "major_hazard_overdue",
            VetoRule::MajorCriminalCase => "major_criminal_case",
            VetoRule::MassDisputeUnresolved => "mass_dispute_unresolved",
        }
    }
}

/// One line of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub indicator: Indicator,
    /// Change to the total: negative for a deduction, positive for a floor
    /// giving back points, 0 for a rule note. The points of all lines add up
    /// to `total - 100`.
    pub points: i32,
    pub kind: ReasonKind,
}

/// What a line says, with the data it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasonKind {
    /// The inspection the safety score comes from: `score` of `max` points.
    InspectionScore {
        visit_id: i64,
        date: NaiveDate,
        passed: i32,
        applicable: i32,
        score: i32,
        max: i32,
    },
    /// No inspection in the quarter: an earlier one is used.
    StaleInspection { visit_id: i64, date: NaiveDate },
    /// No inspection on record: the safety score is 0.
    NeverInspected,
    HazardRectifiedOnTime {
        hazard_id: i64,
        severity: HazardSeverity,
        deadline: NaiveDate,
        rectified_on: NaiveDate,
    },
    HazardRectifiedLate {
        hazard_id: i64,
        severity: HazardSeverity,
        deadline: NaiveDate,
        rectified_on: NaiveDate,
    },
    /// Open at quarter end, deadline not yet passed.
    HazardOpen {
        hazard_id: i64,
        severity: HazardSeverity,
        deadline: NaiveDate,
    },
    /// Open at quarter end, deadline passed.
    HazardOverdue {
        hazard_id: i64,
        severity: HazardSeverity,
        deadline: NaiveDate,
    },
    Incident {
        incident_id: i64,
        category: IncidentCategory,
        severity: IncidentSeverity,
        date: NaiveDate,
        /// The deduction was halved because the enterprise was the victim.
        victim_halved: bool,
    },
    DisputeUnresolved {
        dispute_id: i64,
        mass: bool,
        people: i32,
    },
    /// The indicator's deductions exceeded its points; the excess is given
    /// back so that the indicator stops at 0.
    Floor {
        indicator: Indicator,
        deducted: i32,
        max: i32,
    },
    /// The level the total gives.
    Threshold {
        total: i32,
        level: Level,
        green_min: i32,
        yellow_min: i32,
    },
    /// Never inspected and no veto: no level.
    Unrated { total: i32 },
    /// A veto forces red; `record_id` is the hazard, incident or dispute.
    Veto { rule: VetoRule, record_id: i64 },
    /// The previous published level was red: `from` is lowered to `to`.
    StepLimit { from: Level, to: Level },
}

fn signed(points: i32) -> String {
    match points {
        p if p < 0 => format!("\u{2212}{}", p.unsigned_abs()),
        p if p > 0 => format!("+{p}"),
        _ => "0".to_owned(),
    }
}

impl Reason {
    /// Lines about a record or a score show their points even when 0; rule
    /// notes show them only when they are not 0.
    fn prefix(&self, separator: &str) -> String {
        let rule_note = matches!(
            self.kind,
            ReasonKind::StaleInspection { .. }
                | ReasonKind::Threshold { .. }
                | ReasonKind::Unrated { .. }
                | ReasonKind::Veto { .. }
                | ReasonKind::StepLimit { .. }
        );
        if rule_note && self.points == 0 {
            String::new()
        } else {
            format!("{}{separator}", signed(self.points))
        }
    }

    pub fn text_zh(&self) -> String {
        let body = match &self.kind {
            ReasonKind::InspectionScore {
                visit_id,
                date,
                passed,
                applicable,
                score,
                max,
            } => {
                if *applicable <= 0 {
                    format!("安全检查（走访 #{visit_id}，{date}）无适用检查项，得 {score}/{max} 分")
                } else {
                    format!(
                        "安全检查（走访 #{visit_id}，{date}）适用检查项 {applicable} 项，合格 {passed} 项，得 {score}/{max} 分"
                    )
                }
            }
            ReasonKind::StaleInspection { visit_id, date } => {
                format!("本季度无安全检查，沿用此前最近一次检查（走访 #{visit_id}，{date}）的得分")
            }
            ReasonKind::NeverInspected => "从未进行安全检查，安全管理得 0 分".to_owned(),
            ReasonKind::HazardRectifiedOnTime {
                hazard_id,
                severity,
                deadline,
                rectified_on,
            } => format!(
                "{} #{hazard_id} 已于 {rectified_on} 按期整改（期限 {deadline}）",
                severity.zh()
            ),
            ReasonKind::HazardRectifiedLate {
                hazard_id,
                severity,
                deadline,
                rectified_on,
            } => format!(
                "{} #{hazard_id} 于 {deadline} 到期，{rectified_on} 才整改（逾期整改）",
                severity.zh()
            ),
            ReasonKind::HazardOpen {
                hazard_id,
                severity,
                deadline,
            } => format!(
                "{} #{hazard_id} 季度末未整改，整改期限 {deadline}，尚未到期",
                severity.zh()
            ),
            ReasonKind::HazardOverdue {
                hazard_id,
                severity,
                deadline,
            } => format!(
                "{} #{hazard_id} 于 {deadline} 到期，季度末仍未整改",
                severity.zh()
            ),
            ReasonKind::Incident {
                incident_id,
                category,
                severity,
                date,
                victim_halved,
            } => {
                let halved = if *victim_halved {
                    "，企业为受害方，扣分减半"
                } else {
                    ""
                };
                format!(
                    "{} #{incident_id}（{date}，{}）{halved}",
                    category.zh(),
                    severity.zh()
                )
            }
            ReasonKind::DisputeUnresolved {
                dispute_id,
                mass,
                people,
            } => {
                let what = if *mass {
                    "群体性纠纷"
                } else {
                    "矛盾纠纷"
                };
                format!("{what} #{dispute_id}（涉及 {people} 人）季度末未化解")
            }
            ReasonKind::Floor {
                indicator,
                deducted,
                max,
            } => format!(
                "{}扣分合计 {deducted} 分，超过该项满分 {max} 分，按 0 分计",
                indicator.name_zh()
            ),
            ReasonKind::Threshold {
                total,
                level,
                green_min,
                yellow_min,
            } => format!(
                "总分 {total}：{}（绿色 ≥ {green_min}，黄色 {yellow_min}–{}，红色 < {yellow_min}）",
                level.zh(),
                green_min.saturating_sub(1)
            ),
            ReasonKind::Unrated { total } => {
                format!("从未进行安全检查，暂不评级（总分 {total} 仅供参考）")
            }
            ReasonKind::Veto { rule, record_id } => {
                let what = match rule {
                    VetoRule::MajorHazardOverdue => {
                        format!("重大隐患 #{record_id} 季度末逾期未整改")
                    }
                    VetoRule::MajorCriminalCase => {
                        format!("本季度发生重大刑事案件 #{record_id}")
                    }
                    VetoRule::MassDisputeUnresolved => {
                        format!("群体性纠纷 #{record_id} 季度末未化解")
                    }
                };
                format!("一票否决：{what}，定为红色")
            }
            ReasonKind::StepLimit { from, to } => format!(
                "升级限制：上期公布等级为红色，本季度最多升至{}（{} → {}）",
                to.zh(),
                from.zh(),
                to.zh()
            ),
        };
        format!("{}{body}", self.prefix("："))
    }

    pub fn text_en(&self) -> String {
        let body = match &self.kind {
            ReasonKind::InspectionScore {
                visit_id,
                date,
                passed,
                applicable,
                score,
                max,
            } => {
                if *applicable <= 0 {
                    format!(
                        "security inspection (visit #{visit_id}, {date}) had no applicable checklist items: {score} of {max} points"
                    )
                } else {
                    format!(
                        "security inspection (visit #{visit_id}, {date}): {passed} of {applicable} applicable checklist items passed, {score} of {max} points"
                    )
                }
            }
            ReasonKind::StaleInspection { visit_id, date } => format!(
                "no security inspection this quarter: the score of the latest earlier inspection (visit #{visit_id}, {date}) is used"
            ),
            ReasonKind::NeverInspected => {
                "never inspected: no security inspection on record, safety management scores 0"
                    .to_owned()
            }
            ReasonKind::HazardRectifiedOnTime {
                hazard_id,
                severity,
                deadline,
                rectified_on,
            } => format!(
                "{} #{hazard_id} rectified on time on {rectified_on} (deadline {deadline})",
                severity.en()
            ),
            ReasonKind::HazardRectifiedLate {
                hazard_id,
                severity,
                deadline,
                rectified_on,
            } => format!(
                "{} #{hazard_id} rectified late on {rectified_on} (deadline {deadline})",
                severity.en()
            ),
            ReasonKind::HazardOpen {
                hazard_id,
                severity,
                deadline,
            } => format!(
                "{} #{hazard_id} open at quarter end, not yet due (deadline {deadline})",
                severity.en()
            ),
            ReasonKind::HazardOverdue {
                hazard_id,
                severity,
                deadline,
            } => format!(
                "{} #{hazard_id} overdue since {deadline}, still open at quarter end",
                severity.en()
            ),
            ReasonKind::Incident {
                incident_id,
                category,
                severity,
                date,
                victim_halved,
            } => {
                let halved = if *victim_halved {
                    "; the enterprise was the victim, deduction halved"
                } else {
                    ""
                };
                format!(
                    "{} #{incident_id} on {date} ({}){halved}",
                    category.en(),
                    severity.en()
                )
            }
            ReasonKind::DisputeUnresolved {
                dispute_id,
                mass,
                people,
            } => {
                let what = if *mass { "mass dispute" } else { "dispute" };
                format!("{what} #{dispute_id} ({people} people) unresolved at quarter end")
            }
            ReasonKind::Floor {
                indicator,
                deducted,
                max,
            } => format!(
                "{} deductions total {deducted}, more than its {max} points: the score stops at 0",
                indicator.name_en()
            ),
            ReasonKind::Threshold {
                total,
                level,
                green_min,
                yellow_min,
            } => format!(
                "total {total}: {} (green ≥ {green_min}, yellow {yellow_min}–{}, red < {yellow_min})",
                level.en(),
                green_min.saturating_sub(1)
            ),
            ReasonKind::Unrated { total } => {
                format!("never inspected: not yet rated (total {total} shown for information)")
            }
            ReasonKind::Veto { rule, record_id } => {
                let what = match rule {
                    VetoRule::MajorHazardOverdue => {
                        format!("major hazard #{record_id} open and overdue at quarter end")
                    }
                    VetoRule::MajorCriminalCase => {
                        format!("major criminal case #{record_id} in the quarter")
                    }
                    VetoRule::MassDisputeUnresolved => {
                        format!("mass dispute #{record_id} unresolved at quarter end")
                    }
                };
                format!("veto: {what}, red")
            }
            ReasonKind::StepLimit { from, to } => format!(
                "step limit: the previous published level was red, so this quarter rises at most to {} ({} → {})",
                to.en(),
                from.en(),
                to.en()
            ),
        };
        format!("{}{body}", self.prefix(": "))
    }
}

/// How a reason sentence names a coded value (in the sentence's own case
/// and words, which the forms' labels need not share).
trait Words {
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;
}

impl Words for HazardSeverity {
    fn zh(self) -> &'static str {
        match self {
            HazardSeverity::General => "一般隐患",
            HazardSeverity::Major => "重大隐患",
        }
    }

    fn en(self) -> &'static str {
        match self {
            HazardSeverity::General => "general hazard",
            HazardSeverity::Major => "major hazard",
        }
    }
}

impl Words for IncidentCategory {
    fn zh(self) -> &'static str {
        match self {
            IncidentCategory::Criminal => "刑事案件",
            IncidentCategory::PublicOrder => "治安案件",
            IncidentCategory::FireSafety => "火灾或安全事故",
            IncidentCategory::Fraud => "诈骗",
            IncidentCategory::Theft => "盗窃",
            IncidentCategory::Other => "其他警情",
        }
    }

    fn en(self) -> &'static str {
        match self {
            IncidentCategory::Criminal => "criminal case",
            IncidentCategory::PublicOrder => "public-order case",
            IncidentCategory::FireSafety => "fire or safety accident",
            IncidentCategory::Fraud => "fraud",
            IncidentCategory::Theft => "theft",
            IncidentCategory::Other => "other incident",
        }
    }
}

impl Words for IncidentSeverity {
    fn zh(self) -> &'static str {
        match self {
            IncidentSeverity::Minor => "轻微",
            IncidentSeverity::Serious => "较重",
            IncidentSeverity::Major => "重大",
        }
    }

    fn en(self) -> &'static str {
        match self {
            IncidentSeverity::Minor => "minor",
            IncidentSeverity::Serious => "serious",
            IncidentSeverity::Major => "major",
        }
    }
}

impl Words for Level {
    fn zh(self) -> &'static str {
        self.name_zh()
    }

    fn en(self) -> &'static str {
        self.code()
    }
}
