//! The incident pages' words, per language.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct IncidentText {
    pub incident: &'static str,
    pub incidents: &'static str,
    pub new_incident: &'static str,
    pub edit_incident: &'static str,
    pub occurred_on: &'static str,
    pub category: &'static str,
    pub severity: &'static str,
    pub enterprise_victim: &'static str,
    pub enterprise_victim_hint: &'static str,
    pub summary: &'static str,
    pub enterprise: &'static str,
    pub recorded_by: &'static str,
    pub delete_question: &'static str,
    pub err_future: &'static str,
}

pub fn text(lang: Lang) -> &'static IncidentText {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

static ZH: IncidentText = IncidentText {
    incident: "警情",
    incidents: "涉企警情",
    new_incident: "登记警情",
    edit_incident: "编辑警情",
    occurred_on: "发生日期",
    category: "类别",
    severity: "严重程度",
    enterprise_victim: "企业为受害方",
    enterprise_victim_hint: "企业是刑事或治安案件的受害方时勾选（扣分减半）。",
    summary: "简要情况",
    enterprise: "企业",
    recorded_by: "登记人",
    delete_question: "删除这条警情？删除记录会保留在审计日志中。",
    err_future: "日期不能晚于今天。",
};

static EN: IncidentText = IncidentText {
    incident: "Incident",
    incidents: "Police incidents",
    new_incident: "Record an incident",
    edit_incident: "Edit incident",
    occurred_on: "Date",
    category: "Category",
    severity: "Severity",
    enterprise_victim: "The enterprise was the victim",
    enterprise_victim_hint: "Tick when the enterprise was the victim of a criminal or public-order case (halves the deduction).",
    summary: "Summary",
    enterprise: "Enterprise",
    recorded_by: "Recorded by",
    delete_question: "Delete this incident? The deletion stays in the audit log.",
    err_future: "The date cannot be after today.",
};
