//! The scoring policy pages' words, per language.

use crate::i18n::Lang;

/// The label and hint of one policy parameter.
#[derive(Debug)]
pub struct ParamWords {
    /// The parameter's name in the policy JSON and in the form.
    pub name: &'static str,
    pub label: &'static str,
    /// Shown under the field; empty when the label says it all.
    pub hint: &'static str,
}

#[derive(Debug)]
pub struct PolicyText {
    pub policies: &'static str,
    pub policies_intro: &'static str,
    pub policy_version: fn(i32) -> String,
    pub new_version: &'static str,
    pub new_version_intro: fn(i32) -> String,
    pub version: &'static str,
    pub effective_from: &'static str,
    pub effective_from_hint: &'static str,
    pub created_at: &'static str,
    pub created_by: &'static str,
    pub created_by_system: &'static str,
    pub weights_short: &'static str,
    pub thresholds_short: &'static str,
    pub thresholds_value: fn(i32, i32) -> String,
    pub status: &'static str,
    pub status_in_force: &'static str,
    pub status_upcoming: &'static str,
    pub status_superseded: &'static str,
    pub read_only_note: &'static str,
    pub previous_value: &'static str,
    pub changed_from_previous: fn(usize, i32) -> String,
    pub unchanged_from_previous: fn(i32) -> String,
    pub enabled: &'static str,
    pub disabled: &'static str,
    pub admin_home: &'static str,
    pub create_version: &'static str,
    pub newest_value: &'static str,
    pub err_quarter: &'static str,
    pub err_before_newest: fn(&str, i32) -> String,
    pub err_before_current: fn(&str) -> String,
    pub err_too_far_ahead: fn(&str) -> String,
    pub err_no_change: fn(i32) -> String,
    pub err_stale: fn(i32) -> String,
    pub group_weights: &'static str,
    pub group_weights_intro: &'static str,
    pub group_thresholds: &'static str,
    pub group_thresholds_intro: &'static str,
    pub group_hazards: &'static str,
    pub group_hazards_intro: &'static str,
    pub group_incidents: &'static str,
    pub group_incidents_intro: &'static str,
    pub group_disputes: &'static str,
    pub group_disputes_intro: &'static str,
    pub group_deadlines: &'static str,
    pub group_deadlines_intro: &'static str,
    pub group_vetoes: &'static str,
    pub group_vetoes_intro: &'static str,
    pub group_step_limit: &'static str,
    pub group_step_limit_intro: &'static str,
    /// Every parameter of the policy, by name.
    pub params: &'static [ParamWords],
}

impl PolicyText {
    /// The words of the parameter `name` (every parameter has them: a test
    /// holds the catalog to the policy's fields).
    pub fn param(&self, name: &str) -> &'static ParamWords {
        self.params
            .iter()
            .find(|p| p.name == name)
            .unwrap_or(&UNKNOWN)
    }
}

static UNKNOWN: ParamWords = ParamWords {
    name: "",
    label: "?",
    hint: "",
};

pub fn text(lang: Lang) -> &'static PolicyText {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

