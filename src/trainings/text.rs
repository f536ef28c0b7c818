//! The training pages' words, per language.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct TrainingText {
    pub training: &'static str,
    pub trainings: &'static str,
    pub new_training: &'static str,
    pub edit_training: &'static str,
    pub held_on: &'static str,
    pub kind: &'static str,
    pub topic: &'static str,
    pub enterprises: &'static str,
    pub enterprises_hint: &'static str,
    pub enterprise_filter: &'static str,
    pub enterprise_filter_hint: &'static str,
    pub enterprise_filter_submit: &'static str,
    pub no_enterprises_match: &'static str,
    pub attendee_count: &'static str,
    pub attendee_count_hint: &'static str,
    pub year: &'static str,
    pub recorded_by: &'static str,
    pub enterprise_count: &'static str,
    pub closed: &'static str,
    pub delete_question: &'static str,
    pub err_future: &'static str,
    pub err_no_enterprise: &'static str,
    pub err_foreign_enterprise: &'static str,
}

pub fn text(lang: Lang) -> &'static TrainingText {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

static ZH: TrainingText = TrainingText {
    training: "培训演练",
    trainings: "培训与演练",
    new_training: "登记培训演练",
    edit_training: "编辑培训演练",
    held_on: "日期",
    kind: "类型",
    topic: "主题",
    enterprises: "参加企业",
    enterprises_hint: "至少选择一家企业。",
    enterprise_filter: "按名称查找企业",
    enterprise_filter_hint: "先查找，再勾选企业并填写其他各项。",
    enterprise_filter_submit: "查找",
    no_enterprises_match: "没有名称相符的企业。",
    attendee_count: "参加人数",
    attendee_count_hint: "各企业参加人员合计。",
    year: "年份",
    recorded_by: "登记人",
    enterprise_count: "企业数",
    closed: "已关闭",
    delete_question: "删除这条培训演练记录？删除记录会保留在审计日志中。",
    err_future: "日期不能晚于今天。",
    err_no_enterprise: "请至少选择一家参加企业。",
    err_foreign_enterprise: "所选企业中有不属于本所（或已关闭）的企业，请重新选择。",
};

static EN: TrainingText = TrainingText {
    training: "Training",
    trainings: "Trainings and drills",
    new_training: "Record a training",
    edit_training: "Edit training",
    held_on: "Date",
    kind: "Kind",
    topic: "Topic",
    enterprises: "Enterprises attending",
    enterprises_hint: "Choose at least one enterprise.",
    enterprise_filter: "Find enterprises by name",
    enterprise_filter_hint: "Find first, then tick the enterprises and fill in the rest.",
    enterprise_filter_submit: "Find",
    no_enterprises_match: "No enterprise has a matching name.",
    attendee_count: "Number of attendees",
    attendee_count_hint: "People attending from all enterprises together.",
    year: "Year",
    recorded_by: "Recorded by",
    enterprise_count: "Enterprises",
    closed: "closed",
    delete_question: "Delete this training? The deletion stays in the audit log.",
    err_future: "The date cannot be after today.",
    err_no_enterprise: "Choose at least one enterprise attending.",
    err_foreign_enterprise: "An enterprise chosen is not one of this station's (or is closed). Choose again.",
};