static ZH: PolicyText = PolicyText {
    policies: "评分规则",
    policies_intro: "评分规则按版本保存，已保存的版本不能修改。修改规则即新建一个版本，从所选季度起适用；此前的季度和已发布的评定仍按原来的版本。",
    policy_version: |v| format!("评分规则第 {v} 版"),
    new_version: "新建版本",
    new_version_intro: |v| {
        format!(
            "以下数值取自第 {v} 版，只需修改要调整的项目。保存后成为新的版本，从所选季度起适用。"
        )
    },
    version: "版本",
    effective_from: "起始季度",
    effective_from_hint: "格式如 2027-Q1。新版本从该季度起适用，不能早于本季度，也不能早于最新版本的起始季度。",
    created_at: "创建时间",
    created_by: "创建人",
    created_by_system: "系统初始",
    weights_short: "权重（安全/隐患/案事件）",
    thresholds_short: "等级分数线",
    thresholds_value: |green, yellow| format!("绿色 ≥ {green}，黄色 ≥ {yellow}"),
    status: "状态",
    status_in_force: "本季度适用",
    status_upcoming: "待生效",
    status_superseded: "已被取代",
    read_only_note: "已保存的版本不能修改。如需调整，请新建版本。",
    previous_value: "上一版",
    changed_from_previous: |n, v| format!("与第 {v} 版相比有 {n} 项改动，已标出。"),
    unchanged_from_previous: |v| format!("各项数值与第 {v} 版相同。"),
    enabled: "启用",
    disabled: "不启用",
    admin_home: "系统管理",
    create_version: "保存为新版本",
    newest_value: "最新版本中的值",
    err_quarter: "请按 YYYY-Qn 的格式填写季度，如 2027-Q1。",
    err_before_newest: |q, v| {
        format!("起始季度不能早于最新版本（第 {v} 版）的起始季度 {q}：规则版本只能向后生效。")
    },
    err_before_current: |q| format!("起始季度不能早于本季度 {q}：已结束的季度不能改用新规则。"),
    err_too_far_ahead: |q| format!("起始季度不能晚于 {q}（两年以内）。"),
    err_no_change: |v| format!("各项数值与第 {v} 版完全相同，无需新建版本。"),
    err_stale: |v| {
        format!(
            "在您填写期间，已有人保存了第 {v} 版。您填写的内容已保留，请对照最新版本的值检查后再保存。"
        )
    },
    group_weights: "指标权重",
    group_weights_intro: "三项指标的满分，三项之和须为 100。",
    group_thresholds: "等级分数线",
    group_thresholds_intro: "总分不低于绿色线为绿色；不低于黄色线为黄色；更低为红色。",
    group_hazards: "隐患扣分",
    group_hazards_intro: "从“隐患治理”中按每条隐患扣分；按期整改不扣分。同一状态下重大隐患扣分不少于一般隐患；逾期未整改扣分不少于逾期整改和未到期。",
    group_incidents: "警情扣分",
    group_incidents_intro: "从“案事件情况”中按季度内每起警情扣分；企业为刑事或治安案件受害方时减半（向下取整）。",
    group_disputes: "矛盾纠纷",
    group_disputes_intro: "从“案事件情况”中按季度末每起未化解的纠纷扣分。",
    group_deadlines: "期限",
    group_deadlines_intro: "诉求答复和异议的期限，不影响评分。",
    group_vetoes: "一票否决",
    group_vetoes_intro: "勾选的情形出现时，无论总分多少均评为红色。",
    group_step_limit: "升级限制",
    group_step_limit_intro: "限制等级一次上升的幅度。",
    params: &[
        ParamWords {
            name: "safety_weight",
            label: "安全管理（分）",
            hint: "按季度内最近一次安全检查的合格比例计分。",
        },
        ParamWords {
            name: "hazard_weight",
            label: "隐患治理（分）",
            hint: "",
        },
        ParamWords {
            name: "case_weight",
            label: "案事件情况（分）",
            hint: "",
        },
        ParamWords {
            name: "green_min",
            label: "绿色最低总分",
            hint: "",
        },
        ParamWords {
            name: "yellow_min",
            label: "黄色最低总分",
            hint: "须低于绿色最低总分。",
        },
        ParamWords {
            name: "hazard_late_general",
            label: "一般隐患：逾期整改（每条扣分）",
            hint: "季度内已整改，但晚于整改期限。",
        },
        ParamWords {
            name: "hazard_late_major",
            label: "重大隐患：逾期整改（每条扣分）",
            hint: "",
        },
        ParamWords {
            name: "hazard_open_general",
            label: "一般隐患：未整改、未到期（每条扣分）",
            hint: "季度末仍未整改，整改期限未到。",
        },
        ParamWords {
            name: "hazard_open_major",
            label: "重大隐患：未整改、未到期（每条扣分）",
            hint: "",
        },
        ParamWords {
            name: "hazard_overdue_general",
            label: "一般隐患：逾期未整改（每条扣分）",
            hint: "季度末仍未整改，且已过整改期限。",
        },
        ParamWords {
            name: "hazard_overdue_major",
            label: "重大隐患：逾期未整改（每条扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_criminal",
            label: "刑事案件（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_public_order",
            label: "治安案件（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_fire_safety",
            label: "火灾或安全事故（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_fraud",
            label: "诈骗（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_theft",
            label: "盗窃（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "incident_other",
            label: "其他警情（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "dispute_unresolved",
            label: "未化解纠纷（每起扣分）",
            hint: "",
        },
        ParamWords {
            name: "dispute_unresolved_mass",
            label: "未化解群体性纠纷（每起扣分）",
            hint: "不少于普通纠纷的扣分。",
        },
        ParamWords {
            name: "mass_dispute_threshold",
            label: "群体性纠纷人数标准（人）",
            hint: "涉及人数达到此数即为群体性纠纷。",
        },
        ParamWords {
            name: "demand_response_days",
            label: "诉求答复期限（天）",
            hint: "企业诉求登记后须在此天数内答复。",
        },
        ParamWords {
            name: "objection_days",
            label: "异议期限（天）",
            hint: "评定发布后，企业可在此天数内对等级提出异议。",
        },
        ParamWords {
            name: "push_ack_days",
            label: "推送确认期限（天）",
            hint: "协作部门须在此天数内确认收到推送，逾期未确认的推送显示在所长首页。",
        },
        ParamWords {
            name: "veto_major_hazard_overdue",
            label: "季度末有重大隐患逾期未整改",
            hint: "",
        },
        ParamWords {
            name: "veto_major_criminal",
            label: "季度内发生重大刑事案件",
            hint: "",
        },
        ParamWords {
            name: "veto_mass_dispute_unresolved",
            label: "季度末有群体性纠纷未化解",
            hint: "",
        },
        ParamWords {
            name: "step_limit",
            label: "上季度为红色的企业，本季度最多升至黄色",
            hint: "",
        },
    ],
};

static EN: PolicyText = PolicyText {
    policies: "Scoring policy",
    policies_intro: "The scoring policy is kept in versions, and a saved version never changes. A change is a new version that applies from the quarter you choose; earlier quarters and published evaluations keep the version they used.",
    policy_version: |v| format!("Scoring policy, version {v}"),
    new_version: "New version",
    new_version_intro: |v| {
        format!(
            "The values below are those of version {v}: change only what you mean to change. Saving makes a new version that applies from the chosen quarter."
        )
    },
    version: "Version",
    effective_from: "Applies from quarter",
    effective_from_hint: "For example 2027-Q1. Not before the current quarter, and not before the newest version's first quarter.",
    created_at: "Created",
    created_by: "Created by",
    created_by_system: "Initial setup",
    weights_short: "Weights (safety / hazards / cases)",
    thresholds_short: "Level thresholds",
    thresholds_value: |green, yellow| format!("green ≥ {green}, yellow ≥ {yellow}"),
    status: "Status",
    status_in_force: "In force this quarter",
    status_upcoming: "Upcoming",
    status_superseded: "Superseded",
    read_only_note: "A saved version cannot be changed. To adjust the policy, create a new version.",
    previous_value: "Previous version",
    changed_from_previous: |n, v| {
        if n == 1 {
            format!("1 value differs from version {v}; it is marked.")
        } else {
            format!("{n} values differ from version {v}; they are marked.")
        }
    },
    unchanged_from_previous: |v| format!("Every value is the same as in version {v}."),
    enabled: "On",
    disabled: "Off",
    admin_home: "Administration",
    create_version: "Save as a new version",
    newest_value: "Value in the newest version",
    err_quarter: "Enter the quarter as YYYY-Qn, for example 2027-Q1.",
    err_before_newest: |q, v| {
        format!(
            "The first quarter cannot be before {q}, the first quarter of the newest version (version {v}): versions apply forward in time."
        )
    },
    err_before_current: |q| {
        format!(
            "The first quarter cannot be before the current quarter, {q}: quarters that have ended keep their rules."
        )
    },
    err_too_far_ahead: |q| format!("The first quarter cannot be after {q} (within two years)."),
    err_no_change: |v| {
        format!(
            "Every value is the same as in version {v}; there is nothing to save as a new version."
        )
    },
    err_stale: |v| {
        format!(
            "While you were editing, version {v} was saved. Your values are kept: check them against the newest version's values shown below, then save again."
        )
    },
    group_weights: "Indicator weights",
    group_weights_intro: "The full marks of the three indicators; they must add up to 100.",
    group_thresholds: "Level thresholds",
    group_thresholds_intro: "A total at or above the green line is green; at or above the yellow line, yellow; below it, red.",
    group_hazards: "Hazard deductions",
    group_hazards_intro: "Points taken off hazard governance per hidden danger; rectified on time costs nothing. A major hazard never costs less than a general one in the same state, and an overdue one never less than a late or not-yet-due one.",
    group_incidents: "Incident deductions",
    group_incidents_intro: "Points taken off case situation per police incident in the quarter; halved (rounded down) when the enterprise was the victim of a criminal or public-order case.",
    group_disputes: "Disputes",
    group_disputes_intro: "Points taken off case situation per dispute unresolved at quarter end.",
    group_deadlines: "Deadlines",
    group_deadlines_intro: "Deadlines for answering demands and for objections; they do not change scores.",
    group_vetoes: "Veto rules",
    group_vetoes_intro: "When a ticked situation occurs, the level is red whatever the total.",
    group_step_limit: "Step limit",
    group_step_limit_intro: "How far a level may rise in one quarter.",
    params: &[
        ParamWords {
            name: "safety_weight",
            label: "Safety management (points)",
            hint: "Scored from the pass rate of the latest security inspection in the quarter.",
        },
        ParamWords {
            name: "hazard_weight",
            label: "Hazard governance (points)",
            hint: "",
        },
        ParamWords {
            name: "case_weight",
            label: "Case situation (points)",
            hint: "",
        },
        ParamWords {
            name: "green_min",
            label: "Lowest green total",
            hint: "",
        },
        ParamWords {
            name: "yellow_min",
            label: "Lowest yellow total",
            hint: "Must be below the lowest green total.",
        },
        ParamWords {
            name: "hazard_late_general",
            label: "General hazard rectified late (points each)",
            hint: "Rectified within the quarter, but after its deadline.",
        },
        ParamWords {
            name: "hazard_late_major",
            label: "Major hazard rectified late (points each)",
            hint: "",
        },
        ParamWords {
            name: "hazard_open_general",
            label: "General hazard open, not yet due (points each)",
            hint: "Open at quarter end, before its deadline.",
        },
        ParamWords {
            name: "hazard_open_major",
            label: "Major hazard open, not yet due (points each)",
            hint: "",
        },
        ParamWords {
            name: "hazard_overdue_general",
            label: "General hazard open and overdue (points each)",
            hint: "Open at quarter end and past its deadline.",
        },
        ParamWords {
            name: "hazard_overdue_major",
            label: "Major hazard open and overdue (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_criminal",
            label: "Criminal case (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_public_order",
            label: "Public-order case (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_fire_safety",
            label: "Fire or safety accident (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_fraud",
            label: "Fraud (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_theft",
            label: "Theft (points each)",
            hint: "",
        },
        ParamWords {
            name: "incident_other",
            label: "Other incident (points each)",
            hint: "",
        },
        ParamWords {
            name: "dispute_unresolved",
            label: "Unresolved dispute (points each)",
            hint: "",
        },
        ParamWords {
            name: "dispute_unresolved_mass",
            label: "Unresolved mass dispute (points each)",
            hint: "At least the deduction for an ordinary dispute.",
        },
        ParamWords {
            name: "mass_dispute_threshold",
            label: "Mass dispute from (people)",
            hint: "A dispute involving at least this many people is a mass dispute.",
        },
        ParamWords {
            name: "demand_response_days",
            label: "Demand response deadline (days)",
            hint: "Days within which an enterprise's demand must be answered.",
        },
        ParamWords {
            name: "objection_days",
            label: "Objection period (days)",
            hint: "Days after publication during which an enterprise may object to its level.",
        },
        ParamWords {
            name: "push_ack_days",
            label: "Push acknowledgement period (days)",
            hint: "Days a partner department has to acknowledge a push; later ones show on the chief's home page.",
        },
        ParamWords {
            name: "veto_major_hazard_overdue",
            label: "A major hazard open and overdue at quarter end",
            hint: "",
        },
        ParamWords {
            name: "veto_major_criminal",
            label: "A criminal case of major severity in the quarter",
            hint: "",
        },
        ParamWords {
            name: "veto_mass_dispute_unresolved",
            label: "A mass dispute unresolved at quarter end",
            hint: "",
        },
        ParamWords {
            name: "step_limit",
            label: "An enterprise red last quarter rises at most to yellow",
            hint: "",
        },
    ],
};
